"""The education rules as tables, without the database (STYLE §19)."""

from datetime import date
from decimal import Decimal

import pytest

from education import rules as r
from education.rules import EnrolmentFacts, GivenFacts, Policy
from households.rules import MemberFacts

Y = 2025  # the 2025–2026 school year


def enrolled(
    stage: str, *, status: str = "在校", start: date = date(Y, 9, 1), end: date | None = None
) -> EnrolmentFacts:
    return EnrolmentFacts(school_year=Y, stage=stage, status=status, started_on=start, ended_on=end)


# ---- Each stage's items --------------------------------------------------------------------------------------

STAGE_ITEMS = [
    ("学前", {"保教费", "住宿费", "伙食费", "校车接送费", "意外伤害保险费", "床上用品费"}),
    ("小学", {"作业费", "伙食费", "校车费", "社会实践活动费", "校服费"}),
    ("初中", {"作业费", "伙食费", "校车费", "社会实践活动费", "校服费"}),
    ("普通高中", {"学杂费", "住宿费", "伙食费", "课本和作业本费", "校服费"}),
    ("中职", {"定额补助"}),
    ("高职/大专", {"定额补助"}),
    ("本科及以上", {"定额补助"}),
]


@pytest.mark.parametrize(("stage", "items"), STAGE_ITEMS)
def test_each_stage_is_due_the_plans_items(stage: str, items: set[str]) -> None:
    due = r.items_due([enrolled(stage)], school_year=Y)
    assert {d.item for d in due} == items
    assert len(due) == len(items)  # each once


@pytest.mark.parametrize(
    ("stage", "amount"), [("中职", "3000.00"), ("高职/大专", "3000.00"), ("本科及以上", "3000.00")]
)
def test_vocational_and_above_are_due_3000_a_year(stage: str, amount: str) -> None:
    (due,) = r.items_due([enrolled(stage)], school_year=Y)
    assert due.amount == Decimal(amount)


@pytest.mark.parametrize("stage", ["学前", "小学", "初中", "普通高中"])
def test_waived_fees_have_no_fixed_amount(stage: str) -> None:
    assert all(d.amount is None for d in r.items_due([enrolled(stage)], school_year=Y))


@pytest.mark.parametrize(
    ("given", "gap"),
    [
        ([], "未登记"),
        ([GivenFacts("中职", "定额补助", Decimal("1500"))], "应发 3,000 元，已发 1,500 元"),
        ([GivenFacts("中职", "定额补助", Decimal("1500")), GivenFacts("中职", "定额补助", Decimal("1500"))], None),
        ([GivenFacts("中职", "定额补助", Decimal("3000"))], None),
        # paid under 高职 after a change within the group counts for the year's subsidy
        ([GivenFacts("高职/大专", "定额补助", Decimal("3000"))], None),
    ],
)
def test_the_3000_subsidy_paid_short_is_a_gap(given: list[GivenFacts], gap: str | None) -> None:
    gaps = r.benefit_gaps(r.items_due([enrolled("中职")], school_year=Y), given)
    assert [g.detail for g in gaps] == ([gap] if gap else [])


@pytest.mark.parametrize(
    ("stage", "item", "amount", "refused"),
    [
        ("初中", "作业费", Decimal("120"), False),
        ("初中", "学杂费", Decimal("120"), True),  # a 普通高中 item
        ("学前", "保教费", Decimal("0"), True),
        ("中职", "定额补助", Decimal("3000"), False),
        ("中职", "定额补助", Decimal("3000.01"), True),
        ("本科及以上", "伙食费", Decimal("100"), True),
    ],
)
def test_item_and_amount_refusals(stage: str, item: str, amount: Decimal, refused: bool) -> None:
    refusal = r.item_refusal(stage, item) or r.amount_refusal(stage, item, amount)
    assert (refusal is not None) is refused


def test_an_item_of_the_wrong_stage_is_refused_with_the_allowed_items() -> None:
    assert (
        r.item_refusal("初中", "学杂费")
        == "初中阶段没有“学杂费”这一资助项目；可登记的项目是：作业费、伙食费、校车费、社会实践活动费、校服费。"
    )


