"""Reads of the funds app, each starting from the user's scope (accounts.selectors.areas_in_scope).

Projects, beneficiaries and dividends are seen within the user's area (a town sees its town's projects); fund
sources are district money and only users whose scope is the whole district see them (plan ch. 12 §1 一:
区负总责). The money is traced both ways: source → projects → households, and household → projects → sources.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from accounts.audit import get_in_scope_or_404
from accounts.models import Area, AreaLevel, User
from accounts.selectors import areas_in_scope
from households.models import Household, Person, Relation
from households.panels import ChangeEntry
from households.selectors import household_queryset

from . import rules
from .models import (
    PAID_STATUSES,
    Allocation,
    Beneficiary,
    DividendPayout,
    DividendRun,
    FundSource,
    InterestSubsidy,
    Loan,
    MicroCreditRate,
    Project,
    ProjectKind,
    Publicity,
)

ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=14, decimal_places=2))


def publicity_min_days() -> int:
    """The 公示's least length in days: settings.FUNDS_PUBLICITY_DAYS, never below the default of 10 (plan ch. 12
    §2 一)."""
    from django.conf import settings

    return max(
        int(getattr(settings, "FUNDS_PUBLICITY_DAYS", rules.DEFAULT_PUBLICITY_DAYS)), rules.DEFAULT_PUBLICITY_DAYS
    )


def sees_district(user: User) -> bool:
    """Whether the user's scope is the whole district (the district office, the sector departments)."""
    return areas_in_scope(user).filter(level=AreaLevel.DISTRICT).exists()


# ---- Sources ---------------------------------------------------------------------------------------------------


def _live_allocations() -> QuerySet[Allocation]:
    return Allocation.objects.filter(voided_at__isnull=True, project__voided_at__isnull=True)


