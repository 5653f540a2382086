"""Import of a dividend payout list (分红发放名单) — the list a town or the bank keeps of what each household of
a project received (plan ch. 10 §1 一).

One pipeline for the browser (upload → preview with every bad row → confirm) and the command line
(`import_dividends`). The file is read with `households.ledger.reader` (xlsx, xls or csv, told by content; an
xlsx is checked for zip and XML bombs first). Every row is checked before anything is written; with any bad row
nothing is written and an error report (行号/列/值/问题) can be downloaded. ID numbers are masked in the report.
"""

import time
import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from openpyxl import Workbook
from openpyxl.styles import Font

from accounts.models import User
from common.forms import half_width
from households.idnumber import mask_id_number, normalise_id_number
from households.ledger.reader import LedgerUnreadableError, read_rows
from households.models import Person
from households.selectors import household_queryset

from . import rules
from .models import DividendRun, Project
from .services import dividend_import

HEADER_SEARCH_ROWS = 10
ID_COLUMNS = ("证件号码", "身份证号码", "身份证号", "户主证件号码", "户主身份证号码")
NUMBER_COLUMNS = ("户编号",)
AMOUNT_COLUMNS = ("分红金额", "发放金额", "金额", "分红金额（元）", "金额（元）")
NAME_COLUMNS = ("户主姓名", "姓名", "户主")
ACCOUNT_COLUMNS = ("收款账号", "账号", "一卡通号", "银行账号")
REPORT_HEADER = ("行号", "列", "值", "问题")


@dataclass(frozen=True)
class RowError:
    """One problem: the row as Excel numbers it, the column as the file names it, the value, the fix."""

    row: int
    column: str
    value: str
    message: str


@dataclass
class PayoutCheck:
    """The checked list: what would be written, and every problem found."""

    payouts: list[tuple[int, Decimal, str]] = field(default_factory=list)  # household id, amount, account
    numbers: dict[int, str] = field(default_factory=dict)  # household id → 户编号, for the preview
    errors: list[RowError] = field(default_factory=list)
    beneficiaries: int = 0

    @property
    def total(self) -> Decimal:
        return sum((p[1] for p in self.payouts), Decimal(0))

    @property
    def missing(self) -> int:
        """Beneficiaries not on the list (they get nothing this year: shown, not refused)."""
        return self.beneficiaries - len(self.payouts)


def _text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return half_width(str(cell))


def _find(header: list[str], names: tuple[str, ...]) -> int | None:
    for i, name in enumerate(header):
        if name.replace(" ", "") in names:
            return i
    return None


def _amount(cell: object) -> Decimal | None:
    text = _text(cell).replace(",", "").replace("，", "").removesuffix("元")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    # A float cell from Excel (123.45 stored as 123.4500000001) is rounded to the fen it was typed as.
    if isinstance(cell, float):
        value = value.quantize(rules.FEN)
    return value


