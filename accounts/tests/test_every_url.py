"""Every URL pattern of the project, walked: each needs a logged-in user, and a user logged in without any
role or permission is refused (403) or finds nothing (404), except the explicit allow-list."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import User

pytestmark = pytest.mark.django_db

# Open to anyone: the login page and the health check (static files are served before Django's URLs).
OPEN = {"/accounts/login/", "/healthz/", "/admin/login/"}
# Open to any logged-in user, whatever their role: their own account.
OWN_ACCOUNT = {"/", "/accounts/logout/", "/accounts/password/", "/admin/logout/"}


def _paths(patterns: list, prefix: str = "") -> list[str]:
    paths = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            paths += _paths(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            paths.append(route)
    return paths


def concrete(route: str) -> str:
    """A path for the route: 1 for every int, `x` for every other converter, regex groups likewise."""
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    route = re.sub(r"<int:\w+>", "1", route)
    route = re.sub(r"<(?:\w+:)?\w+>", "x", route)
    route = route.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")
    return "/" + route


ALL = sorted({concrete(r) for r in _paths(get_resolver().url_patterns)})


def test_the_walk_covers_the_project() -> None:
    assert len(ALL) > 60
    for expected in ("/households/1/", "/assistance/cadres/", "/accounts/audit/", "/admin/"):
        assert expected in ALL


@pytest.mark.parametrize("path", ALL)
def test_every_url_needs_a_login(client: Client, path: str) -> None:
    response = client.get(path)
    if path in OPEN:
        assert response.status_code in (200, 302, 405), path
        return
    assert response.status_code == 302, path
    # The admin's own login URL only forwards to the one login page (accounts.views.admin_login).
    assert response["Location"].startswith(("/accounts/login/", "/admin/login/")), path


@pytest.mark.parametrize("path", ALL)
def test_every_url_needs_a_permission(client: Client, nobody: User, path: str) -> None:
    client.force_login(nobody)
    response = client.get(path)
    if path in OPEN or path in OWN_ACCOUNT:
        return
    if response.status_code == 302 and response["Location"].startswith("/admin/login/"):
        response = client.get(response["Location"])  # the admin sends non-staff to its login: a 403 there
    assert response.status_code in (403, 404, 405), (path, response.status_code)
