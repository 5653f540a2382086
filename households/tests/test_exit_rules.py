"""Rules 1 and 3–6 as parameter tables (no database): guarantees, the exit standard, bands, the watch."""

from datetime import date
from decimal import Decimal as D  # noqa: N817 — short name keeps the tables readable

import pytest

from households.rules import (
    Gap,
    HouseholdFacts,
    IncomeBand,
    IncomeFacts,
    MemberFacts,
    Standard,
    assess,
    assessment_date,
    explain,
    income_band,
)

AS_OF = date(2025, 12, 31)
STANDARD = Standard(year=2025, poverty_line=D(3609), dibao_line=D(4800))
ADULT = MemberFacts(name="张三", birth_date=date(1970, 1, 1), school_status="非在校生", medical_insurance=True)
SPOUSE = ADULT._replace(name="李梅", birth_date=date(1972, 5, 5))


def household(*members: MemberFacts, per_capita_total: int = 10000, **facts: object) -> HouseholdFacts:
    """A household that meets every guarantee unless told otherwise; income given as the net total."""
    people = members or (ADULT, SPOUSE)
    defaults = {
        "income": IncomeFacts(wage=D(per_capita_total)),
        "enough_food": True,
        "enough_clothing": True,
        "house_grade": "B",
        "safe_water": True,
    }
    return HouseholdFacts(members=tuple(people), **{**defaults, **facts})


def child(age: int, **fields: object) -> MemberFacts:
    born = date(AS_OF.year - age, 3, 1)
    return MemberFacts(
        **{"name": "小明", "birth_date": born, "school_status": "小学", "medical_insurance": True, **fields}
    )


@pytest.mark.parametrize(
    ("facts", "gaps", "words"),
    [
        pytest.param(household(per_capita_total=7220), (), "达到脱贫标准", id="income above the line"),
        pytest.param(
            household(per_capita_total=7218), (Gap.INCOME,), "收入（人均 3,609 元，标准 3,609 元）",
            id="income exactly at the line is not above it",
        ),
        pytest.param(
            household(per_capita_total=6000), (Gap.INCOME,), "收入（人均 3,000 元，标准 3,609 元）",
            id="income below the line",
        ),
        pytest.param(
            household(ADULT, child(10, school_status="辍学"), per_capita_total=20000), (Gap.EDUCATION,),
            "义务教育（小明，10 岁，辍学）", id="a ten-year-old out of school",
        ),
        pytest.param(
            household(ADULT, child(19, school_status="非在校生"), per_capita_total=20000), (),
            "达到脱贫标准", id="a nineteen-year-old who left school",
        ),
        pytest.param(
            household(ADULT, child(15, school_status="非在校生"), per_capita_total=20000), (Gap.EDUCATION,),
            "小明，15 岁，非在校生", id="fifteen is still compulsory",
        ),
        pytest.param(
            household(ADULT, child(5, school_status=""), per_capita_total=20000), (), "达到脱贫标准",
            id="a five-year-old is not yet of school age",
        ),
        pytest.param(
            household(ADULT, child(9, school_status="非在校生", disability_grade="一级", taught_at_home=True),
                      per_capita_total=20000),
            (), "达到脱贫标准", id="severe disability taught at home",
        ),
        pytest.param(
            household(ADULT, child(9, school_status="非在校生", disability_grade="四级", taught_at_home=True),
                      per_capita_total=20000),
            (Gap.EDUCATION,), "小明，9 岁，非在校生", id="a mild disability does not excuse",
        ),
        pytest.param(
            household(ADULT, child(12, school_status=""), per_capita_total=20000), (Gap.EDUCATION,),
            "在校情况未填写", id="school status not recorded",
        ),
        pytest.param(
            household(ADULT, SPOUSE._replace(name="王奶奶", birth_date=date(1940, 1, 1), medical_insurance=False)),
            (Gap.MEDICAL,), "基本医疗（王奶奶未参加基本医疗保险）", id="an uninsured grandmother",
        ),
        pytest.param(household(house_grade="D"), (Gap.HOUSING,), "住房安全（D 级危房，未改造验收）", id="D-grade house"),
        pytest.param(household(house_grade="D", retrofit_accepted=True), (), "达到脱贫标准", id="D-grade retrofitted"),
        pytest.param(household(house_grade="", dilapidated=False), (), "达到脱贫标准", id="not dilapidated, no grade"),
        pytest.param(household(house_grade=""), (Gap.HOUSING,), "住房安全等级未填写", id="housing not recorded"),
        pytest.param(household(safe_water=False), (Gap.WATER,), "饮水安全（未解决安全饮用水）", id="unsafe water"),
        pytest.param(household(safe_water=None), (Gap.WATER,), "饮水情况未填写", id="water not recorded"),
        pytest.param(household(enough_food=None, enough_clothing=None), (), "达到脱贫标准", id="blank food counts as met"),
        pytest.param(household(enough_food=False), (Gap.FOOD,), "不愁吃（愁吃）", id="not enough food"),
        pytest.param(
            household(ADULT, child(10, school_status="辍学"), per_capita_total=3000, house_grade="C", safe_water=False),
            (Gap.INCOME, Gap.EDUCATION, Gap.HOUSING, Gap.WATER),
            "未达到脱贫标准：收入（人均 1,500 元，标准 3,609 元）；义务教育（小明，10 岁，辍学）；住房安全（C 级危房，未改造验收）；饮水安全（未解决安全饮用水）",
            id="several gaps at once",
        ),
        pytest.param(household(income=None), (Gap.INCOME,), "收入（收入未填写）", id="income not recorded"),
    ],
)  # fmt: skip
def test_exit_standard(facts: HouseholdFacts, gaps: tuple[Gap, ...], words: str) -> None:
    result = assess(facts, standard=STANDARD, as_of=AS_OF)
    assert result.gaps == gaps
    assert result.meets_standard is (gaps == ())
    assert words in explain(result)


