"""The pairing and measure rules as pure functions over plain data (STYLE §3).

Each returns the refusal in Chinese (or None when allowed), so the pages, the services, the ledger import and
the district's coverage page all say the same thing for the same reason.
"""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from accounts.sectors import sector_department

# Plain values, not the models' choices: rules import nothing from Django (STYLE §3).
SECTION = "科级干部"
ORDINARY = "一般干部"
DEFAULT_QUOTAS: Mapping[str, int] = {SECTION: 3, ORDINARY: 2}
NEEDS_CADRE = frozenset({"未脱贫", "返贫"})
MAY_END = frozenset({"已脱贫", "自然减少"})
VISIT_DAYS = 90
PLAN_QUOTA = "规划第九章第一节：科级干部每人 3 户、一般干部每人 2 户"
PLAN_KEEP = "规划第九章第一节：“脱贫任务不完成、帮包干部不撤回”"

GRADE_RANKS: Mapping[str, str] = {
    "乡科级正职": SECTION,
    "乡科级副职": SECTION,
    "科员级": ORDINARY,
    "办事员级": ORDINARY,
    "未定职": ORDINARY,
}


class CadreLoad(NamedTuple):
    name: str
    rank: str  # "" when not recorded (a cadre the ledger import created)
    active: bool
    households: int  # active pairings now


def quota_for(rank: str, quotas: Mapping[str, int]) -> int:
    """Rule 7 — plan ch. 9 §1: how many households a cadre of `rank` may take. A cadre whose rank is not
    recorded gets the ordinary cadre's quota, the smaller one, until the district office records it."""
    ordinary = quotas.get(ORDINARY, DEFAULT_QUOTAS[ORDINARY])
    if rank == SECTION:
        return quotas.get(SECTION, DEFAULT_QUOTAS[SECTION])
    return ordinary


def rank_label(rank: str) -> str:
    return rank or f"类别未登记，按{ORDINARY}计"


def rank_of_grade(grade: str) -> str | None:
    """The rank a 职务级别 belongs to (乡科级正副职 are 科级; 科员级 and below are 一般干部)."""
    return GRADE_RANKS.get(grade)


def grade_refusal(*, rank: str, grade: str) -> str | None:
    """A 职务级别 that contradicts the rank."""
    expected = rank_of_grade(grade)
    if grade and rank and expected != rank:
        return f"职务级别“{grade}”属于{expected}，与干部类别“{rank}”不符，请核对。"
    return None


def over_quota(cadre: CadreLoad, quotas: Mapping[str, int]) -> bool:
    """Rule 7: the cadre has more households than the quota allows (possible only by an import or the admin)."""
    return cadre.households > quota_for(cadre.rank, quotas)


def pairing_refusal(
    *, cadre: CadreLoad, household_status: str, current_cadre: str | None, quotas: Mapping[str, int]
) -> str | None:
    """Rule 7 — may `cadre` be paired with a household? `current_cadre` is the name of the household's cadre
    now, or None. A handover passes None: the current pairing ends in the same step."""
    if not cadre.active:
        return f"{cadre.name}已设为不在岗，不能再结对。"
    if household_status == "自然减少":
        return "该户已自然减少，不需要结对帮扶。"
    if current_cadre is not None:
        return f"该户已由{current_cadre}帮扶。如需换人，请办理“更换帮扶责任人”（交接）。"
    quota = quota_for(cadre.rank, quotas)
    if cadre.households >= quota:
        return (
            f"{cadre.name}（{rank_label(cadre.rank)}）已结对 {cadre.households} 户，达到上限 {quota} 户，"
            f"不能再结对（{PLAN_QUOTA}）。请另选干部。"
        )
    return None


def end_refusal(*, household_status: str, successor: bool) -> str | None:
    """Rule 7 — may a pairing end? Not while the household has not exited, unless a successor takes over in
    the same step (handover)."""
    if household_status in NEEDS_CADRE and not successor:
        return (
            f"该户尚未脱贫（{household_status}），不能解除结对（{PLAN_KEEP}）。"
            "如帮扶责任人调岗、退休等，请办理“更换帮扶责任人”，同时指定接替的干部。"
        )
    return None


def handover_refusal(*, current_cadre_id: int, successor_id: int) -> str | None:
    if current_cadre_id == successor_id:
        return "接替的干部就是现在的帮扶责任人，请另选一位。"
    return None