def source_queryset(user: User) -> QuerySet[FundSource]:
    """Fund sources, for a user whose scope is the district; nothing for anyone else. Each with `allocated`."""
    if not sees_district(user):
        return FundSource.objects.none()
    allocated = (
        _live_allocations()
        .filter(source=OuterRef("pk"))
        .order_by()
        .values("source")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return FundSource.objects.annotate(allocated=Coalesce(Subquery(allocated), ZERO)).annotate(
        unallocated=F("amount") - F("allocated")
    )


def access_source(user: User, pk: int) -> FundSource:
    return get_in_scope_or_404(source_queryset(user), pk, user=user)


def source_allocations(source: FundSource, user: User) -> list[Allocation]:
    """Where a source's money went: its projects (only those in the user's scope)."""
    return list(
        _live_allocations()
        .filter(source=source, project__in=project_queryset(user))
        .select_related("project", "project__area")
        .order_by("project__first_year", "project__name")
    )


# ---- Projects --------------------------------------------------------------------------------------------------


def project_queryset(user: User) -> QuerySet[Project]:
    """The projects in the user's area (a project lies in a town or a village), and those that benefit a
    household the user sees (a village clerk sees the town's project that pays the village's households)."""
    areas = areas_in_scope(user)
    mine = Beneficiary.objects.filter(project=OuterRef("pk"), voided_at__isnull=True, household__village__in=areas)
    return Project.objects.filter(Q(area__in=areas) | Exists(mine))


def access_project(user: User, pk: int) -> Project:
    return get_in_scope_or_404(project_queryset(user).select_related("area", "area__parent"), pk, user=user)


def _persons_of_beneficiaries() -> Subquery:
    persons = (
        Person.objects.filter(
            left_reason="",
            household__fund_benefits__project=OuterRef("pk"),
            household__fund_benefits__voided_at__isnull=True,
        )
        .order_by()
        .values("household__fund_benefits__project")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(persons), 0)


def project_rows(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Projects with their investment, beneficiary households and persons, in one query."""
    invested = (
        Allocation.objects.filter(project=OuterRef("pk"), voided_at__isnull=True)
        .order_by()
        .values("project")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    households = (
        Beneficiary.objects.filter(project=OuterRef("pk"), voided_at__isnull=True)
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")
    )
    paid = (
        DividendRun.objects.filter(project=OuterRef("pk"), status__in=PAID_STATUSES)
        .order_by()
        .values("project")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return projects.select_related("area", "area__parent").annotate(
        invested=Coalesce(Subquery(invested), ZERO),
        households=Coalesce(Subquery(households), 0),
        persons=_persons_of_beneficiaries(),
        dividends=Coalesce(Subquery(paid), ZERO),
    )


@dataclass(frozen=True)
class BeneficiaryRow:
    beneficiary: Beneficiary
    head_name: str
    head_id: str
    persons: int
    received: Decimal


def project_beneficiaries(project: Project, user: User) -> list[BeneficiaryRow]:
    """A project's beneficiary households with the head, the persons and what each received, in three queries.
    Only households the user may see (a village clerk sees the village's)."""
    rows = list(
        project.beneficiaries.filter(voided_at__isnull=True, household__in=household_queryset(user))
        .select_related("household", "household__village")
        .order_by("household__number")
    )
    ids = [b.household_id for b in rows]
    heads: dict[int, tuple[str, str]] = {}
    persons: dict[int, int] = defaultdict(int)
    for hid, name, number, relation in Person.objects.filter(household_id__in=ids, left_reason="").values_list(
        "household_id", "name", "id_number", "relation"
    ):
        persons[hid] += 1
        if relation == Relation.HEAD:
            heads[hid] = (name, number)
    received = dict(
        DividendPayout.objects.filter(run__project=project, run__status__in=PAID_STATUSES, household_id__in=ids)
        .values("household_id")
        .annotate(total=Sum("amount"))
        .values_list("household_id", "total")
    )
    return [
        BeneficiaryRow(
            beneficiary=b,
            head_name=heads.get(b.household_id, ("", ""))[0],
            head_id=heads.get(b.household_id, ("", ""))[1],
            persons=persons[b.household_id],
            received=received.get(b.household_id, Decimal(0)),
        )
        for b in rows
    ]


def project_allocations(project: Project) -> list[Allocation]:
    """Where a project's money came from."""
    return list(project.allocations.filter(voided_at__isnull=True).select_related("source").order_by("source__year"))


def project_publicities(project: Project) -> list[Publicity]:
    return list(project.publicities.order_by("start", "pk"))


def project_publicity_facts(project: Project) -> list[rules.PublicityFacts]:
    return [rules.PublicityFacts(p.stage, p.start, p.end) for p in project.publicities.all()]


def project_runs(project: Project) -> list[DividendRun]:
    return list(
        project.dividend_runs.annotate(paid=Coalesce(Sum("payouts__amount"), ZERO), n=Count("payouts")).order_by(
            "-year", "-pk"
        )
    )


# ---- Dividends -------------------------------------------------------------------------------------------------


def run_queryset(user: User) -> QuerySet[DividendRun]:
    return DividendRun.objects.filter(project__in=project_queryset(user))


def access_run(user: User, pk: int) -> DividendRun:
    return get_in_scope_or_404(run_queryset(user).select_related("project", "project__area"), pk, user=user)


@dataclass(frozen=True)
class PayoutRow:
    household: Household
    head_name: str
    head_id: str
    persons: int
    weight: Decimal
    amount: Decimal
    account: str = ""


def _heads(household_ids: list[int]) -> tuple[dict[int, tuple[str, str]], dict[int, int]]:
    heads: dict[int, tuple[str, str]] = {}
    persons: dict[int, int] = defaultdict(int)
    for hid, name, number, relation in Person.objects.filter(
        household_id__in=household_ids, left_reason=""
    ).values_list("household_id", "name", "id_number", "relation"):
        persons[hid] += 1
        if relation == Relation.HEAD:
            heads[hid] = (name, number)
    return heads, persons


def run_payouts(run: DividendRun, user: User) -> list[PayoutRow]:
    """The dividend list of a run (for its page and its printed 公示), households within the user's scope."""
    payouts = list(
        run.payouts.filter(household__in=household_queryset(user))
        .select_related("household", "household__village")
        .order_by("household__number")
    )
    heads, persons = _heads([p.household_id for p in payouts])
    return [
        PayoutRow(
            household=p.household,
            head_name=heads.get(p.household_id, ("", ""))[0],
            head_id=heads.get(p.household_id, ("", ""))[1],
            persons=persons[p.household_id],
            weight=p.weight,
            amount=p.amount,
            account=p.account,
        )
        for p in payouts
    ]


def dividend_shares(project: Project, *, method: str) -> list[rules.Share]:
    """The shares of a dividend run: every live beneficiary, weighted or equal (plan ch. 10 §1 一)."""
    from .models import DividendMethod

    rows = project.beneficiaries.filter(voided_at__isnull=True).values_list(
        "household_id", "weight", "household__number"
    )
    return [
        rules.Share(key=hid, weight=weight if method == DividendMethod.WEIGHTED else Decimal(1), order=number)
        for hid, weight, number in rows.order_by("household__number")
    ]


def dividend_preview(project: Project, *, amount: Decimal, method: str) -> list[PayoutRow]:
    """What each beneficiary household would receive (not stored): the preview before the run is confirmed."""
    shares = dividend_shares(project, method=method)
    if not shares:
        return []
    parts = rules.split_dividend(amount, shares)
    households = Household.objects.in_bulk([s.key for s in shares])
    heads, persons = _heads([s.key for s in shares])
    return [
        PayoutRow(
            household=households[s.key],
            head_name=heads.get(s.key, ("", ""))[0],
            head_id=heads.get(s.key, ("", ""))[1],
            persons=persons[s.key],
            weight=s.weight,
            amount=parts[s.key],
        )
        for s in shares
    ]


# ---- Households ------------------------------------------------------------------------------------------------


@dataclass
class HouseholdFunds:
    benefits: list[Beneficiary] = field(default_factory=list)
    payouts: list[DividendPayout] = field(default_factory=list)
    by_year: dict[int, Decimal] = field(default_factory=dict)
    loans: list[Loan] = field(default_factory=list)


def household_funds(household: Household) -> HouseholdFunds:
    """The projects a household benefits from, the dividends it received (by year) and its subsidised loans,
    in four queries — for the household page (the household itself comes from access_household)."""
    benefits = list(
        household.fund_benefits.filter(voided_at__isnull=True, project__voided_at__isnull=True)
        .select_related("project", "project__area")
        .order_by("project__first_year", "project__name")
    )
    payouts = list(
        household.dividend_payouts.select_related("run", "run__project").order_by("-run__year", "-run__paid_on")
    )
    by_year: dict[int, Decimal] = defaultdict(Decimal)
    for p in payouts:
        if p.run.status in PAID_STATUSES:
            by_year[p.run.year] += p.amount
    loans = list(
        household.subsidised_loans.filter(voided_at__isnull=True)
        .annotate(subsidised=Coalesce(Sum("subsidies__amount"), ZERO))
        .order_by("-start")
    )
    return HouseholdFunds(
        benefits=benefits, payouts=payouts, by_year=dict(sorted(by_year.items(), reverse=True)), loans=loans
    )


# ---- Loans -----------------------------------------------------------------------------------------------------


def loan_queryset(user: User) -> QuerySet[Loan]:
    return Loan.objects.filter(area__in=areas_in_scope(user))


def access_loan(user: User, pk: int) -> Loan:
    return get_in_scope_or_404(loan_queryset(user).select_related("household", "area"), pk, user=user)


def loan_rows(loans: QuerySet[Loan]) -> QuerySet[Loan]:
    subsidised = (
        InterestSubsidy.objects.filter(loan=OuterRef("pk"))
        .order_by()
        .values("loan")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return loans.select_related("household", "area").annotate(subsidised=Coalesce(Subquery(subsidised), ZERO))


def micro_rate(year: int) -> Decimal | None:
    return MicroCreditRate.objects.filter(year=year).values_list("rate", flat=True).first()


# ---- Plan against records ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanRow:
    """One period of the plan (ch. 3 §1) against what is recorded, traced at every level."""

    target: rules.PlanTarget
    projects: int
    sources: Decimal  # from the sources' side: allocations of the period's projects summed per source
    invested: Decimal  # from the projects' side: each project's investment
    households: int
    persons: int
    dividends: Decimal  # runs paid for these projects
    payouts: Decimal  # the households' side: every payout of those runs
    by_source: tuple[tuple[str, Decimal], ...]

    @property
    def gap(self) -> dict[str, Any]:
        """Recorded minus planned (negative: short of the plan)."""
        t = self.target
        return {
            "amount": self.invested - t.amount,
            "projects": self.projects - t.projects,
            "households": self.households - t.households,
            "persons": self.persons - t.persons,
        }

    @property
    def reconciled(self) -> bool:
        return self.sources == self.invested and self.dividends == self.payouts


def plan_rows(user: User) -> list[PlanRow]:
    """The plan's figures (ch. 3 §1: 投资收益扶贫项目) against the 资产收益 projects recorded for the same years,
    within the user's scope, with the money added up from each side so a gap shows."""
    found = []
    for target in rules.PLAN_TARGETS:
        projects = project_queryset(user).filter(
            kind=ProjectKind.ASSET_INCOME,
            voided_at__isnull=True,
            first_year__gte=target.first_year,
            first_year__lte=target.last_year,
        )
        allocations = _live_allocations().filter(project__in=projects)
        by_source = tuple(
            (f"{row['source__year']} {row['source__name']}", row["total"])
            for row in allocations.values("source__year", "source__name", "source_id")
            .annotate(total=Sum("amount"))
            .order_by("source__year", "source_id")
        )
        invested = project_rows(projects).aggregate(t=Sum("invested"))["t"] or Decimal(0)
        beneficiaries = Household.objects.filter(
            Exists(Beneficiary.objects.filter(household=OuterRef("pk"), project__in=projects, voided_at__isnull=True))
        )
        runs = DividendRun.objects.filter(project__in=projects, status__in=PAID_STATUSES)
        found.append(
            PlanRow(
                target=target,
                projects=projects.count(),
                sources=sum((t for _n, t in by_source), Decimal(0)),
                invested=invested,
                households=beneficiaries.count(),
                persons=Person.objects.filter(household__in=beneficiaries, left_reason="").count(),
                dividends=runs.aggregate(t=Sum("amount"))["t"] or Decimal(0),
                payouts=DividendPayout.objects.filter(run__in=runs).aggregate(t=Sum("amount"))["t"] or Decimal(0),
                by_source=by_source,
            )
        )
    return found


def areas_for_projects(user: User) -> QuerySet[Area]:
    """Towns and villages a project may be placed in, for this user."""
    return (
        areas_in_scope(user)
        .filter(level__in=[AreaLevel.TOWN, AreaLevel.VILLAGE])
        .select_related("parent")
        .order_by("code")
    )


def ledger_rows(user: User, *, year: int | None = None) -> list[dict[str, Any]]:
    """资金使用台账: one row per allocation (source → project), with the project's households and dividends, for
    the audit office. Same scope as the screens (STYLE §18)."""
    projects = project_rows(project_queryset(user).filter(voided_at__isnull=True))
    if year is not None:
        projects = projects.filter(first_year__lte=year, last_year__gte=year)
    by_project = {p.pk: p for p in projects}
    allocations = (
        _live_allocations()
        .filter(project_id__in=list(by_project))
        .select_related("source")
        .order_by("project__first_year", "project__name", "source__year", "pk")
    )
    rows = []
    funded = set()
    for a in allocations:
        funded.add(a.project_id)
        rows.append(_ledger_row(by_project[a.project_id], a))
    # A project with no money recorded yet is listed too, so the audit office sees it is unfunded.
    rows.extend(_ledger_row(p, None) for pk, p in by_project.items() if pk not in funded)
    return rows


def _ledger_row(p: Project, a: Allocation | None) -> dict[str, Any]:
    return {
        "source_year": a.source.year if a else None,
        "source": a.source.name if a else "（未安排资金）",
        "kind": a.source.kind if a else "",
        "document": a.source.document if a else "",
        "source_amount": a.source.amount if a else None,
        "project": p.name,
        "project_kind": p.kind,
        "years": f"{p.first_year}—{p.last_year}" if p.last_year != p.first_year else str(p.first_year),
        "area": p.area.full_name,
        "implementer": p.implementer,
        "status": p.status,
        "amount": a.amount if a else None,
        "invested": p.invested,
        "households": p.households,
        "persons": p.persons,
        "dividends": p.dividends,
    }


def payouts_by_household(household_ids: list[int], *, year: int) -> dict[int, Decimal]:
    """Dividends paid to each household for a year (confirmed or published runs): the households' 财产性收入 from
    asset income (plan ch. 10 §1 一), read by the facts provider."""
    from common.db import filter_in

    return dict(
        filter_in(
            DividendPayout.objects.filter(run__year=year, run__status__in=PAID_STATUSES, amount__gt=0),
            "household_id",
            household_ids,
            bounded=True,
        )
        .order_by()
        .values("household_id")
        .annotate(total=Sum("amount"))
        .values_list("household_id", "total")
    )


def recent_runs(user: User, *, limit: int = 50) -> QuerySet[DividendRun]:
    return (
        run_queryset(user)
        .select_related("project", "project__area")
        .annotate(n=Count("payouts"))
        .order_by("-created_at", "-pk")[:limit]
    )


def _who(user: User | None) -> str:
    return user.display_name if user is not None else ""


def household_fund_changes(household: Household) -> list[ChangeEntry]:
    """The household's change-log entries from this app (registered with households.panels): joining a project,
    each dividend paid to it, and each undone — in three queries."""
    entries = [
        ChangeEntry(b.created_at, _who(b.created_by), f"登记为项目“{b.project.name}”的受益户（权重 {b.weight}）", "")
        for b in household.fund_benefits.select_related("project", "created_by")
    ]
    payouts = list(household.dividend_payouts.select_related("run", "run__project", "run__created_by"))
    for p in payouts:
        run = p.run
        entries.append(
            ChangeEntry(
                run.created_at,
                _who(run.created_by),
                f"项目“{run.project.name}” {run.year} 年分红 {p.amount:,.2f} 元，计入财产性收入",
                run.method,
            )
        )
        if run.undone_at is not None:
            entries.append(
                ChangeEntry(
                    run.undone_at,
                    "",
                    f"撤销项目“{run.project.name}” {run.year} 年分红 {p.amount:,.2f} 元",
                    run.undo_reason,
                )
            )
    return entries
