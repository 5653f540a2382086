"""Who may do what with the health records (DESIGN §4; mechanism: accounts/roles.py).

- Village and town clerks read their scope's health records and record, correct and void medical expenses and
  illnesses there (the clerk often brings the settlement sheet from the hospital); they do not write insurance,
  which is the 医保 department's list.
- The district office reads everything in the district and, like the health department, may record insurance.
- Every sector officer reads; those of 卫健/医保 write everything here for all areas: insurance, illnesses,
  expenses, disability services, the 低保/特困 aid cap, and import the department's two lists.
"""

from accounts.models import Role, Sector

_READ = ("view_insurance", "view_illness", "view_expense", "view_aidsetting", "view_disabilityservice")
_CLERK_WRITE = ("add_expense", "change_expense", "add_illness", "change_illness")
_ALL_WRITE = (
    *_CLERK_WRITE,
    "add_insurance",
    "change_insurance",
    "import_insurance",
    "import_expense",
    "add_disabilityservice",
    "change_disabilityservice",
)

GRANTS: dict[str, tuple[str, ...]] = {
    Role.VILLAGE_CLERK: (*_READ, *_CLERK_WRITE),
    Role.TOWN_CLERK: (*_READ, *_CLERK_WRITE),
    Role.DISTRICT_OFFICER: (*_READ, *_ALL_WRITE),
    Role.SECTOR_OFFICER: _READ,
}
SECTOR_GRANTS: dict[str, tuple[str, ...]] = {
    Sector.HEALTH: (*_ALL_WRITE, "add_aidsetting", "change_aidsetting"),
}
