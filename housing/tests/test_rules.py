"""The housing rules as tables, without the database — plan ch. 7, ch. 11, ch. 2 §3."""

from datetime import date
from decimal import Decimal

import pytest

from housing.rules import (
    AssessmentFact,
    RetrofitFact,
    StepFacts,
    WaterFacts,
    default_deadline,
    house_verdict,
    is_dilapidated,
    latest_assessment,
    retrofit_accepted,
    retrofit_overdue,
    retrofit_refusal,
    stage_refusal,
    water_rates,
    water_safe,
    water_shortfalls,
    yearly_review,
)

D = date
AS_OF = D(2025, 12, 31)


@pytest.mark.parametrize(("grade", "dilapidated"), [("A", False), ("B", False), ("C", True), ("D", True), ("", False)])
def test_c_and_d_are_dilapidated(grade: str, dilapidated: bool) -> None:
    assert is_dilapidated(grade) is dilapidated


@pytest.mark.parametrize(
    ("assessments", "as_of", "grade"),
    [
        ([], AS_OF, None),
        ([(D(2017, 1, 1), "D", 1)], AS_OF, "D"),
        ([(D(2017, 1, 1), "D", 1), (D(2019, 1, 1), "B", 2)], AS_OF, "B"),
        ([(D(2019, 1, 1), "B", 2), (D(2017, 1, 1), "D", 1)], AS_OF, "B"),  # order of the input does not matter
        ([(D(2017, 1, 1), "D", 1), (D(2019, 1, 1), "B", 2)], D(2018, 6, 1), "D"),  # a later one is not known yet
        ([(D(2019, 1, 1), "C", 1), (D(2019, 1, 1), "A", 2)], AS_OF, "A"),  # same day: recorded later wins
        ([(D(2026, 1, 1), "A", 1)], AS_OF, None),
    ],
)
def test_the_latest_assessment_on_or_before_the_date(assessments: list, as_of: date, grade: str | None) -> None:
    latest = latest_assessment([AssessmentFact(*a) for a in assessments], as_of=as_of)
    assert (latest.grade if latest else None) == grade


@pytest.mark.parametrize(
    ("stage", "accepted_on", "as_of", "accepted"),
    [
        ("列入计划", None, AS_OF, False),
        ("开工", None, AS_OF, False),
        ("竣工", None, AS_OF, False),
        ("验收合格", D(2018, 6, 1), AS_OF, True),
        ("入住", D(2018, 6, 1), AS_OF, True),
        ("验收合格", D(2018, 6, 1), D(2018, 5, 31), False),  # accepted after the assessment date
        ("验收合格", D(2018, 6, 1), D(2018, 6, 1), True),
    ],
)
def test_a_retrofit_counts_once_accepted(stage: str, accepted_on: date | None, as_of: date, accepted: bool) -> None:
    assert retrofit_accepted(RetrofitFact(stage, D(2018, 12, 31), accepted_on), as_of=as_of) is accepted


@pytest.mark.parametrize(
    ("stage", "deadline", "accepted_on", "as_of", "overdue"),
    [
        ("开工", D(2018, 12, 31), None, D(2018, 12, 31), False),  # due that very day
        ("开工", D(2018, 12, 31), None, D(2019, 1, 1), True),
        ("竣工", D(2018, 12, 31), None, AS_OF, True),
        ("验收合格", D(2018, 12, 31), D(2018, 11, 1), AS_OF, False),
        ("验收合格", D(2018, 12, 31), D(2019, 3, 1), AS_OF, False),  # late, but accepted now: no longer overdue
        ("入住", D(2018, 12, 31), D(2018, 11, 1), AS_OF, False),
        ("列入计划", D(2025, 12, 31), None, D(2025, 6, 1), False),
    ],
)
def test_overdue_is_not_accepted_by_the_deadline(
    stage: str, deadline: date, accepted_on: date | None, as_of: date, overdue: bool
) -> None:
    assert retrofit_overdue(RetrofitFact(stage, deadline, accepted_on), as_of=as_of) is overdue


@pytest.mark.parametrize(
    ("planned_on", "deadline"),
    [(D(2016, 5, 1), D(2018, 12, 31)), (D(2018, 12, 30), D(2018, 12, 31)), (D(2021, 3, 1), D(2021, 12, 31))],
)
def test_the_plan_deadline_then_the_yearly_review(planned_on: date, deadline: date) -> None:
    assert default_deadline(planned_on) == deadline


