"""The departments' two Excel lists, matched by ID number (plan ch. 6 §2; DESIGN §8, STYLE §17):

- the 医保 department's enrolment list (参保名单): one row per person, year and insurance;
- the hospitals' settlement list (结算名单): one row per visit or settlement, its aid computed as when a clerk
  records it.

One pipeline for the browser and the command line: read with households.ledger.reader (which refuses unsafe
workbooks), check every row first — ID number (GB 11643), the person in the importer's scope and present,
the name matching, every value — and write all or nothing. Errors carry 行号/列/值/问题 with ID numbers masked,
for households.ledger.report.write_error_report.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from common.forms import half_width
from households.idnumber import mask_id_number, normalise_id_number, parse_id_number
from households.ledger.parse import RowError
from households.ledger.reader import LedgerUnreadableError, read_rows
from households.models import Person
from households.selectors import household_queryset
from households.services import reassess

from .models import Expense, HospitalLevel, Insurance, InsuranceKind, Payer
from .services import expense_record, insurance_record

HEADER_SEARCH_ROWS = 10
YES = {"是", "有", "y", "yes", "1", "true", "√"}
NO = {"否", "无", "n", "no", "0", "false", ""}


class ListInvalidError(Exception):
    """The file as a whole cannot be imported (no header row, a required column missing)."""


@dataclass(frozen=True)
class ListSpec:
    kind: str  # "insurance" or "settlement"
    title: str
    required: tuple[str, ...]
    optional: tuple[str, ...]


INSURANCE_LIST = ListSpec(
    kind="insurance",
    title="医保部门参保名单",
    required=("姓名", "证件号码", "年度"),
    optional=("险种", "参保状态", "缴费方式", "缴费金额", "参保日期"),
)
SETTLEMENT_LIST = ListSpec(
    kind="settlement",
    title="医院结算名单",
    required=("姓名", "证件号码", "结算日期", "医院", "总费用", "政策范围内费用"),
    optional=(
        "结算单号", "医院级别", "住院", "基本医保报销", "大病保险报销", "先诊疗后付费", "一站式结算",
    ),
)  # fmt: skip
SPECS = {s.kind: s for s in (INSURANCE_LIST, SETTLEMENT_LIST)}

KINDS = {str(label): value for value, label in InsuranceKind.choices} | {
    "基本医疗保险": InsuranceKind.BASIC,
    "城乡居民医保": InsuranceKind.BASIC,
    "居民医保": InsuranceKind.BASIC,
    "大病": InsuranceKind.CRITICAL,
    "扶贫特惠保险": InsuranceKind.SPECIAL,
    "商业补充保险": InsuranceKind.SPECIAL,
}
STATES = {"已参保": True, "参保": True, "正常参保": True, "是": True, "未参保": False, "断保": False, "否": False}
PAYERS = {str(label): value for value, label in Payer.choices} | {"个人": Payer.SELF, "财政": Payer.FINANCE}
LEVELS = {v: v for v in HospitalLevel.values} | {"卫生室": "村卫生室", "卫生院": "镇卫生院", "区级": "区县级医院"}


@dataclass
class Plan:
    """What an import would do: counts, every bad row, and the rows ready to write."""

    spec: ListSpec
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    households: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return half_width(str(value))


def _header(rows: Iterator[list[Any]], spec: ListSpec) -> tuple[dict[str, int], int]:
    """The header row (within the first rows: title rows above it are fine) → column name: index."""
    for number in range(1, HEADER_SEARCH_ROWS + 1):
        row = next(rows, None)
        if row is None:
            break
        names = [_text(c) for c in row]
        if all(name in names for name in spec.required):
            wanted = set(spec.required) | set(spec.optional)
            return {name: i for i, name in enumerate(names) if name in wanted}, number
    raise ListInvalidError(
        f"没有找到表头行：{spec.title}的前 {HEADER_SEARCH_ROWS} 行中应有一行包含这些列：{'、'.join(spec.required)}。"
    )


class _Row:
    """One data row with its problems collected (行号/列/值/问题)."""

    def __init__(self, number: int, cells: list[Any], columns: dict[str, int], errors: list[RowError]) -> None:
        self.number, self.cells, self.columns, self.errors = number, cells, columns, errors
        self.bad = False

    def raw(self, name: str) -> Any:
        index = self.columns.get(name)
        if index is None or index >= len(self.cells):
            return None
        return self.cells[index]

    def text(self, name: str) -> str:
        return _text(self.raw(name))

    def error(self, name: str, value: object, message: str) -> None:
        self.errors.append(RowError(self.number, name, str(value), message))
        self.bad = True

    def required(self, name: str) -> str:
        value = self.text(name)
        if not value:
            self.error(name, "", f"{name}不能为空。")
        return value

    def money(self, name: str, *, required: bool = False) -> Decimal | None:
        value = self.text(name).replace(",", "").replace("，", "")
        if not value:
            if required:
                self.error(name, "", f"{name}不能为空。")
            return None if required else Decimal(0)
        try:
            amount = Decimal(value).quantize(Decimal("0.01"))
        except InvalidOperation:
            self.error(name, value, f"{name}应为金额（元），如 1234.50。")
            return None
        if amount < 0:
            self.error(name, value, f"{name}不能为负数。")
        return amount

    def day(self, name: str, *, required: bool = False) -> date | None:
        raw = self.raw(name)
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        value = self.text(name)
        if not value:
            if required:
                self.error(name, "", f"{name}不能为空。")
            return None
        for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日"):
            try:
                found = datetime.strptime(value, fmt).date()
            except ValueError:
                continue
            if found > timezone.localdate():
                self.error(name, value, f"{name}不能晚于今天。")
            return found
        self.error(name, value, f"{name}应为日期，如 2025-03-08。")
        return None

    def flag(self, name: str) -> bool:
        value = self.text(name).lower()
        if value in YES:
            return True
        if value not in NO:
            self.error(name, value, f"{name}应填“是”或“否”。")
        return False

    def choice(self, name: str, table: dict[str, Any], default: Any) -> Any:
        value = self.text(name)
        if not value:
            return default
        if value not in table:
            self.error(name, value, f"{name}应为：{'、'.join(sorted(set(map(str, table))))}。")
            return default
        return table[value]


def _people(actor: User, numbers: set[str]) -> dict[str, Person]:
    """The persons in the actor's scope with these ID numbers, in one query."""
    rows = Person.objects.filter(id_number__in=numbers, household__in=household_queryset(actor), left_reason="")
    return {p.id_number: p for p in rows.select_related("household")}


