"""The medical-aid rules of plan ch. 6 §2 一 as tables, without the database."""

from datetime import date
from decimal import Decimal

import pytest

from healthcare.rules import (
    AidGroup,
    AidPerson,
    ExpenseFigures,
    aid_base,
    aid_groups,
    band_of,
    child_rehab_eligible,
    disability_due,
    expense_refusal,
    medical_aid,
    out_of_pocket_share,
    pension_due,
    progress_442,
    special_cap_refusal,
)

D = Decimal

DIBAO = AidPerson(attribute="低保贫困户", status="未脱贫")
TEKUN_MEMBER = AidPerson(attribute="一般贫困户", status="未脱贫", tekun=True)
REGISTERED = AidPerson(attribute="一般贫困户", status="未脱贫")
EXITED = AidPerson(attribute="一般贫困户", status="已脱贫")
REMOVED = AidPerson(attribute="一般贫困户", status="自然减少")
NOBODY = AidPerson()


@pytest.mark.parametrize(
    ("figures", "base"),
    [
        (ExpenseFigures(D(8000), D(8000), D(4500), D(0)), D(3500)),
        # Out-of-scope cost never counts: 10,000 total of which 8,000 in scope.
        (ExpenseFigures(D(10000), D(8000), D(4500), D(0)), D(3500)),
        (ExpenseFigures(D(50000), D(40000), D(24000), D(6000)), D(10000)),
        # Floored at 0 when the insurances paid more than the in-scope part.
        (ExpenseFigures(D(5000), D(3000), D(2800), D(500)), D(0)),
        (ExpenseFigures(D(2000), D(0), D(0), D(0)), D(0)),  # all out of scope
    ],
)
def test_base_is_in_scope_less_both_reimbursements(figures: ExpenseFigures, base: D) -> None:
    assert aid_base(figures) == base


@pytest.mark.parametrize(
    ("person", "figures", "granted", "amount", "group"),
    [
        # 特困/低保: 75%.
        (DIBAO, ExpenseFigures(D(8000), D(8000), D(4500), D(0)), D(0), D("2625.00"), AidGroup.DIBAO),
        (TEKUN_MEMBER, ExpenseFigures(D(8000), D(8000), D(4500), D(0)), D(0), D("2625.00"), AidGroup.TEKUN),
        # 建档立卡, no deductible: 40% from the first yuan.
        (REGISTERED, ExpenseFigures(D(100), D(100), D(60), D(0)), D(0), D("16.00"), AidGroup.REGISTERED),
        (EXITED, ExpenseFigures(D(8000), D(8000), D(4500), D(0)), D(0), D("1400.00"), AidGroup.REGISTERED),
        # Out-of-scope cost: the 2,000 outside the scope adds nothing.
        (REGISTERED, ExpenseFigures(D(10000), D(8000), D(4500), D(0)), D(0), D("1400.00"), AidGroup.REGISTERED),
        # Cap reached: 14,000 already granted this year leaves 1,000 of the 15,000.
        (REGISTERED, ExpenseFigures(D(20000), D(20000), D(10000), D(0)), D(14000), D("1000.00"), AidGroup.REGISTERED),
        (REGISTERED, ExpenseFigures(D(20000), D(20000), D(10000), D(0)), D(15000), D("0.00"), AidGroup.REGISTERED),
        (REGISTERED, ExpenseFigures(D(20000), D(20000), D(10000), D(0)), D(16000), D("0.00"), AidGroup.REGISTERED),
        # Several groups → the highest rate: a 低保 member of a 因病致贫 household in the 低保边缘 band.
        (
            AidPerson(attribute="一般贫困户", status="未脱贫", dibao=True, band="低保边缘", illness_poverty=True),
            ExpenseFigures(D(8000), D(8000), D(4500), D(0)),
            D(0),
            D("2625.00"),
            AidGroup.DIBAO,
        ),
        (
            AidPerson(band="低收入", illness_poverty=True),
            ExpenseFigures(D(1000), D(1000)),
            D(0),
            D("400.00"),
            AidGroup.LOW_INCOME,
        ),
        (
            AidPerson(illness_poverty=True),
            ExpenseFigures(D(1000), D(1000)),
            D(0),
            D("400.00"),
            AidGroup.ILLNESS_POVERTY,
        ),
        # In no group (a removed household, band 一般): nothing.
        (REMOVED, ExpenseFigures(D(8000), D(8000), D(4500), D(0)), D(0), D(0), None),
        (AidPerson(band="一般"), ExpenseFigures(D(8000), D(8000)), D(0), D(0), None),
    ],
)
def test_aid_rate_cap_and_group(
    person: AidPerson, figures: ExpenseFigures, granted: D, amount: D, group: object
) -> None:
    aid = medical_aid(figures, person, granted_before=granted)
    assert aid.amount == amount
    assert aid.group == group


def test_cap_reached_across_two_expenses_of_the_year() -> None:
    """Two expenses of one person in one year: the second gets only what is left of the 15,000."""
    first = medical_aid(ExpenseFigures(D(40000), D(40000), D(10000), D(0)), REGISTERED)
    assert first.amount == D("12000.00")
    assert not first.capped
    second = medical_aid(ExpenseFigures(D(20000), D(20000), D(10000), D(0)), REGISTERED, granted_before=first.amount)
    assert second.amount == D("3000.00")  # 40% would be 4,000
    assert second.capped
    assert "年度封顶 15,000，本年已救助 12,000，只能再救助 3,000" in second.words


