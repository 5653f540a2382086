"""Rule 7 (plan ch. 9 §1) and the measure rules as parameter tables, no database."""

from datetime import date
from decimal import Decimal

import pytest

from assistance.rules import (
    DEFAULT_QUOTAS,
    CadreLoad,
    MeasureFacts,
    end_refusal,
    grade_refusal,
    handover_refusal,
    measure_problems,
    needs_cadre,
    over_quota,
    pairing_refusal,
    quota_for,
    rank_of_grade,
    visit_overdue,
    welfare_job_pay,
)

QUOTAS = {"科级干部": 3, "一般干部": 2}


@pytest.mark.parametrize(
    ("rank", "quotas", "expected"),
    [
        ("科级干部", QUOTAS, 3),
        ("一般干部", QUOTAS, 2),
        ("", QUOTAS, 2),  # rank not recorded: the smaller quota until the district records it
        ("科级干部", {"科级干部": 4, "一般干部": 2}, 4),  # the district office changed it
        ("科级干部", {}, 3),  # no row: the plan's figure
        ("一般干部", {}, 2),
    ],
)
def test_quota_for(rank: str, quotas: dict, expected: int) -> None:
    assert quota_for(rank, quotas) == expected


def test_default_quotas_are_the_plans() -> None:
    assert DEFAULT_QUOTAS == {"科级干部": 3, "一般干部": 2}


@pytest.mark.parametrize(
    ("cadre", "status", "current", "refused_with"),
    [
        (CadreLoad("孔明", "科级干部", True, 2), "未脱贫", None, None),
        (CadreLoad("孔明", "科级干部", True, 3), "未脱贫", None, "达到上限 3 户"),  # the fourth household
        (CadreLoad("颜华", "一般干部", True, 1), "未脱贫", None, None),
        (CadreLoad("颜华", "一般干部", True, 2), "未脱贫", None, "达到上限 2 户"),  # the third household
        (CadreLoad("曾静", "", True, 2), "未脱贫", None, "类别未登记"),
        (CadreLoad("闵涛", "科级干部", False, 0), "未脱贫", None, "不在岗"),
        (CadreLoad("孔明", "科级干部", True, 0), "未脱贫", "颜华", "已由颜华帮扶"),
        (CadreLoad("孔明", "科级干部", True, 0), "自然减少", None, "自然减少"),
        (CadreLoad("孔明", "科级干部", True, 0), "已脱贫", None, None),  # 脱贫不脱帮扶: allowed
        (CadreLoad("孔明", "科级干部", True, 0), "返贫", None, None),
    ],
)
def test_pairing_refusal(cadre: CadreLoad, status: str, current: str | None, refused_with: str | None) -> None:
    refusal = pairing_refusal(cadre=cadre, household_status=status, current_cadre=current, quotas=QUOTAS)
    if refused_with is None:
        assert refusal is None
    else:
        assert refusal is not None
        assert refused_with in refusal


def test_quota_refusal_cites_the_plan() -> None:
    refusal = pairing_refusal(
        cadre=CadreLoad("孔明", "科级干部", True, 3), household_status="未脱贫", current_cadre=None, quotas=QUOTAS
    )
    assert refusal == (
        "孔明（科级干部）已结对 3 户，达到上限 3 户，不能再结对（规划第九章第一节：科级干部每人 3 户、一般干部每人 2 户）。"
        "请另选干部。"
    )


@pytest.mark.parametrize(
    ("status", "successor", "allowed"),
    [
        ("未脱贫", False, False),  # 脱贫任务不完成、帮包干部不撤回
        ("返贫", False, False),
        ("未脱贫", True, True),  # a handover
        ("已脱贫", False, True),
        ("自然减少", False, True),
    ],
)
def test_end_refusal(status: str, successor: bool, allowed: bool) -> None:
    refusal = end_refusal(household_status=status, successor=successor)
    assert (refusal is None) == allowed
    if not allowed:
        assert "帮包干部不撤回" in refusal


@pytest.mark.parametrize(
    ("status", "needs"), [("未脱贫", True), ("返贫", True), ("已脱贫", False), ("自然减少", False)]
)
def test_needs_cadre(status: str, needs: bool) -> None:
    assert needs_cadre(status) is needs


