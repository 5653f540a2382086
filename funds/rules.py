"""The money rules of the plan as pure functions (STYLE §3): no ORM, no I/O, dates as parameters.

- allocations never exceed their fund source (plan ch. 12 §2 一: 统筹整合使用 … 资金项目监管);
- a dividend plan's shares add up to the income distributed, to the fen (plan ch. 10 §1 一: 公平合理的收益分配);
- dividends go only to the households that benefit from the project (ch. 10 §1 一: 确保资产收益及时回馈持股贫困户);
- a project goes past 公示 only after a 公示 of at least the set number of days (ch. 12 §2 一: 公示公开制度);
- interest subsidies per loan and year (ch. 12 §3 三, ch. 4 §3).

The pages, the services and the facts provider call these same functions.
"""

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
ZERO = Decimal(0)

# plan ch. 12 §2 一: 公示公开制度. The district may lengthen the 公示 (settings.FUNDS_PUBLICITY_DAYS), never shorten
# it below this.
DEFAULT_PUBLICITY_DAYS = 10

# plan ch. 12 §3 三: 对带动贫困人口 … 的各类生产经营主体发放的贷款，财政年贴息 3%.
BUSINESS_SUBSIDY_RATE = Decimal("0.03")


@dataclass(frozen=True)
class PlanTarget:
    """One period of the plan's investment-return projects (plan ch. 3 §1: 实施投资收益扶贫项目)."""

    label: str
    first_year: int
    last_year: int
    amount: Decimal
    projects: int
    households: int
    persons: int


# plan ch. 3 §1, word for word: "2016 年，投资 300 万元，实施投资收益扶贫项目 12 个，带动 274 户、491 人 …
# 2017-2018 年，投资 311 万元，实施投资收益扶贫项目 4 个，带动 229 户、322 人".
PLAN_TARGETS: tuple[PlanTarget, ...] = (
    PlanTarget("2016 年", 2016, 2016, Decimal("3000000"), 12, 274, 491),
    PlanTarget("2017—2018 年", 2017, 2018, Decimal("3110000"), 4, 229, 322),
)


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


# ---- Allocation ------------------------------------------------------------------------------------------------


def allocation_refusal(*, source_amount: Decimal, allocated_elsewhere: Decimal, amount: Decimal) -> str | None:
    """Money allocated from a source to projects never exceeds the source (plan ch. 12 §2 一, §4 一: 对扶贫资金实施
    全过程监督). `allocated_elsewhere` is what the source already gives to other projects (the allocation being
    changed excluded). None when the allocation fits."""
    if amount <= ZERO:
        return "安排金额必须大于 0。"
    left = source_amount - allocated_elsewhere
    if amount > left:
        return (
            f"该资金来源共 {_yuan(source_amount)} 元，已安排其他项目 {_yuan(allocated_elsewhere)} 元，"
            f"只剩 {_yuan(left)} 元，不能再安排 {_yuan(amount)} 元。"
        )
    return None


def source_shrink_refusal(*, new_amount: Decimal, allocated: Decimal) -> str | None:
    """A source corrected to less than it already gives to projects would break the rule above."""
    if new_amount < allocated:
        return f"该资金来源已安排到项目 {_yuan(allocated)} 元，金额不能改为少于这个数（{_yuan(new_amount)} 元）。"
    return None


# ---- Dividends -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """One household's claim on a dividend: its key (household id), its weight, and its order for ties."""

    key: Hashable
    weight: Decimal
    order: str  # the household number: ties of the remainder go by it, so a run is reproducible


