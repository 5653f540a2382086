"""The services' refusals: each a clear Chinese message naming the field, nothing half-written; history with
the actor and the reason."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from education.models import Benefit, Enrolment, LeftBehindChild
from education.services import (
    benefit_record,
    enrolment_record,
    enrolment_update,
    left_behind_close,
    left_behind_update,
    policy_set,
)
from households.models import Person
from households.services import person_leave

from .conftest import SCHOOL_YEAR
from .factories import enrol, give, open_file

pytestmark = pytest.mark.django_db


def base(**fields: object) -> dict:
    return {"school_year": SCHOOL_YEAR, "stage": "初中", "school": "商家中学", "status": "在校",
            "started_on": date(SCHOOL_YEAR, 9, 1), **fields}  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"school_year": 2010}, "school_year", "学年应在 2014"),
        ({"school": "  "}, "school", "请填写学校名称"),
        ({"started_on": date(SCHOOL_YEAR, 8, 31)}, "started_on", "起始日期应在"),
        ({"ended_on": date(SCHOOL_YEAR + 1, 9, 1)}, "ended_on", "学年末"),
        ({"stage": "研究生"}, "stage", "请选择学段"),
    ],
)
def test_enrolment_refusals(child: Person, jim: User, fields: dict, field: str, words: str) -> None:
    with pytest.raises(ValidationError) as refusal:
        enrolment_record(actor=jim, person=child, data=base(**fields))
    assert words in refusal.value.message_dict[field][0]
    assert not Enrolment.objects.exists()


def test_the_same_stage_twice_in_a_year_is_refused(child: Person, jim: User) -> None:
    enrol(actor=jim, person=child, year=SCHOOL_YEAR)
    with pytest.raises(ValidationError, match="已有初中学籍"):
        enrolment_record(actor=jim, person=child, data=base(school="范阳中学"))


def test_a_member_who_left_cannot_be_enrolled_afterwards(child: Person, jim: User, dora: User) -> None:
    person_leave(actor=dora, person=child, reason="迁出", on=date(SCHOOL_YEAR, 7, 1), note="随父母迁往外地")
    with pytest.raises(ValidationError, match="迁出"):
        enrolment_record(actor=jim, person=Person.objects.get(pk=child.pk), data=base())


def test_an_update_records_who_and_why(child: Person, jim: User) -> None:
    enrolment = enrol(actor=jim, person=child, year=SCHOOL_YEAR)
    with pytest.raises(ValidationError, match="修改原因"):
        enrolment_update(actor=jim, enrolment=enrolment, data={"status": "休学"}, reason=" ")
    enrolment_update(actor=jim, enrolment=enrolment, data={"status": "休学"}, reason="因病休学")
    latest = enrolment.history.first()
    assert (latest.status, latest.history_user, latest.history_change_reason) == ("休学", jim, "因病休学")


def test_changing_the_stage_under_recorded_items_is_refused(child: Person, jim: User) -> None:
    enrolment = enrol(actor=jim, person=child, year=SCHOOL_YEAR)
    give(actor=jim, enrolment=enrolment, item="作业费")
    with pytest.raises(ValidationError, match="请先作废这些资助记录"):
        enrolment_update(actor=jim, enrolment=enrolment, data={"stage": "普通高中"}, reason="录错学段")
    assert Enrolment.objects.get(pk=enrolment.pk).stage == "初中"


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"item": "学杂费"}, "item", "初中阶段没有“学杂费”"),
        ({"amount": Decimal(0)}, "amount", "金额应大于 0 元"),
        ({"on": date(SCHOOL_YEAR, 5, 31)}, "on", "日期早于"),
        ({"on": timezone.localdate() + timedelta(days=1)}, "on", "不能晚于今天"),
        ({"given_by": ""}, "given_by", "请填写经办单位"),
    ],
)
def test_benefit_refusals(child: Person, jim: User, fields: dict, field: str, words: str) -> None:
    enrolment = enrol(actor=jim, person=child, year=SCHOOL_YEAR)
    data = {
        "item": "作业费",
        "amount": Decimal(60),
        "way": "免除",
        "on": date(SCHOOL_YEAR, 9, 10),
        "given_by": "商家中学",
        **fields,
    }
    with pytest.raises(ValidationError) as refusal:
        benefit_record(actor=jim, enrolment=enrolment, data=data)
    assert words in refusal.value.message_dict[field][0]
    assert not Benefit.objects.exists()


def test_the_subsidy_is_3000_a_year_across_a_change_within_the_vocational_group(child: Person, jim: User) -> None:
    vocational = enrol(actor=jim, person=child, year=SCHOOL_YEAR, stage="中职", ended_on=date(SCHOOL_YEAR + 1, 1, 10))
    higher = enrol(
        actor=jim, person=child, year=SCHOOL_YEAR, stage="高职/大专", started_on=date(SCHOOL_YEAR + 1, 2, 20)
    )
    give(actor=jim, enrolment=vocational, item="定额补助", amount="1500")
    with pytest.raises(ValidationError, match="将超过每人每年 3,000 元"):
        give(actor=jim, enrolment=higher, item="定额补助", amount="2000", on=date(SCHOOL_YEAR + 1, 3, 1))
    give(actor=jim, enrolment=higher, item="定额补助", amount="1500", on=date(SCHOOL_YEAR + 1, 3, 1))
    assert sum(b.amount for b in Benefit.objects.all()) == Decimal(3000)


def test_a_left_behind_file_is_checked_on_every_change_and_closed_with_a_reason(child: Person, jim: User) -> None:
    file = open_file(actor=jim, child=child)
    with pytest.raises(ValidationError, match="不属于留守儿童"):
        left_behind_update(actor=jim, file=file, data={"mother_state": "在家"})
    with pytest.raises(ValidationError, match="已有一份在档"):
        open_file(actor=jim, child=child)
    with pytest.raises(ValidationError) as refusal:
        left_behind_close(actor=jim, file=file, on=timezone.localdate(), reason="")
    assert "销档原因" in refusal.value.message_dict["reason"][0]
    left_behind_close(actor=jim, file=file, on=timezone.localdate(), reason="母亲返乡照料")
    assert LeftBehindChild.objects.get().close_reason == "母亲返乡照料"
    open_file(actor=jim, child=child, registered_on=timezone.localdate())  # a new file may follow a closed one
    assert LeftBehindChild.objects.count() == 2


def test_the_policy_setting_keeps_its_history(dora: User) -> None:
    policy_set(actor=dora, exited_keep_policy=True, policy_until=2020)
    row = policy_set(actor=dora, exited_keep_policy=False, policy_until=None)
    assert [h.exited_keep_policy for h in row.history.all()] == [False, True]
    with pytest.raises(ValidationError):
        policy_set(actor=dora, exited_keep_policy=True, policy_until=2000)


def test_a_child_whose_enrolment_ended_without_a_next_one_is_a_gap(child: Person, jim: User) -> None:
    from education.selectors import household_education

    enrol(actor=jim, person=child, year=SCHOOL_YEAR, ended_on=date(SCHOOL_YEAR, 11, 30))
    later = date(SCHOOL_YEAR + 1, 3, 1)
    (student,) = household_education(child.household, school_year=SCHOOL_YEAR, today=later).students
    assert student.compulsory is not None
    assert student.compulsory.detail.endswith("未登记学籍")
    enrol(actor=jim, person=child, year=SCHOOL_YEAR, stage="小学", started_on=date(SCHOOL_YEAR, 12, 1))
    (student,) = household_education(child.household, school_year=SCHOOL_YEAR, today=later).students
    assert student.compulsory is None
