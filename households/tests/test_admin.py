"""The admin is the district office's: every model opens for them, scoped; no delete; closed to clerks."""

import pytest
from django.contrib.auth.models import Permission
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


def test_reference_table_import_is_the_district_offices(client: Client, areas: dict[str, Area], dora: User) -> None:
    client.force_login(dora)
    assert client.get("/admin/accounts/area/import/").status_code == 200
    assert client.get("/admin/households/povertystandard/export/").status_code == 200
    # A staff account with only view rights (say, a helper the office set up) gets neither.
    helper = User.objects.create_user("helper", password="Correct-horse-9", area=areas["文昌湖区"], is_staff=True)
    helper.user_permissions.add(*Permission.objects.filter(codename__in=["view_area", "view_povertystandard"]))
    client.force_login(helper)
    assert client.get("/admin/accounts/area/import/").status_code == 403
    assert client.get("/admin/households/povertystandard/export/").status_code == 403


def test_area_import_in_the_admin_checks_the_tree(areas: dict[str, Area]) -> None:
    import tablib

    from accounts.resources import AreaResource

    data = tablib.Dataset(headers=["code", "name", "level", "parent_code"])
    data.append(["370390100299", "错挂村", "village", "370390000000"])  # a village directly under the district
    result = AreaResource().import_data(data, dry_run=True)
    assert result.has_validation_errors() or result.has_errors()
    assert not Area.objects.filter(name="错挂村").exists()


def test_the_admin_shows_a_households_status_but_never_edits_it(
    client: Client, areas: dict[str, Area], dora: User
) -> None:
    """Issue 10 bug 2: the admin edited status and exit year freely, with no status-change row and no
    reassessment. Only the exit procedure and the status page (both through rules.status_change_refusal) may."""
    household = make_household(village=areas["商家村"], actor=dora)
    client.force_login(dora)
    page = client.get(f"/admin/households/household/{household.pk}/change/").content.decode()
    assert "未脱贫" in page
    assert 'name="status"' not in page
    assert 'name="exit_year"' not in page
