"""Who may do what: the roles of DESIGN §4 as a table in code, one `roles.py` per app.

Each app that has permissions to hand out keeps a `roles.py` with

    GRANTS = {Role.TOWN_CLERK: ("view_household", …), …}    # the app's own permission codenames per role
    SECTOR_GRANTS = {Sector.HEALTH: ("add_expense", …), …}   # what a sector officer of that sector also writes

`roles_sync` makes every role's group hold exactly what the tables say, app by app. It runs after every
`migrate` (post_migrate, once the app's permissions exist), so a new app or a changed right needs an edit of
its `roles.py` and nothing else — no data migration per app. A sector officer's group gives the reading
rights; the rights to write are the sector's alone (`SECTOR_GRANTS` of the user's `sector`), granted by
`SectorPermissionBackend` from the same tables.

This module's own table is the accounts app's.
"""

from functools import cache
from importlib import import_module
from types import ModuleType
from typing import Any

from django.apps import AppConfig, apps
from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.models import Group, Permission

from .models import Role, Sector

GRANTS: dict[str, tuple[str, ...]] = {
    # The district office administers users and the area tree in the admin, and enters the admin.
    Role.DISTRICT_OFFICER: (
        "view_area",
        "add_area",
        "change_area",
        "view_user",
        "add_user",
        "change_user",
        "use_admin",
    ),
    Role.AUDITOR: ("view_auditevent",),
    Role.SECURITY_ADMIN: ("unlock_user",),
}
SECTOR_GRANTS: dict[str, tuple[str, ...]] = {}


def _roles_module(app_config: AppConfig) -> ModuleType | None:
    name = f"{app_config.name}.roles"
    try:
        return import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise  # the module exists and imports something missing: a real error
        return None


def role_tables() -> dict[str, ModuleType]:
    """app label → its roles module, for every installed app that has one."""
    return {config.label: module for config in apps.get_app_configs() if (module := _roles_module(config))}


def expected_group_permissions() -> dict[str, set[str]]:
    """Every role → the set of "app_label.codename" the tables give its group."""
    expected: dict[str, set[str]] = {role: set() for role in Role.values}
    for label, module in role_tables().items():
        for role, codenames in module.GRANTS.items():
            expected[role].update(f"{label}.{codename}" for codename in codenames)
    return expected


@cache
def sector_permissions(sector: str) -> frozenset[str]:
    """What a sector officer of `sector` may write, as "app_label.codename" (the SECTOR_GRANTS tables)."""
    return frozenset(
        f"{label}.{codename}"
        for label, module in role_tables().items()
        for codename in getattr(module, "SECTOR_GRANTS", {}).get(sector, ())
    )


def roles_sync(app_label: str) -> None:
    """Make every role's group hold exactly the permissions of `app_label` that its table gives: missing ones
    added, ones no longer in the table taken away. Idempotent. The groups are created when missing."""
    module = role_tables().get(app_label)
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in Role.values}
    if module is None:
        return
    unknown_sectors = set(getattr(module, "SECTOR_GRANTS", {})) - set(Sector.values)
    if unknown_sectors:
        raise RuntimeError(f"{app_label}/roles.py names unknown sectors: {sorted(unknown_sectors)}")
    available = {p.codename: p for p in Permission.objects.filter(content_type__app_label=app_label)}
    named = {c for codes in module.GRANTS.values() for c in codes}
    named |= {c for codes in getattr(module, "SECTOR_GRANTS", {}).values() for c in codes}
    missing = named - set(available)
    if missing:
        raise RuntimeError(f"{app_label}/roles.py names permissions that do not exist: {sorted(missing)}")
    for name, group in groups.items():
        wanted = {available[c] for c in module.GRANTS.get(name, ())}
        held = set(group.permissions.filter(content_type__app_label=app_label))
        if wanted - held:
            group.permissions.add(*(wanted - held))
        if held - wanted:
            group.permissions.remove(*(held - wanted))


def sync_after_migrate(sender: AppConfig, **kwargs: Any) -> None:
    """post_migrate receiver: the permissions of `sender` exist now (auth's receiver ran first)."""
    if kwargs.get("using", "default") != "default" or not kwargs.get("apps"):
        return
    roles_sync(sender.label)


class SectorPermissionBackend(BaseBackend):
    """A sector officer writes only the records of the sector on their account (DESIGN §4): 卫健/医保 the
    healthcare records, 教育 education's, 住建 housing's, 财政 funds', 民政/人社/残联 their measures. The group
    gives every sector officer the reading rights; this backend adds the writing rights of the user's own
    sector from the SECTOR_GRANTS tables. No database query."""

    def get_all_permissions(self, user_obj: Any, obj: object = None) -> set[str]:
        if obj is not None or not getattr(user_obj, "is_active", False) or user_obj.is_anonymous:
            return set()
        if not hasattr(user_obj, "_sector_perm_cache"):
            sector = getattr(user_obj, "sector", "")
            granted = sector and Role.SECTOR_OFFICER in user_obj.roles
            user_obj._sector_perm_cache = set(sector_permissions(sector)) if granted else set()
        return user_obj._sector_perm_cache

    def has_perm(self, user_obj: Any, perm: str, obj: object = None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)
