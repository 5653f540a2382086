from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Where login lands: the registry for those who may read it, a plain account page for the others."""
    if request.user.has_perm("households.view_household"):
        return redirect("households:list")
    return render(request, "accounts/home.html", {"roles": request.user.role_labels()})


@login_not_required
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For the load balancer and monitoring: the database and the cache (Redis in production) answer."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 — any failure means unhealthy; the detail goes to the log, not out
        checks["database"] = "error"
    try:
        cache.set("health-check", "ok", 10)
        checks["cache"] = "ok" if cache.get("health-check") == "ok" else "error"
    except Exception:  # noqa: BLE001
        checks["cache"] = "error"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


@login_not_required
def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's login sends people to the one login page. A signed-in user who is not staff gets a 403:
    sending them to the login page again would bounce straight back here."""
    if request.user.is_authenticated:
        raise PermissionDenied
    return redirect_to_login(request.GET.get("next", "/admin/"))
