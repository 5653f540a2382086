"""Reads of the health records. Every list starts from the user's scope (households.selectors.household_queryset,
itself built on the one scoping function); one object comes through an access_* helper that 404s outside it."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from accounts.audit import get_in_scope_or_404
from accounts.models import Area, AreaLevel, User
from accounts.selectors import areas_in_scope
from households.models import Household, HouseholdAssessment, HouseholdStatus, Person, PovertyCause
from households.panels import ChangeEntry
from households.rules import assessment_date
from households.selectors import household_queryset, members_on

from .models import (
    AidSetting,
    DisabilityProgramme,
    DisabilityService,
    Expense,
    Illness,
    IllnessKind,
    Insurance,
    InsuranceKind,
)
from .rules import (
    MIN_SPECIAL_CAP,
    OUT_OF_POCKET_GOAL,
    AidPerson,
    disability_due,
    out_of_pocket_share,
    pension_due,
    progress_442,
)

ZERO = Decimal(0)


def expense_queryset(user: User) -> QuerySet[Expense]:
    # The same scope as household_queryset (households under the user's areas), written as a join on the
    # household's village so the district's lists join 13 areas instead of hashing every household.
    return Expense.objects.filter(household__village__in=areas_in_scope(user))


def insurance_queryset(user: User) -> QuerySet[Insurance]:
    return Insurance.objects.filter(household__in=household_queryset(user))


def illness_queryset(user: User) -> QuerySet[Illness]:
    return Illness.objects.filter(household__in=household_queryset(user))


def access_expense(user: User, pk: int) -> Expense:
    return get_in_scope_or_404(expense_queryset(user).select_related("person", "household"), pk, user=user)


def access_insurance(user: User, pk: int) -> Insurance:
    return get_in_scope_or_404(insurance_queryset(user).select_related("person", "household"), pk, user=user)


def access_illness(user: User, pk: int) -> Illness:
    return get_in_scope_or_404(illness_queryset(user).select_related("person", "household"), pk, user=user)


def special_cap(year: int) -> Decimal:
    """The 低保/特困 yearly cap set for `year`; the plan's floor of 15,000 where none is set (plan ch. 6 §2 一)."""
    found = AidSetting.objects.filter(year=year).values_list("special_cap", flat=True).first()
    return found if found is not None else MIN_SPECIAL_CAP


def granted_in_year(person_id: int, year: int, *, exclude: int | None = None) -> Decimal:
    """The aid already granted to a person in a calendar year (the cap is per person and calendar year)."""
    rows = Expense.objects.filter(person_id=person_id, visited_on__year=year, voided=False)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    return rows.aggregate(s=Sum("aid"))["s"] or ZERO


def household_band(household: Household, year: int) -> str:
    """The household's income band for `year` as the recompute last stored it, else the year before's (the
    incomes of the running year are rarely known), else from nothing: ''."""
    stored = (
        HouseholdAssessment.objects.filter(household=household, year__in=(year, year - 1))
        .order_by("-year")
        .values_list("band", flat=True)
        .first()
    )
    return stored or ""


def aid_person(person: Person, *, on: date) -> AidPerson:
    """What decides the person's aid group on the expense date (rules.aid_groups): the household's attribute,
    status and band, the member's 低保/特困 flags, and 因病致贫 with a serious illness of this person. The
    attribute and status are the household's current ones (the registry keeps no dated attribute)."""
    household = person.household
    illnesses = Illness.objects.filter(person=person, voided=False, diagnosed_on__lte=on)
    seriously_ill = person.health == "患有大病" or illnesses.filter(kind=IllnessKind.MAJOR).exists()
    poor_through_illness = (
        household.main_cause == PovertyCause.ILLNESS or illnesses.filter(causes_poverty=True).exists()
    )
    return AidPerson(
        attribute=household.attribute,
        status=household.status,
        dibao=bool(person.dibao),
        tekun=bool(person.tekun),
        band=household_band(household, on.year),
        illness_poverty=seriously_ill and poor_through_illness,
    )


