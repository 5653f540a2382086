"""The audit log (等保2.0 安全审计): who did what, when, from where.

`audit_record` is the one way to write an event. It masks every ID number and mobile number in the text it is
given, so a careless caller cannot put one in the log. The request being served (for the actor and the
address) is kept in a context variable by `AuditRequestMiddleware`, so services and signal handlers that have
no request at hand still record where an action came from.
"""

import re
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

from .models import AuditAction, AuditEvent, User

_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)

# 18-digit (or 15-digit) ID numbers and 11-digit mobiles, wherever they stand in a text.
_ID_NUMBER = re.compile(
    r"(?<![0-9])([0-9]{6})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9])|(?<![0-9])([0-9]{6})[0-9]{5}([0-9]{4})(?![0-9])"
)
_MOBILE = re.compile(r"(?<![0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])")


def mask_text(text: str) -> str:
    """370303********1234 and 138****8000 in place of any full ID number or mobile number in `text`."""

    def id_number(match: re.Match[str]) -> str:
        if match.group(1):
            return f"{match.group(1)}********{match.group(2)}"
        return f"{match.group(3)}*****{match.group(4)}"

    return _MOBILE.sub(r"\1****\2", _ID_NUMBER.sub(id_number, text))


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address. Behind nginx the proxy sets X-Real-IP; REMOTE_ADDR is the proxy otherwise."""
    if request is None:
        return None
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR") or None


def current_request() -> HttpRequest | None:
    return _request.get()


def audit_record(
    *,
    action: str,
    actor: User | None = None,
    username: str = "",
    summary: str = "",
    obj: Any = None,
    object_type: str = "",
    object_id: str | int = "",
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Append one event. The actor and address default to those of the request being served."""
    request = request or current_request()
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    return AuditEvent.objects.create(
        actor=actor,
        username=(username or (actor.get_username() if actor else ""))[:150],
        ip=client_ip(request),
        action=AuditAction(action),
        object_type=object_type[:50],
        object_id=str(object_id)[:40],
        summary=mask_text(summary)[:1000],
    )


class AuditRequestMiddleware:
    """Keeps the request being served where `audit_record` finds it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def get_in_scope_or_404(queryset: Any, pk: int, *, user: User) -> Any:
    """`queryset.get(pk=pk)` for an access_* helper whose queryset is already scoped. An object that exists but
    lies outside the user's scope is a 404 like a missing one (it must not be confirmed), and the refusal is
    audited (等保2.0: access control events)."""
    from django.http import Http404

    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist:
        if queryset.model._default_manager.filter(pk=pk).exists():
            audit_record(
                action=AuditAction.DENIED,
                actor=user if user.is_authenticated else None,
                object_type=queryset.model._meta.label_lower,
                object_id=pk,
                summary=f"请求范围外的{queryset.model._meta.verbose_name}，已拒绝（404）",
            )
        raise Http404 from None
