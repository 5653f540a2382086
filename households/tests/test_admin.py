"""The admin is the district office's: every model opens for them, scoped; no delete; closed to clerks."""

import pytest
from django.test import Client

from accounts.models import Area, User

from .factories import make_household

ADMIN_PAGES = [
    "/admin/",
    "/admin/accounts/area/",
    "/admin/accounts/user/",
    "/admin/households/household/",
    "/admin/households/person/",
    "/admin/households/householdincome/",
    "/admin/households/householdstatuschange/",
    "/admin/households/povertystandard/",
]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_the_district_office_opens_every_admin_page(client: Client, dora: User, url: str) -> None:
    client.force_login(dora)
    assert client.get(url).status_code == 200


def test_a_town_clerk_has_no_admin(client: Client, alice: User) -> None:
    client.force_login(alice)
    response = client.get("/admin/households/household/", follow=True)
    assert response.status_code == 403
    assert "无权" in response.content.decode()


def test_the_admin_never_deletes_a_household(client: Client, areas: dict[str, Area], dora: User) -> None:
    household = make_household(village=areas["商家村"], actor=dora)
    client.force_login(dora)
    assert client.get(f"/admin/households/household/{household.pk}/delete/").status_code == 403
    assert client.get(f"/admin/households/person/{household.members.get().pk}/delete/").status_code == 403


def test_the_admin_household_list_is_scoped(client: Client, areas: dict[str, Area], dora: User) -> None:
    make_household(village=areas["萌水村"], actor=dora, number="MS-ADMIN")
    narrow = User.objects.create_user("narrow", password="Correct-horse-9", area=areas["商家镇"], is_staff=True)
    narrow.groups.add(*dora.groups.all())
    client.force_login(narrow)
    assert "MS-ADMIN" not in client.get("/admin/households/household/").content.decode()
    client.force_login(dora)
    assert "MS-ADMIN" in client.get("/admin/households/household/").content.decode()


def test_only_a_superuser_grants_superuser_rights(client: Client, dora: User, alice: User) -> None:
    client.force_login(dora)
    body = client.get(f"/admin/accounts/user/{alice.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in body