@dataclass(frozen=True)
class MemberHealth:
    person: Person
    insurance: list[Insurance]
    insured: bool | None  # what decides 基本医疗 for the year
    decided_by: str  # "医保部门 Y 年参保登记" or "台账登记"
    illnesses: list[Illness]
    expenses: list[Expense]
    total: Decimal
    aid: Decimal
    share: Decimal | None


@dataclass(frozen=True)
class HouseholdHealth:
    year: int
    members: list[MemberHealth] = field(default_factory=list)
    uninsured: list[str] = field(default_factory=list)
    expenses: list[Expense] = field(default_factory=list)


def household_health(household: Household, *, year: int) -> HouseholdHealth:
    """The household page's health panel for a year, in four queries: members, insurance, illnesses, expenses.
    基本医疗 is insured where the basic-insurance record of the year says so; without a record the registry's
    field decides (healthcare.providers)."""
    as_of = assessment_date(year, today=timezone.localdate())
    people = list(members_on(as_of).filter(household=household).order_by("pk"))
    insurance = list(
        Insurance.objects.filter(household=household, year=year, voided=False).order_by("person_id", "kind")
    )
    illnesses = list(Illness.objects.filter(household=household, voided=False).order_by("diagnosed_on", "pk"))
    expenses = list(
        Expense.objects.filter(household=household, visited_on__year=year, voided=False)
        .select_related("person")
        .order_by("visited_on", "pk")
    )
    members, uninsured = [], []
    for person in people:
        mine = [i for i in insurance if i.person_id == person.pk]
        basic = next((i for i in mine if i.kind == InsuranceKind.BASIC), None)
        if basic is not None:
            insured, decided_by = basic.insured, f"医保部门 {year} 年参保登记"
        else:
            insured, decided_by = person.medical_insurance, "台账登记（医保部门无该年记录）"
        if insured is not True:
            uninsured.append(person.name)
        spent = [e for e in expenses if e.person_id == person.pk]
        total = sum((e.total for e in spent), ZERO)
        aid = sum((e.aid for e in spent), ZERO)
        share = out_of_pocket_share(
            total=total,
            basic=sum((e.basic_paid for e in spent), ZERO),
            critical=sum((e.critical_paid for e in spent), ZERO),
            aid=aid,
        )
        members.append(
            MemberHealth(
                person=person,
                insurance=mine,
                insured=insured,
                decided_by=decided_by,
                illnesses=[i for i in illnesses if i.person_id == person.pk],
                expenses=spent,
                total=total,
                aid=aid,
                share=share,
            )
        )
    return HouseholdHealth(year=year, members=members, uninsured=uninsured, expenses=expenses)


def towns_in_scope(user: User) -> QuerySet[Area]:
    return areas_in_scope(user).filter(level=AreaLevel.TOWN).order_by("code")


# The columns the list and its export show: the page sorts the whole year's rows, so they are kept narrow.
AID_LIST_FIELDS = (
    "visited_on", "hospital", "level", "total", "in_scope", "basic_paid", "critical_paid", "settlement_number",
    "aid_group", "aid_rate", "aid_base", "aid", "aid_words", "household_id", "person_id",
    "person__name", "person__id_number", "household__number", "household__village__name",
    "household__village__parent__name",
)  # fmt: skip


def aid_list(user: User, *, year: int, town: Area | None = None) -> QuerySet[Expense]:
    """The year's medical-aid list for disbursement: every expense of the year with aid, in the user's scope
    (and town), by household and date."""
    rows = expense_queryset(user).filter(visited_on__year=year, voided=False, aid__gt=0)
    if town is not None:
        rows = rows.filter(Q(household__village=town) | Q(household__village__parent=town))
    # By 户编号, which begins with the village's code (so a town's list comes village by village), then date.
    # Sorting on the area codes instead makes PostgreSQL sort every household of the district first (> 1 s at
    # 1M persons); the 户编号 order walks the unique index and stops at the page.
    return (
        rows.select_related("person", "household__village__parent")
        .only(*AID_LIST_FIELDS)
        .order_by("household__number", "visited_on", "pk")
    )


