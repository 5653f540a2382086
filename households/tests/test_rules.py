"""Rule 2, per-capita net income, as a parameter table (no database)."""

from decimal import Decimal as D  # noqa: N817 — short name keeps the table readable

import pytest

from households.rules import IncomeFacts, net_income, per_capita_income


@pytest.mark.parametrize(
    ("facts", "members", "net", "per_capita"),
    [
        pytest.param(
            IncomeFacts(
                wage=D(8000), business=D(3000), property_income=D(600), transfer=D(4000), business_cost=D(1000)
            ),
            4,
            D("14600.00"),
            D("3650.00"),
            id="all five components",
        ),
        pytest.param(IncomeFacts(wage=D(10000)), 3, D("10000.00"), D("3333.33"), id="blank components count 0"),
        pytest.param(
            IncomeFacts(transfer=D(1000), business_cost=D(1500)),
            1,
            D("-500.00"),
            D("-500.00"),
            id="costs above income give a loss",
        ),
        pytest.param(IncomeFacts(per_capita_given=D(3700)), 2, None, D(3700), id="only the ledger's figure"),
        pytest.param(
            IncomeFacts(wage=D(9000), per_capita_given=D(1)),
            3,
            D("9000.00"),
            D("3000.00"),
            id="components win over the given figure",
        ),
        pytest.param(IncomeFacts(), 3, None, None, id="nothing known"),
        pytest.param(IncomeFacts(wage=D(9000)), 0, D("9000.00"), None, id="nobody left to divide by"),
        pytest.param(IncomeFacts(wage=D(10000)), 6, D("10000.00"), D("1666.67"), id="rounded half up to cents"),
    ],
)
def test_per_capita_income(facts: IncomeFacts, members: int, net: D | None, per_capita: D | None) -> None:
    assert net_income(facts) == net
    assert per_capita_income(facts, members=members) == per_capita
