"""Importing a ledger: one pipeline for the command line and the browser (DESIGN §8).

Read → check every row (the file, then against the stored data) → plan what is created, updated, unchanged →
write all of it in one transaction, or nothing. Households are matched by 户编号, persons by 证件号码; the
same file imported twice changes nothing the second time. A town clerk's own export has its ID numbers and
phones masked: such a member is matched by 户编号, 姓名 and the visible characters of the ID number, and the
stored number is kept (a masked number cannot file a new member). A stored household's status changes only as
rules.status_change_refusal allows a ledger (StatusWay.LEDGER); a refused change is a note, not applied.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from accounts.audit import audit_record
from accounts.models import Area, AreaLevel, AuditAction, User
from common.bulk import insert_rows, row_defaults
from households.idnumber import mask_id_number
from households.models import (
    Household,
    HouseholdIncome,
    HouseholdStatus,
    HouseholdStatusChange,
    Person,
    Relation,
)
from households.rules import IncomeFacts, StatusWay, status_change_refusal
from households.selectors import filter_in
from households.services.assessment import assessments_changed
from households.tasks import reassess_households_task

from .columns import Level, MaskedPhone
from .extensions import (
    ExtensionRows,
    HouseholdValues,
    LedgerExtension,
    PersonValues,
    WriteIds,
    Writer,
    extension_columns,
    extensions,
)
from .parse import AreaLookup, HouseholdRows, Ledger, LedgerInvalidError, PersonRow, RowError, parse_ledger
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


class _NewPerson(NamedTuple):
    number: str  # the household's 户编号
    row: int
    values: dict[str, Any]


@dataclass
class _Plan:
    new_households: list[dict[str, Any]] = field(default_factory=list)  # attname → value
    changed_households: dict[int, dict[str, Any]] = field(default_factory=dict)  # pk → field → new value
    status_changes: list[tuple[str, str, str]] = field(default_factory=list)  # number, from, to
    new_persons: list[_NewPerson] = field(default_factory=list)
    changed_persons: dict[int, dict[str, Any]] = field(default_factory=dict)
    incomes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # number, values (create/update)
    touched: set[str] = field(default_factory=set)  # numbers of the households anything is written for
    stored_ids: dict[str, int] = field(default_factory=dict)  # number → id of the households already stored
    person_ids: dict[int, int] = field(default_factory=dict)  # Excel row → id of the stored person it matches
    writers: list[Writer] = field(default_factory=list)  # the ledger extensions' writes
    need_new_person_ids: bool = False  # an extension writes person-level values


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
    registered = extensions()
    ledger = parse_ledger(
        rows,
        areas=lookup,
        today=today,
        progress=lambda row: report(f"检查第 {row} 行", 10),
        extension_columns=extension_columns(registered),
    )
    result = ImportResult(
        rows=ledger.person_count,
        blank_rows=ledger.blank_rows,
        totals_rows=ledger.totals_rows,
        unknown_columns=ledger.unknown_columns,
        errors=list(ledger.errors),
    )
    report("与系统数据比对", 40)
    plan = _plan(ledger, result, lookup=lookup, year=year)
    _plan_extensions(ledger, result, plan, registered)
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
        assessments_changed("台账导入后")
    report("完成", 100)
    return result


def _plan_extensions(ledger: Ledger, result: ImportResult, plan: _Plan, registered: list[LedgerExtension]) -> None:
    """Hand the columns other apps store (帮扶责任人 ...) to their extensions: every household's and every
    member's values, with the stored ids the registry's plan matched."""
    for extension in registered:
        present = [c for c in extension.columns if c.key in ledger.extension_keys]
        if not present:
            continue
        household_keys = [c.key for c in present if c.level == Level.HOUSEHOLD]
        person_keys = [c.key for c in present if c.level == Level.PERSON]
        households, persons = [], []
        for number, household in ledger.households.items():
            household_id = plan.stored_ids.get(number)
            if household_keys:
                values = {k: household.extras.get(k) for k in household_keys}
                households.append(HouseholdValues(number, household.anchor_row, household_id, values))
            if person_keys:
                persons.extend(
                    PersonValues(
                        number=number,
                        row=person.row,
                        name=person.values.get("name", ""),
                        household_id=household_id,
                        person_id=plan.person_ids.get(person.row),
                        values={k: person.extras.get(k) for k in person_keys},
                    )
                    for person in household.persons
                )
        planned = extension.plan(ExtensionRows(households=households, persons=persons, columns=ledger.columns))
        result.errors.extend(planned.errors)
        result.notes.extend(planned.notes)
        if planned.summary:
            result.extension_summaries.append(planned.summary)
        if planned.write is not None:
            plan.writers.append(planned.write)
            plan.need_new_person_ids |= bool(person_keys)


def _keys_chunk() -> int:
    return 50_000 if connection.vendor == "postgresql" else CHUNK


class _StoredPerson(NamedTuple):
    pk: int
    number: str  # the 户编号 of the person's household
    left_reason: str
    left_on: date | None
    name: str
    id_number: str
    values: tuple[Any, ...]  # the file's person fields, in _Planner.person_fields order


class _Member(NamedTuple):
    """An active member of a stored household, for the members a re-imported household leaves out."""

    household_id: int
    id_number: str
    name: str
    relation: str


class _Planner:
    """Compares the ledger with the stored data, household by household; adds the problems only the stored
    data reveals. The steps: load the stored data, match masked ID numbers, then each household's access,
    persons, own values and income."""

    def __init__(self, ledger: Ledger, result: ImportResult, *, lookup: AreaLookup, year: int) -> None:
        self.ledger, self.result, self.lookup, self.year = ledger, result, lookup, year
        self.plan = _Plan()
        self.changes: list[Change] = []
        self.village_names = {pk: f"{town}{village}" for (town, village), pk in lookup.villages.items()}
        columns = ledger.columns
        self.number_column = columns.get("number", "户编号")
        self.id_column = columns.get("id_number", "证件号码")
        # Every row carries the same person fields (the file's columns), so stored and new values compare as
        # tuples. A row of a masked export gets its ID number and birth date from the member it matches.
        fields = {f for h in ledger.households.values() for p in h.persons for f in p.values}
        self.person_fields = sorted(fields | {"id_number", "birth_date"})
        self.households: dict[str, dict[str, Any]] = {}  # number → stored values
        self.persons: dict[str, list[_StoredPerson]] = {}  # id number → its stored persons (one active at most)
        self.members: dict[int, list[_Member]] = {}
        self.incomes: dict[int, dict[str, Any]] = {}

    def error(self, row: int, column: str, value: str, message: str) -> None:
        self.result.errors.append(RowError(row, column, value, message))

    def _stored_persons(self, queryset: QuerySet[Person]) -> Iterator[_StoredPerson]:
        fields = ("pk", "household__number", "left_reason", "left_on", "name", "id_number", *self.person_fields)
        for row in queryset.values_list(*fields):
            yield _StoredPerson(*row[:6], row[6:])

    def load(self) -> None:
        """The stored households, persons, active members and the year's incomes the ledger refers to."""
        ledger, size = self.ledger, _keys_chunk()
        household_fields = sorted({f for h in ledger.households.values() for f in h.values})
        for chunk in _chunks(list(ledger.households), size):
            for row in filter_in(Household.objects.all(), "number", chunk).values(
                "pk", "number", "village_id", "status", *household_fields
            ):
                self.households[row["number"]] = row
        self.plan.stored_ids = {number: row["pk"] for number, row in self.households.items()}

        ids = [p.values["id_number"] for h in ledger.households.values() for p in h.persons if not p.masked_id]
        for chunk in _chunks(ids, size):
            for person in self._stored_persons(filter_in(Person.objects.all(), "id_number", chunk)):
                self.persons.setdefault(person.id_number, []).append(person)

        for chunk in _chunks(list(self.plan.stored_ids.values()), size):
            members = filter_in(Person.objects.active(), "household_id", chunk)
            for member in members.values_list("household_id", "id_number", "name", "relation"):
                self.members.setdefault(member[0], []).append(_Member._make(member))
            year_incomes = filter_in(HouseholdIncome.objects.filter(year=self.year), "household_id", chunk)
            for row in year_incomes.values("household_id", *IncomeFacts._fields):
                self.incomes[row["household_id"]] = row

    def unmask(self) -> None:
        """Match each row whose ID number is masked (a clerk's own export) to a stored member of the same
        household by 姓名 and the visible characters; the row then carries the stored ID number and birth date,
        which the import leaves as they are. A row that matches no member, or more than one, is an error."""
        masked = {n: h for n, h in self.ledger.households.items() if any(p.masked_id for p in h.persons)}
        if not masked:
            return
        by_household: dict[str, list[_StoredPerson]] = {}
        stored_pks = [self.households[n]["pk"] for n in masked if n in self.households]
        for chunk in _chunks(stored_pks, _keys_chunk()):
            for person in self._stored_persons(filter_in(Person.objects.all(), "household_id", chunk)):
                by_household.setdefault(person.number, []).append(person)
        claimed = {p.values["id_number"]: p.row for h in self.ledger.households.values() for p in h.persons
                   if not p.masked_id}  # fmt: skip
        id_at, birth_at = self.person_fields.index("id_number"), self.person_fields.index("birth_date")
        for number, rows in masked.items():
            kept = []
            for person in rows.persons:
                if not person.masked_id:
                    kept.append(person)
                    continue
                match = self._match_masked(person, by_household.get(number, []), claimed)
                if match is None:
                    continue
                claimed[match.id_number] = person.row
                person.values["id_number"], person.values["birth_date"] = match.values[id_at], match.values[birth_at]
                self.persons.setdefault(match.id_number, []).append(match)
                kept.append(person)
            rows.persons = kept

    def _match_masked(
        self, person: PersonRow, stored: list[_StoredPerson], claimed: dict[str, int]
    ) -> _StoredPerson | None:
        name, masked = person.values.get("name", ""), person.masked_id
        alike = [p for p in stored if p.name == name and mask_id_number(p.id_number) == masked]
        # A member in the household now is preferred to one who left it (who then gets the left-member error).
        candidates = [p for p in alike if not p.left_reason] or alike
        if not candidates:
            self.error(
                person.row,
                self.id_column,
                masked,
                f"本户没有姓名为“{name}”、证件号码为 {masked} 的成员。新增成员须填写完整的 18 位证件号码，"
                "不能用脱敏的号码；如是已有成员改了姓名，请填写其完整的证件号码。",
            )
            return None
        if len(candidates) > 1:
            self.error(
                person.row,
                self.id_column,
                masked,
                f"本户有 {len(candidates)} 名成员姓名为“{name}”且证件号码脱敏后相同，无法确定是哪一位："
                "请填写完整的证件号码。",
            )
            return None
        match = candidates[0]
        if match.id_number in claimed:
            self.error(
                person.row,
                self.id_column,
                masked,
                f"与第 {claimed[match.id_number]} 行是同一名成员（{name}）：同一人只能出现一次。",
            )
            return None
        return match

    def household(self, number: str, rows: HouseholdRows) -> None:
        """One household of the ledger: who may change it, its persons, its own values, its income."""
        stored = self.households.get(number)
        if stored is not None and not self._may_change(number, rows, stored):
            return
        in_file, heads_in_file = self._persons(number, rows)
        if stored is None:
            self._new_household(number, rows)
        else:
            self._stored_household(number, rows, stored, in_file, heads_in_file)
        self._income(number, rows, stored)

    def _may_change(self, number: str, rows: HouseholdRows, stored: dict[str, Any]) -> bool:
        if stored["village_id"] not in self.lookup.in_scope:
            self.error(
                rows.first_row,
                self.number_column,
                number,
                f"户编号 {number} 已登记在{self.village_names[stored['village_id']]}，不在您的管辖范围内，不能导入修改。",
            )
            return False
        if stored["status"] == HouseholdStatus.REMOVED:
            self.error(
                rows.first_row,
                self.number_column,
                number,
                f"户编号 {number} 在系统中已“自然减少”，不能再导入；如确需恢复，请联系区扶贫办。",
            )
            return False
        return True

    def _persons(self, number: str, rows: HouseholdRows) -> tuple[set[str], int]:
        """Each member's row: new, changed or unchanged. Returns the ID numbers in the file and the heads."""
        plan, result, fields = self.plan, self.result, self.person_fields
        in_file: set[str] = set()
        heads_in_file = 0
        for person in rows.persons:
            values = person.values
            number_id = values["id_number"]
            in_file.add(number_id)
            heads_in_file += values.get("relation") == Relation.HEAD
            records = self.persons.get(number_id, ())
            active = next((r for r in records if not r.left_reason), None)
            if active is not None and active.number != number:
                self.error(
                    person.row,
                    self.id_column,
                    person.masked_id or mask_id_number(number_id),
                    f"该证件号码已登记在另一户（户编号 {active.number}，{active.name}）。"
                    "同一人只能在一户中在册；如确属迁移，请先在原户办理迁出。",
                )
                continue
            if active is None:
                left_here = next((r for r in records if r.number == number), None)
                if left_here is not None:
                    self.error(
                        person.row,
                        self.id_column,
                        person.masked_id or mask_id_number(number_id),
                        f"{left_here.name} 已于 {left_here.left_on:%Y-%m-%d} 登记为{left_here.left_reason}，"
                        "台账中仍列在本户。请核实：确已回到本户的，请在系统中新增成员。",
                    )
                    continue
                plan.new_persons.append(_NewPerson(number, person.row, values))
                plan.touched.add(number)
                result.persons_created += 1
                continue
            plan.person_ids[person.row] = active.pk
            new = tuple(values[f] for f in fields)
            old = active.values
            if new == old:
                result.persons_unchanged += 1
                continue
            differing = [(f, o, v) for f, o, v in zip(fields, old, new, strict=True) if o != v]
            plan.changed_persons[active.pk] = {f: v for f, _o, v in differing}
            plan.touched.add(number)
            result.persons_updated += 1
            self.changes.extend(
                Change(number, active.name, _label(Person, f), _shown(f, o), _shown(f, v)) for f, o, v in differing
            )
        return in_file, heads_in_file

    def _masked_phone(self, number: str, rows: HouseholdRows, values: dict[str, Any], stored: str | None) -> None:
        """A masked 联系电话 (a clerk's export) keeps the stored number when it looks the same; otherwise it is
        an error, since it cannot say which number is meant."""
        phone = values.get("phone")
        if not isinstance(phone, MaskedPhone):
            return
        column = self.ledger.columns.get("phone", "联系电话")
        if stored is None:
            message = "新农户的联系电话须填写完整的号码，不能用脱敏的号码。"
            self.error(rows.anchor_row, column, phone.text, message)
        elif phone.matches(stored):
            values["phone"] = stored
            return
        else:
            message = f"联系电话是脱敏的号码（{phone.text}），与系统中登记的不符：要修改联系电话，请填写完整的号码。"
            self.error(rows.anchor_row, column, phone.text, message)
        values.pop("phone")

    def _new_household(self, number: str, rows: HouseholdRows) -> None:
        """A household the system does not have yet: filed with the status its ledger records."""
        self.result.households_created += 1
        values = {**rows.values, "village_id": rows.village_id}
        self._masked_phone(number, rows, values, None)
        if rows.village_id is None:
            return  # its area is already an error
        status = values.get("status") or HouseholdStatus.IN_POVERTY
        refusal = status_change_refusal("", status, way=StatusWay.REGISTRATION)
        if refusal:
            self.error(rows.anchor_row, self.ledger.columns.get("status", "脱贫属性"), status, refusal)
            return
        self.plan.new_households.append({"number": number, **values})
        self.plan.touched.add(number)
        self.plan.status_changes.append((number, "", status))

    def _stored_household(
        self, number: str, rows: HouseholdRows, stored: dict[str, Any], in_file: set[str], heads_in_file: int
    ) -> None:
        """A stored household: members it leaves out are listed, its changed values planned. Its status changes
        only where rules.status_change_refusal allows a ledger to change it; otherwise a note says so."""
        result, plan = self.result, self.plan
        stayed = [m for m in self.members.get(stored["pk"], []) if m.id_number not in in_file]
        for member in stayed:
            result.missing_members.append(
                f"户编号 {number}：{member.name}（{mask_id_number(member.id_number)}）在系统中在册，台账中没有列出"
            )
        stayed_heads = [m.name for m in stayed if m.relation == Relation.HEAD]
        if stayed_heads and heads_in_file:
            self.error(
                rows.first_row,
                self.ledger.columns.get("relation", "与户主关系"),
                "户主",
                f"系统中本户的户主是{stayed_heads[0]}，台账中另有户主，而{stayed_heads[0]}未列出。"
                "请先在系统中登记原户主减少（死亡、迁出等），或在台账中列出其本人。",
            )
        values = {**rows.values, "village_id": rows.village_id}
        self._masked_phone(number, rows, values, stored.get("phone"))
        diff = {f: v for f, v in values.items() if stored[f] != v}
        if "status" in diff:
            refusal = status_change_refusal(stored["status"], diff["status"], way=StatusWay.LEDGER)
            if refusal:
                head = next(
                    (p.values.get("name") for p in rows.persons if p.values.get("relation") == Relation.HEAD), ""
                )
                who = f"户编号 {number}（户主 {head}）" if head else f"户编号 {number}"
                result.notes.append(
                    f"{who}：台账中的脱贫属性为“{diff['status']}”，系统中为“{stored['status']}”，未按台账修改。{refusal}"
                )
                diff.pop("status")
                diff.pop("exit_year", None)
            else:
                plan.status_changes.append((number, stored["status"], diff["status"]))
        if "exit_year" in diff and "status" not in diff:
            # The exit year is what the exit procedure's approval recorded (DESIGN §6); a ledger does not move it.
            result.notes.append(
                f"户编号 {number}：台账中的脱贫年度为 {diff['exit_year'] or '空'}，系统中为 "
                f"{stored['exit_year'] or '空'}，未按台账修改：脱贫年度由退出程序批准销号时记录。"
            )
            diff.pop("exit_year")
        if not diff:
            result.households_unchanged += 1
            return
        plan.changed_households[stored["pk"]] = diff
        plan.touched.add(number)
        result.households_updated += 1
        for f, v in diff.items():
            if f == "village_id":
                old, new = self.village_names[stored[f]], self.village_names[v]
                label = _label(Household, "village")
            else:
                old, new, label = stored[f], v, _label(Household, f)
            self.changes.append(Change(number, "", label, _shown(f, old), _shown(f, new)))

    def _income(self, number: str, rows: HouseholdRows, stored: dict[str, Any] | None) -> None:
        """The year's income: written when the ledger gives one and it differs from the stored one."""
        if not rows.income or all(v is None for v in rows.income.values()):
            return
        existing = self.incomes.get(stored["pk"]) if stored is not None else None
        differing = [(k, existing[k] if existing else None, v) for k, v in rows.income.items()]
        if existing is not None:
            differing = [(k, o, v) for k, o, v in differing if o != v]
        if existing is None or differing:
            self.plan.incomes.append((number, rows.income))
            self.plan.touched.add(number)
            self.result.incomes_written += 1
        if existing is not None:
            self.changes.extend(
                Change(number, "", f"{self.year} 年{_label(HouseholdIncome, k)}", _shown(k, o), _shown(k, v))
                for k, o, v in differing
            )


