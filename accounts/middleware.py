"""Session and response policies of 等保2.0 level 3 that apply to every page."""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from .signals import SESSION_LOGIN_AT


class SessionPolicyMiddleware:
    """Ends a session 8 hours after login whatever the activity (idle sessions end after 30 minutes through
    SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST), and sends a user who must change the password (a new
    account, or one an administrator reset) to the password page before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            login_at = request.session.get(SESSION_LOGIN_AT)
            if login_at is None or timezone.now().timestamp() - login_at > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                messages.info(request, "登录已超过 8 小时，请重新登录。")
                return redirect(settings.LOGIN_URL)
            allowed = (reverse("password_change"), reverse("logout"))
            if user.must_change_password and request.path not in allowed:
                messages.info(request, "请先修改密码（首次登录或密码已被管理员重置）。")
                return redirect("password_change")
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages shown to a logged-in user carry personal data: no browser or proxy may keep a copy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response
