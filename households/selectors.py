"""Reads of the registry. Every one starts from the user's scope (accounts.selectors.areas_in_scope)."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.audit import get_in_scope_or_404
from accounts.models import Area, Role, User
from accounts.selectors import areas_in_scope
from common.db import filter_in, plain_rows

from .idnumber import mask_id_number
from .models import (
    ExitStep,
    Household,
    HouseholdAssessment,
    HouseholdIncome,
    HouseholdStatus,
    LedgerImport,
    Person,
    PovertyStandard,
    Relation,
)
from .panels import ChangeEntry, change_sources
from .phone import mask_phone
from .providers import fingerprint_joins, sector_facts
from .rules import (
    Assessment,
    HouseholdFacts,
    IncomeFacts,
    MemberFacts,
    Standard,
    assess,
    assessment_date,
    explain,
    in_household_on,
    net_income,
    per_capita_income,
)

# The columns the rules read, named by the rule records themselves (also hashed by facts_fingerprints).
_MEMBER_INPUTS = MemberFacts._fields
_HOUSEHOLD_INPUTS = ("enough_food", "enough_clothing", "house_grade", "dilapidated", "safe_water", "status")
_INCOME_INPUTS = IncomeFacts._fields


def default_year() -> int:
    """The year assessed, imported and exported by default: last year, whose incomes are the ones known now
    (DESIGN §9)."""
    return timezone.localdate().year - 1


def household_queryset(user: User) -> QuerySet[Household]:
    """All households the user may see; empty for a user with no scope."""
    return Household.objects.in_areas(areas_in_scope(user))


def household_list_rows(households: QuerySet[Household]) -> QuerySet[Household]:
    """The registry list's columns for already-scoped households: the head's name, the number of members in
    the household and the stored verdict of the default year (meets the standard, and the gaps), in the same
    query as the rows (no query per household)."""
    head = Person.objects.active().filter(household=OuterRef("pk"), relation=Relation.HEAD)
    stored = HouseholdAssessment.objects.filter(household=OuterRef("pk"), year=default_year())
    return (
        households.select_related("village__parent")
        .annotate(
            head_name=Subquery(head.values("name")[:1]),
            member_count=Count("members", filter=Q(members__left_reason="")),
            meets=Subquery(stored.values("meets_standard")[:1]),
            gap_names=Subquery(stored.values("gaps")[:1]),
        )
        .order_by("village__code", "number")
    )


@dataclass(frozen=True)
class RegistryCounts:
    households: int
    persons: int
    by_status: dict[str, int]


def registry_counts(households: QuerySet[Household]) -> RegistryCounts:
    """Households by status and members in the household, for the counts above the list (two queries)."""
    rows = households.order_by().values("status").annotate(n=Count("pk"))
    by_status = {label: 0 for _value, label in HouseholdStatus.choices}
    for row in rows:
        by_status[HouseholdStatus(row["status"]).label] = row["n"]
    persons = Person.objects.active().filter(household__in=households.order_by().values("pk")).count()
    return RegistryCounts(households=sum(by_status.values()), persons=persons, by_status=by_status)


def access_household(user: User, pk: int) -> Household:
    """The only way a view loads one household for a user. Outside the user's scope: 404, never 403.
    Services lock the row themselves when they write."""
    return get_in_scope_or_404(household_queryset(user).select_related("village__parent"), pk, user=user)


def access_person(user: User, household: Household, pk: int) -> Person:
    """A member of a household the user has already been given by `access_household`; otherwise 404."""
    return get_object_or_404(Person.objects.filter(household=household), pk=pk)


@dataclass(frozen=True)
class IncomeRow:
    year: int
    income: IncomeFacts
    net: Decimal | None
    per_capita: Decimal | None


def household_incomes(household: Household) -> list[IncomeRow]:
    """The household's incomes by year with net and per-capita income by rule 2, each year divided by the
    members of that year (born by its assessment date and not gone before it), so a member added today does
    not change last year's figure."""
    today = timezone.localdate()
    people = [
        MemberFacts(name=name, birth_date=birth, left_on=left_on)
        for name, birth, left_on in household.members.values_list("name", "birth_date", "left_on")
    ]
    rows = []
    for year, *values in household.incomes.order_by("-year").values_list("year", *_INCOME_INPUTS):
        income = IncomeFacts(*values)
        on = assessment_date(year, today=today)
        members = sum(1 for m in people if in_household_on(m, on))
        rows.append(IncomeRow(year, income, net_income(income), per_capita_income(income, members=members)))
    return rows


