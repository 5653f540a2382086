"""Who may do what in the reports app (DESIGN §4; mechanism: accounts/roles.py).

Everyone who reads households sees the dashboard of their own scope; clerks handle the problems of their
town or village; town clerks and the district office make inspection packs and the national-system change
list. Sector officers read the dashboard. The auditor and the security administrator have no household scope.
"""

from accounts.models import Role

_READ = ("view_dashboard", "view_areafigures", "view_problem")
_HANDLE = ("change_problem",)
_EXPORT = ("export_pack", "view_inspectionpack", "add_inspectionpack", "view_changes")

GRANTS: dict[str, tuple[str, ...]] = {
    Role.VILLAGE_CLERK: (*_READ, *_HANDLE),
    Role.TOWN_CLERK: (*_READ, *_HANDLE, *_EXPORT),
    Role.DISTRICT_OFFICER: (*_READ, *_HANDLE, *_EXPORT, "view_refreshrun"),
    Role.SECTOR_OFFICER: ("view_dashboard", "view_areafigures"),
}
SECTOR_GRANTS: dict[str, tuple[str, ...]] = {}
