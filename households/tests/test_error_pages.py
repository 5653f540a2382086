"""With DEBUG off, as in production and in `make run` (DJANGO_EMBEDDED), errors are the friendly Chinese pages:
never Django's English debug page, which lists the URL patterns."""

import pytest
from django.test import Client

from accounts.models import Area, User

from .factories import make_household

pytestmark = pytest.mark.django_db


def assert_chinese_404(response: object) -> None:
    body = response.content.decode()
    assert response.status_code == 404
    assert "找不到该页面或记录" in body
    assert "URLconf" not in body
    assert "Page not found" not in body


def test_an_unknown_address_is_the_chinese_404_page(client: Client, alice: User, settings: object) -> None:
    settings.DEBUG = False
    client.force_login(alice)
    assert_chinese_404(client.get("/no-such-page/"))
    assert_chinese_404(client.get("/households/999999/"))


def test_another_towns_household_is_the_chinese_404_page(
    client: Client, areas: dict[str, Area], alice: User, bob: User, settings: object
) -> None:
    settings.DEBUG = False
    household = make_household(village=areas["萌水村"], actor=bob)
    client.force_login(alice)
    response = client.get(f"/households/{household.pk}/")
    assert_chinese_404(response)
    assert household.number not in response.content.decode()


def test_a_refused_page_is_the_chinese_403_page(client: Client, audrey: User, settings: object) -> None:
    settings.DEBUG = False
    client.force_login(audrey)
    response = client.get("/households/")
    assert response.status_code == 403
    assert "您的角色无权进行此操作" in response.content.decode()


def test_a_server_error_is_the_chinese_500_page(
    client: Client, alice: User, settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.DEBUG = False
    from households import views

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "household_list_rows", broken)
    client.raise_request_exception = False
    client.force_login(alice)
    response = client.get("/households/")
    assert response.status_code == 500
    assert "系统出错了" in response.content.decode()
    assert "boom" not in response.content.decode()