def test_every_item_recorded_leaves_no_gap() -> None:
    due = r.items_due([enrolled("普通高中")], school_year=Y)
    given = [GivenFacts("普通高中", d.item, Decimal("100")) for d in due]
    assert r.benefit_gaps(due, given) == ()
    assert [g.item for g in r.benefit_gaps(due, given[1:])] == ["学杂费"]


def test_an_item_given_under_another_group_does_not_count() -> None:
    """伙食费 waived in 初中 is not the 普通高中 伙食费."""
    due = r.items_due([enrolled("普通高中")], school_year=Y)
    gaps = r.benefit_gaps(due, [GivenFacts("初中", "伙食费", Decimal("100"))])
    assert "伙食费" in {g.item for g in gaps}


# ---- A student who changes stage mid-year ----------------------------------------------------------------------


def test_a_student_who_changes_stage_mid_year_is_due_both_groups() -> None:
    junior = enrolled("初中", end=date(Y + 1, 1, 20))
    vocational = enrolled("中职", start=date(Y + 1, 2, 20))
    due = r.items_due([vocational, junior], school_year=Y)
    assert [d.group for d in due] == ["义务教育"] * 5 + ["中高职及以上"]
    # on either side of the change, the covering enrolment gives the school status
    assert r.enrolment_on([junior, vocational], date(Y, 12, 31)) == junior
    assert r.enrolment_on([junior, vocational], date(Y + 1, 3, 1)) == vocational
    assert r.enrolment_on([junior, vocational], date(Y + 1, 2, 1)) is None  # between the two


def test_a_change_within_the_vocational_group_is_due_3000_once() -> None:
    due = r.items_due(
        [enrolled("中职", end=date(Y + 1, 1, 1)), enrolled("高职/大专", start=date(Y + 1, 1, 2))], school_year=Y
    )
    assert due == (r.Due("中高职及以上", "定额补助", Decimal("3000.00")),)


@pytest.mark.parametrize(("status", "due"), [("在校", 5), ("毕业", 5), ("休学", 0), ("辍学", 0)])
def test_only_a_student_who_attends_is_due_items(status: str, due: int) -> None:
    assert len(r.items_due([enrolled("小学", status=status)], school_year=Y)) == due


def test_another_school_years_enrolment_is_not_due_this_year() -> None:
    last_year = EnrolmentFacts(Y - 1, "小学", "在校", date(Y - 1, 9, 1))
    assert r.items_due([last_year], school_year=Y) == ()


# ---- Who is entitled: 脱贫不脱政策 ------------------------------------------------------------------------------

ENTITLEMENT = [
    ("未脱贫", Policy(), True),
    ("返贫", Policy(exited_keep_policy=False), True),
    ("已脱贫", Policy(exited_keep_policy=True), True),
    ("已脱贫", Policy(exited_keep_policy=False), False),
    ("已脱贫", Policy(exited_keep_policy=True, policy_until=Y), True),  # the last year of the period
    ("已脱贫", Policy(exited_keep_policy=True, policy_until=Y - 1), False),  # the period is over
    ("自然减少", Policy(), False),
]


@pytest.mark.parametrize(("status", "policy", "entitled"), ENTITLEMENT)
def test_who_is_entitled(status: str, policy: Policy, entitled: bool) -> None:
    assert r.entitlement(household_status=status, school_year=Y, policy=policy).entitled is entitled


def test_the_page_can_say_why_an_exited_household_is_entitled_or_not() -> None:
    on = r.entitlement(household_status="已脱贫", school_year=Y, policy=Policy())
    off = r.entitlement(household_status="已脱贫", school_year=Y, policy=Policy(exited_keep_policy=False))
    assert on.why == "已脱贫户学生，脱贫不脱政策"
    assert "不再享受" in off.why


