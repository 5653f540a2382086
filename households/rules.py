"""The plan's rules as pure functions over plain data (DESIGN §5). No ORM, no I/O; dates are parameters.

The pages and the nightly job call these same functions.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class IncomeFacts:
    """One household's income of one year as the ledger gives it; None means "not given"."""

    wage: Decimal | None = None
    business: Decimal | None = None
    property_income: Decimal | None = None
    transfer: Decimal | None = None
    business_cost: Decimal | None = None
    per_capita_given: Decimal | None = None

    @property
    def has_components(self) -> bool:
        return any(
            v is not None for v in (self.wage, self.business, self.property_income, self.transfer, self.business_cost)
        )


def net_income(income: IncomeFacts) -> Decimal | None:
    """家庭纯收入 = 工资性 + 生产经营性 + 财产性 + 转移性 − 生产经营性支出 (DESIGN §5 rule 2).

    None when no component is given. A component left blank among given ones counts as 0.
    """
    if not income.has_components:
        return None
    parts = (income.wage, income.business, income.property_income, income.transfer)
    total = sum((p or Decimal(0) for p in parts), Decimal(0)) - (income.business_cost or Decimal(0))
    return total.quantize(CENT)


def per_capita_income(income: IncomeFacts, *, members: int) -> Decimal | None:
    """人均纯收入 — the year's net income divided by the members who have not left (DESIGN §5 rule 2,
    plan ch. 2 §3 "年人均收入稳定超过市定扶贫标准").

    Where the ledger gives only 人均纯收入 and no components, that figure is used. None when nothing is known
    or the household has no member left to divide by.
    """
    total = net_income(income)
    if total is None:
        return income.per_capita_given
    if members <= 0:
        return None
    return (total / members).quantize(CENT, rounding=ROUND_HALF_UP)
