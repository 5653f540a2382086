"""Who may do what in 教育扶贫 (DESIGN §4; mechanism: accounts/roles.py).

The education department's officers (行业部门 教育) record enrolments, benefits and 留守儿童 files and import the
schools' lists; the towns' and villages' clerks read them (issue 12: "教育 sector officers write, clerks read");
the district office reads everything and sets 脱贫不脱政策; every other sector officer reads.
"""

from accounts.models import Role, Sector

_READ = (
    "view_enrolment",
    "view_benefit",
    "view_leftbehindchild",
    "view_policysetting",
    "view_studentloan",
    "view_loaninterest",
)
_FILES = ("add_leftbehindchild", "change_leftbehindchild")

GRANTS: dict[str, tuple[str, ...]] = {
    Role.VILLAGE_CLERK: _READ,
    Role.TOWN_CLERK: _READ,
    Role.DISTRICT_OFFICER: (*_READ, "change_policysetting"),
    Role.SECTOR_OFFICER: _READ,
}
SECTOR_GRANTS: dict[str, tuple[str, ...]] = {
    Sector.EDUCATION: (
        "add_enrolment",
        "change_enrolment",
        "add_benefit",
        "change_benefit",
        *_FILES,
        "add_studentloan",
        "change_studentloan",
        "add_loaninterest",
        "change_loaninterest",
        "import_school_list",
    ),
}