# ---- School years and the fact of the exit rule --------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "year"),
    [(date(2025, 9, 1), 2025), (date(2025, 8, 31), 2024), (date(2025, 12, 31), 2025), (date(2026, 1, 1), 2025)],
)
def test_school_years_run_from_1_september(day: date, year: int) -> None:
    assert r.school_year_of(day) == year


@pytest.mark.parametrize(
    ("stage", "status", "facts"),
    [
        ("小学", "在校", {"school_status": "小学"}),
        ("初中", "休学", {"school_status": "初中"}),
        ("初中", "辍学", {"school_status": "辍学"}),
        ("初中", "毕业", {"school_status": "非在校生", "education": "初中"}),
        ("小学", "毕业", {"school_status": "非在校生"}),
        ("学前", "在校", {"school_status": "学前教育"}),
        ("高职/大专", "在校", {"school_status": "高职"}),
    ],
)
def test_what_an_enrolment_says_to_the_exit_rule(stage: str, status: str, facts: dict) -> None:
    assert r.member_school_facts(enrolled(stage, status=status)) == facts


def test_the_enrolment_ends_with_the_school_year_unless_ended() -> None:
    e = enrolled("小学")
    assert e.covers(date(Y + 1, 8, 31))
    assert not e.covers(date(Y + 1, 9, 1))
    assert not e.covers(date(Y, 8, 31))


TWELVE = MemberFacts(name="小明", birth_date=date(2013, 5, 1))


@pytest.mark.parametrize(
    ("member", "enrolment", "gap"),
    [
        (TWELVE, enrolled("初中"), None),
        (TWELVE, enrolled("初中", status="辍学"), "小明，12 岁，辍学"),
        (TWELVE, None, "小明，12 岁，未登记学籍"),
        (TWELVE, enrolled("小学", status="毕业"), "小明，12 岁，小学毕业后未升学"),
        (TWELVE._replace(taught_at_home=True, disability_grade="一级"), None, None),
        (MemberFacts(name="大明", birth_date=date(2009, 5, 1)), None, None),  # 16: beyond compulsory age
        (MemberFacts(name="幼儿", birth_date=date(2021, 5, 1)), None, None),  # 4: not yet due
    ],
)
def test_a_child_of_compulsory_age_not_in_school_is_a_gap(
    member: MemberFacts, enrolment: EnrolmentFacts | None, gap: str | None
) -> None:
    found = r.compulsory_gap(member, enrolment, on=date(Y, 12, 31))
    assert (found.detail if found else None) == gap


# ---- 留守儿童 definition edges ------------------------------------------------------------------------------------

ON = date(2025, 12, 31)
LEFT_BEHIND = [
    (date(2015, 1, 1), "外出务工", "外出务工", True),
    (date(2015, 1, 1), "外出务工", "在家", False),
    (date(2015, 1, 1), "在家", "外出务工", False),
    (date(2015, 1, 1), "外出务工", "无监护能力", True),
    (date(2015, 1, 1), "无监护能力", "外出务工", True),
    (date(2015, 1, 1), "死亡或下落不明", "外出务工", True),
    (date(2015, 1, 1), "无监护能力", "无监护能力", False),  # no one away: not 留守 (a child in difficulty)
    (date(2015, 1, 1), "在家", "在家", False),
    (date(2010, 1, 1), "外出务工", "外出务工", True),  # 15 on 31 December 2025, 16 the next day
    (date(2009, 12, 31), "外出务工", "外出务工", False),  # turns 16 on the day: no longer under 16
    (date(2009, 12, 31), "外出务工", "无监护能力", False),
]


@pytest.mark.parametrize(("birth", "father", "mother", "expected"), LEFT_BEHIND)
def test_left_behind_definition(birth: date, father: str, mother: str, expected: bool) -> None:
    assert r.left_behind(birth_date=birth, on=ON, father=father, mother=mother).left_behind is expected


