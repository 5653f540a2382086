"""Celery tasks of the registry: thin, they take ids and call the services."""

from celery import shared_task


@shared_task(acks_late=True)
def ledger_check_task(job_id: int) -> str:
    from households.ledger.jobs import import_check

    return import_check(job_id=job_id).status


@shared_task(acks_late=True)
def ledger_apply_task(job_id: int) -> str:
    from households.ledger.jobs import import_apply

    return import_apply(job_id=job_id).status


@shared_task
def recompute_status_task(year: int | None = None, trigger: str = "schedule") -> int:
    """The whole recompute: nightly by beat (02:00 Asia/Shanghai), or queued by the district office."""
    from households.selectors import default_year
    from households.services.assessment import RecomputeRunningError, recompute_run

    try:
        return recompute_run(year=year or default_year(), trigger=trigger).pk
    except RecomputeRunningError:
        return 0  # the run going on covers it; refusing to overlap is the point


@shared_task
def reassess_households_task(household_ids: list[int], year: int) -> int:
    """Reassess households just edited in the browser or written by an import, by the nightly job's rules."""
    from households.services.assessment import assessments_recompute

    return assessments_recompute(year=year, household_ids=household_ids).assessed


@shared_task
def sweep_uploads_task() -> int:
    """Hourly: remove uploaded ledgers abandoned for 24 hours (issue: security, uploads)."""
    from households.ledger.jobs import imports_sweep

    return imports_sweep()
