"""What each role may do with the registry (DESIGN §4; the mechanism is accounts/roles.py). Scope — which
households — comes from the user's area, never from here."""

from accounts.models import Role

_CLERK = (
    "view_household",
    "add_household",
    "change_household",
    "view_person",
    "add_person",
    "change_person",
    "view_householdincome",
    "add_householdincome",
    "change_householdincome",
    "view_povertystandard",
    "view_exitcase",
    "propose_exit",
)
_READ = ("view_household", "view_person", "view_householdincome", "view_povertystandard", "view_exitcase")

GRANTS: dict[str, tuple[str, ...]] = {
    Role.VILLAGE_CLERK: _CLERK,
    # A town clerk also imports and exports the town's ledger (ID numbers masked).
    Role.TOWN_CLERK: (*_CLERK, "import_ledger", "export_ledger", "view_ledgerimport"),
    Role.DISTRICT_OFFICER: (
        *_CLERK,
        "import_ledger",
        "export_ledger",
        "view_ledgerimport",
        "change_household_status",
        "add_povertystandard",
        "change_povertystandard",
        "view_householdstatuschange",
        "approve_exit",
        "export_full_ledger",
        "reveal_personal_data",
        "view_recomputerun",
        "view_exitevidencerule",
        "revert_household",
        "change_exitevidencerule",
    ),
    Role.SECTOR_OFFICER: _READ,
}
