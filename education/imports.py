"""The schools' lists (学校资助名单): one row per student and item, matched by ID number — plan ch. 5 §2 一
(应补即补、应免尽免). One pipeline for the browser (upload → preview → confirm) and the command line
(`import_school_list`).

Columns (the header row may sit under title rows; other columns are ignored):
  证件号码*, 姓名*, 学段*, 学校*, 年级, 在校状态 (default 在校), 起始日期, 截止日期,
  资助项目, 金额, 方式 (免除/发放), 日期, 经办单位 (default: the school).
A student with several items has several rows with the same enrolment columns.

All or nothing: every row goes through the same services as the pages (education.services) inside one
transaction, each row in its own savepoint so every problem is found; with any problem, or for a preview, the
whole transaction is rolled back. The error report has 行号/列/值/问题 (households.ledger.report); an ID number
is masked in it.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from accounts.models import User
from households.idnumber import IdNumberError, mask_id_number, parse_id_number
from households.ledger.reader import LedgerUnreadableError, read_rows
from households.ledger.report import write_error_report
from households.models import Household, Person

from . import rules, services
from .models import Benefit, BenefitWay, Enrolment, EnrolmentStatus

HEADER_SEARCH_ROWS = 10
COLUMNS: dict[str, tuple[str, ...]] = {
    "id_number": ("证件号码", "身份证号", "身份证号码", "学生身份证号"),
    "name": ("姓名", "学生姓名"),
    "stage": ("学段",),
    "school": ("学校", "就读学校", "学校名称"),
    "grade": ("年级", "年级班级"),
    "status": ("在校状态", "状态", "在校情况"),
    "started_on": ("起始日期", "入学日期", "转入日期"),
    "ended_on": ("截止日期", "转出日期"),
    "item": ("资助项目", "项目"),
    "amount": ("金额", "金额（元）", "金额(元)"),
    "way": ("方式", "资助方式"),
    "on": ("日期", "发放日期", "免除日期"),
    "given_by": ("经办单位",),
}
REQUIRED = ("id_number", "name", "stage", "school")
STAGE_WORDS = {
    **{s: s for s in rules.STAGES},
    "学前教育": rules.PRESCHOOL,
    "幼儿园": rules.PRESCHOOL,
    "高中": rules.SENIOR,
    "中专": rules.SECONDARY_VOCATIONAL,
    "高职": rules.HIGHER_VOCATIONAL,
    "大专": rules.HIGHER_VOCATIONAL,
    "本科": rules.UNIVERSITY,
}


class SchoolListInvalidError(Exception):
    """The file as a whole cannot be imported (no header row, a required column missing)."""


@dataclass(frozen=True)
class RowError:
    """One problem, as the error report writes it (households.ledger.report)."""

    row: int
    column: str
    value: str
    message: str


@dataclass
class ImportResult:
    rows: int = 0
    enrolments_created: int = 0
    enrolments_updated: int = 0
    enrolments_unchanged: int = 0
    benefits_created: int = 0
    benefits_unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False
    touched: set[int] = field(default_factory=set)  # enrolments written or counted (item rows share one)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, other: "ImportResult") -> None:
        for name in (
            "enrolments_created",
            "enrolments_updated",
            "enrolments_unchanged",
            "benefits_created",
            "benefits_unchanged",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.touched = other.touched


def _text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _header(rows: list[list[object]]) -> tuple[int, dict[str, int]] | None:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        names = [_text(c) for c in row]
        found = {}
        for key, words in COLUMNS.items():
            for position, name in enumerate(names):
                if name in words:
                    found[key] = position
                    break
        if "id_number" in found and "stage" in found:
            return index, found
    return None


def _date(cell: object) -> date | None:
    if cell in (None, ""):
        return None
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    text = _text(cell).replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-").rstrip("日")
    try:
        return date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
    except ValueError:
        raise ValueError("日期格式不对，请写成 2025-09-01。") from None


@dataclass
class _Row:
    number: int
    cells: dict[str, object]

    def text(self, key: str) -> str:
        return _text(self.cells.get(key))


def _errors_of(exc: ValidationError, row: _Row, names: dict[str, str]) -> list[RowError]:
    """A service's refusal as report lines, on the column it names where the file has it."""
    found = []
    if hasattr(exc, "error_dict"):
        for key, errors in exc.error_dict.items():
            column = names.get(key, "")
            value = row.text(key) if key in row.cells else ""
            found.extend(RowError(row.number, column, value, e.message) for e in errors)
    else:
        found.extend(RowError(row.number, "", "", m) for m in exc.messages)
    return found


def _people(numbers: Iterable[str], households: QuerySet[Household]) -> dict[str, Person]:
    return {
        p.id_number: p
        for p in Person.objects.active()
        .filter(id_number__in=list(numbers), household__in=households)
        .select_related("household")
    }


