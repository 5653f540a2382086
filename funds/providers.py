"""The funds app's facts provider: dividends paid to a household count as its 财产性收入 of the year (plan ch. 10
§1 一: 引导鼓励贫困户 … 获得财产性收入; DESIGN §3: funds adds dividends to income through a registry service).

The registry's own income record (typed by the town or imported from the township ledger) must not include
the dividends paid through this system, or they would count twice (see funds.models' docstring).
"""

from datetime import date
from decimal import Decimal

from households.providers import FactsProvider, SectorFacts

from .models import PAID_STATUSES
from .selectors import payouts_by_household

SOURCE_KEY = "收入"

_PAID = ", ".join(f"'{status}'" for status in PAID_STATUSES)  # fixed choice values, no user input

# Changes whenever a payout of the year is written, or its run is confirmed, undone or published.
FUNDS_FINGERPRINT = f"""SELECT p.household_id, string_agg(concat_ws(',', p.id, p.amount, r.status), ';' ORDER BY p.id)
    FROM funds_dividendpayout p JOIN funds_dividendrun r ON r.id = p.run_id
    WHERE {{chunk:p.household_id}} AND r.year = {{year}} AND r.status IN ({_PAID})
    GROUP BY p.household_id"""  # noqa: S608


def funds_facts(household_ids: list[int], year: int, as_of: date) -> dict[int, SectorFacts]:
    """The year's dividends per household, in one query (households with none are left out)."""
    return {
        pk: SectorFacts(
            income_added=total,
            sources={SOURCE_KEY: f"资产收益分红 {total:,.2f} 元（扶贫资金台账，计入财产性收入）"},
        )
        for pk, total in payouts_by_household(household_ids, year=year).items()
        if total > Decimal(0)
    }


PROVIDER = FactsProvider(name="funds", label="扶贫资金台账", facts=funds_facts, fingerprint_sql=FUNDS_FINGERPRINT)
