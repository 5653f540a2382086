"""The money rules as tables, without the database (STYLE §19)."""

from datetime import date
from decimal import Decimal as D  # noqa: N817 — the tables read better

import pytest

from funds.rules import (
    AFTER_ACCEPTANCE,
    BEFORE_APPROVAL,
    LOAN_BUSINESS,
    LOAN_MICRO,
    LOAN_STARTUP,
    LOAN_STUDENT,
    PLAN_TARGETS,
    LoanYear,
    PublicityFacts,
    Share,
    allocation_refusal,
    dividend_amount_refusal,
    dividend_project_refusal,
    dividend_recipient_refusal,
    interest_subsidy,
    publicity_refusal,
    source_shrink_refusal,
    split_dividend,
    status_change_refusal,
    tilted_weight,
)


@pytest.mark.parametrize(
    ("source", "elsewhere", "amount", "refused"),
    [
        (D("3000000"), D("0"), D("3000000"), None),  # the whole source into one project
        (D("3000000"), D("2999999.99"), D("0.01"), None),  # the last fen
        (D("3000000"), D("2999999.99"), D("0.02"), "只剩 0.01 元，不能再安排 0.02 元"),
        (D("100"), D("0"), D("100.01"), "只剩 100.00 元"),
        (D("100"), D("0"), D("0"), "必须大于 0"),
        (D("100"), D("0"), D("-5"), "必须大于 0"),
    ],
)
def test_allocations_never_exceed_the_source(source: D, elsewhere: D, amount: D, refused: str | None) -> None:
    result = allocation_refusal(source_amount=source, allocated_elsewhere=elsewhere, amount=amount)
    if refused is None:
        assert result is None
    else:
        assert refused in result


@pytest.mark.parametrize(
    ("new", "allocated", "refused"),
    [(D("500"), D("500"), False), (D("600"), D("500"), False), (D("499.99"), D("500"), True)],
)
def test_a_source_cannot_shrink_below_what_it_gives(new: D, allocated: D, refused: bool) -> None:
    assert (source_shrink_refusal(new_amount=new, allocated=allocated) is not None) is refused


def shares(*weights: str) -> list[Share]:
    return [Share(key=i, weight=D(w), order=f"H{i:03d}") for i, w in enumerate(weights)]


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        # equal shares that divide evenly
        ("300.00", ("1", "1", "1"), ("100.00", "100.00", "100.00")),
        # 100 yuan among 3: 33.33 each, the one fen left goes to the smallest household number (equal losses)
        ("100.00", ("1", "1", "1"), ("33.34", "33.33", "33.33")),
        # two fen left over: the first two by household number
        ("0.02", ("1", "1", "1"), ("0.01", "0.01", "0.00")),
        # tilted: the household with no labour weighs 1.5 — 250 → 150 / 100
        ("250.00", ("1.5", "1"), ("150.00", "100.00")),
        # exact shares 66.666…, 33.333…: the bigger loss (0.6 fen) gets the fen
        ("100.00", ("2", "1"), ("66.67", "33.33")),
        # 10 yuan among 7 with weights; the sum must still be 10.00
        ("10.00", ("1", "2", "1", "1.5", "1", "1", "0.5"), ("1.25", "2.50", "1.25", "1.88", "1.25", "1.25", "0.62")),
        ("0.00", ("1", "1"), ("0.00", "0.00")),
    ],
)
def test_a_dividend_splits_to_the_fen_and_adds_up(total: str, weights: tuple[str, ...], expected: tuple) -> None:
    parts = split_dividend(D(total), shares(*weights))
    assert [str(parts[i]) for i in range(len(weights))] == list(expected)
    assert sum(parts.values()) == D(total)


def test_no_household_gets_more_than_one_fen_above_its_exact_share() -> None:
    weights = [str(1 + (i % 4) * D("0.25")) for i in range(274)]
    total = D("123456.78")
    parts = split_dividend(total, shares(*weights))
    assert sum(parts.values()) == total
    weight_sum = sum(D(w) for w in weights)
    for i, w in enumerate(weights):
        exact = total * D(w) / weight_sum
        assert exact - D("0.01") < parts[i] < exact + D("0.01")