def aid_page_rows(rows: QuerySet[Expense], ids: list[int]) -> list[Expense]:
    """The rows of one page of the aid list, in the list's order: the page's ids are sorted in the database on
    the narrow sort key alone (`rows.values_list("pk")`), then only these rows are read in full."""
    found = {
        e.pk: e
        for e in rows.model.objects.filter(pk__in=ids)
        .select_related("person", "household__village__parent")
        .only(*AID_LIST_FIELDS)
    }
    return [found[pk] for pk in ids]


def aid_totals(rows: QuerySet[Expense]) -> dict[str, Decimal | int]:
    found = rows.aggregate(
        n=Count("pk"), persons=Count("person", distinct=True), total=Sum("total"), base=Sum("aid_base"), aid=Sum("aid")
    )
    return {k: (v if v is not None else ZERO) for k, v in found.items()}


@dataclass(frozen=True)
class OutOfPocket:
    share: Decimal | None  # of the whole year's costs in scope, after every reimbursement and the aid
    persons: int  # person-years with costs
    above_goal: int  # person-years whose own share is above the goal


OOP_COLUMNS = (
    "coalesce(sum(t), 0), coalesce(sum(b), 0), coalesce(sum(c), 0), coalesce(sum(a), 0), count(*),"
    " coalesce(sum(CASE WHEN t - b - c - a > t * %s THEN 1 ELSE 0 END), 0)"
)


def out_of_pocket(user: User, *, year: int, town: Area | None = None) -> OutOfPocket:
    """个人自付比例 for the year (the district watches a 10% goal), over every expense, in one query: the sums per
    person, then over them the year's sums, the persons and those above the goal."""
    rows = expense_queryset(user).filter(visited_on__year=year, voided=False)
    if town is not None:
        rows = rows.filter(Q(household__village=town) | Q(household__village__parent=town))
    per_person = (
        rows.values("person")
        .annotate(t=Sum("total"), b=Sum("basic_paid"), c=Sum("critical_paid"), a=Sum("aid"))
        .values_list("t", "b", "c", "a")
        .order_by()
    )
    inner, params = per_person.query.sql_with_params()
    # The inner query is Django's own SQL; its values are parameters.
    sql = f"SELECT {OOP_COLUMNS} FROM ({inner}) AS per_person"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [OUT_OF_POCKET_GOAL, *params])
        *sums, persons, above = cursor.fetchone()
    # Raw SQL: SQLite gives the sums as floats, PostgreSQL as Decimals; both are read back as yuan to the fen.
    total, basic, critical, aid = (Decimal(str(v)).quantize(Decimal("0.01")) for v in sums)
    share = out_of_pocket_share(total=total, basic=basic, critical=critical, aid=aid)
    return OutOfPocket(share, persons, above)


def uninsured_members(user: User, *, year: int, town: Area | None = None) -> QuerySet[Person]:
    """Members of households in the user's scope on the year's assessment date who are not insured for the year:
    a basic-insurance record of the year that says not insured, or no record and the registry's field not 是."""
    as_of = assessment_date(year, today=timezone.localdate())
    records = Insurance.objects.filter(person=OuterRef("pk"), year=year, kind=InsuranceKind.BASIC, voided=False)
    households = household_queryset(user).exclude(status=HouseholdStatus.REMOVED)
    if town is not None:
        households = households.filter(Q(village=town) | Q(village__parent=town))
    rows = (
        members_on(as_of)
        .filter(household__in=households)
        .annotate(has_record=Exists(records), insured_record=Exists(records.filter(insured=True)))
        .filter(Q(has_record=True, insured_record=False) | Q(has_record=False) & ~Q(medical_insurance=True))
    )
    return rows.select_related("household__village__parent").order_by(
        "household__village__parent__code", "household__village__code", "household__number", "pk"
    )


