"""Writes of the reports app: the refresh of the stored figures and the problem lists (nightly, after
imports and recomputes), the handling of a problem by a clerk, and the inspection-pack requests — plan ch. 12
§2 (督查考核), DESIGN §7 (jobs are idempotent and set-based).
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Area, AreaLevel, User
from common.history import record_history
from households.models import Household
from households.rules import assessment_date
from households.selectors import default_year, standards_by_year

from .figures import problem_counts, sector_figures, village_counts
from .models import AreaFigures, InspectionPack, PackFormat, Problem, ProblemState, RefreshRun
from .rules import findings
from .selectors import duplicate_id_numbers, quality_records

CHUNK = 5000  # households per round of the problem run's queries


@dataclass(frozen=True)
class ProblemRunResult:
    found: int
    new: int
    reopened: int
    cleared: int


def problems_run(*, year: int, today: date | None = None, dry_run: bool = False) -> ProblemRunResult:
    """Run every data-quality rule (reports.rules.RULES) over every household for `year` and bring the
    worklists up to date: a new finding opens a problem (待核实); a finding still made updates its text, and
    reopens one marked 已更正 (the correction did not fix it); a problem no longer found is cleared and leaves
    the list. 已说明 problems stay explained. Nothing is deleted. Idempotent."""
    today = today or timezone.localdate()
    as_of = assessment_date(year, today=today)
    standard = standards_by_year().get(year)
    duplicates = duplicate_id_numbers()
    ids = list(Household.objects.order_by("pk").values_list("pk", flat=True))
    found: dict[tuple[str, int, int | None], str] = {}
    for start in range(0, len(ids), CHUNK):
        for record in quality_records(ids[start : start + CHUNK], year=year, duplicates=duplicates):
            for (rule, person), detail in findings(record, standard=standard, as_of=as_of).items():
                found[(rule, record.pk, person)] = detail
    now = timezone.now()
    live = {
        (rule, household, person): (pk, state, detail)
        for pk, rule, household, person, state, detail in Problem.objects.filter(cleared_at__isnull=True).values_list(
            "pk", "rule", "household_id", "person_id", "state", "detail"
        )
    }
    new = [
        Problem(rule=r, household_id=h, person_id=p, detail=d, found_at=now, seen_at=now)
        for (r, h, p), d in found.items()
        if (r, h, p) not in live
    ]
    # Set-based writes of only what changed: a bulk_update of every live problem costs minutes at a million
    # persons, these statements seconds.
    cleared_ids = [pk for key, (pk, _s, _d) in live.items() if key not in found]
    reopen_ids = [pk for key, (pk, state, _d) in live.items() if key in found and state == ProblemState.FIXED]
    reworded = {pk: found[key] for key, (pk, _s, detail) in live.items() if key in found and found[key] != detail}
    if not dry_run:
        with transaction.atomic():
            Problem.objects.filter(cleared_at__isnull=True).update(seen_at=now)
            for start in range(0, len(cleared_ids), CHUNK):
                Problem.objects.filter(pk__in=cleared_ids[start : start + CHUNK]).update(cleared_at=now)
            for start in range(0, len(reopen_ids), CHUNK):
                Problem.objects.filter(pk__in=reopen_ids[start : start + CHUNK]).update(state=ProblemState.OPEN)
            for pk, detail in reworded.items():
                Problem.objects.filter(pk=pk).update(detail=detail)
            Problem.objects.bulk_create(new, batch_size=2000)
    reopened, cleared = len(reopen_ids), len(cleared_ids)
    return ProblemRunResult(found=len(found), new=len(new), reopened=reopened, cleared=cleared)


def figures_refresh(*, year: int | None = None, trigger: str = "手动", with_problems: bool = True) -> RefreshRun:
    """Recount the figures of every area for `year` (default: the year assessed by default) and store them,
    one row per area (AreaFigures); first bring the problem lists up to date (their open counts are figures).
    Idempotent; the dashboard reads only what this stores."""
    year = year or default_year()
    today = timezone.localdate()
    run = RefreshRun.objects.create(trigger=trigger[:30], year=year)
    result = problems_run(year=year, today=today) if with_problems else None
    as_of = today  # coverage (visits in the last 90 days) is about now, whatever year is shown
    by_village = village_counts(year=year, as_of=as_of)
    problems = problem_counts()
    extras = {f.key: f.compute(year, assessment_date(year, today=today)) for f in sector_figures()}
    areas = list(Area.objects.select_related("parent"))
    households: dict[int, Counter[str]] = {a.pk: Counter() for a in areas}
    persons: dict[int, Counter[str]] = {a.pk: Counter() for a in areas}
    extra: dict[int, Counter[str]] = {a.pk: Counter() for a in areas}
    parent = {a.pk: a.parent_id for a in areas}
    for area in areas:
        if area.level != AreaLevel.VILLAGE:
            continue
        h, p = by_village.get(area.pk, (Counter(), Counter()))
        h = h + problems.get(area.pk, Counter())
        e = Counter({key: values.get(area.pk, 0) for key, values in extras.items()})
        node: int | None = area.pk
        while node is not None:  # the village, its town, the district
            households[node].update(h)
            persons[node].update(p)
            extra[node].update(e)
            node = parent[node]
    now = timezone.now()
    rows = [
        AreaFigures(
            year=year,
            area_id=a.pk,
            households=dict(households[a.pk]),
            persons=dict(persons[a.pk]),
            extra={k: float(v) if not isinstance(v, int) else v for k, v in extra[a.pk].items()},
            computed_at=now,
        )
        for a in areas
    ]
    with transaction.atomic():
        AreaFigures.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["year", "area"],
            update_fields=["households", "persons", "extra", "computed_at"],
        )
        run.finished_at = timezone.now()
        run.areas = len(rows)
        if result is not None:
            run.problems_new, run.problems_cleared = result.new, result.cleared
        run.problems_open = Problem.objects.filter(cleared_at__isnull=True, state=ProblemState.OPEN).count()
        run.save()
    return run


def queue_after_assessments(trigger: str) -> None:
    """The registry's hook after a recompute run or an import (households.services.assessment
    .register_after_assessments); it is already called after the commit."""
    from .tasks import refresh_reports_task

    refresh_reports_task.delay(trigger=trigger)


def queue_refresh(*, trigger: str) -> None:
    """Queue a refresh once the current transaction commits (after an import, a recompute)."""
    from .tasks import refresh_reports_task

    transaction.on_commit(lambda: refresh_reports_task.delay(trigger=trigger))


@transaction.atomic
def problem_handle(*, actor: User, problem: Problem, state: str, note: str) -> Problem:
    """A clerk marks a problem 已更正 (the record was corrected; the next run confirms it and clears it) or
    已说明 with a note that says why the data is right (e.g. a 101-year-old who really lives), or back to
    待核实. Who and when are recorded, with the history of every change."""
    note = note.strip()
    if state not in ProblemState.values:
        raise ValidationError({"state": "请选择处理结果。"})
    if state == ProblemState.EXPLAINED and not note:
        raise ValidationError({"note": "选择“已说明”时，请写明情况属实的理由（例如：经入户核实，老人健在）。"})
    locked = Problem.objects.select_for_update().get(pk=problem.pk)
    if locked.cleared_at is not None:
        raise ValidationError("该疑点已在最近一次核查中消除，无需处理。")
    locked.state, locked.note = state, note[:300]
    locked.handled_by, locked.handled_at = actor, timezone.now()
    record_history(locked, actor=actor, reason=f"疑点处理：{ProblemState(state).label}")
    locked.save()
    return locked


@transaction.atomic
def pack_request(*, actor: User, area: Area, year: int, fmt: str) -> InspectionPack:
    """Ask for an inspection pack (迎检资料) of a town or village: the pack is built by a Celery task after the
    commit; the page shows its progress."""
    if area.level not in (AreaLevel.TOWN, AreaLevel.VILLAGE):
        raise ValidationError({"area": "请选择一个镇或行政村。"})
    if fmt not in PackFormat.values:
        raise ValidationError({"fmt": "请选择格式。"})
    if not 2014 <= year <= timezone.localdate().year:
        raise ValidationError({"year": f"年度应在 2014 到 {timezone.localdate().year} 之间。"})
    pack = InspectionPack.objects.create(actor=actor, area=area, year=year, format=fmt)
    from .tasks import build_pack_task

    transaction.on_commit(lambda: build_pack_task.delay(pack.pk))
    return pack
