"""Fixtures of the education tests: an education officer (jim), and a 商家镇 household with a 12-year-old that
meets the exit standard in every other respect, so its school status alone decides the verdict."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Area, Role, User
from conftest import make_user
from households.models import Household, Person, Relation
from households.selectors import default_year
from households.services import income_set, standard_set
from households.tests.factories import make_household, member

YEAR = default_year()  # the year assessed by default; its assessment date is 31 December
SCHOOL_YEAR = YEAR  # the school year that 31 December falls in


@pytest.fixture
def jim(areas: dict[str, Area]) -> User:
    """An officer of the district's education department (行业部门 教育)."""
    return make_user("jim", role=Role.SECTOR_OFFICER, area=areas["文昌湖区"], sector="education")


@pytest.fixture
def standard(db: None) -> None:
    standard_set(year=YEAR, poverty_line=Decimal(3609), dibao_line=Decimal(3609))


@pytest.fixture
def family(areas: dict[str, Area], dora: User, standard: None) -> Household:
    """Head 李强, spouse, and 李小明 (12 on 31 December of YEAR, in 初中 by the registry), all insured."""
    household = make_household(
        village=areas["商家村"], actor=dora, number="E1", house_grade="A", safe_water=True,
        members=[
            member("李强", medical_insurance=True),
            member("王芳", Relation.SPOUSE, male=False, medical_insurance=True),
            member("李小明", Relation.SON, birth=date(YEAR - 12, 10, 1), school_status="初中", medical_insurance=True),
        ],
    )  # fmt: skip
    income_set(actor=dora, household=household, year=YEAR, data={"wage": Decimal(30000)})
    return household


@pytest.fixture
def child(family: Household) -> Person:
    return family.members.get(name="李小明")


@pytest.fixture
def other_town(areas: dict[str, Area], dora: User) -> Household:
    """A 萌水镇 household with a 10-year-old."""
    return make_household(
        village=areas["萌水村"], actor=dora, number="E2",
        members=[member("赵大"), member("赵小", Relation.SON, birth=date(YEAR - 10, 3, 1))],
    )  # fmt: skip
