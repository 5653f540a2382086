from typing import Any

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET, require_http_methods

from .audit import audit_record, client_ip
from .models import AuditAction, AuditEvent, Role
from .signals import IP_FAILURES_KEY


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Where login lands: the district office on its dashboard (issue 15), the others who read the registry on
    its list (town clerks reach their town's dashboard from the menu), a plain account page for the rest."""
    user = request.user
    if Role.DISTRICT_OFFICER in user.roles and user.has_perm("reports.view_dashboard"):
        return redirect("reports:dashboard")
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


LOCKED_MESSAGE = "登录失败次数过多，该账户已被锁定 30 分钟。如需立即解锁，请联系区扶贫办安全管理员。"
IP_LIMITED_MESSAGE = "本地址登录失败次数过多，请 30 分钟后再试，或联系区扶贫办安全管理员。"


class LoginView(auth_views.LoginView):
    """The one login page. Accounts lock after 5 failures (django-axes, per account); an address with many
    failures across accounts is refused at a higher threshold (LOGIN_IP_FAILURE_LIMIT). An unknown user and a
    wrong password get the same answer, and so do their lockouts."""

    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        ip = client_ip(request)
        if ip and (cache.get(IP_FAILURES_KEY.format(ip=ip)) or 0) >= settings.LOGIN_IP_FAILURE_LIMIT:
            audit_record(
                action=AuditAction.LOGIN_FAILED,
                username=request.POST.get("username", ""),
                summary="来源地址登录失败过多，本次登录被拒绝",
            )
            return refused_login(request, IP_LIMITED_MESSAGE)
        return super().post(request, *args, **kwargs)


def refused_login(request: HttpRequest, message: str) -> HttpResponse:
    form = AuthenticationForm(request, data=None)
    return render(request, "registration/login.html", {"form": form, "refused": message}, status=429)


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' lockout answer (AXES_LOCKOUT_CALLABLE): the login page with the reason, status 429."""
    return refused_login(request, LOCKED_MESSAGE)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password; required at first login and after an administrator reset it."""

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        user = form.save(commit=False)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        update_session_auth_hash(self.request, user)
        messages.success(self.request, "密码已修改。")
        return redirect(self.get_success_url())


@require_GET
@permission_required("accounts.view_auditevent", raise_exception=True)
def audit_log_view(request: HttpRequest) -> HttpResponse:
    """The audit log, for the audit role (审计管理员): read only, newest first, filtered."""
    events = AuditEvent.objects.select_related("actor")
    action = request.GET.get("action", "")
    if action in AuditAction.values:
        events = events.filter(action=action)
    who = request.GET.get("who", "").strip()
    if who:
        events = events.filter(username__icontains=who)
    day = parse_date(request.GET.get("day", "") or "")
    if day:
        events = events.filter(at__date=day)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/audit_log.html",
        {"page": page, "actions": AuditAction.choices, "query": query.urlencode(), "filters": request.GET},
    )


@require_http_methods(["GET", "POST"])
@permission_required("accounts.unlock_user", raise_exception=True)
def lockouts_view(request: HttpRequest) -> HttpResponse:
    """Accounts locked now, for the security role (安全管理员), who can unlock one; each unlock is audited."""
    if request.method == "POST":
        username = request.POST.get("username", "")
        if reset(username=username):
            audit_record(action=AuditAction.UNLOCK, username=username, summary=f"解除账户 {username} 的登录锁定")
            messages.success(request, f"已解除 {username} 的锁定。")
        return redirect("lockouts")
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    locked = (
        AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since)
        .order_by("-attempt_time")
        .values("username", "failures_since_start", "attempt_time", "ip_address")
    )
    return render(request, "accounts/lockouts.html", {"locked": locked})