def school_list_import(
    *, path: Path, actor: User | None, households: QuerySet[Household], school_year: int, dry_run: bool, today: date
) -> ImportResult:
    """Check every row of a school's list and, with no problem and not `dry_run`, write it all (all or
    nothing). `households` is the importer's scope: a student of a household outside it is an error, as if
    unknown. Raises LedgerUnreadableError (the file cannot be read) or SchoolListInvalidError (no header)."""
    raw = [list(r) for r in read_rows(path)]
    found = _header(raw)
    if found is None:
        raise SchoolListInvalidError("没有找到表头行：表头须有“证件号码”和“学段”两列（在前 10 行内）。")
    header_index, positions = found
    missing = [COLUMNS[k][0] for k in REQUIRED if k not in positions]
    if missing:
        raise SchoolListInvalidError(f"缺少必填列：{'、'.join(missing)}。")
    header_cells = [_text(c) for c in raw[header_index]]
    names = {key: header_cells[pos] for key, pos in positions.items()}
    names["reason"] = ""
    rows = []
    for offset, cells in enumerate(raw[header_index + 1 :], start=header_index + 2):
        values = {key: (cells[pos] if pos < len(cells) else None) for key, pos in positions.items()}
        if all(_text(v) == "" for v in values.values()):
            continue
        rows.append(_Row(offset, values))
    result = ImportResult(rows=len(rows))
    ids: dict[int, str] = {}
    for row in rows:
        try:
            ids[row.number] = parse_id_number(row.text("id_number"), today=today).number
        except IdNumberError as exc:
            result.errors.append(
                RowError(row.number, names["id_number"], mask_id_number(row.text("id_number")), str(exc))
            )
    people = _people(ids.values(), households)
    try:
        with transaction.atomic():
            for row in rows:
                if row.number not in ids:
                    continue
                person = people.get(ids[row.number])
                if person is None:
                    result.errors.append(
                        RowError(
                            row.number,
                            names["id_number"],
                            mask_id_number(ids[row.number]),
                            "在您的管辖范围内没有这个在册贫困人口，请核对证件号码。",
                        )
                    )
                    continue
                if row.text("name") != person.name:
                    result.errors.append(
                        RowError(
                            row.number,
                            names["name"],
                            row.text("name"),
                            f"证件号码对应的在册人员是“{person.name}”，与名单姓名不符。",
                        )
                    )
                    continue
                counts = ImportResult(touched=set(result.touched))
                try:
                    with transaction.atomic():
                        _apply_row(row, person=person, actor=actor, school_year=school_year, result=counts)
                except ValidationError as exc:
                    result.errors.extend(_errors_of(exc, row, names))
                else:
                    result.add(counts)
            if result.errors or dry_run:
                raise _RollBackError
    except _RollBackError:
        pass
    else:
        result.applied = True
    return result


class _RollBackError(Exception):
    pass


def _apply_row(row: _Row, *, person: Person, actor: User | None, school_year: int, result: ImportResult) -> None:
    """One row through the services; `result` counts what it wrote (discarded when the row fails)."""
    stage = STAGE_WORDS.get(row.text("stage"))
    if stage is None:
        raise ValidationError({"stage": f"学段应为：{'、'.join(rules.STAGES)}。"})
    status = row.text("status") or EnrolmentStatus.ENROLLED
    if status not in EnrolmentStatus.values:
        raise ValidationError({"status": f"在校状态应为：{'、'.join(EnrolmentStatus.values)}。"})
    try:
        started_on = _date(row.cells.get("started_on")) or rules.school_year_start(school_year)
    except ValueError as exc:
        raise ValidationError({"started_on": str(exc)}) from None
    try:
        ended_on = _date(row.cells.get("ended_on"))
    except ValueError as exc:
        raise ValidationError({"ended_on": str(exc)}) from None
    data = {
        "school_year": school_year,
        "stage": stage,
        "school": row.text("school"),
        "grade": row.text("grade"),
        "status": status,
        "started_on": started_on,
        "ended_on": ended_on,
    }
    enrolment = Enrolment.objects.valid().filter(person=person, school_year=school_year, stage=stage).first()
    if enrolment is None:
        enrolment = services.enrolment_record(actor=actor, person=person, data={**data, "reason": "学校名单导入"})
        result.enrolments_created += 1
    else:
        changed = [
            k for k in ("school", "grade", "status", "started_on", "ended_on") if getattr(enrolment, k) != data[k]
        ]
        if changed and enrolment.pk not in result.touched:
            enrolment = services.enrolment_update(actor=actor, enrolment=enrolment, data=data, reason="学校名单导入")
            result.enrolments_updated += 1
        elif changed:
            raise ValidationError(
                {"school": "同一学生同一学段的几行学籍信息（学校、年级、状态、日期）不一致，请统一。"}
            )
        elif enrolment.pk not in result.touched:
            result.enrolments_unchanged += 1
    result.touched.add(enrolment.pk)
    item = row.text("item")
    if not item:
        return
    try:
        amount = Decimal(row.text("amount").replace(",", "").replace("，", "") or "x")
    except InvalidOperation:
        raise ValidationError({"amount": "请填写金额（元），只写数字。"}) from None
    way = row.text("way") or (BenefitWay.PAID if item == rules.SUBSIDY_ITEM else BenefitWay.WAIVED)
    if way not in BenefitWay.values:
        raise ValidationError({"way": "方式应为“免除”或“发放”。"})
    try:
        on = _date(row.cells.get("on"))
    except ValueError as exc:
        raise ValidationError({"on": str(exc)}) from None
    if on is None:
        raise ValidationError({"on": "请填写免除或发放的日期。"})
    existing = Benefit.objects.valid().filter(enrolment=enrolment, item=item).first()
    if existing is not None:
        if existing.amount == amount and existing.way == way:
            result.benefits_unchanged += 1
            return
        raise ValidationError(
            {
                "amount": f"该学生“{item}”已登记 {existing.amount} 元（{existing.way}），与名单不符：如原记录有误，请先在系统中作废。"
            }
        )
    services.benefit_record(
        actor=actor,
        enrolment=enrolment,
        data={
            "item": item,
            "amount": amount,
            "way": way,
            "on": on,
            "given_by": row.text("given_by") or row.text("school"),
            "reason": "学校名单导入",
        },
    )
    result.benefits_created += 1


def write_report(path: Path, errors: list[RowError]) -> int:
    """The error report: 行号, 列, 值, 问题 (DESIGN §9)."""
    return write_error_report(path, errors)


__all__ = ["LedgerUnreadableError", "SchoolListInvalidError", "school_list_import", "write_report"]
