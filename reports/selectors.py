"""Reads of the reports app. Pages start from the user's scope (accounts.selectors.areas_in_scope); the
dashboard reads only the stored aggregates (AreaFigures), never the registry's persons.

`quality_records` is the nightly job's read (district-wide, no user): it builds the data-quality rules'
inputs for a chunk of households in a fixed number of queries.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse

from accounts.models import Area, AreaLevel, User
from accounts.selectors import areas_in_scope
from households.models import Household, HouseholdAssessment, HouseholdIncome, Person
from households.rules import IncomeFacts
from households.selectors import default_year, household_queryset

from .figures import GROUPS, PLAN_TARGETS, PLAN_TOTAL, list_params, sector_figures
from .models import AreaFigures, InspectionPack, Problem
from .rules import RULES, HouseholdRecord, MemberRecord

# ---- the data-quality rules' inputs (nightly, district-wide) ----------------------------------------------

_MEMBER_FIELDS = tuple(f for f in MemberRecord._fields if f != "pk")


def duplicate_id_numbers() -> set[str]:
    """ID numbers that stand in more than one household among records not closed by 迁出 or 婚出 (a person who
    moved or married out legitimately appears again in the new household)."""
    return set(
        Person.objects.exclude(left_reason__in=["迁出", "婚出"])
        .order_by()
        .values("id_number")
        .annotate(n=Count("household_id", distinct=True))
        .filter(n__gt=1)
        .values_list("id_number", flat=True)
    )


def quality_records(household_ids: list[int], *, year: int, duplicates: set[str]) -> list[HouseholdRecord]:
    """The rules' inputs for many households in four queries (households, members still in them, the year's
    incomes and stored assessments, active pairings)."""
    from assistance.models import Pairing

    members: dict[int, list[MemberRecord]] = defaultdict(list)
    for household_id, pk, *values in (
        Person.objects.active()
        .filter(household_id__in=household_ids)
        .order_by("household_id", "pk")
        .values_list("household_id", "pk", *_MEMBER_FIELDS)
    ):
        members[household_id].append(MemberRecord(pk, *values))
    incomes = {
        household_id: IncomeFacts(*values)
        for household_id, *values in HouseholdIncome.objects.filter(
            year=year, household_id__in=household_ids
        ).values_list("household_id", *IncomeFacts._fields)
    }
    per_capita = dict(
        HouseholdAssessment.objects.filter(year=year, household_id__in=household_ids).values_list(
            "household_id", "per_capita"
        )
    )
    paired = set(Pairing.objects.active().filter(household_id__in=household_ids).values_list("household_id", flat=True))
    records = []
    for pk, status, attribute, cause, grade, phone in (
        Household.objects.filter(pk__in=household_ids)
        .order_by("pk")
        .values_list("pk", "status", "attribute", "main_cause", "house_grade", "phone")
    ):
        people = tuple(members.get(pk, ()))
        records.append(
            HouseholdRecord(
                pk=pk,
                status=status,
                attribute=attribute,
                main_cause=cause,
                members=people,
                house_grade=grade,
                phone=phone,
                income=incomes.get(pk),
                per_capita=per_capita.get(pk),
                paired=pk in paired,
                duplicate_ids=frozenset(m.id_number for m in people if m.id_number in duplicates),
            )
        )
    return records


# ---- the dashboard --------------------------------------------------------------------------------------


def dashboard_area(user: User, pk: int | None) -> Area:
    """The area the dashboard shows: the one asked for if in the user's scope (else 404), or the user's own."""
    scope = areas_in_scope(user).select_related("parent__parent")
    area = scope.filter(pk=user.area_id if pk is None else pk).first()
    if area is None:
        raise Http404
    return area


def _list_url(area: Area, key: str) -> str:
    params: dict[str, Any] = {}
    if area.level == AreaLevel.TOWN:
        params["town"] = area.pk
    elif area.level == AreaLevel.VILLAGE:
        params["village"] = area.pk
    params.update(list_params(key))
    query = urlencode(params)
    return _list_base() + (f"?{query}" if query else "")


@cache
def _list_base() -> str:
    return reverse("households:list")


def _problems_url(area: Area, rule: str) -> str:
    params: dict[str, Any] = {"rule": rule, "state": "open"}
    if area.level == AreaLevel.TOWN:
        params["town"] = area.pk
    elif area.level == AreaLevel.VILLAGE:
        params["village"] = area.pk
    return reverse("reports:problems") + "?" + urlencode(params)


@dataclass(frozen=True)
class Cell:
    label: str
    households: int
    persons: int
    url: str

    # Thousands separators formatted here: the humanize filter costs a locale lookup per number, and the
    # dashboard shows about a hundred of them (issue 15's time budget is the server time of this page).
    @property
    def hs(self) -> str:
        return f"{self.households:,}"

    @property
    def ps(self) -> str:
        return f"{self.persons:,}"


@dataclass(frozen=True)
class FigureGroup:
    key: str
    label: str
    cells: list[Cell]


@dataclass(frozen=True)
class ChildRow:
    area: Area
    url: str
    cells: list[Cell]


@dataclass
class Dashboard:
    area: Area
    year: int
    figures: AreaFigures | None
    total: Cell | None = None
    groups: list[FigureGroup] = field(default_factory=list)
    exits: list[dict[str, Any]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    sectors: list[dict[str, Any]] = field(default_factory=list)
    children: list[ChildRow] = field(default_factory=list)
    child_header: list[str] = field(default_factory=list)
    charts: dict[str, Any] = field(default_factory=dict)
    trail: list[Area] = field(default_factory=list)


CHILD_KEYS = ("total", "status:未脱贫", "status:已脱贫", "status:返贫", "ready", "watch", "cover:unpaired")
CHILD_LABELS = ("合计", "未脱贫", "已脱贫", "返贫", "未脱贫户已达标", "返贫监测", "无帮扶责任人")


def _cell(area: Area, figures: AreaFigures | None, key: str, label: str) -> Cell:
    households = figures.households.get(key, 0) if figures else 0
    persons = figures.persons.get(key, 0) if figures else 0
    return Cell(label, households, persons, _list_url(area, key))


def dashboard(user: User, *, area: Area) -> Dashboard:
    """The dashboard of an area in the user's scope: its stored figures by group, each with the link to the
    household list with the same filter, its child areas (towns or villages) compared, the exits per year
    against the plan's target (ch. 2 §3), open problems per rule, and the sector figures. Two queries."""
    year = default_year()
    rows = {
        f.area_id: f
        for f in AreaFigures.objects.filter(Q(area=area) | Q(area__parent=area), year=year)
        .select_related("area")
        .order_by("area__code")
    }
    own = rows.pop(area.pk, None)
    board = Dashboard(area=area, year=year, figures=own)
    trail, node = [], area
    while node is not None:
        trail.insert(0, node)
        node = node.parent if node.level != AreaLevel.DISTRICT else None
    board.trail = trail
    board.total = _cell(area, own, "total", "建档立卡贫困户")
    board.groups = [
        FigureGroup(g.key, str(g.label), [_cell(area, own, i.key, i.label) for i in g.items]) for g in GROUPS
    ]
    counts = own.households if own else {}
    years = sorted({int(k.split(":")[1]) for k in counts if k.startswith("exit:")} | set(PLAN_TARGETS))
    cumulative = 0
    for y in years:
        persons = own.persons.get(f"exit:{y}", 0) if own else 0
        cumulative += persons
        board.exits.append(
            {
                "year": y,
                "households": counts.get(f"exit:{y}", 0),
                "persons": persons,
                "cumulative": cumulative,
                "target": PLAN_TARGETS.get(y),
                "url": _list_url(area, f"exit:{y}"),
            }
        )
    board.problems = [
        {
            "code": r.code,
            "title": r.title,
            "chapter": r.chapter,
            "open": counts.get(f"problem:{r.code}", 0),
            "url": _problems_url(area, r.code),
        }
        for r in RULES
    ]
    extra = own.extra if own else {}
    board.sectors = [
        {"group": f.group, "label": str(f.label), "value": extra.get(f.key, 0), "unit": f.unit}
        for f in sector_figures()
    ]
    board.child_header = list(CHILD_LABELS)
    for child_area_id, figures in rows.items():
        child = figures.area
        board.children.append(
            ChildRow(
                area=child,
                url=reverse("reports:dashboard") + f"?area={child_area_id}",
                cells=[_cell(child, figures, k, lbl) for k, lbl in zip(CHILD_KEYS, CHILD_LABELS, strict=True)],
            )
        )
    board.charts = {
        "status": [{"name": c.label, "value": c.households} for c in board.groups[0].cells],
        "gaps": {
            "labels": [c.label for c in board.groups[2].cells],
            "values": [c.households for c in board.groups[2].cells],
        },
        "bands": {
            "labels": [c.label for c in board.groups[3].cells],
            "values": [c.households for c in board.groups[3].cells],
        },
        "causes": {
            "labels": [c.label for c in board.groups[5].cells if c.households],
            "values": [c.households for c in board.groups[5].cells if c.households],
        },
        "exits": {
            "labels": [str(e["year"]) for e in board.exits],
            "persons": [e["persons"] for e in board.exits],
            "cumulative": [e["cumulative"] for e in board.exits],
            "target": PLAN_TOTAL,
        },
        "children": {
            "labels": [r.area.name for r in board.children],
            "series": [
                {"name": lbl, "values": [r.cells[i].households for r in board.children]}
                for i, lbl in ((1, "未脱贫"), (2, "已脱贫"), (3, "返贫"))
            ],
        },
    }
    return board


