"""The one scoping function: who sees which areas, and that it fails closed."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Area, User
from accounts.selectors import areas_in_scope, towns_in_scope, villages_in_scope
from conftest import make_user

# Module-wide: some tests reach the database only through request.getfixturevalue, which pytest-django cannot
# see when it orders tests; unmarked, they would run after the browser test's flush and find no roles.
pytestmark = pytest.mark.django_db

SHANGJIA_VILLAGES = {"商家村", "李家村", "东坡村", "西坡村", "南庄村"}
MENGSHUI_VILLAGES = {"萌水村", "北沙村", "大里村", "南山村", "东庄村"}


def names(qs: object) -> set[str]:
    return {a.name for a in qs}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("alice", {"商家镇", *SHANGJIA_VILLAGES}),
        ("bob", {"萌水镇", *MENGSHUI_VILLAGES}),
        ("vera", {"商家村"}),
        ("dora", {"文昌湖区", "商家镇", "萌水镇", *SHANGJIA_VILLAGES, *MENGSHUI_VILLAGES}),
        ("sam", {"文昌湖区", "商家镇", "萌水镇", *SHANGJIA_VILLAGES, *MENGSHUI_VILLAGES}),
        ("audrey", set()),  # the auditor reads the audit log only
        ("nobody", set()),
    ],
)
def test_scope_is_the_subtree_of_the_users_area(
    request: pytest.FixtureRequest, persona: str, expected: set[str]
) -> None:
    user = request.getfixturevalue(persona)
    assert names(areas_in_scope(user)) == expected


def test_villages_and_towns_in_scope(alice: User, vera: User) -> None:
    assert names(villages_in_scope(alice)) == SHANGJIA_VILLAGES
    assert names(towns_in_scope(alice)) == {"商家镇"}
    assert names(villages_in_scope(vera)) == {"商家村"}
    assert names(towns_in_scope(vera)) == set()


def test_fails_closed_for_anonymous_and_none() -> None:
    assert not areas_in_scope(None).exists()
    assert not areas_in_scope(AnonymousUser()).exists()


def test_fails_closed_for_a_role_without_an_area(areas: dict[str, Area]) -> None:
    clerk = make_user("clerk", role="town_clerk", area=None)
    assert not areas_in_scope(clerk).exists()


def test_fails_closed_for_an_area_without_a_role(areas: dict[str, Area]) -> None:
    user = make_user("norole", role=None, area=areas["文昌湖区"])
    assert not areas_in_scope(user).exists()


def test_fails_closed_for_an_inactive_user(alice: User) -> None:
    alice.is_active = False
    alice.save()
    assert not areas_in_scope(alice).exists()


def test_a_superuser_is_scoped_like_everyone_else(areas: dict[str, Area]) -> None:
    root = User.objects.create_superuser("root", password="Correct-horse-9")
    assert not areas_in_scope(root).exists()
