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