def _who(user: User | None) -> str:
    return user.display_name if user is not None else "系统"


_MASKED = {"id_number": mask_id_number, "phone": mask_phone}


def shown_value(field: str, value: Any, *, areas: Mapping[int, str] | None = None) -> str:
    """A stored value as the change log shows it: 是/否, 未填写, yuan, dates, area names, masked ID and phone."""
    if value is None or value == "":
        return "未填写"
    if field in _MASKED:
        return _MASKED[field](value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    if field == "village" and areas is not None:
        return areas.get(value, str(value))
    return str(value)


def _details(model: type, changes: list[Any], *, areas: dict[int, str]) -> tuple[str, ...]:
    return tuple(
        f"{model._meta.get_field(c.field).verbose_name}：{shown_value(c.field, c.old, areas=areas)} → "
        f"{shown_value(c.field, c.new, areas=areas)}"
        for c in changes
    )


def household_changes(household: Household, *, limit: int = 100) -> list[ChangeEntry]:
    """What changed in the household, its members and its incomes, newest first: who, when, what, why, and
    each value before and after (ID numbers and phones masked). A fixed number of queries."""
    entries: list[ChangeEntry] = []
    records = list(household.history.select_related("history_user").order_by("history_date"))
    areas = dict(Area.objects.filter(pk__in={r.village_id for r in records}).values_list("pk", "name"))
    for prev, rec in zip([None, *records], records, strict=False):
        details: tuple[str, ...] = ()
        if rec.history_type == "+":
            what = "建档"
        else:
            changes = rec.diff_against(prev).changes
            if not changes:
                continue
            what = "修改 " + "、".join(str(Household._meta.get_field(c.field).verbose_name) for c in changes)
            details = _details(Household, changes, areas=areas)
        entries.append(
            ChangeEntry(
                rec.history_date, _who(rec.history_user), what, rec.history_change_reason or "", details, version=True
            )
        )

    person_records = list(
        Person.history.filter(household_id=household.pk).select_related("history_user").order_by("id", "history_date")
    )
    last: dict[int, object] = {}
    for rec in person_records:
        prev = last.get(rec.id)
        last[rec.id] = rec
        details = ()
        if rec.history_type == "+":
            what = f"新增成员 {rec.name}"
        else:
            changes = rec.diff_against(prev).changes if prev is not None else []
            if not changes:
                continue
            if "left_reason" in {c.field for c in changes} and rec.left_reason:
                what = f"成员 {rec.name} 减少：{rec.left_reason}"
            else:
                what = f"修改成员 {rec.name} 的 " + "、".join(
                    str(Person._meta.get_field(c.field).verbose_name) for c in changes
                )
            details = _details(Person, changes, areas=areas)
        entries.append(
            ChangeEntry(
                rec.history_date, _who(rec.history_user), what, rec.history_change_reason or "", details, version=True
            )
        )
    income_records = list(
        HouseholdIncome.history.filter(household_id=household.pk)
        .select_related("history_user")
        .order_by("id", "history_date")
    )
    last = {}
    for rec in income_records:
        prev = last.get(rec.id)
        last[rec.id] = rec
        changes = rec.diff_against(prev).changes if prev is not None else []
        if prev is not None and not changes:
            continue
        what = f"{'录入' if prev is None else '修改'} {rec.year} 年收入"
        entries.append(
            ChangeEntry(
                rec.history_date,
                _who(rec.history_user),
                what,
                rec.history_change_reason or "",
                _details(HouseholdIncome, changes, areas=areas),
            )
        )
    for step in ExitStep.objects.filter(case__household=household).select_related("actor"):
        entries.append(ChangeEntry(step.at, _who(step.actor), f"退出程序：{step.action}", step.note))
    for source in change_sources():
        entries.extend(source(household))
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]


