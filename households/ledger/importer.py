"""Importing a ledger: one pipeline for the command line and the browser (DESIGN §8).

Read → check every row (the file, then against the stored data) → plan what is created, updated, unchanged →
write all of it in one transaction, or nothing. Households are matched by 户编号, persons by 证件号码; the
same file imported twice changes nothing the second time.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from accounts.audit import audit_record
from accounts.models import Area, AreaLevel, AuditAction, User
from households.idnumber import mask_id_number
from households.models import (
    Household,
    HouseholdIncome,
    HouseholdStatus,
    HouseholdStatusChange,
    Person,
    Relation,
)
from households.rules import IncomeFacts
from households.selectors import filter_in
from households.tasks import reassess_households_task

from .bulk import insert_rows, row_defaults
from .extensions import ExtensionRow, Writer, extensions
from .parse import AreaLookup, Ledger, LedgerInvalidError, RowError, parse_ledger
from .reader import LedgerUnreadableError, read_rows

__all__ = [
    "ImportResult",
    "LedgerInvalidError",
    "LedgerUnreadableError",
    "area_lookup",
    "ledger_import",
]

CHUNK = 5000  # keys per IN (...) query; well under SQLite's and PostgreSQL's parameter limits
BATCH = 2000  # rows per INSERT/UPDATE statement
CHANGES_SHOWN = 1000  # changed values kept for the preview
REASON = "台账导入"
T = TypeVar("T")

Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class Change:
    """One changed value, for the preview: before and after side by side."""

    household: str
    person: str
    field: str
    old: str
    new: str


@dataclass
class ImportResult:
    households_created: int = 0
    households_updated: int = 0
    households_unchanged: int = 0
    persons_created: int = 0
    persons_updated: int = 0
    persons_unchanged: int = 0
    incomes_written: int = 0
    rows: int = 0
    blank_rows: int = 0
    totals_rows: int = 0
    unknown_columns: list[str] = field(default_factory=list)
    missing_members: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    changes_total: int = 0
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # from the ledger extensions: shown, not blocking
    extension_summaries: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        """The last line the command prints."""
        return (
            f"农户：新增 {self.households_created}，更新 {self.households_updated}，未变 {self.households_unchanged}；"
            f"人员：新增 {self.persons_created}，更新 {self.persons_updated}，未变 {self.persons_unchanged}。"
        )


def _chunks(items: list[T], size: int = CHUNK) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def area_lookup(areas: QuerySet[Area]) -> AreaLookup:
    """Every village the system knows, by town and village name; those in `areas` may be written to."""
    villages = Area.objects.filter(level=AreaLevel.VILLAGE).select_related("parent")
    return AreaLookup(
        villages={(v.parent.name, v.name): v.pk for v in villages},
        towns=frozenset(Area.objects.filter(level=AreaLevel.TOWN).values_list("name", flat=True)),
        in_scope=frozenset(areas.filter(level=AreaLevel.VILLAGE).values_list("pk", flat=True)),
    )


def _label(model: type, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _shown(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name == "id_number":
        return mask_id_number(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


@dataclass
class _Plan:
    new_households: list[dict[str, Any]] = field(default_factory=list)  # attname → value
    changed_households: dict[int, dict[str, Any]] = field(default_factory=dict)  # pk → field → new value
    status_changes: list[tuple[str, str, str]] = field(default_factory=list)  # number, from, to
    new_persons: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # household number, values
    changed_persons: dict[int, dict[str, Any]] = field(default_factory=dict)
    incomes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # number, values (create/update)
    touched: set[str] = field(default_factory=set)  # numbers of the households anything is written for
    stored_ids: dict[str, int] = field(default_factory=dict)  # number → id of the households already stored
    writers: list[Writer] = field(default_factory=list)  # the ledger extensions' writes


def ledger_import(
    *,
    path: Path,
    actor: User | None,
    areas: QuerySet[Area],
    year: int,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import a household ledger (FORMAT.md) for the income year `year`.

    `areas` is where the importer may write: `areas_in_scope(user)` for a browser user; the command line,
    run by the operator on the server, passes every area. Raises LedgerUnreadableError (cannot read the file)
    or LedgerInvalidError (no header, a required column missing); row problems come back in `errors`, and
    then nothing is written. With `dry_run`, the plan is computed and nothing is written either.
    """
    report = progress or (lambda stage, percent: None)
    report("读取文件", 5)
    rows = read_rows(path)
    today = timezone.localdate()
    lookup = area_lookup(areas)
    ledger = parse_ledger(rows, areas=lookup, today=today, progress=lambda row: report(f"检查第 {row} 行", 10))
    result = ImportResult(
        rows=ledger.person_count,
        blank_rows=ledger.blank_rows,
        totals_rows=ledger.totals_rows,
        unknown_columns=ledger.unknown_columns,
        errors=list(ledger.errors),
    )
    report("与系统数据比对", 40)
    plan = _plan(ledger, result, lookup=lookup, year=year)
    _plan_extensions(ledger, result, plan)
    result.errors.sort(key=lambda e: (e.row, e.column))
    if result.errors or dry_run:
        return result
    report("写入数据库", 60)
    touched = _write(plan, actor=actor, year=year)
    result.written = True
    audit_record(
        action=AuditAction.IMPORT,
        actor=actor,
        object_type="households.ledger",
        summary=f"导入台账 {path.name}（{year} 年收入）：{result.rows} 行。{result.summary()}",
    )
    # The households the import wrote to are reassessed by the same rules once the import is committed.
    if touched:
        transaction.on_commit(lambda: reassess_households_task.delay(touched, year))
    report("完成", 100)
    return result