def split_dividend(total: Decimal, shares: Sequence[Share]) -> dict[Hashable, Decimal]:
    """Divide `total` yuan among the shares by weight, to the fen, so the parts add up to `total` exactly
    (plan ch. 10 §1 一: 公平合理的收益分配制度; equal shares are all weights 1).

    **Remainder rule (最大余额法).** Everyone first gets their exact share rounded *down* to the fen. The fen left
    over (fewer than the number of households) go one each to the households whose exact share lost the most
    in that rounding; between equal losses, to the household with the smaller household number. So no household
    gets more than one fen above its exact share, and the same list always splits the same way.
    """
    if total < ZERO:
        raise ValueError("分配金额不能为负数。")
    if total != total.quantize(FEN):
        raise ValueError("分配金额只能精确到分。")
    if not shares:
        raise ValueError("没有受益户，无法分配。")
    if any(s.weight <= ZERO for s in shares):
        raise ValueError("每户的分配权重必须大于 0。")
    if len({s.key for s in shares}) != len(shares):
        raise ValueError("同一户不能在分配名单中出现两次。")
    weights = sum((s.weight for s in shares), ZERO)
    total_fen = int(total / FEN)
    exact = {s.key: Decimal(total_fen) * s.weight / weights for s in shares}
    floors = {key: int(value.to_integral_value(rounding=ROUND_DOWN)) for key, value in exact.items()}
    left = total_fen - sum(floors.values())
    by_loss = sorted(shares, key=lambda s: (-(exact[s.key] - floors[s.key]), s.order))
    for s in by_loss[:left]:
        floors[s.key] += 1
    return {s.key: Decimal(floors[s.key]) * FEN for s in shares}


NO_LABOUR = frozenset({"丧失劳动力", "无劳动力"})
SERIOUS_ILLNESS = "患有大病"


def tilted_weight(members: Sequence[tuple[str, str]], *, tilt: Decimal) -> Decimal:
    """The district's tilt of a dividend (plan ch. 10 §1 一: 公平合理的收益分配制度): `tilt` for a household with no
    member able to work (丧失劳动力 / 无劳动力) or with a member seriously ill (患有大病), 1 for every other.
    `members` are the (劳动技能, 健康状况) of the members in the household; a household with none recorded gets 1
    (nothing is known that would tilt it)."""
    if tilt < 1:
        raise ValueError("倾斜权重不能小于 1。")
    if not members:
        return Decimal(1)
    no_labour = all(labour in NO_LABOUR for labour, _health in members)
    ill = any(health == SERIOUS_ILLNESS for _labour, health in members)
    return tilt if no_labour or ill else Decimal(1)


def dividend_amount_refusal(*, income: Decimal, amount: Decimal) -> str | None:
    """The money distributed comes out of the project's income of the year and cannot exceed it."""
    if income <= ZERO:
        return "项目年收益必须大于 0。"
    if amount <= ZERO:
        return "分配金额必须大于 0。"
    if amount != amount.quantize(FEN):
        return "分配金额只能精确到分。"
    if amount > income:
        return f"分配金额 {_yuan(amount)} 元超过了项目当年收益 {_yuan(income)} 元。"
    return None


def dividend_project_refusal(*, status: str) -> str | None:
    """Only a project in operation (运营, after its 验收公示) has income to distribute (plan ch. 10 §1 一: 资产收益
    及时回馈持股贫困户 — the assets must be earning)."""
    if status != "运营":
        return f"项目现在是“{status}”，进入“运营”（验收公示期满）后才有收益可分。"
    return None


def dividend_recipient_refusal(*, household_number: str, beneficiary: bool) -> str | None:
    """A household receives a project's dividends only if it is one of the project's beneficiary households
    (plan ch. 10 §1 一: 确保资产收益及时回馈持股贫困户)."""
    if not beneficiary:
        return f"户 {household_number} 不是该项目的受益户，不能领取该项目的分红。"
    return None


# ---- Project status and 公示 -------------------------------------------------------------------------------------

STATUSES = ("立项", "公示", "实施", "验收", "运营")


@dataclass(frozen=True)
class PublicityFacts:
    """A recorded 公示: its stage (立项前 / 验收后), first and last day."""

    stage: str
    start: date
    end: date


BEFORE_APPROVAL = "立项公示"
AFTER_ACCEPTANCE = "验收公示"


def publicity_days(start: date, end: date) -> int:
    """The 公示's length in days, both ends counted (1–10 March is 10 days)."""
    return (end - start).days + 1