# ---- problems, packs ------------------------------------------------------------------------------------


def problem_queryset(user: User) -> QuerySet[Problem]:
    """Live problems (not cleared) of households in the user's scope; empty for a user without scope."""
    return Problem.objects.filter(
        cleared_at__isnull=True, household__in=household_queryset(user).values("pk")
    ).select_related("household__village__parent", "person", "handled_by")


def access_problem(user: User, pk: int) -> Problem:
    """One live problem of a household in the user's scope; otherwise 404 (audited when it exists)."""
    from accounts.audit import get_in_scope_or_404

    return get_in_scope_or_404(problem_queryset(user), pk, user=user)


def pack_queryset(user: User) -> QuerySet[InspectionPack]:
    """A user's own packs, for areas still in the user's scope."""
    return InspectionPack.objects.filter(actor=user, area__in=areas_in_scope(user)).select_related("area__parent")


def access_pack(user: User, pk: int) -> InspectionPack:
    from accounts.audit import get_in_scope_or_404

    return get_in_scope_or_404(pack_queryset(user), pk, user=user)


def pack_areas(user: User) -> QuerySet[Area]:
    """The towns and villages a user may make a pack for."""
    return (
        areas_in_scope(user)
        .filter(level__in=[AreaLevel.TOWN, AreaLevel.VILLAGE])
        .select_related("parent")
        .order_by("code")
    )


def area_households(area: Area) -> QuerySet[Household]:
    """The households filed under an area (a district, a town or a village), for the refresh and the packs;
    callers have checked the area is in the user's scope."""
    if area.level == AreaLevel.VILLAGE:
        return Household.objects.filter(village=area)
    if area.level == AreaLevel.TOWN:
        return Household.objects.filter(village__parent=area)
    return Household.objects.all()


def today_for(year: int, today: date) -> date:
    return min(date(year, 12, 31), today)
