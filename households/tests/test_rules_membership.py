"""Issue 10 bugs 2, 3, 4 and 6 as parameter tables (no database): who counts in a year, who is of compulsory
school age, the unrounded income against the line, and which status changes each way may make."""

from datetime import date
from decimal import Decimal as D  # noqa: N817 — short name keeps the tables readable

import pytest

from households.rules import (
    Gap,
    HouseholdFacts,
    IncomeFacts,
    MemberFacts,
    Standard,
    StatusWay,
    assess,
    in_household_on,
    manual_status_choices,
    of_compulsory_school_age,
    school_start,
    status_change_refusal,
)

AS_OF = date(2025, 12, 31)
LINE = Standard(year=2025, poverty_line=D(3609), dibao_line=D(3609))


def person(name: str = "张三", born: date = date(1970, 1, 1), **fields: object) -> MemberFacts:
    return MemberFacts(
        **{"name": name, "birth_date": born, "school_status": "非在校生", "medical_insurance": True, **fields}
    )


def household(*members: MemberFacts, wage: str = "10000", **facts: object) -> HouseholdFacts:
    defaults = {"enough_food": True, "enough_clothing": True, "house_grade": "A", "safe_water": True}
    return HouseholdFacts(members=members, income=IncomeFacts(wage=D(wage)), **{**defaults, **facts})


# ---- Bug 3: the members of year Y are those born by its assessment date and not gone before it -----------


@pytest.mark.parametrize(
    ("member", "counts"),
    [
        pytest.param(person(), True, id="in the household"),
        pytest.param(person(left_on=date(2026, 3, 1)), True, id="died the following year: still counts for Y"),
        pytest.param(person(left_on=AS_OF), False, id="left on the assessment date: gone"),
        pytest.param(person(left_on=date(2025, 6, 1)), False, id="left during Y"),
        pytest.param(person(born=date(2026, 1, 2)), False, id="born after Y"),
        pytest.param(person(born=AS_OF), True, id="born on the assessment date"),
    ],
)
def test_who_counts_in_a_year(member: MemberFacts, counts: bool) -> None:
    assert in_household_on(member, AS_OF) is counts


def test_a_member_who_died_the_next_year_stays_in_the_divisor() -> None:
    """10,000 yuan for three people in 2025 is 3,333.33 each, whoever died in 2026."""
    facts = household(person("甲"), person("乙", left_on=date(2026, 2, 1)), person("丙"))
    assert assess(facts, standard=LINE, as_of=AS_OF).per_capita == D("3333.33")


def test_a_baby_born_after_the_year_does_not_count() -> None:
    facts = household(person("甲"), person("乙"), person("婴儿", born=date(2026, 5, 1)), wage="8000")
    result = assess(facts, standard=LINE, as_of=AS_OF)
    assert result.per_capita == D("4000.00")
    assert result.meets_standard


# ---- Bug 4: compulsory school age runs from the 1 September after turning 6 to 初中 completed or 16 ---------


@pytest.mark.parametrize(
    ("born", "expected"),
    [
        pytest.param(date(2019, 8, 31), date(2025, 9, 1), id="6 on 31 August: starts that September"),
        pytest.param(date(2019, 9, 1), date(2026, 9, 1), id="6 on 1 September: starts the next year"),
        pytest.param(date(2019, 12, 20), date(2026, 9, 1), id="6 in December: the next year"),
        pytest.param(date(2020, 2, 29), date(2026, 9, 1), id="born on 29 February"),
    ],
)
def test_school_start(born: date, expected: date) -> None:
    assert school_start(born) == expected


@pytest.mark.parametrize(
    ("member", "due", "gap"),
    [
        pytest.param(
            person("小芳", date(2010, 3, 1), education="初中", school_status="非在校生"),
            False,
            False,
            id="15, finished 初中, not continuing: not flagged",
        ),
        pytest.param(
            person("小刚", date(2010, 3, 1), education="小学", school_status="辍学"),
            True,
            True,
            id="15, dropped out of 初中: flagged",
        ),
        pytest.param(
            person("小强", date(2009, 11, 1), education="小学", school_status="辍学"),
            False,
            False,
            id="16, dropped out of 初中: never flagged",
        ),
        pytest.param(
            person("小宝", date(2019, 10, 5), education="学龄前儿童", school_status="学前教育"),
            False,
            False,
            id="born October of Y-6: not yet due at school",
        ),
        pytest.param(
            person("小雨", date(2019, 10, 5), education="学龄前儿童", school_status="非在校生"),
            False,
            False,
            id="born October of Y-6 and at home: not yet due, not flagged",
        ),
        pytest.param(
            person("小云", date(2019, 7, 5), education="学龄前儿童", school_status="非在校生"),
            True,
            True,
            id="6 in July of Y and not at school in December: flagged",
        ),
        pytest.param(
            person("小月", date(2013, 4, 5), education="小学", school_status="辍学"),
            True,
            True,
            id="12 and dropped out: flagged",
        ),
        pytest.param(
            person("小星", date(2013, 4, 5), education="小学", school_status=""),
            True,
            True,
            id="12 with no school status: 未填写",
        ),
        pytest.param(
            person("小林", date(2013, 4, 5), school_status="非在校生", disability_grade="一级", taught_at_home=True),
            True,
            False,
            id="severe disability taught at home: met",
        ),
    ],
)
def test_compulsory_school_age(member: MemberFacts, due: bool, gap: bool) -> None:
    assert of_compulsory_school_age(member, AS_OF) is due
    result = assess(household(person(), member), standard=LINE, as_of=AS_OF)
    assert (Gap.EDUCATION in result.gaps) is gap