def publicity_refusal(*, start: date, end: date, min_days: int) -> str | None:
    """A 公示 lasts at least `min_days` days (plan ch. 12 §2 一: 建立健全扶贫资金项目公示公开制度; the district's
    setting, at least 10)."""
    if end < start:
        return "公示结束日期不能早于开始日期。"
    days = publicity_days(start, end)
    if days < min_days:
        return f"公示期只有 {days} 天，至少要 {min_days} 天（含首尾两天），请延长公示结束日期。"
    return None


def status_change_refusal(
    *, current: str, target: str, publicities: Sequence[PublicityFacts], today: date, min_days: int
) -> str | None:
    """A project moves one step at a time along 立项 → 公示 → 实施 → 验收 → 运营 (plan ch. 12 §2 一). It moves past
    公示 (to 实施) only after a 立项公示 of at least `min_days` days that has ended by `today`; it goes into 运营
    only after a 验收公示 likewise (公示 before approval and after acceptance)."""
    if current not in STATUSES or target not in STATUSES:
        return "未知的项目状态。"
    if STATUSES.index(target) != STATUSES.index(current) + 1:
        return f"项目只能按 立项 → 公示 → 实施 → 验收 → 运营 逐步推进，不能从“{current}”改为“{target}”。"
    needed = {"实施": BEFORE_APPROVAL, "运营": AFTER_ACCEPTANCE}.get(target)
    if needed is None:
        return None
    fitting = [
        p for p in publicities if p.stage == needed and p.end >= p.start and publicity_days(p.start, p.end) >= min_days
    ]
    if not fitting:
        return f"进入“{target}”之前必须完成{needed}（至少 {min_days} 天），请先登记公示。"
    if all(p.end >= today for p in fitting):
        last = max(p.end for p in fitting)
        return f"{needed}到 {last:%Y-%m-%d} 才结束，公示期满后才能进入“{target}”。"
    return None


# ---- Interest subsidies ----------------------------------------------------------------------------------------

LOAN_BUSINESS = "经营主体贷款"
LOAN_STARTUP = "创业扶贫担保贷款"
LOAN_STUDENT = "助学贷款"
LOAN_MICRO = "小额扶贫信贷"


@dataclass(frozen=True)
class LoanYear:
    """One loan in one year: its kind, the balance the interest ran on, the bank's annual rate, the months of
    the year the loan ran, and the interest actually paid."""

    kind: str
    balance: Decimal
    rate: Decimal  # the actual annual rate, 0.0435 for 4.35%
    months: int
    interest_paid: Decimal


def interest_subsidy(loan: LoanYear, *, micro_rate: Decimal | None) -> Decimal:
    """The year's interest subsidy of one loan, to the fen (plan ch. 12 §3 三, ch. 4 §3):

    - loans to businesses that employ poor people: 3% a year, never more than the loan's own rate;
    - 创业扶贫担保贷款 and 助学贷款: the interest in full (全额贴息);
    - 小额扶贫信贷: the rate the district sets for the year, never more than the loan's own rate.

    Never more than the interest actually paid.
    """
    if loan.balance < ZERO or loan.rate < ZERO or loan.interest_paid < ZERO or not 0 <= loan.months <= 12:
        raise ValueError("贷款余额、利率、实付利息不能为负，月数在 0–12 之间。")
    if loan.kind in (LOAN_STARTUP, LOAN_STUDENT):
        return loan.interest_paid.quantize(FEN, rounding=ROUND_HALF_UP)
    if loan.kind == LOAN_BUSINESS:
        rate = min(BUSINESS_SUBSIDY_RATE, loan.rate)
    elif loan.kind == LOAN_MICRO:
        if micro_rate is None:
            raise ValueError("区里尚未设定当年小额扶贫信贷的贴息率。")
        rate = min(micro_rate, loan.rate)
    else:
        raise ValueError(f"未知的贷款类别：{loan.kind}")
    due = loan.balance * rate * Decimal(loan.months) / Decimal(12)
    return min(due, loan.interest_paid).quantize(FEN, rounding=ROUND_HALF_UP)