def _plan_extensions(ledger: Ledger, result: ImportResult, plan: _Plan) -> None:
    """Hand the columns other apps store (帮扶责任人 ...) to their extensions, household by household."""
    for extension in extensions():
        rows = [
            ExtensionRow(
                number=number,
                row=household.anchor_row,
                household_id=plan.stored_ids.get(number),
                values={k: household.extras.get(k, "") for k in extension.keys},
            )
            for number, household in ledger.households.items()
            if any(k in household.extras for k in extension.keys)
        ]
        if not rows:
            continue
        planned = extension.plan(rows, ledger.columns)
        result.errors.extend(planned.errors)
        result.notes.extend(planned.notes)
        if planned.summary:
            result.extension_summaries.append(planned.summary)
        if planned.write is not None:
            plan.writers.append(planned.write)


def _keys_chunk() -> int:
    return 50_000 if connection.vendor == "postgresql" else CHUNK


def _plan(ledger: Ledger, result: ImportResult, *, lookup: AreaLookup, year: int) -> _Plan:
    """Compare the ledger with the stored data; add the problems only the stored data reveals."""
    plan = _Plan()
    size = _keys_chunk()
    household_fields = sorted({f for h in ledger.households.values() for f in h.values})
    stored: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(list(ledger.households), size):
        for row in filter_in(Household.objects.all(), "number", chunk).values(
            "pk", "number", "village_id", "status", *household_fields
        ):
            stored[row["number"]] = row
    plan.stored_ids = {number: row["pk"] for number, row in stored.items()}

    # Every row carries the same person fields (the file's columns), so stored and new values compare as tuples.
    person_fields = sorted({f for h in ledger.households.values() for p in h.persons for f in p.values})
    by_id: dict[str, list[tuple[Any, ...]]] = {}
    ids = [p.values["id_number"] for h in ledger.households.values() for p in h.persons]
    id_at = 4 + person_fields.index("id_number")  # rows are (pk, household number, left reason, left on, *fields)
    for chunk in _chunks(ids, size):
        people = filter_in(Person.objects.all(), "id_number", chunk)
        for row in people.values_list("pk", "household__number", "left_reason", "left_on", *person_fields):
            by_id.setdefault(row[id_at], []).append(row)

    stored_pks = [h["pk"] for h in stored.values()]
    active_members: dict[int, list[tuple[int, str, str, str]]] = {}
    incomes: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(stored_pks, size):
        members = filter_in(Person.objects.active(), "household_id", chunk)
        for row in members.values_list("household_id", "id_number", "name", "relation"):
            active_members.setdefault(row[0], []).append(row)
        year_incomes = filter_in(HouseholdIncome.objects.filter(year=year), "household_id", chunk)
        for row in year_incomes.values("household_id", *IncomeFacts._fields):
            incomes[row["household_id"]] = row

    def error(row: int, column: str, value: str, message: str) -> None:
        result.errors.append(RowError(row, column, value, message))

    village_names = {pk: f"{town}{village}" for (town, village), pk in lookup.villages.items()}
    name_at = person_fields.index("name")
    number_column = ledger.columns.get("number", "户编号")
    id_column = ledger.columns.get("id_number", "证件号码")
    changes: list[Change] = []

    for number, rows in ledger.households.items():
        household = stored.get(number)
        if household is not None:
            if household["village_id"] not in lookup.in_scope:
                error(
                    rows.first_row,
                    number_column,
                    number,
                    f"户编号 {number} 已登记在{village_names[household['village_id']]}，不在您的管辖范围内，不能导入修改。",
                )
                continue
            if household["status"] == HouseholdStatus.REMOVED:
                error(
                    rows.first_row,
                    number_column,
                    number,
                    f"户编号 {number} 在系统中已“自然减少”，不能再导入；如确需恢复，请联系区扶贫办。",
                )
                continue
        in_file: set[str] = set()
        heads_in_file = 0
        for person in rows.persons:
            values = person.values
            number_id = values["id_number"]
            in_file.add(number_id)
            heads_in_file += values.get("relation") == Relation.HEAD
            records = by_id.get(number_id, ())
            active = next((r for r in records if not r[2]), None)
            if active is not None and active[1] != number:
                error(
                    person.row,
                    id_column,
                    mask_id_number(number_id),
                    f"该证件号码已登记在另一户（户编号 {active[1]}，{active[4 + name_at]}）。"
                    "同一人只能在一户中在册；如确属迁移，请先在原户办理迁出。",
                )
                continue
            if active is None:
                left_here = next((r for r in records if r[1] == number), None)
                if left_here is not None:
                    error(
                        person.row,
                        id_column,
                        mask_id_number(number_id),
                        f"{left_here[4 + name_at]} 已于 {left_here[3]:%Y-%m-%d} 登记为{left_here[2]}，"
                        "台账中仍列在本户。请核实：确已回到本户的，请在系统中新增成员。",
                    )
                    continue
                plan.new_persons.append((number, values))
                plan.touched.add(number)
                result.persons_created += 1
                continue
            new = tuple(values[f] for f in person_fields)
            old = active[4:]
            if new == old:
                result.persons_unchanged += 1
                continue
            differing = [(f, o, v) for f, o, v in zip(person_fields, old, new, strict=True) if o != v]
            plan.changed_persons[active[0]] = {f: v for f, _o, v in differing}
            plan.touched.add(number)
            result.persons_updated += 1
            changes.extend(
                Change(number, old[name_at], _label(Person, f), _shown(f, o), _shown(f, v)) for f, o, v in differing
            )

        if household is None:
            if rows.village_id is not None:
                values = {**rows.values, "village_id": rows.village_id}
                plan.new_households.append({"number": number, **values})
                plan.touched.add(number)
                plan.status_changes.append((number, "", values.get("status") or HouseholdStatus.IN_POVERTY))
            result.households_created += 1
        else:
            stayed = [m for m in active_members.get(household["pk"], []) if m[1] not in in_file]
            for _household_id, id_number, name, _relation in stayed:
                result.missing_members.append(
                    f"户编号 {number}：{name}（{mask_id_number(id_number)}）在系统中在册，台账中没有列出"
                )
            stayed_heads = [m[2] for m in stayed if m[3] == Relation.HEAD]
            if stayed_heads and heads_in_file:
                error(
                    rows.first_row,
                    ledger.columns.get("relation", "与户主关系"),
                    "户主",
                    f"系统中本户的户主是{stayed_heads[0]}，台账中另有户主，而{stayed_heads[0]}未列出。"
                    "请先在系统中登记原户主减少（死亡、迁出等），或在台账中列出其本人。",
                )
            values = {**rows.values, "village_id": rows.village_id}
            diff = {f: v for f, v in values.items() if household[f] != v}
            if diff:
                plan.changed_households[household["pk"]] = diff
                plan.touched.add(number)
                result.households_updated += 1
                if "status" in diff:
                    plan.status_changes.append((number, household["status"], diff["status"]))
                for f, v in diff.items():
                    if f == "village_id":
                        old, new, label = village_names[household[f]], village_names[v], _label(Household, "village")
                    else:
                        old, new, label = household[f], v, _label(Household, f)
                    changes.append(Change(number, "", label, _shown(f, old), _shown(f, new)))
            else:
                result.households_unchanged += 1

        if rows.income and any(v is not None for v in rows.income.values()):
            existing = incomes.get(household["pk"]) if household is not None else None
            differing = [(k, existing[k] if existing else None, v) for k, v in rows.income.items()]
            if existing is not None:
                differing = [(k, o, v) for k, o, v in differing if o != v]
            if existing is None or differing:
                plan.incomes.append((number, rows.income))
                plan.touched.add(number)
                result.incomes_written += 1
            if existing is not None:
                changes.extend(
                    Change(number, "", f"{year} 年{_label(HouseholdIncome, k)}", _shown(k, o), _shown(k, v))
                    for k, o, v in differing
                )
    result.changes_total = len(changes)
    result.changes = changes[:CHANGES_SHOWN]
    return plan