def check_payouts(path: Path, *, project: Project, actor: User) -> PayoutCheck:
    """Read and check every row against the project's beneficiaries within the actor's scope (rules.
    dividend_recipient_refusal). Raises LedgerUnreadableError when the file cannot be read at all."""
    rows = list(read_rows(path))
    check = PayoutCheck()
    header_at = None
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        header = [_text(c) for c in row]
        if _find(header, AMOUNT_COLUMNS) is not None and (
            _find(header, ID_COLUMNS) is not None or _find(header, NUMBER_COLUMNS) is not None
        ):
            header_at = i
            break
    if header_at is None:
        check.errors.append(
            RowError(0, "", "", "找不到表头：名单需有“证件号码”（或“户编号”）和“分红金额”两列，表头应在前 10 行。")
        )
        return check
    header = [_text(c) for c in rows[header_at]]
    id_col, number_col = _find(header, ID_COLUMNS), _find(header, NUMBER_COLUMNS)
    amount_col, name_col, account_col = (
        _find(header, AMOUNT_COLUMNS),
        _find(header, NAME_COLUMNS),
        _find(header, ACCOUNT_COLUMNS),
    )
    beneficiaries = dict(
        project.beneficiaries.filter(voided_at__isnull=True, household__in=household_queryset(actor)).values_list(
            "household_id", "household__number"
        )
    )
    check.beneficiaries = len(beneficiaries)
    visible = household_queryset(actor)
    by_number = dict(visible.values_list("number", "pk"))
    number_of = {pk: number for number, pk in by_number.items()}
    by_id: dict[str, set[int]] = {}
    heads: dict[int, str] = {}
    for hid, number, name, relation in Person.objects.filter(household__in=visible, left_reason="").values_list(
        "household_id", "id_number", "name", "relation"
    ):
        by_id.setdefault(number, set()).add(hid)
        if relation == "户主":
            heads[hid] = name
    seen: dict[int, int] = {}

    def cell(row: list[object], col: int | None) -> object:
        return row[col] if col is not None and col < len(row) else None

    for offset, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if not any(_text(c) for c in row):
            continue
        found: int | None = None
        if id_col is not None and _text(cell(row, id_col)):
            raw = normalise_id_number(_text(cell(row, id_col)))
            hits = by_id.get(raw, set())
            if len(hits) != 1:
                check.errors.append(
                    RowError(
                        offset,
                        header[id_col],
                        mask_id_number(raw),
                        "在您的辖区内找不到此证件号码的贫困户成员，请核对号码（注意设为文本格式，避免末位丢失）。"
                        if not hits
                        else "此证件号码对应不止一户，请改用户编号。",
                    )
                )
                continue
            found = next(iter(hits))
        elif number_col is not None and _text(cell(row, number_col)):
            number = _text(cell(row, number_col))
            found = by_number.get(number)
            if found is None:
                check.errors.append(RowError(offset, header[number_col], number, "在您的辖区内找不到这个户编号。"))
                continue
        else:
            column = header[id_col] if id_col is not None else header[number_col]
            check.errors.append(RowError(offset, column, "", "请填写证件号码或户编号。"))
            continue
        refusal = rules.dividend_recipient_refusal(
            household_number=number_of[found], beneficiary=found in beneficiaries
        )
        if refusal:
            check.errors.append(RowError(offset, header[id_col if id_col is not None else number_col], "", refusal))
            continue
        if found in seen:
            check.errors.append(
                RowError(offset, "", beneficiaries[found], f"户 {beneficiaries[found]} 在第 {seen[found]} 行已出现过。")
            )
            continue
        seen[found] = offset
        name = _text(cell(row, name_col))
        if name and heads.get(found) and name != heads[found]:
            check.errors.append(
                RowError(
                    offset, header[name_col], name, f"姓名与登记的户主“{heads[found]}”不一致，请核对是否填错了人。"
                )
            )
            continue
        amount = _amount(cell(row, amount_col))
        raw_amount = _text(cell(row, amount_col))
        if amount is None:
            check.errors.append(RowError(offset, header[amount_col], raw_amount, "分红金额不是数字。"))
            continue
        if amount <= 0:
            check.errors.append(RowError(offset, header[amount_col], raw_amount, "分红金额必须大于 0。"))
            continue
        if amount != amount.quantize(rules.FEN):
            check.errors.append(RowError(offset, header[amount_col], raw_amount, "分红金额只能精确到分。"))
            continue
        check.payouts.append((found, amount, _text(cell(row, account_col))[:40]))
        check.numbers[found] = beneficiaries[found]
    if not check.payouts and not check.errors:
        check.errors.append(RowError(header_at + 1, "", "", "名单里没有数据行。"))
    return check


def write_error_report(path: Path, errors: list[RowError]) -> None:
    """The error report: 行号, 列, 值, 问题 (DESIGN §9), every cell text, formula-looking text kept as text."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "错误报告"
    sheet.append(REPORT_HEADER)
    for c in sheet[1]:
        c.font = Font(bold=True)
    for e in errors:
        sheet.append([e.row or "", *(escape_cell(v) for v in (e.column, e.value, e.message))])
    workbook.save(path)


def escape_cell(value: str) -> str:
    """Text that Excel would run as a formula (= + - @, a tab or a carriage return first) is prefixed with a
    quote (STYLE §18)."""
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


def upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "funds_imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _forget_old_uploads() -> None:
    """Uploads never confirmed (a preview with errors, a clerk who walked away) are removed after
    LEDGER_UPLOAD_KEEP_HOURS: they hold ID numbers."""
    keep = getattr(settings, "LEDGER_UPLOAD_KEEP_HOURS", 24) * 3600
    now = time.time()
    for path in upload_dir().iterdir():
        try:
            if now - path.stat().st_mtime > keep:
                path.unlink(missing_ok=True)
        except OSError:
            continue  # another request removed it first


def store_upload(chunks: object) -> str:
    """Keep an upload until the preview is confirmed; returns its token (the file name)."""
    _forget_old_uploads()
    name = f"{uuid.uuid4().hex}.upload"
    with (upload_dir() / name).open("wb") as out:
        for chunk in chunks:  # type: ignore[attr-defined]
            out.write(chunk)
    return name


def stored_upload(name: str) -> Path:
    path = upload_dir() / Path(name).name  # a bare name only: nothing outside the folder
    if not path.is_file():
        raise ValidationError("上传的文件已过期或不存在，请重新上传。")
    return path


def import_payouts(
    path: Path,
    *,
    actor: User,
    project: Project,
    year: int,
    income: Decimal,
    paid_on: date,
    pay_method: str,
    dry_run: bool = False,
) -> tuple[PayoutCheck, DividendRun | None]:
    """Check the list and, when it is clean and not a dry run, record it as the project's run of `year`.
    All or nothing: any bad row, or a refusal of the service, and nothing is written."""
    check = check_payouts(path, project=project, actor=actor)
    if check.errors or dry_run:
        return check, None
    run = dividend_import(
        actor=actor, project=project, year=year, income=income, paid_on=paid_on, pay_method=pay_method,
        payouts=check.payouts, note=f"导入名单 {len(check.payouts)} 户",
    )  # fmt: skip
    return check, run


__all__ = ["LedgerUnreadableError", "check_payouts", "import_payouts", "write_error_report"]
