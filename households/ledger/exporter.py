"""Exporting the ledger: one row per member in the household, FORMAT.md's canonical column names, so that an
export can be imported again unchanged (DESIGN §8, §9)."""

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import AuditAction
from households.idnumber import mask_id_number
from households.models import Household, HouseholdIncome, Person, Relation
from households.phone import mask_phone
from households.rules import Assessment, IncomeFacts, assess, assessment_date, per_capita_income
from households.selectors import household_facts, standards_by_year

from .columns import BY_KEY, COMPUTED_COLUMNS, INCOME_KEYS, Column, ExtensionColumn, Kind
from .extensions import ExtensionValues, LedgerExtension, extension_columns, extensions
from .xlsx import write_table

# The registry's columns written, in FORMAT.md's order. The columns of the ledger extensions (帮扶责任人 ...)
# follow them, then the computed ones.
EXPORT_KEYS = (
    "county", "town", "village", "natural_village", "number", "national_number", "name", "id_number", "size",
    "relation", "sex", "ethnicity", "education", "school_status", "health", "labour_ability", "work_status",
    "work_months", "medical_insurance", "critical_illness_insurance", "pension_insurance", "dibao", "tekun",
    "attribute", "main_cause", "registration_year", "status", "exit_year", "dilapidated", "house_grade",
    "safe_water", "enough_food", "enough_clothing", *INCOME_KEYS, "per_capita", "phone",
)  # fmt: skip
EXPORT_COLUMNS: tuple[Column, ...] = tuple(BY_KEY[k] for k in EXPORT_KEYS)
CHUNK = 2000  # households per round of queries


def ledger_header() -> list[str]:
    """The export's header row: the registry's columns, the registered extensions' columns, the computed ones."""
    return [c.name for c in (*EXPORT_COLUMNS, *extension_columns())] + list(COMPUTED_COLUMNS)


def _cell(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral() else int(value)
    return value


def ledger_rows(households: QuerySet[Household], *, year: int, full: bool = True) -> Iterator[list[Any]]:
    """The ledger's rows for already-scoped households, with the assessment of `year` by the rules (rule 2–4),
    in a fixed number of queries per 2,000 households."""
    members = Person.objects.active().order_by("pk")
    incomes = HouseholdIncome.objects.filter(year=year)
    standard = standards_by_year().get(year)
    as_of = assessment_date(year, today=timezone.localdate())
    ids = list(households.order_by("village__code", "number").values_list("pk", flat=True))
    registered = extensions()
    columns = (*EXPORT_COLUMNS, *extension_columns(registered))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        facts = household_facts(chunk, year=year)
        loaded = (
            Household.objects.filter(pk__in=chunk)
            .select_related("village__parent__parent")
            .prefetch_related(Prefetch("members", queryset=members), Prefetch("incomes", queryset=incomes))
            .in_bulk()
        )
        extra = _extension_values(registered, chunk, [p.pk for h in loaded.values() for p in h.members.all()])
        for pk in chunk:
            household = loaded[pk]
            result = assess(facts[pk], standard=standard, as_of=as_of)
            yield from _household_rows(household, result, columns, extra, full=full)


def _extension_values(
    registered: list[LedgerExtension], household_ids: list[int], person_ids: list[int]
) -> ExtensionValues:
    """Every extension's values for one chunk, merged: household id → key → value, person id → key → value."""
    merged = ExtensionValues()
    for extension in registered:
        values = extension.export(household_ids, person_ids)
        for pk, by_key in values.households.items():
            merged.households.setdefault(pk, {}).update(by_key)
        for pk, by_key in values.persons.items():
            merged.persons.setdefault(pk, {}).update(by_key)
    return merged


def _masked(column: Column | ExtensionColumn, value: Any) -> Any:
    if isinstance(column, ExtensionColumn):
        return column.mask(value) if column.mask is not None and value not in (None, "") else value
    if column.kind == Kind.PHONE or column.key == "phone":
        return mask_phone(value or "") or None
    if column.key == "id_number":
        return mask_id_number(value or "") or None
    return value


def _household_rows(
    household: Household,
    result: Assessment,
    columns: tuple[Column | ExtensionColumn, ...],
    extra: ExtensionValues,
    *,
    full: bool,
) -> Iterator[list[Any]]:
    people = sorted(household.members.all(), key=lambda p: p.relation != Relation.HEAD)
    if not people:
        return
    income = next(iter(household.incomes.all()), None)
    income_values = {k: getattr(income, k) if income else None for k in INCOME_KEYS}
    facts = IncomeFacts(**income_values, per_capita_given=income.per_capita_given if income else None)
    village = household.village
    shared = {
        "county": village.parent.parent.name if village.parent.parent else "",
        "town": village.parent.name,
        "village": village.name,
        "size": len(people),
        # The ledger's own figure, as imported; the computed one goes in 人均纯收入(计算).
        "per_capita": per_capita_income(facts, members=len(people)),
        **income_values,
        **extra.households.get(household.pk, {}),
    }
    for key in EXPORT_KEYS:
        column = BY_KEY[key]
        if column.household and column.field and key not in INCOME_KEYS:
            shared[key] = getattr(household, column.field)
    computed = [
        _cell(result.per_capita),
        str(result.band) if result.band else None,
        "、".join(result.gaps) or None,
        "是" if result.meets_standard else "否",
    ]
    for person in people:
        own = extra.persons.get(person.pk, {})
        row = []
        for column in columns:
            if column.household:
                value = shared.get(column.key)
            elif isinstance(column, ExtensionColumn):
                value = own.get(column.key)
            else:
                value = getattr(person, column.field)
            row.append(_cell(value if full else _masked(column, value)))
        yield row + computed


def ledger_export(path: Path, households: QuerySet[Household], *, year: int, full: bool = True) -> int:
    """Write the ledger of `households` (already scoped by the caller) to `path`; returns the rows written.

    `full` writes ID numbers and phones whole — the file that goes back into the national system and re-imports
    unchanged (permission export_full_ledger); otherwise they are masked like on the pages."""
    kind = "完整台账，含完整证件号码" if full else "脱敏台账"
    title = f"建档立卡贫困人口明细台账（{year} 年收入，{kind}）  导出时间：{timezone.localtime():%Y-%m-%d %H:%M}"
    rows = ledger_rows(households, year=year, full=full)
    count = write_table(path, title=title, header=ledger_header(), rows=rows)
    # The user of the request being served, or nobody for the command line (run by the operator on the server).
    audit_record(
        action=AuditAction.EXPORT, object_type="households.ledger", summary=f"导出{kind}（{year} 年收入）：{count} 行"
    )
    return count
