"""Reads of pairings, visits and measures. Households come from the user's scope
(`households.selectors.household_queryset`, itself built on the one scoping function); cadres serve the whole
district, but what a page shows of their households is scoped too."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.shortcuts import get_object_or_404

from accounts.audit import get_in_scope_or_404
from accounts.models import Role, User
from accounts.selectors import areas_in_scope
from households.models import Household
from households.phone import mask_phone
from households.selectors import household_queryset

from .models import Cadre, Measure, Pairing, PairingQuota, Visit
from .rules import DEFAULT_QUOTAS, NEEDS_CADRE, CadreLoad, over_quota, quota_for, visit_overdue

VISITS_SHOWN = 20


def pairing_quotas() -> dict[str, int]:
    """The quota per rank as the district office set it; the plan's 3 and 2 where a row is missing."""
    return {**DEFAULT_QUOTAS, **dict(PairingQuota.objects.values_list("rank", "households"))}


def cadre_loads(cadre_ids: list[int]) -> dict[int, CadreLoad]:
    """Each cadre's active pairings across the whole district (the quota counts all of them), in one query."""
    rows = Cadre.objects.filter(pk__in=cadre_ids).annotate(
        n=Count("pairings", filter=Q(pairings__ended_on__isnull=True))
    )
    return {c.pk: CadreLoad(c.name, c.rank, c.active, c.n) for c in rows}


def cadre_load(cadre: Cadre) -> CadreLoad:
    return cadre_loads([cadre.pk])[cadre.pk]


def _has_scope(user: User) -> bool:
    return areas_in_scope(user).exists()


def cadre_queryset(user: User) -> QuerySet[Cadre]:
    """The cadres a user may look up: all of them for anyone with a household scope (any cadre may be paired
    with any town's household); nothing for a user without one (fails closed like the scope)."""
    if not _has_scope(user):
        return Cadre.objects.none()
    return Cadre.objects.all()


def access_cadre(user: User, pk: int) -> Cadre:
    return get_object_or_404(cadre_queryset(user), pk=pk)


@dataclass(frozen=True)
class CadreRow:
    cadre: Cadre
    households: int  # active pairings, whole district
    households_here: int  # active pairings with households in the user's scope
    quota: int
    over: bool
    last_visit: date | None
    overdue: bool
    phone: str  # whole for the district office and where the cadre helps households in the user's scope


def shown_cadre_phone(user: User, phone: str, *, households_here: int) -> str:
    """A cadre's work phone, whole where the user works with the cadre (the district office; a clerk whose
    town has households paired with the cadre), masked elsewhere (issue 17: another town's cadres)."""
    if not phone or Role.DISTRICT_OFFICER in user.roles or households_here > 0:
        return phone
    return mask_phone(phone)


def cadre_rows(user: User, cadres: QuerySet[Cadre], *, as_of: date) -> list[CadreRow]:
    """The cadre list's columns, in one query: quota use (whole district and in the user's scope) and the
    latest visit."""
    in_scope = household_queryset(user).values("pk")
    rows = cadres.annotate(
        n=Count("pairings", filter=Q(pairings__ended_on__isnull=True), distinct=True),
        n_here=Count(
            "pairings",
            filter=Q(pairings__ended_on__isnull=True, pairings__household__in=in_scope),
            distinct=True,
        ),
        last_visit=Max("visits__visited_on"),
    )
    quotas = pairing_quotas()
    result = []
    for c in rows:
        load = CadreLoad(c.name, c.rank, c.active, c.n)
        result.append(
            CadreRow(
                cadre=c,
                households=c.n,
                households_here=c.n_here,
                quota=quota_for(c.rank, quotas),
                over=over_quota(load, quotas),
                last_visit=c.last_visit,
                overdue=c.n > 0 and visit_overdue(c.last_visit, as_of=as_of),
                phone=shown_cadre_phone(user, c.phone, households_here=c.n_here),
            )
        )
    return result