def _person(row: _Row, people: dict[str, Person], today: date) -> Person | None:
    raw = row.required("证件号码")
    name = row.required("姓名")
    if not raw:
        return None
    number = normalise_id_number(raw)
    try:
        parse_id_number(number, today=today)
    except ValueError as exc:
        row.error("证件号码", mask_id_number(number), str(exc))
        return None
    person = people.get(number)
    if person is None:
        row.error("证件号码", mask_id_number(number), "在您管辖范围内的在册贫困人口中找不到这个证件号码。")
        return None
    if name and name != person.name:
        row.error("姓名", name, f"与证件号码登记的姓名“{person.name}”不一致，请核对。")
        return None
    return person


def _data_rows(path: Path, spec: ListSpec) -> tuple[dict[str, int], int, list[list[Any]]]:
    rows = read_rows(path)
    columns, header_at = _header(rows, spec)
    return columns, header_at, list(rows)


def check_list(path: Path, *, kind: str, actor: User) -> Plan:
    """Check every row of a list and plan what it would write; raises LedgerUnreadableError (cannot be read) or
    ListInvalidError (no header row). Writes nothing."""
    spec = SPECS[kind]
    columns, header_at, data = _data_rows(path, spec)
    plan = Plan(spec=spec)
    numbers = set()
    for cells in data:
        index = columns["证件号码"]
        if index < len(cells) and _text(cells[index]):
            numbers.add(normalise_id_number(_text(cells[index])))
    people = _people(actor, numbers)
    today = timezone.localdate()
    if kind == "insurance":
        _check_insurance(plan, columns, header_at, data, people, today)
    else:
        _check_settlements(plan, columns, header_at, data, people, today)
    plan.households = len({r["person"].household_id for r in plan.rows})
    return plan


def _blank(cells: list[Any]) -> bool:
    return not any(_text(c) for c in cells)


