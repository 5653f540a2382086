"""The top navigation's entries that apps add (DESIGN §3: the registry knows no sector app).

An app registers its entries from its AppConfig.ready(): `register_nav(NavItem("医疗救助", "healthcare:aid",
"healthcare.view_expense", order=300))`. The page shows an entry to a user who holds its permission; entries
appear by `order` (the registry's own pages come first; then cadres 100, health 200, education 300, housing
400, funds 500, reports 600).
"""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str
    order: int = 100


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    active: bool


_items: dict[str, NavItem] = {}


def register_nav(item: NavItem) -> None:
    """Add an entry (idempotent by URL name)."""
    _items[item.url_name] = item


def nav_links(request: HttpRequest) -> list[NavLink]:
    """The entries this user may open, in order, the current one marked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    links = []
    for item in sorted(_items.values(), key=lambda i: (i.order, i.url_name)):
        if user.has_perm(item.permission):
            url = reverse(item.url_name)
            links.append(NavLink(str(item.label), url, request.path.startswith(url)))
    return links


def navigation(request: HttpRequest) -> dict[str, list[NavLink]]:
    """Context processor: `app_nav` for base.html."""
    return {"app_nav": nav_links(request)}