def cadre_choices(user: User, *, exclude: int | None = None, include: int | None = None) -> QuerySet[Cadre]:
    """Active cadres for a pairing, handover, visit or measure form: those with room under their quota first
    (most room first), full ones last, then by name; `exclude` (the current cadre, for a handover) left out.
    `include` keeps a cadre who has since left (a measure recorded under them). Annotated with `n` (active
    pairings, whole district) and `n_here` (in the user's scope) for the labels."""
    quotas = pairing_quotas()
    default = quota_for("", quotas)
    quota = Case(
        *[When(rank=rank, then=Value(households)) for rank, households in quotas.items()],
        default=Value(default),
        output_field=IntegerField(),
    )
    in_scope = household_queryset(user).values("pk")
    cadres = cadre_queryset(user).filter(Q(active=True) | Q(pk=include) if include else Q(active=True))
    if exclude is not None:
        cadres = cadres.exclude(pk=exclude)
    return cadres.annotate(
        n=Count("pairings", filter=Q(pairings__ended_on__isnull=True), distinct=True),
        n_here=Count(
            "pairings", filter=Q(pairings__ended_on__isnull=True, pairings__household__in=in_scope), distinct=True
        ),
    ).order_by(ExpressionWrapper(quota - F("n"), output_field=IntegerField()).desc(), "name", "pk")


def cadre_pairings(user: User, cadre: Cadre) -> QuerySet[Pairing]:
    """A cadre's pairings with the households the user may see, current ones first."""
    return (
        cadre.pairings.filter(household__in=household_queryset(user))
        .select_related("household__village__parent", "successor__cadre")
        .order_by("ended_on", "-started_on")
    )


def cadre_visits(user: User, cadre: Cadre) -> QuerySet[Visit]:
    return cadre.visits.filter(household__in=household_queryset(user)).select_related("household")[:VISITS_SHOWN]


def active_pairing(household: Household) -> Pairing | None:
    return household.pairings.active().select_related("cadre").first()


def access_pairing(user: User, household: Household) -> Pairing:
    """The active pairing of a household the user was given by `access_household`; 404 when there is none."""
    return get_object_or_404(household.pairings.active().select_related("cadre"))


def access_visit(user: User, pk: int) -> Visit:
    """A visit of a household in the user's scope; another town's visit is a 404."""
    return get_in_scope_or_404(Visit.objects.filter(household__in=household_queryset(user)), pk, user=user)


def access_measure(user: User, pk: int) -> Measure:
    return get_in_scope_or_404(
        Measure.objects.filter(household__in=household_queryset(user)).select_related("household"), pk, user=user
    )


@dataclass(frozen=True)
class HouseholdAssistance:
    pairing: Pairing | None
    past_pairings: list[Pairing]
    visits: list[Visit]
    visits_total: int
    measures: list[Measure]
    needs_cadre: bool


def household_assistance(household: Household) -> HouseholdAssistance:
    """The household page's section: the cadre now and before, the latest visits, the measures by year."""
    pairings = list(household.pairings.select_related("cadre", "successor__cadre", "created_by", "ended_by"))
    current = next((p for p in pairings if p.ended_on is None), None)
    visits = household.visits.select_related("cadre", "recorded_by")
    return HouseholdAssistance(
        pairing=current,
        past_pairings=[p for p in pairings if p.ended_on is not None],
        visits=list(visits[:VISITS_SHOWN]),
        visits_total=visits.count(),
        measures=list(household.measures.select_related("person", "cadre")),
        needs_cadre=household.status in NEEDS_CADRE,
    )


@dataclass(frozen=True)
class Coverage:
    uncovered: QuerySet[Household]
    over_quota: list[CadreRow]
    overdue: list[CadreRow]
    as_of: date
    quotas: Mapping[str, int]


def coverage(user: User, *, as_of: date) -> Coverage:
    """Rule 7's gaps in the user's scope: households not yet exited with no active pairing, cadres over their
    quota, and cadres with households here and no visit in the last 90 days."""
    households = household_queryset(user)
    uncovered = (
        households.filter(status__in=NEEDS_CADRE)
        .exclude(Exists(Pairing.objects.active().filter(household=OuterRef("pk"))))
        .select_related("village__parent")
        .order_by("village__code", "number")
    )
    involved = Cadre.objects.filter(
        Exists(Pairing.objects.active().filter(cadre=OuterRef("pk"), household__in=households.values("pk")))
    )
    rows = cadre_rows(user, involved, as_of=as_of)
    return Coverage(
        uncovered=uncovered,
        over_quota=[r for r in rows if r.over],
        overdue=[r for r in rows if r.overdue],
        as_of=as_of,
        quotas=pairing_quotas(),
    )
