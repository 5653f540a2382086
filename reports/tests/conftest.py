"""Fixtures of the reports tests: a small world in both towns, refreshed into the stored figures."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Area, Role, User
from conftest import make_user
from households.models import Household, HouseholdIncome, PovertyStandard
from households.services.assessment import assessments_recompute
from households.tests.factories import make_household, member
from reports.services import figures_refresh


@pytest.fixture
def teacher(areas: dict[str, Area]) -> User:
    """A sector officer of education: reads the dashboard, handles no problem, makes no pack."""
    return make_user("teacher", role=Role.SECTOR_OFFICER, area=areas["文昌湖区"], sector="education")


@pytest.fixture
def world(areas: dict[str, Area], alice: User, bob: User, dora: User) -> dict[str, Household]:
    """Three households in 商家镇 (two in 商家村, one in 李家村) and one in 萌水镇, with a standard, incomes and
    the stored figures of last year."""
    from households.selectors import default_year

    year = default_year()
    PovertyStandard.objects.create(year=year, poverty_line=Decimal("4000"), dibao_line=Decimal("3600"))
    poor = make_household(
        village=areas["商家村"],
        actor=alice,
        number="SJ-1",
        phone="",  # Q10
        members=[member("王大", health="健康", labour_ability="无劳动力", birth=date(1980, 5, 1))],  # Q02
    )
    fine = make_household(
        village=areas["商家村"],
        actor=alice,
        number="SJ-2",
        phone="13800000001",
        members=[member("李二", health="患有大病")],
    )
    other_village = make_household(village=areas["李家村"], actor=alice, number="LJ-1", phone="13800000002")
    far = make_household(village=areas["萌水村"], actor=bob, number="MS-1", phone="13800000003")
    HouseholdIncome.objects.create(household=fine, year=year, wage=Decimal("9000"))
    HouseholdIncome.objects.create(household=far, year=year, wage=Decimal("1000"))
    assessments_recompute(year=year)
    figures_refresh(year=year, trigger="测试")
    return {"poor": poor, "fine": fine, "other_village": other_village, "far": far}