def test_special_cap_is_the_setting() -> None:
    figures = ExpenseFigures(D(40000), D(40000), D(10000), D(0))
    assert medical_aid(figures, DIBAO, granted_before=D(10000), special_cap=D(15000)).amount == D("5000.00")
    assert medical_aid(figures, DIBAO, granted_before=D(10000), special_cap=D(40000)).amount == D("22500.00")


def test_the_computation_is_written_out() -> None:
    aid = medical_aid(ExpenseFigures(D(8000), D(8000), D(4500), D(0)), DIBAO)
    assert aid.words == "政策范围内 8,000 − 基本医保 4,500 − 大病 0 = 3,500 × 75%（低保对象） = 2,625"
    outside = medical_aid(ExpenseFigures(D(10000), D(8000), D(4500), D(0)), REGISTERED)
    assert outside.words.startswith("（范围外 2,000 不计）政策范围内 8,000")


@pytest.mark.parametrize(
    ("cap", "refused"),
    [(None, True), (D(0), True), (D("14999.99"), True), (D(15000), False), (D(20000), False)],
)
def test_special_cap_not_below_15000(cap: D | None, refused: bool) -> None:
    assert (special_cap_refusal(cap) is not None) is refused


@pytest.mark.parametrize(
    ("per_capita", "band", "groups"),
    [
        (D("4799.99"), "低保标准以下", ()),
        (D(4800), "低保边缘", (AidGroup.DIBAO_EDGE,)),  # 100% of the line
        (D("7199.99"), "低保边缘", (AidGroup.DIBAO_EDGE,)),
        (D(7200), "低收入", (AidGroup.LOW_INCOME,)),  # 150%
        (D("9599.99"), "低收入", (AidGroup.LOW_INCOME,)),
        (D(9600), "一般", ()),  # 200%: no longer 低收入
        (None, "", ()),
    ],
)
def test_band_edges(per_capita: D | None, band: str, groups: tuple) -> None:
    found = band_of(per_capita, dibao_line=D(4800))
    assert found == band
    assert aid_groups(AidPerson(band=found)) == groups
    expected = D("400.00") if groups else D(0)
    assert medical_aid(ExpenseFigures(D(1000), D(1000)), AidPerson(band=found)).amount == expected


@pytest.mark.parametrize(
    ("figures", "refused"),
    [
        (ExpenseFigures(D(1000), D(800), D(400), D(100)), None),
        (ExpenseFigures(D(1000), D(1200)), "政策范围内费用（1,200）不能大于总费用（1,000）。"),
        (
            ExpenseFigures(D(1000), D(800), D(900), D(200)),
            "基本医保和大病保险报销合计（1,100）不能大于总费用（1,000）。",
        ),
        (ExpenseFigures(D(-1), D(0)), "总费用不能为负数。"),
    ],
)
def test_impossible_figures_are_refused(figures: ExpenseFigures, refused: str | None) -> None:
    assert expense_refusal(figures) == refused


def test_out_of_pocket_share() -> None:
    assert out_of_pocket_share(total=D(10000), basic=D(6000), critical=D(1000), aid=D(2000)) == D("0.1000")
    assert out_of_pocket_share(total=D(0), basic=D(0), critical=D(0), aid=D(0)) is None
    assert out_of_pocket_share(total=D(100), basic=D(100), critical=D(0), aid=D(50)) == D(0)


@pytest.mark.parametrize(
    ("identified", "treated", "year", "met"),
    [
        (10, 4, 2016, True),
        (10, 3, 2016, False),
        (10, 8, 2017, True),
        (10, 7, 2017, False),
        (10, 9, 2018, False),
        (10, 10, 2018, True),
        (0, 0, 2018, True),
    ],
)
def test_442_schedule(identified: int, treated: int, year: int, met: bool) -> None:
    assert progress_442(identified=identified, treated=treated, year=year).met is met


@pytest.mark.parametrize(
    ("birth", "grade", "due"),
    [
        (date(1965, 3, 1), "一级", date(2020, 3, 1)),
        (date(1965, 3, 1), "二级", date(2020, 3, 1)),
        (date(1965, 3, 1), "三级", date(2025, 3, 1)),
        (date(1964, 2, 29), "一级", date(2019, 3, 1)),
    ],
)
def test_pension_five_years_early_for_grade_one_and_two(birth: date, grade: str, due: date) -> None:
    assert pension_due(birth, grade) == due


@pytest.mark.parametrize(
    ("birth", "on", "eligible"),
    [
        (date(2019, 6, 1), date(2026, 5, 31), True),
        (date(2019, 6, 1), date(2026, 6, 1), False),
        (date(2027, 1, 1), date(2026, 6, 1), False),
    ],
)
def test_child_rehabilitation_under_seven(birth: date, on: date, eligible: bool) -> None:
    assert child_rehab_eligible(birth, on=on) is eligible


@pytest.mark.parametrize(
    ("birth", "grade", "received", "due"),
    [
        (date(2021, 1, 1), "二级", frozenset(), ("child_rehab", "device", "barrier_free")),
        (date(2021, 1, 1), "二级", frozenset({"child_rehab", "device"}), ("barrier_free",)),
        (date(1965, 1, 1), "一级", frozenset(), ("device", "barrier_free", "early_pension")),
        (date(1975, 1, 1), "一级", frozenset({"device", "barrier_free"}), ()),  # 55 only in 2030
        (date(1960, 1, 1), "三级", frozenset({"device", "barrier_free"}), ()),  # not severe: no early pension
    ],
)
def test_disability_programmes_due(birth: date, grade: str, received: frozenset, due: tuple) -> None:
    assert disability_due(birth, grade, received=received, on=date(2026, 6, 1)) == due
