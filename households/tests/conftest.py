"""Fixtures shared by the registry's tests."""

from decimal import Decimal

import pytest

from accounts.models import Area, User
from households.models import Household, Relation
from households.selectors import default_year
from households.services import income_set, standard_set

from .factories import make_household, member

YEAR = default_year()


@pytest.fixture
def ready(areas: dict[str, Area], dora: User) -> Household:
    """A 商家镇 household that meets the exit standard."""
    standard_set(year=YEAR, poverty_line=Decimal(3609), dibao_line=Decimal(4800))
    household = make_household(
        village=areas["商家村"], actor=dora, number="X1", house_grade="A", safe_water=True,
        members=[member("周一", medical_insurance=True), member("周二", Relation.SPOUSE, male=False, medical_insurance=True)],
    )  # fmt: skip
    income_set(actor=dora, household=household, year=YEAR, data={"wage": Decimal(20000)})
    return household
