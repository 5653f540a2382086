"""The recompute (DESIGN §7): every household's assessment for a year, by the rules, writing only what changed.

Set-based: households are taken in chunks, each chunk's facts read in three queries, the pure rules applied,
and only new or changed assessments written. Safe to run twice; a second run while one is going is refused.
On PostgreSQL a chunk whose inputs hash as at its last assessment is skipped unread, and a large run is shared
among worker processes, one per core (the rules are Python: one process would use one core).
"""

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any

import billiard
from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.utils import timezone

from common.bulk import ANALYZE_AFTER, analyze, insert_rows
from households.models import Household, HouseholdAssessment, RecomputeRun
from households.rules import Assessment, assess, assessment_date
from households.selectors import facts_fingerprints, filter_in, household_facts, standards_by_year

LOCK_KEY = "households:recompute:lock"
LOCK_SECONDS = 2 * 60 * 60
CHUNK = 20_000  # households per round of queries
# A run of at least this many chunks on PostgreSQL is shared among worker processes (see assessments_recompute).
PARALLEL_CHUNKS = 4
# Part of every household's facts fingerprint: raise it when rules.py changes what it concludes from the same
# facts, so that the next run reassesses every household instead of skipping the unchanged ones.
RULES_VERSION = "2026-12-1"  # members by date, school age by 1 September, unrounded income


# What other apps do once many verdicts may have changed: a recompute run finished, an import was written
# (reports refreshes its stored figures). `households` imports none of them (DESIGN §3): they register here.
AfterAssessments = Callable[[str], None]  # the trigger, in words ("状态重算后")
_after_assessments: list[AfterAssessments] = []


def register_after_assessments(hook: AfterAssessments) -> None:
    if hook not in _after_assessments:
        _after_assessments.append(hook)


def assessments_changed(trigger: str) -> None:
    """Tell the registered apps, once the current transaction commits, that verdicts may have changed."""
    for hook in _after_assessments:
        transaction.on_commit(lambda hook=hook: hook(trigger))


class RecomputeRunningError(Exception):
    """Another recompute is running; this one did not start."""


@dataclass(frozen=True)
class RecomputeResult:
    assessed: int
    created: int
    changed: int
    unchanged: int


def _stored_values(result: Assessment) -> tuple[Any, ...]:
    return (
        result.per_capita,
        str(result.band) if result.band else "",
        "、".join(result.gaps),
        result.meets_standard,
        result.watch,
    )


FIELDS = ("per_capita", "band", "gaps", "meets_standard", "watch")


def _fingerprints_elsewhere(ids: list[int], *, year: int, salt: str) -> dict[int, str]:
    """facts_fingerprints on this thread's own connection, closed afterwards (see assessments_recompute)."""
    try:
        return facts_fingerprints(ids, year=year, salt=salt)
    finally:
        connections.close_all()


def _recompute_chunk(
    ids: list[int], *, hashes: dict[int, str], year: int, as_of: date, standard: Any, now: Any, dry_run: bool
) -> tuple[int, int, int]:
    stored = {
        row[0]: row[1:]
        for row in filter_in(
            HouseholdAssessment.objects.filter(year=year), "household_id", ids, bounded=True
        ).values_list("household_id", "pk", "facts_hash", *FIELDS)
    }
    # Households whose facts are as they were at the last assessment need no new one.
    todo = [pk for pk in ids if not hashes or pk not in stored or stored[pk][1] != hashes.get(pk)]
    facts = household_facts(todo, year=year)
    new_rows, updates, changed = [], [], 0
    for pk, household in facts.items():
        values = _stored_values(assess(household, standard=standard, as_of=as_of))
        fields = dict(zip(FIELDS, values, strict=True))
        facts_hash = hashes.get(pk, "")
        before = stored.get(pk)
        if before is None:
            new_rows.append({**fields, "household_id": pk, "year": year, "computed_at": now, "facts_hash": facts_hash})
        elif tuple(before[2:]) != values or before[1] != facts_hash:
            changed += tuple(before[2:]) != values
            updates.append(HouseholdAssessment(pk=before[0], **fields, computed_at=now, facts_hash=facts_hash))
    if not dry_run and (new_rows or updates):
        with transaction.atomic():
            insert_rows(HouseholdAssessment, new_rows, refresh_statistics=False)  # once at the end of the run
            HouseholdAssessment.objects.bulk_update(updates, [*FIELDS, "computed_at", "facts_hash"], batch_size=2000)
    return len(new_rows), changed, len(ids) - len(new_rows) - changed


def _chunk_in_process(job: tuple[Any, ...]) -> tuple[int, int, int]:
    """One chunk, fingerprinted and assessed in a worker process on a connection of its own."""
    chunk, year, as_of, standard, now, salt, dry_run = job
    try:
        hashes = facts_fingerprints(chunk, year=year, salt=salt)
        return _recompute_chunk(
            chunk, hashes=hashes, year=year, as_of=as_of, standard=standard, now=now, dry_run=dry_run
        )
    finally:
        connections.close_all()