@pytest.mark.parametrize(
    ("total", "weights", "message"),
    [
        ("-1", ("1",), "不能为负数"),
        ("1.005", ("1",), "精确到分"),
        ("10", (), "没有受益户"),
        ("10", ("1", "0"), "必须大于 0"),
    ],
)
def test_a_dividend_refuses_what_cannot_be_split(total: str, weights: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        split_dividend(D(total), shares(*weights))


def test_a_household_cannot_appear_twice() -> None:
    with pytest.raises(ValueError, match="两次"):
        split_dividend(D("10"), [Share(1, D(1), "A"), Share(1, D(1), "A")])


@pytest.mark.parametrize(
    ("income", "amount", "refused"),
    [
        ("50000", "50000", None),
        ("50000", "40000", None),
        ("50000", "50000.01", "超过了项目当年收益"),
        ("0", "0", "年收益必须大于 0"),
        ("100", "0", "分配金额必须大于 0"),
        ("100", "10.001", "精确到分"),
    ],
)
def test_a_dividend_comes_out_of_the_years_income(income: str, amount: str, refused: str | None) -> None:
    result = dividend_amount_refusal(income=D(income), amount=D(amount))
    assert result is None if refused is None else refused in result


@pytest.mark.parametrize(("beneficiary", "refused"), [(True, False), (False, True)])
def test_dividends_only_to_the_projects_beneficiaries(beneficiary: bool, refused: bool) -> None:
    result = dividend_recipient_refusal(household_number="SJ-001", beneficiary=beneficiary)
    assert (result is not None) is refused
    if refused:
        assert "SJ-001 不是该项目的受益户" in result


@pytest.mark.parametrize(
    ("start", "end", "min_days", "refused"),
    [
        (date(2026, 3, 1), date(2026, 3, 10), 10, None),  # 10 days, both ends counted
        (date(2026, 3, 1), date(2026, 3, 9), 10, "只有 9 天，至少要 10 天"),
        (date(2026, 3, 1), date(2026, 3, 14), 15, "只有 14 天，至少要 15 天"),
        (date(2026, 3, 1), date(2026, 2, 28), 10, "不能早于开始日期"),
    ],
)
def test_a_publicity_lasts_at_least_the_set_days(start: date, end: date, min_days: int, refused: str | None) -> None:
    result = publicity_refusal(start=start, end=end, min_days=min_days)
    assert result is None if refused is None else refused in result


BEFORE = PublicityFacts(BEFORE_APPROVAL, date(2026, 3, 1), date(2026, 3, 10))
SHORT = PublicityFacts(BEFORE_APPROVAL, date(2026, 3, 1), date(2026, 3, 5))
AFTER = PublicityFacts(AFTER_ACCEPTANCE, date(2026, 9, 1), date(2026, 9, 10))


@pytest.mark.parametrize(
    ("current", "target", "publicities", "today", "refused"),
    [
        ("立项", "公示", (), date(2026, 3, 1), None),
        ("公示", "实施", (BEFORE,), date(2026, 3, 11), None),
        ("公示", "实施", (), date(2026, 3, 11), "必须完成立项公示（至少 10 天）"),
        ("公示", "实施", (SHORT,), date(2026, 3, 11), "必须完成立项公示"),  # too short does not count
        ("公示", "实施", (BEFORE,), date(2026, 3, 10), "到 2026-03-10 才结束"),  # still running on its last day
        ("公示", "实施", (AFTER,), date(2026, 9, 30), "必须完成立项公示"),  # the wrong kind of 公示
        ("实施", "验收", (BEFORE,), date(2026, 8, 1), None),
        ("验收", "运营", (BEFORE,), date(2026, 9, 30), "必须完成验收公示"),
        ("验收", "运营", (BEFORE, AFTER), date(2026, 9, 11), None),
        ("立项", "实施", (BEFORE,), date(2026, 3, 11), "逐步推进"),  # no skipping 公示
        ("运营", "验收", (BEFORE, AFTER), date(2026, 9, 11), "逐步推进"),  # no going back
    ],
)
def test_a_project_moves_past_publicity_only_after_it(
    current: str, target: str, publicities: tuple, today: date, refused: str | None
) -> None:
    result = status_change_refusal(current=current, target=target, publicities=publicities, today=today, min_days=10)
    assert result is None if refused is None else refused in result


@pytest.mark.parametrize(
    ("kind", "balance", "rate", "months", "paid", "micro", "expected"),
    [
        # business employing poor people: 3% of 1,000,000 for a year
        (LOAN_BUSINESS, "1000000", "0.0435", 12, "43500", None, "30000.00"),
        # … for half a year
        (LOAN_BUSINESS, "1000000", "0.0435", 6, "21750", None, "15000.00"),
        # … capped at the loan's own rate (2.5% < 3%)
        (LOAN_BUSINESS, "1000000", "0.025", 12, "25000", None, "25000.00"),
        # … and never more than the interest paid
        (LOAN_BUSINESS, "1000000", "0.0435", 12, "20000", None, "20000.00"),
        # 创业担保 and 助学: in full
        (LOAN_STARTUP, "100000", "0.0475", 12, "4750", None, "4750.00"),
        (LOAN_STUDENT, "8000", "0.0435", 12, "348.004", None, "348.00"),
        # 小额信贷 at the district's rate, capped at the loan's own rate
        (LOAN_MICRO, "50000", "0.0435", 12, "2175", "0.04", "2000.00"),
        (LOAN_MICRO, "50000", "0.0350", 12, "1750", "0.04", "1750.00"),
        (LOAN_BUSINESS, "0", "0.0435", 12, "0", None, "0.00"),
    ],
)
def test_interest_subsidy(
    kind: str, balance: str, rate: str, months: int, paid: str, micro: str | None, expected: str
) -> None:
    loan = LoanYear(kind=kind, balance=D(balance), rate=D(rate), months=months, interest_paid=D(paid))
    assert interest_subsidy(loan, micro_rate=D(micro) if micro else None) == D(expected)


@pytest.mark.parametrize(
    ("loan", "message"),
    [
        (LoanYear(LOAN_MICRO, D(1000), D("0.04"), 12, D(40)), "尚未设定"),
        (LoanYear(LOAN_BUSINESS, D(1000), D("0.04"), 13, D(40)), "0–12"),
        (LoanYear(LOAN_BUSINESS, D(-1), D("0.04"), 12, D(40)), "不能为负"),
        (LoanYear("其他", D(1000), D("0.04"), 12, D(40)), "未知的贷款类别"),
    ],
)
def test_interest_subsidy_refuses_bad_input(loan: LoanYear, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        interest_subsidy(loan, micro_rate=None)


def test_the_plan_figures_are_the_plans() -> None:
    """plan ch. 3 §1, as printed."""
    assert [(t.amount, t.projects, t.households, t.persons) for t in PLAN_TARGETS] == [
        (D("3000000"), 12, 274, 491),
        (D("3110000"), 4, 229, 322),
    ]


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        ((("普通劳动力", "健康"), ("无劳动力", "健康")), "1"),  # someone can work, no one seriously ill
        ((("丧失劳动力", "长期慢性病"), ("无劳动力", "健康")), "1.5"),  # no one can work
        ((("普通劳动力", "健康"), ("无劳动力", "患有大病")), "1.5"),  # a member seriously ill
        ((("", ""),), "1"),  # nothing recorded: no tilt
        ((), "1"),
    ],
)
def test_the_district_tilts_dividends_to_households_without_labour_or_with_serious_illness(
    members: tuple, expected: str
) -> None:
    assert tilted_weight(members, tilt=D("1.5")) == D(expected)


def test_a_tilt_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="不能小于 1"):
        tilted_weight((("无劳动力", "健康"),), tilt=D("0.5"))


@pytest.mark.parametrize(("status", "refused"), [("运营", False), ("验收", True), ("实施", True), ("立项", True)])
def test_only_an_operating_project_pays_dividends(status: str, refused: bool) -> None:
    assert (dividend_project_refusal(status=status) is not None) is refused
