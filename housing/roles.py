"""Who may do what with house safety, retrofits and water (DESIGN §4; mechanism: accounts/roles.py).

- 住建 sector officers (sector "housing") keep the retrofits: open, move along the stages, correct, void, import
  the department's ledger; they also record and void assessments and water surveys, and export for inspection.
- Town and village clerks read everything of their scope and record what they collect on their rounds:
  safety assessments (with the assessing unit's name) and water surveys. They do not move retrofits: the
  stages and the acceptance are the 住建 department's word (plan ch. 7 二).
- The district office reads everything, records assessments and surveys, and exports for inspection.
- Every other sector officer reads.
"""

from accounts.models import Role, Sector

_READ = ("view_safetyassessment", "view_retrofitcase", "view_watersurvey", "view_housingphoto")
_COLLECT = ("add_safetyassessment", "add_watersurvey")

GRANTS: dict[str, tuple[str, ...]] = {
    Role.VILLAGE_CLERK: (*_READ, *_COLLECT),
    Role.TOWN_CLERK: (*_READ, *_COLLECT),
    Role.DISTRICT_OFFICER: (*_READ, *_COLLECT, "export_housing"),
    Role.SECTOR_OFFICER: _READ,
}
SECTOR_GRANTS: dict[str, tuple[str, ...]] = {
    Sector.HOUSING: (
        *_COLLECT,
        "change_safetyassessment",
        "change_watersurvey",
        "add_retrofitcase",
        "change_retrofitcase",
        "import_retrofits",
        "export_housing",
    ),
}