# ---- Bug 6: the unrounded per-capita income is compared with the line --------------------------------------


@pytest.mark.parametrize(
    ("wage", "members", "meets", "shown"),
    [
        # 10,827 / 3 = 3,609.00 exactly: on the line is not above it.
        pytest.param("10827", 3, False, D("3609.00"), id="exactly on the line"),
        # 10,826.99 / 3 = 3,608.9966…, shown as 3,609.00 but below the line.
        pytest.param("10826.99", 3, False, D("3609.00"), id="rounds up to the line, is below it"),
        # 10,827.01 / 3 = 3,609.0033…, shown as 3,609.00 but above the line.
        pytest.param("10827.01", 3, True, D("3609.00"), id="rounds down to the line, is above it"),
    ],
)
def test_the_unrounded_income_decides(wage: str, members: int, meets: bool, shown: D) -> None:
    facts = household(*(person(f"成员{i}") for i in range(members)), wage=wage)
    result = assess(facts, standard=LINE, as_of=AS_OF)
    assert result.meets_standard is meets
    assert result.per_capita == shown


def test_income_added_by_another_record_counts() -> None:
    facts = household(person("甲"), person("乙"), wage="7000", income_added=D(300))
    result = assess(facts, standard=LINE, as_of=AS_OF)
    assert result.per_capita == D("3650.00")
    assert result.meets_standard


# ---- Bug 2: one function decides every status change ------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "way", "allowed"),
    [
        pytest.param("未脱贫", "已脱贫", StatusWay.EXIT_APPROVAL, True, id="exit approval exits"),
        pytest.param("返贫", "已脱贫", StatusWay.EXIT_APPROVAL, True, id="a returned household exits again"),
        pytest.param("未脱贫", "已脱贫", StatusWay.LEDGER, False, id="a ledger cannot exit a household"),
        pytest.param("未脱贫", "已脱贫", StatusWay.ADMIN, False, id="the admin cannot exit a household"),
        pytest.param("未脱贫", "已脱贫", StatusWay.BY_HAND, False, id="nor can the status page"),
        pytest.param("已脱贫", "返贫", StatusWay.BY_HAND, True, id="the district marks a return to poverty"),
        pytest.param("已脱贫", "返贫", StatusWay.LEDGER, False, id="a ledger does not"),
        pytest.param("已脱贫", "未脱贫", StatusWay.BY_HAND, False, id="no way back to 未脱贫"),
        pytest.param("未脱贫", "自然减少", StatusWay.MEMBERS_GONE, True, id="the last member left"),
        pytest.param("未脱贫", "自然减少", StatusWay.LEDGER, False, id="a ledger does not remove a household"),
        pytest.param("自然减少", "未脱贫", StatusWay.BY_HAND, False, id="a removed household stays removed"),
        pytest.param("", "已脱贫", StatusWay.REGISTRATION, True, id="filed from an earlier year's ledger"),
        pytest.param("", "自然减少", StatusWay.REGISTRATION, False, id="not filed as removed"),
        pytest.param("已脱贫", "已脱贫", StatusWay.LEDGER, True, id="no change is always allowed"),
    ],
)
def test_status_changes(before: str, after: str, way: StatusWay, allowed: bool) -> None:
    refusal = status_change_refusal(before, after, way=way)
    assert (refusal is None) is allowed
    if not allowed:
        assert refusal  # a sentence to show


def test_a_refused_exit_names_the_procedure() -> None:
    assert "退出程序" in status_change_refusal("未脱贫", "已脱贫", way=StatusWay.LEDGER)


@pytest.mark.parametrize(
    ("before", "choices"),
    [("未脱贫", ("自然减少",)), ("已脱贫", ("返贫", "自然减少")), ("返贫", ("自然减少",)), ("自然减少", ())],
)
def test_manual_status_choices(before: str, choices: tuple[str, ...]) -> None:
    assert manual_status_choices(before) == choices