@dataclass(frozen=True)
class ProgressRow:
    town: str
    identified: int
    treated: int
    progress: object  # rules.Progress442


def progress_442_rows(user: User, *, year: int) -> list[ProgressRow]:
    """Of the sick poor identified (major illnesses recorded, diagnosed by the end of `year`), how many were
    treated by then, per town, against the "442" target (plan ch. 6)."""
    end = date(year, 12, 31)
    rows = (
        illness_queryset(user)
        .filter(voided=False, kind=IllnessKind.MAJOR, diagnosed_on__lte=end)
        .values("household__village__parent__name", "household__village__parent__code")
        .annotate(
            identified=Count("person", distinct=True),
            treated=Count("person", distinct=True, filter=Q(treated_on__lte=end)),
        )
        .order_by("household__village__parent__code")
    )
    return [
        ProgressRow(
            r["household__village__parent__name"],
            r["identified"],
            r["treated"],
            progress_442(identified=r["identified"], treated=r["treated"], year=year),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class DisabledRow:
    person: Person
    received: list[DisabilityService]
    pension_due: date
    due: list[str]  # the labels of the programmes due and not received (rules.disability_due)


def disabled_people(user: User, *, on: date) -> QuerySet[Person]:
    """Disabled members of the poor households in the user's scope on a date (plan ch. 8 §3 二)."""
    return (
        members_on(on)
        .filter(household__in=household_queryset(user))
        .exclude(disability_grade="")
        .select_related("household__village__parent")
        .order_by("household__village__parent__code", "household__number", "pk")
    )


def disabled_rows(people: list[Person], *, on: date) -> list[DisabledRow]:
    """What each has received and what is due (rules.disability_due; the pension five years early for grade
    一/二, plan ch. 8 §3 二 (四)), in one query for the page."""
    services = DisabilityService.objects.filter(person__in=[p.pk for p in people], voided=False).order_by("received_on")
    received: dict[int, list[DisabilityService]] = {}
    for s in services:
        received.setdefault(s.person_id, []).append(s)
    return [
        DisabledRow(
            person=p,
            received=received.get(p.pk, []),
            pension_due=pension_due(p.birth_date, p.disability_grade),
            due=[
                str(DisabilityProgramme(code).label)
                for code in disability_due(
                    p.birth_date,
                    p.disability_grade,
                    received=frozenset(s.programme for s in received.get(p.pk, [])),
                    on=on,
                )
            ],
        )
        for p in people
    ]


def health_changes(household: Household) -> list[ChangeEntry]:
    """The household's change log entries of this app (households.panels): insurance, illnesses and expenses
    recorded or voided, in three queries."""
    entries = []
    for model, what in ((Insurance, _insurance_words), (Illness, _illness_words), (Expense, _expense_words)):
        for record in model.objects.filter(household=household).select_related("person", "created_by"):
            who = record.created_by.display_name if record.created_by_id else ""
            entries.append(
                ChangeEntry(record.created_at, who, what(record), record.void_reason if record.voided else "")
            )
    return entries


def _void(record: Insurance | Illness | Expense) -> str:
    return "（已作废）" if record.voided else ""


def _insurance_words(i: Insurance) -> str:
    state = "已参保" if i.insured else "未参保"
    return f"参保登记：{i.person.name} {i.year} 年{i.get_kind_display()}{state}{_void(i)}"


def _illness_words(i: Illness) -> str:
    return f"患病登记：{i.person.name} {i.get_kind_display()} {i}{_void(i)}"


def _expense_words(e: Expense) -> str:
    return f"医疗费用：{e.person.name} {e.visited_on:%Y-%m-%d} {e.hospital}，医疗救助 {e.aid:,.2f} 元{_void(e)}"