def needs_cadre(household_status: str) -> bool:
    """Rule 7: every household not yet exited (未脱贫, 返贫) must have an active pairing."""
    return household_status in NEEDS_CADRE


def visit_overdue(last_visit: date | None, *, as_of: date, days: int = VISIT_DAYS) -> bool:
    """A cadre with households and no visit in the last `days` days (issue: 90) is listed for the district."""
    return last_visit is None or (as_of - last_visit).days > days


# Measures (一户一策) -------------------------------------------------------------------------------------------

MEASURE_ITEMS: Mapping[str, tuple[str, ...]] = {
    "产业": ("产业项目", "资产收益分红"),
    # Plan ch. 4: training (§1), public-welfare jobs (§2), entrepreneurship loans (§3).
    "就业": ("技能培训", "公益岗位", "转移就业", "小额扶贫信贷", "创业扶贫担保贷款"),
    "金融": ("小额扶贫信贷", "创业扶贫担保贷款"),
    # Plan ch. 8: 低保, 特困供养, 临时救助, and the pension premium the government pays.
    "兜底保障": ("低保", "特困供养", "临时救助", "养老保险代缴"),
}
PER_PERSON_ITEMS = frozenset({"技能培训", "公益岗位", "养老保险代缴"})
LOAN_ITEMS = frozenset({"小额扶贫信贷", "创业扶贫担保贷款"})
MONEY_ITEMS = frozenset({"公益岗位", "临时救助", "养老保险代缴", "资产收益分红", *LOAN_ITEMS})


class MeasureFacts(NamedTuple):
    kind: str
    item: str
    has_person: bool
    amount: Decimal | None
    months: int | None
    monthly_pay: Decimal | None
    interest_subsidy: str
    has_cadre: bool
    department: str


def measure_problems(m: MeasureFacts) -> list[tuple[str, str]]:
    """What is missing or wrong in a measure, as (field, message) pairs; empty when it can be stored."""
    problems: list[tuple[str, str]] = []
    items = MEASURE_ITEMS.get(m.kind, ())
    if m.item and m.item not in items:
        allowed = "、".join(items) if items else "无（请只填写措施内容）"
        problems.append(("item", f"“{m.item}”不属于{m.kind}类措施。{m.kind}类可选：{allowed}。"))
        return problems
    if m.item in PER_PERSON_ITEMS and not m.has_person:
        problems.append(("person", f"{m.item}按人登记，请选择受益成员。"))
    if m.item in MONEY_ITEMS and m.amount is None and m.item != "公益岗位":
        what = "贷款金额" if m.item in LOAN_ITEMS else "金额"
        problems.append(("amount", f"{m.item}请填写{what}（元）。"))
    if m.item == "公益岗位":
        if m.months is None or not 1 <= m.months <= 12:
            problems.append(("months", "公益岗位请填写本年度在岗月数（1–12）。"))
        if m.monthly_pay is None or m.monthly_pay <= 0:
            problems.append(("monthly_pay", "公益岗位请填写月工资（元）。"))
    if m.item in LOAN_ITEMS:
        if not m.interest_subsidy:
            problems.append(("interest_subsidy", "贷款请选择贴息方式。"))
        elif m.item == "创业扶贫担保贷款" and m.interest_subsidy != "全额贴息":
            problems.append(
                ("interest_subsidy", "创业扶贫担保贷款由财政全额贴息（规划第十二章第三节），贴息方式应为“全额贴息”。")
            )
    if not m.has_cadre and not m.department:
        problems.append(("department", "请填写责任干部或责任部门（至少一项）。"))
    return problems


def measure_department_refusal(*, officer_sector: str, department: str) -> str | None:
    """A sector officer records and corrects only the measures their own department carries out (DESIGN §4:
    民政, 人社 and 残联 write their own measures); everyone else is not limited here (None)."""
    if not officer_sector:
        return None
    own = sector_department(officer_sector)
    if department != own:
        return f"行业部门用户只能登记和修改本部门（{own}）负责的措施，请把责任部门选为“{own}”。"
    return None


def welfare_job_pay(months: int, monthly_pay: Decimal) -> Decimal:
    """The year's pay of a public-welfare job (公益岗位): months on the job × monthly pay."""
    return (monthly_pay * months).quantize(Decimal("0.01"))
