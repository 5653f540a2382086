"""Login, logout, the landing page, and that every page but login needs a logged-in user."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese_and_open(client: Client) -> None:
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "登录" in response.content.decode()
    assert 'lang="zh-Hans"' in response.content.decode()


@pytest.mark.parametrize("url", ["/", "/households/", "/households/1/", "/households/new/", "/admin/"])
def test_pages_redirect_anonymous_users_to_login(client: Client, url: str) -> None:
    response = client.get(url, follow=True)
    assert response.redirect_chain
    assert response.request["PATH_INFO"] == "/accounts/login/"
    assert "登录" in response.content.decode()


def test_login_lands_on_a_page_that_answers_200(client: Client, alice: User) -> None:
    response = client.post("/accounts/login/", {"username": "alice", "password": "Correct-horse-9"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("households:list")


def test_wrong_password_is_refused_in_chinese(client: Client, alice: User) -> None:
    response = client.post("/accounts/login/", {"username": "alice", "password": "wrong-password"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_user_without_a_registry_role_lands_on_the_account_page(client: Client, audrey: User) -> None:
    client.force_login(audrey)
    response = client.get("/")
    assert response.status_code == 200
    assert "审计管理员" in response.content.decode()


def test_a_user_without_any_role_is_told_so(client: Client, nobody: User) -> None:
    client.force_login(nobody)
    response = client.get("/")
    assert "尚未分配角色" in response.content.decode()


def test_logout_ends_the_session(client: Client, alice: User) -> None:
    client.force_login(alice)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/households/").status_code == 302


def test_logout_by_get_is_refused(client: Client, alice: User) -> None:
    client.force_login(alice)
    assert client.get("/accounts/logout/").status_code == 405


def test_health_check_reports_database_and_cache(client: Client) -> None:
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_health_check_refuses_post(client: Client) -> None:
    assert client.post("/healthz/").status_code == 405