@transaction.atomic
def _write(plan: _Plan, *, actor: User | None, year: int) -> list[int]:
    """Write the plan: all of it, or (on any failure, a lost connection included) none of it. Returns the ids
    of the households written to."""
    user_id = actor.pk if actor is not None else None
    if plan.new_households:
        defaults = row_defaults(Household)
        insert_rows(
            Household,
            ({**defaults, **values} for values in plan.new_households),
            history_user_id=user_id,
            reason=REASON,
        )
    if plan.changed_households:
        _bulk_update(Household, plan.changed_households, actor=actor)
    pk_of: dict[str, int] = {}
    for chunk in _chunks(sorted(plan.touched), _keys_chunk()):
        pk_of.update(filter_in(Household.objects.all(), "number", chunk).values_list("number", "pk"))

    if plan.changed_persons:
        # A member who stops being 户主 is written before the one who becomes 户主: the database allows one
        # active head per household at every moment.
        stepping_down = {
            pk: v for pk, v in plan.changed_persons.items() if v.get("relation") not in (None, Relation.HEAD)
        }
        _bulk_update(Person, stepping_down, actor=actor)
        _bulk_update(Person, {pk: v for pk, v in plan.changed_persons.items() if pk not in stepping_down}, actor=actor)
    if plan.new_persons:
        defaults = row_defaults(Person)
        insert_rows(
            Person,
            ({**defaults, **values, "household_id": pk_of[number]} for number, values in plan.new_persons),
            history_user_id=user_id,
            reason=REASON,
        )

    if plan.status_changes:
        defaults = row_defaults(HouseholdStatusChange)
        insert_rows(
            HouseholdStatusChange,
            (
                {
                    **defaults,
                    "household_id": pk_of[number],
                    "from_status": old,
                    "to_status": new,
                    "reason": "建档立卡（台账导入）" if not old else "台账导入",
                    "actor_id": user_id,
                }
                for number, old, new in plan.status_changes
            ),
        )

    if plan.incomes:
        stored = {
            i.household_id: i
            for chunk in _chunks([pk_of[n] for n, _ in plan.incomes], _keys_chunk())
            for i in filter_in(HouseholdIncome.objects.filter(year=year), "household_id", chunk)
        }
        create, update = [], []
        defaults = row_defaults(HouseholdIncome)
        for number, values in plan.incomes:
            income = stored.get(pk_of[number])
            if income is None:
                create.append({**defaults, **values, "household_id": pk_of[number], "year": year})
            else:
                for k, v in values.items():
                    setattr(income, k, v)
                update.append(income)
        insert_rows(HouseholdIncome, create, history_user_id=user_id, reason=REASON)
        if update:
            bulk_update_with_history(
                update,
                HouseholdIncome,
                IncomeFacts._fields,
                batch_size=BATCH,
                default_user=actor,
                default_change_reason=REASON,
            )
    if plan.writers:
        # New households are all among the touched ones, so this maps every household of the ledger.
        ids = {**plan.stored_ids, **pk_of}
        for write in plan.writers:
            write(ids, actor)
    return list(pk_of.values())


def _bulk_update(model: type, changes: dict[int, dict[str, Any]], *, actor: User | None) -> None:
    if not changes:
        return
    fields = sorted({f for diff in changes.values() for f in diff})
    objects = []
    for chunk in _chunks(list(changes)):
        for obj in model.objects.filter(pk__in=chunk):
            for f, v in changes[obj.pk].items():
                setattr(obj, f, v)
            objects.append(obj)
    bulk_update_with_history(objects, model, fields, batch_size=BATCH, default_user=actor, default_change_reason=REASON)