def test_the_reason_is_given_in_words() -> None:
    assert r.left_behind(birth_date=date(2009, 12, 31), on=ON, father="外出务工", mother="外出务工").why == (
        "已满 16 周岁（16 岁），不属于留守儿童"
    )
    assert r.left_behind(birth_date=date(2015, 1, 1), on=ON, father="在家", mother="外出务工").why == (
        "父母一方外出务工，另一方在家照料，不属于留守儿童"
    )


# ---- 三留守 摸排 ----------------------------------------------------------------------------------------------------


def person(pk: int, relation: str, birth: date, *, sex: str = "男", work: str = "") -> r.SurveyMember:
    return r.SurveyMember(pk, f"成员{pk}", sex, birth, relation, work)


AWAY, HOME = "省外务工", "县内务工"
GRANDPA = person(1, "户主", date(1955, 1, 1))
GRANDMA = person(2, "配偶", date(1957, 1, 1), sex="女")


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        # both parents of a grandchild away: the child, and the grandparents, are left behind
        (
            (GRANDPA, GRANDMA, person(3, "之子", date(1985, 1, 1), work=AWAY),
             person(4, "之儿媳", date(1987, 1, 1), sex="女", work="省内县外务工"), person(5, "之孙子", date(2015, 1, 1))),
            {("留守儿童", 5), ("留守老人", 1), ("留守老人", 2)},
        ),
        # the daughter-in-law works in the county: no 留守 child, no 留守 elderly; she is a 留守 wife
        (
            (GRANDPA, GRANDMA, person(3, "之子", date(1985, 1, 1), work=AWAY),
             person(4, "之儿媳", date(1987, 1, 1), sex="女", work=HOME), person(5, "之孙子", date(2015, 1, 1))),
            {("留守妇女", 4)},
        ),
        # a 16-year-old is no longer a child
        (
            (person(1, "户主", date(1980, 1, 1), work=AWAY), person(2, "配偶", date(1982, 1, 1), sex="女", work=AWAY),
             person(3, "之女", date(2009, 12, 31), sex="女")),
            set(),
        ),
        (
            (person(1, "户主", date(1980, 1, 1), work=AWAY), person(2, "配偶", date(1982, 1, 1), sex="女", work=AWAY),
             person(3, "之女", date(2010, 1, 1), sex="女")),
            {("留守儿童", 3)},
        ),
        # an elderly couple alone (no working-age member): not 留守 by the registry's facts
        ((GRANDPA, GRANDMA), set()),
        # a wife of 60 is beyond working age
        ((person(1, "户主", date(1960, 1, 1), work=AWAY), person(2, "配偶", date(1965, 1, 1), sex="女")), set()),
        ((person(1, "户主", date(1970, 1, 1), work=AWAY), person(2, "配偶", date(1972, 1, 1), sex="女")), {("留守妇女", 2)}),
        # two sons: whose child is whose cannot be told, nobody is guessed
        (
            (GRANDPA, person(3, "之子", date(1985, 1, 1), work=AWAY), person(6, "之子", date(1988, 1, 1), work=AWAY),
             person(4, "之儿媳", date(1987, 1, 1), sex="女", work=AWAY), person(5, "之孙子", date(2015, 1, 1))),
            {("留守老人", 1)},
        ),
    ],
)  # fmt: skip
def test_three_left_behind_survey(members: tuple, expected: set) -> None:
    found = r.three_left_behind(members, on=ON)
    assert {(f.kind, f.pk) for f in found} == expected


# ---- 助学贷款 --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signed_on", "attended", "due"),
    [
        (date(Y, 8, 20), {Y}, True),
        (date(Y + 1, 8, 31), {Y}, True),  # signed on the last day of the school year
        (date(Y + 1, 9, 1), {Y}, False),  # signed after it: no interest yet
        (date(Y, 8, 20), set(), False),  # not at school that year
        (date(Y - 2, 8, 20), {Y - 1, Y}, True),
    ],
)
def test_loan_interest_is_due_while_at_school(signed_on: date, attended: set, due: bool) -> None:
    assert r.loan_interest_due(signed_on=signed_on, attended=attended, school_year=Y) is due