ACCEPTED = RetrofitFact("验收合格", D(2018, 12, 31), D(2018, 6, 1))
OPEN = RetrofitFact("竣工", D(2018, 12, 31), None)


@pytest.mark.parametrize(
    ("assessments", "cases", "safe", "grade", "words"),
    [
        ([], [], None, "", "住房安全等级未填写"),
        ([(D(2017, 1, 1), "A")], [], True, "A", "2017-01-01 鉴定为 A 级"),
        ([(D(2017, 1, 1), "B")], [], True, "B", "鉴定为 B 级"),
        ([(D(2017, 1, 1), "C")], [], False, "C", "C 级危房，未改造验收"),
        ([(D(2017, 1, 1), "D")], [OPEN], False, "D", "D 级危房，未改造验收"),
        ([(D(2017, 1, 1), "D")], [ACCEPTED], True, "D", "危房改造 2018-06-01 验收合格"),
        ([], [ACCEPTED], True, "", "验收合格"),  # accepted without an assessment on record
        # Assessed again after the acceptance: that assessment decides.
        ([(D(2017, 1, 1), "D"), (D(2024, 1, 1), "D")], [ACCEPTED], False, "D", "2024-01-01 鉴定为 D 级危房"),
        ([(D(2017, 1, 1), "D"), (D(2024, 1, 1), "A")], [ACCEPTED], True, "A", "2024-01-01 鉴定为 A 级"),
    ],
)
def test_house_safety_the_grade_or_an_accepted_retrofit(
    assessments: list, cases: list, safe: bool | None, grade: str, words: str
) -> None:
    verdict = house_verdict([AssessmentFact(*a) for a in assessments], cases, as_of=AS_OF)
    assert (verdict.safe, verdict.grade) == (safe, grade)
    assert words in verdict.words


@pytest.mark.parametrize(
    ("grade", "willing", "open_case", "refused"),
    [
        ("D", True, False, None),
        ("C", True, False, None),
        ("B", True, False, "不是危房"),
        ("A", True, False, "不是危房"),
        ("", True, False, "还没有住房安全鉴定"),
        ("D", False, False, "没有改造意愿"),
        ("D", True, True, "已有危房改造任务"),
    ],
)
def test_who_is_planned_for_retrofit(grade: str, willing: bool, open_case: bool, refused: str | None) -> None:
    refusal = retrofit_refusal(grade=grade, willing=willing, has_open_case=open_case)
    assert refusal is None if refused is None else refused in refusal


TODAY = D(2018, 12, 1)


ON, PREVIOUS = D(2018, 6, 1), D(2018, 5, 1)


def step(current: str, target: str, on: date = ON, previous: date | None = PREVIOUS, **acc: object) -> StepFacts:
    return StepFacts(current=current, target=target, on=on, previous_on=previous, today=TODAY, **acc)


FULL = {"meets_building_standard": True, "meets_seismic_standard": True, "inspector": "王建设"}


@pytest.mark.parametrize(
    ("facts", "errors"),
    [
        (step("列入计划", "开工"), {}),
        (step("开工", "竣工"), {}),
        (step("竣工", "验收合格", **FULL), {}),
        (step("验收合格", "入住"), {}),
        # Skipped steps.
        (step("列入计划", "竣工"), {"stage": "不能跳过步骤：当前为“列入计划”，下一步应为“开工”，不能直接到“竣工”。"}),
        (
            step("列入计划", "验收合格", **FULL),
            {"stage": "不能跳过步骤：当前为“列入计划”，下一步应为“开工”，不能直接到“验收合格”。"},
        ),
        (step("开工", "入住"), {"stage": "不能跳过步骤：当前为“开工”，下一步应为“竣工”，不能直接到“入住”。"}),
        # Backwards, the same stage again, after the end, an unknown stage.
        (step("竣工", "开工"), {"stage": "已到“竣工”，不能退回“开工”。"}),
        (step("竣工", "竣工"), {"stage": "已到“竣工”，不能退回“竣工”。"}),
        (step("入住", "入住"), {"stage": "该户已入住，改造已全部完成。"}),
        (step("开工", "拆除"), {"stage": "没有“拆除”这个阶段。"}),
        # Dates.
        (step("列入计划", "开工", on=D(2018, 4, 30)), {"on": "开工日期不能早于列入计划日期（2018-05-01）。"}),
        (step("列入计划", "开工", on=D(2018, 5, 1)), {}),
        (step("列入计划", "开工", on=D(2018, 12, 2)), {"on": "日期不能晚于今天。"}),
        # Acceptance to the standards.
        (
            step("竣工", "验收合格"),
            {
                "meets_building_standard": "验收须符合农村危房改造建设标准；不符合的请整改后再验收。",
                "meets_seismic_standard": "验收须符合抗震设防要求；不符合的请整改后再验收。",
                "inspector": "请填写验收人。",
            },
        ),
        (
            step("竣工", "验收合格", **{**FULL, "meets_seismic_standard": False}),
            {"meets_seismic_standard": "验收须符合抗震设防要求；不符合的请整改后再验收。"},
        ),
        (step("竣工", "验收合格", **{**FULL, "inspector": "  "}), {"inspector": "请填写验收人。"}),
    ],
)
def test_stages_in_order_none_skipped(facts: StepFacts, errors: dict[str, str]) -> None:
    assert stage_refusal(facts) == errors


