"""Reads of the accounts app, above all the one scoping function every other read starts from."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from .models import HOUSEHOLD_ROLES, Area, AreaLevel, User


def areas_in_scope(user: User | AnonymousUser | None) -> QuerySet[Area]:
    """The areas a user may see: the subtree of the user's own area. THE scoping function (DESIGN §4).

    It fails closed: no user, an anonymous or inactive user, a user without an area, or a user without a role
    that reads household data (an auditor, a new account) gets an empty set. There is no flag that widens it;
    a superuser is scoped like everyone else. Callers filter by `area__in=areas_in_scope(user)`, which stays a
    subquery, so scoping costs no extra round trip.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return Area.objects.none()
    if user.area_id is None or not (user.roles & HOUSEHOLD_ROLES):
        return Area.objects.none()
    root = user.area_id
    # The tree is exactly three levels deep (load_areas refuses anything else), so the subtree is the node,
    # its children and its grandchildren.
    return Area.objects.filter(Q(pk=root) | Q(parent_id=root) | Q(parent__parent_id=root))


def villages_in_scope(user: User | AnonymousUser | None) -> QuerySet[Area]:
    """The villages a user may file households under, ordered by town then village code."""
    return (
        areas_in_scope(user).filter(level=AreaLevel.VILLAGE).select_related("parent").order_by("parent__code", "code")
    )


def towns_in_scope(user: User | AnonymousUser | None) -> QuerySet[Area]:
    """The towns a user may see (for a village clerk: the village's own town is not in scope)."""
    return areas_in_scope(user).filter(level=AreaLevel.TOWN).order_by("code")
