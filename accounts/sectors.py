"""The sector departments of DESIGN §1 — the one list of them, plain data (rules import it; no Django).

Each: the member name, the value stored on a sector officer's account (`accounts.models.Sector`), and the
department's name, which is also how a measure names the department that carried it out
(`assistance.models.Department` is built from this list).
"""

SECTORS = (
    ("HEALTH", "health", "卫健/医保"),
    ("EDUCATION", "education", "教育"),
    ("HOUSING", "housing", "住建"),
    ("CIVIL_AFFAIRS", "civil_affairs", "民政"),
    ("LABOUR", "labour", "人社"),
    ("DISABLED", "disabled", "残联"),
    ("FINANCE", "finance", "财政"),
)


def sector_department(sector: str) -> str:
    """The department's name for a sector value ("civil_affairs" → "民政")."""
    return next(label for _name, value, label in SECTORS if value == sector)
