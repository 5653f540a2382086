"""Who may do what with cadres, pairings, visits and measures (DESIGN §4; mechanism: accounts/roles.py).

Town clerks pair, hand over, record visits and measures for their town; village clerks record visits and
measures for their village; the district office also keeps the cadre roster and the quotas; sector officers
read, and those of 民政, 人社 and 残联 record the measures their department carries out (the measure's 责任部门
must be their own: assistance.rules.measure_department_refusal).
"""

from accounts.models import Role, Sector

_READ = ("view_cadre", "view_pairing", "view_visit", "view_measure")
_MEASURES = ("add_measure", "change_measure")

GRANTS: dict[str, tuple[str, ...]] = {
    Role.VILLAGE_CLERK: (*_READ, "add_visit", *_MEASURES),
    Role.TOWN_CLERK: (*_READ, "add_pairing", "change_pairing", "add_visit", *_MEASURES),
    Role.DISTRICT_OFFICER: (
        *_READ,
        "add_cadre",
        "change_cadre",
        "add_pairing",
        "change_pairing",
        "add_visit",
        "change_visit",
        *_MEASURES,
        "view_pairingquota",
        "change_pairingquota",
    ),
    Role.SECTOR_OFFICER: _READ,
}
SECTOR_GRANTS: dict[str, tuple[str, ...]] = {
    Sector.CIVIL_AFFAIRS: _MEASURES,
    Sector.LABOUR: _MEASURES,
    Sector.DISABLED: _MEASURES,
}