Y, N, _ = True, False, None


@pytest.mark.parametrize(
    ("indicators", "safe", "shortfalls"),
    [
        ((Y, Y, Y, Y), True, []),
        ((N, Y, Y, Y), False, ["水量不达标"]),
        ((Y, N, Y, Y), False, ["水质不达标"]),
        ((Y, Y, N, Y), False, ["用水方便程度不达标"]),
        ((Y, Y, Y, N), False, ["供水保证率不达标"]),
        ((Y, Y, Y, _), None, ["供水保证率未填写"]),
        ((_, _, _, _), None, ["水量未填写", "水质未填写", "用水方便程度未填写", "供水保证率未填写"]),
        ((Y, N, _, Y), False, ["水质不达标", "用水方便程度未填写"]),  # one unmet decides, blank or not
    ],
)
def test_safe_water_is_all_four_indicators(indicators: tuple, safe: bool | None, shortfalls: list[str]) -> None:
    facts = WaterFacts(*indicators)
    assert water_safe(facts) is safe
    assert water_shortfalls(facts) == shortfalls


@pytest.mark.parametrize(
    ("rows", "central", "guarantee", "central_ok", "guarantee_ok"),
    [
        ([], None, None, False, False),
        ([("集中供水", True)] * 19 + [("分散供水", True)], Decimal("95.0"), Decimal("100.0"), True, True),
        ([("集中供水", True)] * 18 + [("分散供水", True)] * 2, Decimal("90.0"), Decimal("100.0"), False, True),
        ([("集中供水", True)] * 9 + [("集中供水", False)], Decimal("100.0"), Decimal("90.0"), True, True),
        ([("集中供水", True)] * 8 + [("集中供水", False)] * 2, Decimal("100.0"), Decimal("80.0"), True, False),
        # A blank 供水保证率 is counted neither way.
        ([("集中供水", True)] * 9 + [("集中供水", None)] * 5, Decimal("100.0"), Decimal("100.0"), True, True),
        ([("", None)], Decimal("0.0"), None, False, False),
    ],
)
def test_district_rates_against_the_2020_targets(
    rows: list, central: Decimal | None, guarantee: Decimal | None, central_ok: bool, guarantee_ok: bool
) -> None:
    rates = water_rates(rows)
    assert (rates.central_rate, rates.guarantee_rate) == (central, guarantee)
    assert (rates.central_met_target, rates.guarantee_met_target) == (central_ok, guarantee_ok)


def test_the_yearly_review_by_deadline_year() -> None:
    cases = [
        RetrofitFact("入住", D(2018, 12, 31), D(2018, 5, 1)),
        RetrofitFact("验收合格", D(2018, 12, 31), D(2019, 2, 1)),  # accepted late
        RetrofitFact("竣工", D(2018, 12, 31), None),
        RetrofitFact("验收合格", D(2021, 12, 31), D(2021, 9, 1)),
        RetrofitFact("开工", D(2025, 12, 31), None),
        RetrofitFact("验收合格", D(2025, 12, 31), D(2026, 1, 5)),  # accepted after the review date: not yet
    ]
    assert yearly_review(cases, as_of=D(2025, 12, 31)) == [
        (2018, 3, 1, 1, 1),
        (2021, 1, 1, 0, 0),
        (2025, 2, 0, 0, 2),
    ]
