"""When the figures are refreshed besides the nightly schedule: after a recompute run finishes and after a
ledger import is applied (issue 15: "refreshed by the nightly job and after imports/recomputes").

The registry has no hook for this yet and reports may not edit it, so the refresh listens for the two rows the
registry already writes when it is done (RecomputeRun → 完成, LedgerImport → 已导入). This is a stop-gap: the
lead may replace it by one line at the end of `households.services.assessment.recompute_run` and of the
import's apply — `transaction.on_commit(lambda: refresh_reports_task.delay(trigger=...))` through a registry
hook — and delete this module.
"""

from typing import Any

from django.db.models.signals import post_save


def _after_recompute(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.status == "done" and instance.finished_at is not None:
        from .services import queue_refresh

        queue_refresh(trigger="状态重算后")


def _after_import(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.status == "done" and instance.finished_at is not None:
        from .services import queue_refresh

        queue_refresh(trigger="台账导入后")


def connect() -> None:
    from households.models import LedgerImport, RecomputeRun

    post_save.connect(_after_recompute, sender=RecomputeRun, dispatch_uid="reports_after_recompute")
    post_save.connect(_after_import, sender=LedgerImport, dispatch_uid="reports_after_import")