def _check_insurance(
    plan: Plan, columns: dict[str, int], header_at: int, data: list[list[Any]], people: dict[str, Person], today: date
) -> None:
    seen: dict[tuple[int, int, str], int] = {}
    parsed = []
    for offset, cells in enumerate(data, start=header_at + 1):
        if _blank(cells):
            continue
        row = _Row(offset, cells, columns, plan.errors)
        person = _person(row, people, today)
        year_text = row.required("年度")
        year = int(year_text) if year_text.isdigit() else None
        if year_text and (year is None or not 2000 <= year <= today.year + 1):
            row.error("年度", year_text, f"年度应为 2000 到 {today.year + 1} 之间的四位数字。")
        kind = row.choice("险种", KINDS, InsuranceKind.BASIC)
        insured = row.choice("参保状态", STATES, True)
        payer = row.choice("缴费方式", PAYERS, "")
        premium = row.money("缴费金额") if row.text("缴费金额") else None
        enrolled_on = row.day("参保日期")
        if row.bad or person is None or year is None:
            continue
        key = (person.pk, year, kind)
        if key in seen:
            row.error(
                "证件号码", mask_id_number(person.id_number), f"与第 {seen[key]} 行重复（同一人、同一年度、同一险种）。"
            )
            continue
        seen[key] = offset
        parsed.append(
            {"person": person, "year": year, "kind": kind, "insured": insured, "payer": payer, "premium": premium,
             "enrolled_on": enrolled_on}
        )  # fmt: skip
    existing = {
        (i.person_id, i.year, i.kind): i
        for i in Insurance.objects.filter(person__in=[r["person"].pk for r in parsed], voided=False)
    }
    for r in parsed:
        found = existing.get((r["person"].pk, r["year"], r["kind"]))
        if found is None:
            plan.created += 1
        elif all(getattr(found, k) == r[k] for k in ("insured", "payer", "premium", "enrolled_on")):
            plan.unchanged += 1
        else:
            plan.updated += 1
        plan.rows.append(r)


def _check_settlements(
    plan: Plan, columns: dict[str, int], header_at: int, data: list[list[Any]], people: dict[str, Person], today: date
) -> None:
    seen: dict[str, int] = {}
    for offset, cells in enumerate(data, start=header_at + 1):
        if _blank(cells):
            continue
        row = _Row(offset, cells, columns, plan.errors)
        person = _person(row, people, today)
        values = {
            "settlement_number": row.text("结算单号"),
            "visited_on": row.day("结算日期", required=True),
            "hospital": row.required("医院")[:100],
            "level": row.choice("医院级别", LEVELS, HospitalLevel.COUNTY),
            "inpatient": row.flag("住院") if row.text("住院") else True,
            "total": row.money("总费用", required=True),
            "in_scope": row.money("政策范围内费用", required=True),
            "basic_paid": row.money("基本医保报销"),
            "critical_paid": row.money("大病保险报销"),
            "pay_after": row.flag("先诊疗后付费"),
            "one_stop": row.flag("一站式结算"),
        }
        if row.bad or person is None:
            continue
        if values["in_scope"] > values["total"]:
            row.error("政策范围内费用", values["in_scope"], "政策范围内费用不能大于总费用。")
            continue
        if values["basic_paid"] + values["critical_paid"] > values["total"]:
            row.error("基本医保报销", values["basic_paid"], "基本医保和大病保险报销合计不能大于总费用。")
            continue
        number = values["settlement_number"]
        if number:
            if number in seen:
                row.error("结算单号", number, f"与第 {seen[number]} 行的结算单号重复。")
                continue
            seen[number] = offset
        plan.rows.append({"person": person, "row": offset, **values})
    recorded = set(
        Expense.objects.filter(
            settlement_number__in=[r["settlement_number"] for r in plan.rows if r["settlement_number"]], voided=False
        ).values_list("settlement_number", flat=True)
    )
    kept = []
    for r in plan.rows:
        if r["settlement_number"] in recorded:
            plan.unchanged += 1  # already recorded: skipped, its aid stays as granted
        else:
            plan.created += 1
            kept.append(r)
    plan.rows = kept


@transaction.atomic
def apply_list(path: Path, *, kind: str, actor: User) -> Plan:
    """Check the list again and write it, all or nothing: with any bad row nothing is written and the plan's
    errors say why. Settlements are recorded in date order, so each person's yearly cap is used up in order."""
    plan = check_list(path, kind=kind, actor=actor)
    if not plan.ok:
        return plan
    source = f"{plan.spec.title}导入"
    if kind == "insurance":
        touched: dict[int, set[int]] = {}
        for r in plan.rows:
            data = {k: v for k, v in r.items() if k != "person"}
            insurance_record(actor=actor, person=r["person"], source=source, reassess_now=False, **data)
            if r["kind"] == InsuranceKind.BASIC:
                touched.setdefault(r["year"], set()).add(r["person"].household_id)
        for year, households in touched.items():
            reassess(sorted(households), years=[year])
        return plan
    for r in sorted(plan.rows, key=lambda r: (r["visited_on"], r["row"])):
        data = {k: v for k, v in r.items() if k not in ("person", "row")}
        try:
            expense_record(actor=actor, person=r["person"], data=data)
        except ValidationError as exc:
            plan.errors.append(RowError(r["row"], "", "", "；".join(exc.messages)))
    if plan.errors:
        transaction.set_rollback(True)  # all or nothing
    return plan


__all__ = ["SPECS", "LedgerUnreadableError", "ListInvalidError", "Plan", "apply_list", "check_list"]