def import_jobs(user: User) -> QuerySet[LedgerImport]:
    """Ledger imports a user may see: their own; the district office sees everyone's."""
    jobs = LedgerImport.objects.select_related("actor")
    if Role.DISTRICT_OFFICER in user.roles:
        return jobs
    return jobs.filter(actor=user)


def access_import(user: User, pk: int) -> LedgerImport:
    """One import job for its page; someone else's (unless district office) is a 404."""
    return get_in_scope_or_404(import_jobs(user), pk, user=user)


def members_on(as_of: date) -> QuerySet[Person]:
    """The members of a household on a date: born by then and not gone before it (rules.in_household_on)."""
    return Person.objects.filter(Q(left_reason="") | Q(left_on__gt=as_of), birth_date__lte=as_of)


def household_facts(household_ids: list[int], *, year: int) -> dict[int, HouseholdFacts]:
    """The rules' inputs for many households in three queries (the households, their members on the
    assessment date, the year's incomes) plus a fixed number per registered facts provider (STYLE §4: never a
    query per household). A sector app's fact wins over the registry's own field (providers.py). Plain tuples
    all the way: the nightly job reads a million members through here."""
    as_of = assessment_date(year, today=timezone.localdate())
    from_sectors = sector_facts(household_ids, year=year, as_of=as_of)
    member_patches: dict[int, Mapping[str, Any]] = {
        person: values for found in from_sectors.values() for f in found for person, values in f.members.items()
    }
    members: dict[int, list[tuple[int, MemberFacts]]] = {pk: [] for pk in household_ids}
    rows = filter_in(members_on(as_of), "household_id", household_ids, bounded=True).values_list(
        "household_id", "pk", *_MEMBER_INPUTS
    )
    # Unordered in the database (sorting there spills to disk at this size); in member order here.
    for household_id, pk, *fields in plain_rows(rows.order_by()):
        member = MemberFacts(*fields)
        if pk in member_patches:
            member = member._replace(**member_patches[pk])
        members[household_id].append((pk, member))
    incomes = {
        household_id: IncomeFacts(*values)
        for household_id, *values in plain_rows(
            filter_in(HouseholdIncome.objects.filter(year=year), "household_id", household_ids, bounded=True)
            .values_list("household_id", *_INCOME_INPUTS)
            .order_by()
        )
    }
    facts = {}
    households = filter_in(Household.objects.all(), "pk", household_ids, bounded=True)
    for pk, food, clothing, grade, dilapidated, water, status in plain_rows(
        households.values_list("pk", *_HOUSEHOLD_INPUTS).order_by()
    ):
        people = members[pk]
        people.sort(key=lambda member: member[0])
        household = HouseholdFacts(
            members=tuple(m for _pk, m in people),
            income=incomes.get(pk),
            enough_food=food,
            enough_clothing=clothing,
            house_grade=grade,
            dilapidated=dilapidated,
            safe_water=water,
            exited=status == HouseholdStatus.EXITED,
        )
        for found in from_sectors.get(pk, ()):
            household = household._replace(
                **found.household,
                income_added=household.income_added + found.income_added,
                sources=household.sources + tuple(found.sources.items()),
            )
        facts[pk] = household
    return facts


def standards_by_year() -> dict[int, Standard]:
    """Every year's standard (rule 1), for the rules."""
    return {
        s.year: Standard(year=s.year, poverty_line=s.poverty_line, dibao_line=s.dibao_line)
        for s in PovertyStandard.objects.all()
    }


@dataclass(frozen=True)
class AssessmentView:
    year: int
    standard: Standard | None
    assessment: Assessment
    words: str
    sources: tuple[tuple[str, str], ...] = ()  # (fact, the sector record that decided it), see providers.py


