"""Celery tasks of the reports app: thin, they take ids and call the services (STYLE §14)."""

from celery import shared_task


@shared_task
def refresh_reports_task(year: int | None = None, trigger: str = "夜间任务") -> int:
    """The refresh of the figures and problem lists: nightly after the recompute, and after imports."""
    from reports.services import figures_refresh

    return figures_refresh(year=year, trigger=trigger).pk


@shared_task(acks_late=True)
def build_pack_task(pack_id: int) -> str:
    """Build one inspection pack (xlsx or PDF), reporting progress on its row."""
    from reports.pack import pack_build

    return pack_build(pack_id=pack_id).status
