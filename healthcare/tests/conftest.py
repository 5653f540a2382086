"""Fixtures of the health app: a 卫健/医保 officer besides sam, an education officer who may only read, and
households that meet the exit standard but for what the insurance records say."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Area, Role, User
from conftest import make_user
from households.models import Household, Relation
from households.selectors import default_year
from households.services import income_set, standard_set
from households.tests.factories import make_household, member

YEAR = default_year()


@pytest.fixture
def ed(areas: dict[str, Area]) -> User:
    """A sector officer of 教育: reads the health records, writes none."""
    return make_user("ed", role=Role.SECTOR_OFFICER, area=areas["文昌湖区"], sector="education")


@pytest.fixture
def standard(db: None) -> None:
    standard_set(year=YEAR, poverty_line=Decimal(3609), dibao_line=Decimal(4800))


def good_household(*, village: Area, actor: User, number: str, **fields: object) -> Household:
    """A household that meets every part of the exit standard, its members insured by the registry's field."""
    household = make_household(
        village=village, actor=actor, number=number, house_grade="A", safe_water=True,
        members=[
            member("王一", medical_insurance=True),
            member("李二", Relation.SPOUSE, male=False, birth=date(1962, 3, 3), medical_insurance=True),
        ],
        **fields,
    )  # fmt: skip
    income_set(actor=actor, household=household, year=YEAR, data={"wage": Decimal(20000)})
    return household


@pytest.fixture
def shangjia(areas: dict[str, Area], dora: User, standard: None) -> Household:
    return good_household(village=areas["商家村"], actor=dora, number="H1")


@pytest.fixture
def mengshui(areas: dict[str, Area], dora: User, standard: None) -> Household:
    return good_household(village=areas["萌水村"], actor=dora, number="H2")