def _processes() -> int:
    """Worker processes for a large run: RECOMPUTE_PROCESSES, else one per core (at most four)."""
    configured = getattr(settings, "RECOMPUTE_PROCESSES", None)
    return int(configured) if configured else min(os.cpu_count() or 1, 4)


def _in_processes(chunks: list[list[int]], *, processes: int, **job: Any) -> list[tuple[int, int, int]]:
    """The chunks shared among forked worker processes (the Python rules are CPU-bound: one process would use
    one core). billiard, Celery's own fork of multiprocessing, because a Celery worker's process may start
    children with it, where the standard library refuses. The parent's connections are closed first: a
    forked child must never talk on its parent's socket; each child opens its own."""
    connections.close_all()
    context = billiard.get_context("fork")
    jobs = [
        (chunk, job["year"], job["as_of"], job["standard"], job["now"], job["salt"], job["dry_run"]) for chunk in chunks
    ]
    pool = context.Pool(processes)
    try:
        counts = pool.map(_chunk_in_process, jobs, chunksize=1)
    except BaseException:
        pool.terminate()
        raise
    pool.close()  # not the context manager: its terminate() can hang while workers flush their last message
    pool.join()
    return counts


def assessments_recompute(
    *,
    year: int,
    household_ids: list[int] | None = None,
    dry_run: bool = False,
) -> RecomputeResult:
    """Assess every household (or the given ones) for `year` by rules 2–6 and store what changed."""
    as_of = assessment_date(year, today=timezone.localdate())
    standard = standards_by_year().get(year)
    now = timezone.now()
    ids = (
        household_ids
        if household_ids is not None
        else list(Household.objects.order_by("pk").values_list("pk", flat=True))
    )
    salt = (
        f"{RULES_VERSION}|{as_of}|{standard.poverty_line if standard else ''}|{standard.dibao_line if standard else ''}"
    )
    chunks = [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]
    processes = _processes()
    if (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and len(chunks) >= PARALLEL_CHUNKS
        and processes > 1
        # Fork only a single-threaded process (the nightly Celery worker, the command): a thread of a web
        # server could hold a lock at the moment of the fork that the child would then wait on forever.
        and threading.active_count() == 1
    ):
        counts = _in_processes(
            chunks, processes=processes, year=year, as_of=as_of, standard=standard, now=now, salt=salt, dry_run=dry_run
        )
        created, changed, unchanged = (sum(column) for column in zip(*counts, strict=True))
        return _finish(created, changed, unchanged, dry_run=dry_run)
    # In a real run (autocommit) PostgreSQL fingerprints the next chunk on a second connection while Python
    # assesses this one. Inside a transaction another connection could not see its rows: fingerprint inline.
    overlap = connection.vendor == "postgresql" and not connection.in_atomic_block and len(chunks) > 1
    created = changed = unchanged = 0
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(_fingerprints_elsewhere, chunks[0], year=year, salt=salt) if overlap else None
        for index, chunk in enumerate(chunks):
            if pending is not None:
                hashes = pending.result()
                following = index + 1 < len(chunks)
                pending = (
                    pool.submit(_fingerprints_elsewhere, chunks[index + 1], year=year, salt=salt) if following else None
                )
            else:
                hashes = facts_fingerprints(chunk, year=year, salt=salt)
            c, ch, u = _recompute_chunk(
                chunk, hashes=hashes, year=year, as_of=as_of, standard=standard, now=now, dry_run=dry_run
            )
            created, changed, unchanged = created + c, changed + ch, unchanged + u
    return _finish(created, changed, unchanged, dry_run=dry_run)


def _finish(created: int, changed: int, unchanged: int, *, dry_run: bool) -> RecomputeResult:
    if not dry_run and created >= ANALYZE_AFTER and connection.vendor == "postgresql":
        analyze(HouseholdAssessment)  # the next run's and the pages' queries plan from fresh statistics
    return RecomputeResult(
        assessed=created + changed + unchanged, created=created, changed=changed, unchanged=unchanged
    )


def recompute_run(*, year: int, trigger: str) -> RecomputeRun:
    """The whole recompute as a recorded run (start, end, counts, errors), refusing to overlap with itself."""
    if not cache.add(LOCK_KEY, trigger, LOCK_SECONDS):
        raise RecomputeRunningError("另一次状态重算正在运行，本次未启动。")
    run = RecomputeRun.objects.create(year=year, trigger=trigger)
    try:
        result = assessments_recompute(year=year)
    except Exception as exc:
        run.status, run.errors, run.error_text = RecomputeRun.Status.FAILED, 1, f"{type(exc).__name__}: {exc}"[:2000]
        raise
    else:
        run.status, run.assessed, run.changed = (
            RecomputeRun.Status.DONE,
            result.assessed,
            result.created + result.changed,
        )
    finally:
        run.finished_at = timezone.now()
        run.save()
        cache.delete(LOCK_KEY)
    assessments_changed("状态重算后")
    return run