def _plan(ledger: Ledger, result: ImportResult, *, lookup: AreaLookup, year: int) -> _Plan:
    """Compare the ledger with the stored data; add the problems only the stored data reveals."""
    planner = _Planner(ledger, result, lookup=lookup, year=year)
    planner.load()
    planner.unmask()
    for number, rows in ledger.households.items():
        planner.household(number, rows)
    result.changes_total = len(planner.changes)
    result.changes = planner.changes[:CHANGES_SHOWN]
    return planner.plan


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
            ({**defaults, **new.values, "household_id": pk_of[new.number]} for new in plan.new_persons),
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
        ids = WriteIds(households={**plan.stored_ids, **pk_of}, persons=_person_ids(plan))
        for write in plan.writers:
            write(ids, actor)
    return list(pk_of.values())


def _person_ids(plan: _Plan) -> dict[int, int]:
    """Every member's Excel row → the person's id, new persons included (read back only when an extension
    writes person-level values)."""
    ids = dict(plan.person_ids)
    if plan.need_new_person_ids and plan.new_persons:
        row_of = {new.values["id_number"]: new.row for new in plan.new_persons}
        for chunk in _chunks(list(row_of), _keys_chunk()):
            for id_number, pk in filter_in(Person.objects.active(), "id_number", chunk).values_list("id_number", "pk"):
                ids[row_of[id_number]] = pk
    return ids


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
