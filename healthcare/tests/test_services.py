"""The services against the database: the group judged from the household's attribute, the member's flags, the
stored income band and its illnesses; the yearly cap carried across expenses; refusals."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from healthcare.rules import AidGroup, aid_groups
from healthcare.selectors import aid_person
from healthcare.services import expense_record, expense_void, illness_record
from households.models import Household, HouseholdAssessment
from households.services import person_leave

from .conftest import YEAR

pytestmark = pytest.mark.django_db

DAY = date(YEAR, 6, 1)


def spend(actor: User, person: object, in_scope: int, basic: int, **extra: object) -> object:
    data = {"visited_on": DAY, "hospital": "区医院", "level": "区县级医院", "total": Decimal(in_scope),
            "in_scope": Decimal(in_scope), "basic_paid": Decimal(basic), "critical_paid": Decimal(0), **extra}  # fmt: skip
    return expense_record(actor=actor, person=person, data=data)


def test_the_household_attribute_decides_75_percent(alice: User, shangjia: Household) -> None:
    shangjia.attribute = "低保贫困户"
    shangjia.save(update_fields=["attribute"])
    expense = spend(alice, shangjia.members.first(), 8000, 4500)
    assert (expense.aid, expense.aid_group) == (Decimal("2625.00"), "低保对象")


def test_the_stored_band_and_illness_poverty_are_groups(alice: User, shangjia: Household) -> None:
    wang = shangjia.members.get(name="王一")
    HouseholdAssessment.objects.create(household=shangjia, year=YEAR, band="低保边缘", computed_at=timezone.now())
    shangjia.main_cause = "缺技术"
    shangjia.save(update_fields=["main_cause"])
    assert AidGroup.DIBAO_EDGE in aid_groups(aid_person(wang, on=DAY))
    assert AidGroup.ILLNESS_POVERTY not in aid_groups(aid_person(wang, on=DAY))
    illness_record(
        actor=alice, person=wang,
        data={"kind": "major", "disease": "胃癌", "diagnosed_on": date(YEAR, 1, 5), "causes_poverty": True},
    )  # fmt: skip
    assert AidGroup.ILLNESS_POVERTY in aid_groups(aid_person(wang, on=DAY))
    assert AidGroup.ILLNESS_POVERTY not in aid_groups(aid_person(wang, on=date(YEAR, 1, 4)))  # before diagnosis


def test_the_cap_is_carried_across_expenses_and_a_voided_one_frees_it(alice: User, shangjia: Household) -> None:
    wang = shangjia.members.get(name="王一")
    first = spend(alice, wang, 40000, 10000)
    second = spend(alice, wang, 20000, 10000)
    assert (first.aid, second.aid) == (Decimal("12000.00"), Decimal("3000.00"))
    assert "只能再救助 3,000" in second.aid_words
    next_year = spend(alice, wang, 1000, 0, visited_on=min(date(YEAR + 1, 1, 2), timezone.localdate()))
    assert next_year.aid == Decimal("400.00")  # a new calendar year, a new cap
    expense_void(actor=alice, expense=first, reason="重复登记")
    third = spend(alice, wang, 10000, 5000)
    assert third.aid == Decimal("2000.00")  # 40% of 5,000, room left 12,000
    with pytest.raises(ValidationError, match="请填写作废原因"):
        expense_void(actor=alice, expense=second, reason=" ")


def test_refusals(alice: User, shangjia: Household) -> None:
    wang, li = shangjia.members.get(name="王一"), shangjia.members.get(name="李二")
    spend(alice, wang, 1000, 500, settlement_number="JS-1")
    with pytest.raises(ValidationError, match="结算单号 JS-1 已登记过"):
        spend(alice, li, 1000, 500, settlement_number="JS-1")
    with pytest.raises(ValidationError, match="基本医保和大病保险报销合计"):
        spend(alice, wang, 1000, 1500)
    person_leave(actor=alice, person=li, reason="死亡", on=date(YEAR, 1, 1))
    li.refresh_from_db()
    with pytest.raises(ValidationError, match="李二已死亡减少"):
        spend(alice, li, 1000, 500)