def households_assessments(household_ids: list[int], *, year: int) -> dict[int, AssessmentView]:
    """Households' assessments for a year, computed now by the same rules as the nightly job, in a fixed
    number of queries whatever the number of households."""
    standard = standards_by_year().get(year)
    as_of = assessment_date(year, today=timezone.localdate())
    views = {}
    for pk, facts in household_facts(household_ids, year=year).items():
        result = assess(facts, standard=standard, as_of=as_of)
        views[pk] = AssessmentView(
            year=year, standard=standard, assessment=result, words=explain(result), sources=facts.sources
        )
    return views


def household_assessment(household: Household, *, year: int) -> AssessmentView:
    """One household's assessment for a year (its page, the exit procedure's checks)."""
    return households_assessments([household.pk], year=year)[household.pk]


def _text(column: str) -> str:
    # NULL and '' must hash differently, and a missing value must not shift its neighbours.
    return f"coalesce({column}::text, '∅')"


_FINGERPRINT_SQL = f"""
SELECT h.id, md5(concat_ws('|', {", ".join(_text("h." + c) for c in _HOUSEHOLD_INPUTS)},
    coalesce(m.part, '∅'), coalesce(i.part, '∅'), {{parts}}%(salt)s))
FROM households_household h
LEFT JOIN (SELECT p.household_id,
                  string_agg(concat_ws(',', {", ".join(_text("p." + c) for c in _MEMBER_INPUTS)}), ';' ORDER BY p.id)
             FROM households_person p
            WHERE {{chunk:p.household_id}} AND p.birth_date <= %(as_of)s AND (p.left_reason = '' OR p.left_on > %(as_of)s)
            GROUP BY p.household_id) AS m(household_id, part) ON m.household_id = h.id
LEFT JOIN (SELECT i.household_id, concat_ws(',', {", ".join(_text("i." + c) for c in _INCOME_INPUTS)})
             FROM households_householdincome i
            WHERE {{chunk:i.household_id}} AND i.year = %(year)s) AS i(household_id, part) ON i.household_id = h.id
{{joins}}
WHERE {{chunk:h.id}}
"""  # noqa: S608 — fixed table and column names; the values are parameters

DENSE = 2  # a chunk whose ids fill at least half of their range is read by the range alone


def facts_fingerprints(household_ids: list[int], *, year: int, salt: str) -> dict[int, str]:
    """An MD5 of every input the rules read for each household (the same facts as `household_facts`: the
    members on the assessment date, the year's income, and each facts provider's part), with `salt` (the
    assessment date, the year's lines, the rules' version). Computed inside PostgreSQL, so the recompute reads
    into Python only the households whose facts changed. Empty on other databases, where every household is
    assessed every time.

    Each table is read once per chunk along an index range and grouped by household (never a subquery per
    household). A dense chunk (the recompute's) is read by its range alone, which may bring a few households
    that are not asked for: their hashes are returned too and the caller ignores them."""
    if connection.vendor != "postgresql" or not household_ids:
        return {}
    as_of = assessment_date(year, today=timezone.localdate())
    low, high = min(household_ids), max(household_ids)
    dense = high - low + 1 <= DENSE * len(household_ids)

    def chunk(column: str) -> str:
        within = f"{column} BETWEEN %(low)s AND %(high)s"
        return within if dense else f"{within} AND {column} = ANY(%(ids)s::bigint[])"

    parts, joins = fingerprint_joins(year=year, as_of=as_of, chunk=chunk)
    sql = _FINGERPRINT_SQL.replace("{parts}", "".join(f"{part}, " for part in parts)).replace(
        "{joins}", "\n".join(joins)
    )
    sql = re.sub(r"\{chunk:([a-z_.]+)\}", lambda match: chunk(match.group(1)), sql)
    params = {"as_of": as_of, "year": year, "salt": salt, "low": low, "high": high}
    if not dense:
        params["ids"] = "{" + ",".join(str(int(pk)) for pk in household_ids) + "}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())