@pytest.mark.parametrize(
    ("load", "over"),
    [
        (CadreLoad("a", "科级干部", True, 3), False),
        (CadreLoad("a", "科级干部", True, 4), True),
        (CadreLoad("a", "一般干部", True, 3), True),
        (CadreLoad("a", "", True, 3), True),
    ],
)
def test_over_quota(load: CadreLoad, over: bool) -> None:
    assert over_quota(load, QUOTAS) is over


def test_handover_to_the_same_cadre_is_refused() -> None:
    assert handover_refusal(current_cadre_id=5, successor_id=5) is not None
    assert handover_refusal(current_cadre_id=5, successor_id=6) is None


@pytest.mark.parametrize(
    ("rank", "grade", "ok", "derived"),
    [
        ("科级干部", "乡科级正职", True, "科级干部"),
        ("科级干部", "乡科级副职", True, "科级干部"),
        ("一般干部", "科员级", True, "一般干部"),
        ("一般干部", "办事员级", True, "一般干部"),
        ("一般干部", "未定职", True, "一般干部"),
        ("一般干部", "乡科级副职", False, "科级干部"),
        ("科级干部", "科员级", False, "一般干部"),
        ("科级干部", "", True, None),
        ("", "乡科级正职", True, "科级干部"),
    ],
)
def test_grade_and_rank(rank: str, grade: str, ok: bool, derived: str | None) -> None:
    assert (grade_refusal(rank=rank, grade=grade) is None) is ok
    assert rank_of_grade(grade) == derived


@pytest.mark.parametrize(
    ("last", "overdue"),
    [(None, True), (date(2026, 11, 29), False), (date(2026, 9, 1), False), (date(2026, 8, 31), True)],
)
def test_visit_overdue(last: date | None, overdue: bool) -> None:
    # 2026-11-30 minus 90 days is 2026-09-01: a visit that day is within the 90 days, the day before is not.
    assert visit_overdue(last, as_of=date(2026, 11, 30)) is overdue


def facts(**changes: object) -> MeasureFacts:
    base = {
        "kind": "产业",
        "item": "",
        "has_person": False,
        "amount": None,
        "months": None,
        "monthly_pay": None,
        "interest_subsidy": "",
        "has_cadre": True,
        "department": "",
    }
    return MeasureFacts(**{**base, **changes})


@pytest.mark.parametrize(
    ("measure", "fields"),
    [
        (facts(), []),
        (facts(has_cadre=False), ["department"]),
        (facts(has_cadre=False, department="民政"), []),
        (facts(kind="产业", item="低保"), ["item"]),  # an item of another kind
        (facts(kind="健康", item="技能培训"), ["item"]),
        # Training is listed per person (plan ch. 4 §1).
        (facts(kind="就业", item="技能培训"), ["person"]),
        (facts(kind="就业", item="技能培训", has_person=True), []),
        # A public-welfare job needs the person, months and pay.
        (facts(kind="就业", item="公益岗位"), ["person", "months", "monthly_pay"]),
        (facts(kind="就业", item="公益岗位", has_person=True, months=13, monthly_pay=Decimal(500)), ["months"]),
        (facts(kind="就业", item="公益岗位", has_person=True, months=10, monthly_pay=Decimal(500)), []),
        # Loans: amount and subsidy; the 创业扶贫担保贷款 is fully subsidised (plan ch. 12 §3).
        (facts(kind="金融", item="小额扶贫信贷"), ["amount", "interest_subsidy"]),
        (facts(kind="金融", item="小额扶贫信贷", amount=Decimal(30000), interest_subsidy="部分贴息"), []),
        (
            facts(kind="就业", item="创业扶贫担保贷款", amount=Decimal(50000), interest_subsidy="部分贴息"),
            ["interest_subsidy"],
        ),
        (facts(kind="就业", item="创业扶贫担保贷款", amount=Decimal(50000), interest_subsidy="全额贴息"), []),
        # Social security (plan ch. 8): the pension premium per person, temporary aid with its amount.
        (facts(kind="兜底保障", item="养老保险代缴", amount=Decimal(100)), ["person"]),
        (facts(kind="兜底保障", item="临时救助"), ["amount"]),
        (facts(kind="兜底保障", item="低保"), []),
    ],
)
def test_measure_problems(measure: MeasureFacts, fields: list[str]) -> None:
    assert [f for f, _message in measure_problems(measure)] == fields


def test_welfare_job_pay() -> None:
    assert welfare_job_pay(10, Decimal("500")) == Decimal("5000.00")
