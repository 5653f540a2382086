"""The housing services: who is planned, stages one at a time with their refusals, voids, history."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Area, User
from households.models import Household
from households.services import household_change_status
from households.tests.factories import make_household
from housing.models import RetrofitStep
from housing.services import (
    assessment_void,
    retrofit_advance,
    retrofit_open,
    retrofit_update,
    retrofit_void,
    water_survey_record,
)

from .factories import ACCEPTANCE, assess, retrofit

pytestmark = pytest.mark.django_db


def refusal(exc: pytest.ExceptionInfo) -> dict[str, list[str]] | list[str]:
    error = exc.value
    return error.message_dict if hasattr(error, "error_dict") else error.messages


def test_a_case_moves_one_stage_at_a_time_and_records_who(household: Household, zoe: User) -> None:
    assess(actor=zoe, household=household, grade="D")
    case = retrofit(actor=zoe, household=household, stage="入住")
    steps = list(RetrofitStep.objects.filter(case=case).values_list("stage", "actor__username"))
    assert steps == [(s, "zoe") for s in ("列入计划", "开工", "竣工", "验收合格", "入住")]
    assert (case.planned_on, case.started_on, case.accepted_on) == (
        date(2017, 9, 1),
        date(2017, 10, 1),
        date(2017, 11, 30),
    )
    assert case.deadline == date(2018, 12, 31)
    assert case.history.first().history_change_reason == "改造进度：入住"


@pytest.mark.parametrize(
    ("at", "target", "field", "message"),
    [
        ("列入计划", "竣工", "stage", "不能跳过步骤：当前为“列入计划”，下一步应为“开工”，不能直接到“竣工”。"),
        ("开工", "验收合格", "stage", "不能跳过步骤：当前为“开工”，下一步应为“竣工”，不能直接到“验收合格”。"),
        ("竣工", "开工", "stage", "已到“竣工”，不能退回“开工”。"),
        ("入住", "入住", "stage", "该户已入住，改造已全部完成。"),
    ],
)
def test_skipped_and_backward_steps_are_refused(
    household: Household, zoe: User, at: str, target: str, field: str, message: str
) -> None:
    assess(actor=zoe, household=household, grade="D")
    case = retrofit(actor=zoe, household=household, stage=at)
    with pytest.raises(ValidationError) as exc:
        retrofit_advance(actor=zoe, case=case, stage=target, on=date(2019, 1, 1), data=ACCEPTANCE)
    assert refusal(exc) == {field: [message]}
    case.refresh_from_db()
    assert case.stage == at
    assert case.steps.count() == ("列入计划", "开工", "竣工", "验收合格", "入住").index(at) + 1


def test_acceptance_needs_the_standards_and_an_inspector(household: Household, zoe: User) -> None:
    assess(actor=zoe, household=household, grade="D")
    case = retrofit(actor=zoe, household=household, stage="竣工")
    with pytest.raises(ValidationError) as exc:
        retrofit_advance(
            actor=zoe, case=case, stage="验收合格", on=date(2018, 3, 1),
            data={"meets_building_standard": True, "meets_seismic_standard": False, "inspector": ""},
        )  # fmt: skip
    assert set(refusal(exc)) == {"meets_seismic_standard", "inspector"}
    case.refresh_from_db()
    assert (case.stage, case.accepted_on, case.meets_building_standard) == ("竣工", None, False)


def test_a_step_dated_before_the_previous_one_is_refused(household: Household, zoe: User) -> None:
    assess(actor=zoe, household=household, grade="D")
    case = retrofit(actor=zoe, household=household)
    with pytest.raises(ValidationError) as exc:
        retrofit_advance(actor=zoe, case=case, stage="开工", on=date(2017, 8, 31))
    assert refusal(exc) == {"on": ["开工日期不能早于列入计划日期（2017-09-01）。"]}


@pytest.mark.parametrize(
    ("registry_grade", "housing_grade", "willing", "message"),
    [
        ("", "B", True, "该户住房鉴定为 B 级，不是危房，不列入改造计划。"),
        ("D", "A", True, "该户住房鉴定为 A 级，不是危房，不列入改造计划。"),  # housing's assessment wins
        ("", None, True, "该户还没有住房安全鉴定：请先登记鉴定（C 级或 D 级危房才列入改造计划）。"),
        ("", "C", False, "本户没有改造意愿的，不列入改造计划；请做好工作、确认意愿后再登记。"),
    ],
)
def test_only_willing_households_with_a_c_or_d_house_are_planned(
    areas: dict[str, Area], alice: User, zoe: User, registry_grade: str, housing_grade: str | None, willing: bool,
    message: str,
) -> None:  # fmt: skip
    household = make_household(village=areas["商家村"], actor=alice, house_grade=registry_grade)
    if housing_grade:
        assess(actor=zoe, household=household, grade=housing_grade)
    with pytest.raises(ValidationError) as exc:
        retrofit_open(
            actor=zoe,
            household=household,
            data={"kind": "修缮加固", "willing": willing, "planned_on": date(2018, 1, 1)},
        )
    assert refusal(exc) == [message]
    assert not household.retrofits.exists()


def test_the_registry_grade_serves_where_housing_has_no_assessment(
    areas: dict[str, Area], alice: User, zoe: User
) -> None:
    household = make_household(village=areas["商家村"], actor=alice, house_grade="C")
    case = retrofit_open(actor=zoe, household=household, data={"kind": "修缮加固", "planned_on": date(2021, 5, 1)})
    assert (case.stage, case.deadline, case.assessment) == ("列入计划", date(2021, 12, 31), None)


def test_one_case_per_household_until_it_is_voided(household: Household, zoe: User) -> None:
    assess(actor=zoe, household=household, grade="D")
    case = retrofit(actor=zoe, household=household)
    with pytest.raises(ValidationError, match="已有危房改造任务"):
        retrofit(actor=zoe, household=household)
    with pytest.raises(ValidationError) as exc:
        retrofit_void(actor=zoe, case=case, reason="  ")
    assert refusal(exc) == {"reason": ["请填写作废原因。"]}
    retrofit_void(actor=zoe, case=case, reason="户编号录错")
    with pytest.raises(ValidationError, match="已作废，不能再推进"):
        retrofit_advance(actor=zoe, case=case, stage="开工", on=date(2018, 1, 1))
    with pytest.raises(ValidationError, match=r"已于 .* 作废"):
        retrofit_void(actor=zoe, case=case, reason="再次")
    again = retrofit(actor=zoe, household=household)
    assert household.retrofits.count() == 2
    assert again.pk != case.pk


def test_a_correction_needs_a_reason_and_keeps_history(household: Household, zoe: User) -> None:
    assess(actor=zoe, household=household, grade="D")
    case = retrofit(actor=zoe, household=household)
    with pytest.raises(ValidationError):
        retrofit_update(actor=zoe, case=case, data={"self_paid": 100}, reason="")
    case = retrofit_update(actor=zoe, case=case, data={"self_paid": 5000, "kind": "置换"}, reason="按合同更正")
    assert (case.self_paid, case.kind) == (5000, "置换")
    assert case.history.first().history_change_reason == "更正：按合同更正"


def test_a_removed_household_gets_no_new_records(household: Household, dora: User, zoe: User) -> None:
    household_change_status(actor=dora, household=household, to_status="自然减少", reason="全户迁出")
    household.refresh_from_db()
    with pytest.raises(ValidationError, match="已自然减少"):
        assess(actor=zoe, household=household, grade="D")
    with pytest.raises(ValidationError, match="已自然减少"):
        water_survey_record(
            actor=zoe, household=household, data={"surveyed_on": date(2020, 1, 1), "source": "集中供水"}
        )


def test_future_dates_are_refused(household: Household, zoe: User) -> None:
    with pytest.raises(ValidationError) as exc:
        assess(actor=zoe, household=household, grade="D", on=date(2999, 1, 1))
    assert refusal(exc) == {"assessed_on": ["日期不能晚于今天。"]}


def test_void_an_assessment_keeps_it(household: Household, zoe: User) -> None:
    a = assess(actor=zoe, household=household, grade="D")
    assessment_void(actor=zoe, assessment=a, reason="重复登记")
    a.refresh_from_db()
    assert (a.is_void, a.void_reason, a.voided_by) == (True, "重复登记", zoe)
