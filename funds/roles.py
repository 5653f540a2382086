"""Who may do what with fund sources, projects, dividends and interest subsidies (DESIGN §4; mechanism:
accounts/roles.py).

The district office and the 财政 department's officers record and change everything (plan ch. 12 §2 一: 区负总责);
towns and villages read the projects, beneficiaries and dividends of their own area (scope in selectors.py);
other sector officers read. Fund sources are district-wide money: towns do not see the source ledger.
"""

from accounts.models import Role, Sector

_READ_LOCAL = ("view_project", "view_beneficiary", "view_publicity", "view_dividendrun", "view_loan")
_READ = (*_READ_LOCAL, "view_fundsource", "view_allocation", "view_interestsubsidy", "view_microcreditrate")
_WRITE = (
    "add_fundsource",
    "change_fundsource",
    "add_project",
    "change_project",
    "add_allocation",
    "change_allocation",
    "add_beneficiary",
    "change_beneficiary",
    "add_publicity",
    "add_dividendrun",
    "change_dividendrun",
    "add_loan",
    "change_loan",
    "add_interestsubsidy",
    "change_microcreditrate",
    "export_fundledger",
)

GRANTS: dict[str, tuple[str, ...]] = {
    Role.VILLAGE_CLERK: _READ_LOCAL,
    Role.TOWN_CLERK: _READ_LOCAL,
    Role.DISTRICT_OFFICER: (*_READ, *_WRITE),
    Role.SECTOR_OFFICER: _READ,
}
SECTOR_GRANTS: dict[str, tuple[str, ...]] = {Sector.FINANCE: _WRITE}
