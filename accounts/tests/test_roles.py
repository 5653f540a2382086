"""The roles table (DESIGN §4): every group holds exactly what the apps' roles.py give it, the sync after
migrate mends drift, and a sector officer writes only the records of the sector on the account."""

import pytest
from django.contrib.auth.models import Group, Permission

from accounts.models import Area, Role, Sector, User
from accounts.roles import expected_group_permissions, role_tables, roles_sync, sector_permissions
from accounts.sectors import SECTORS
from assistance.models import Department
from conftest import make_user


def held(group: Group) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


@pytest.mark.django_db
def test_every_group_holds_exactly_its_table() -> None:
    expected = expected_group_permissions()
    assert set(expected) == set(Role.values)
    for role in Role.values:
        assert held(Group.objects.get(name=role)) == expected[role], role


@pytest.mark.django_db
def test_the_sync_adds_what_is_missing_and_takes_away_what_is_not_in_the_table() -> None:
    clerk = Group.objects.get(name=Role.TOWN_CLERK)
    stray = Permission.objects.get(content_type__app_label="households", codename="approve_exit")
    clerk.permissions.add(stray)
    clerk.permissions.remove(Permission.objects.get(content_type__app_label="households", codename="view_household"))
    roles_sync("households")
    assert held(clerk) == expected_group_permissions()[Role.TOWN_CLERK]
    roles_sync("households")  # idempotent
    assert held(clerk) == expected_group_permissions()[Role.TOWN_CLERK]


def test_the_tables_name_known_roles_and_sectors() -> None:
    for label, module in role_tables().items():
        assert set(module.GRANTS) <= set(Role.values), label
        assert set(getattr(module, "SECTOR_GRANTS", {})) <= set(Sector.values), label


def test_one_list_of_sectors() -> None:
    """accounts.sectors.SECTORS is the list: the account's Sector and the measure's Department follow it."""
    assert [value for _n, value, _l in SECTORS] == Sector.values
    assert {label for _n, _v, label in SECTORS} <= set(Department.values)


@pytest.mark.parametrize(
    ("sector", "may", "may_not"),
    [
        ("civil_affairs", "assistance.add_measure", "assistance.add_pairing"),
        ("labour", "assistance.change_measure", "households.change_household"),
        ("health", "assistance.view_measure", "assistance.add_measure"),
    ],
)
def test_a_sector_officer_writes_only_their_sector(areas: dict[str, Area], sector: str, may: str, may_not: str) -> None:
    officer = make_user(f"officer_{sector}", role=Role.SECTOR_OFFICER, area=areas["文昌湖区"], sector=sector)
    assert officer.has_perm(may)
    assert not officer.has_perm(may_not)


def test_the_sector_on_an_account_without_the_role_gives_nothing(areas: dict[str, Area], alice: User) -> None:
    clerk = make_user("clerk_with_sector", role=Role.TOWN_CLERK, area=areas["商家镇"], sector="civil_affairs")
    assert clerk.has_perm("assistance.add_measure")  # as a town clerk
    assert {p for p in sector_permissions("civil_affairs") if p.startswith("assistance.")} == {
        "assistance.add_measure",
        "assistance.change_measure",
    }
    clerk.groups.clear()
    clerk = User.objects.get(pk=clerk.pk)
    assert not clerk.has_perm("assistance.add_measure")
