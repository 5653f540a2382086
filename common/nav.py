"""The top navigation's entries that apps add (DESIGN §3: the registry knows no sector app).

An app registers its entries from its AppConfig.ready(): `register_nav(NavItem("医疗救助", "healthcare:aid",
"healthcare.view_expense", order=300))`. The page shows an entry to a user who holds its permission; entries
appear by `order` (the registry's own pages come first; then cadres 100, health 200, education 300, housing
400, funds 500, reports 600). Entries with the same `group` share one dropdown ("行业部门"), so a 1366-px
laptop's bar holds every app's pages on one line.
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
    group: str = ""  # entries of one group are shown as one dropdown


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    active: bool


@dataclass(frozen=True)
class NavGroup:
    """A top-level entry: one link (no label of its own), or a dropdown of the group's links."""

    label: str
    links: tuple[NavLink, ...]

    @property
    def active(self) -> bool:
        return any(link.active for link in self.links)


_items: dict[str, NavItem] = {}


def register_nav(item: NavItem) -> None:
    """Add an entry (idempotent by URL name)."""
    _items[item.url_name] = item


def nav_groups(request: HttpRequest) -> list[NavGroup]:
    """The user's entries as top-level items: a group's links together, where its first link stands."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    found: dict[str, list[NavLink]] = {}
    for item in sorted(_items.values(), key=lambda i: (i.order, i.url_name)):
        if user.has_perm(item.permission):
            url = reverse(item.url_name)
            key = str(item.group) or item.url_name
            found.setdefault(key, []).append(NavLink(str(item.label), url, request.path.startswith(url)))
    return [NavGroup(key if len(links) > 1 else "", tuple(links)) for key, links in found.items()]


def navigation(request: HttpRequest) -> dict[str, list[NavGroup]]:
    """Context processor: `app_nav` for base.html."""
    return {"app_nav": nav_groups(request)}
