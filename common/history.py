"""django-simple-history: who made a change and why, read when the object is saved."""

from typing import Any


def record_history(obj: Any, *, actor: Any, reason: str) -> None:
    """Make the next `obj.save()` record `actor` and `reason` in its history row (services call this before
    saving any model with `HistoricalRecords`)."""
    obj._history_user = actor
    obj._change_reason = reason