def test_no_standard_for_the_year_is_an_income_gap() -> None:
    result = assess(household(), standard=None, as_of=AS_OF)
    assert result.gaps == (Gap.INCOME,)
    assert "未设定 2025 年扶贫标准" in explain(result)


@pytest.mark.parametrize(
    ("per_capita", "band"),
    [
        (D("4799.99"), IncomeBand.BELOW_DIBAO),
        (D(4800), IncomeBand.DIBAO_EDGE),
        (D("7199.99"), IncomeBand.DIBAO_EDGE),
        (D(7200), IncomeBand.LOW_INCOME),
        (D("9599.99"), IncomeBand.LOW_INCOME),
        (D(9600), IncomeBand.GENERAL),
    ],
)
def test_income_band(per_capita: D, band: IncomeBand) -> None:
    assert income_band(per_capita, dibao_line=D(4800)) is band


@pytest.mark.parametrize(
    ("facts", "watch"),
    [
        pytest.param(household(per_capita_total=20000, exited=True), False, id="exited, well above"),
        pytest.param(household(per_capita_total=10826, exited=True), True, id="exited, under 1.5x the line"),
        pytest.param(household(per_capita_total=10828, exited=True), False, id="exited, at 1.5x the line"),
        pytest.param(household(per_capita_total=20000, exited=True, safe_water=False), True, id="exited, lost water"),
        pytest.param(household(per_capita_total=6000, exited=False), False, id="never exited: not watched"),
    ],
)
def test_return_to_poverty_watch(facts: HouseholdFacts, watch: bool) -> None:
    assert assess(facts, standard=STANDARD, as_of=AS_OF).watch is watch


@pytest.mark.parametrize(
    ("year", "today", "expected"),
    [
        (2025, date(2026, 3, 1), date(2025, 12, 31)),
        (2026, date(2026, 3, 1), date(2026, 3, 1)),
    ],
)
def test_assessment_date(year: int, today: date, expected: date) -> None:
    assert assessment_date(year, today=today) == expected
