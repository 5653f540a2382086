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
def recompute_status_task(year: int | None = None) -> int:
    """The nightly recompute (beat, 02:00 Asia/Shanghai); also queued after a ledger import."""
    from households.selectors import default_year
    from households.services.assessment import RecomputeRunningError, recompute_run

    try:
        return recompute_run(year=year or default_year(), trigger="schedule" if year is None else "import").pk
    except RecomputeRunningError:
        return 0  # the run going on covers it; refusing to overlap is the point


@shared_task
def reassess_households_task(household_ids: list[int], year: int) -> int:
    """Reassess households just edited in the browser, by the same rules as the nightly job."""
    from households.services.assessment import assessments_recompute

    return assessments_recompute(year=year, household_ids=household_ids).assessed
