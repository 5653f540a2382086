"""The school-year list as .xlsx for the finance office (STYLE §18): one row per benefit (a student with none
has one row), text cells never run as formulas, ID numbers masked unless the user may export them in full."""

from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from households.idnumber import mask_id_number

from .rules import school_year_label
from .selectors import StudentYear

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER = [
    "学年", "镇", "村", "户编号", "姓名", "证件号码", "学段", "学校", "年级", "在校状态", "享受资格",
    "资助项目", "金额（元）", "方式", "日期", "经办单位", "未落实项目",
]  # fmt: skip


def _cell(sheet: WriteOnlyWorksheet, value: object) -> object:
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.number_format = "@"
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True  # shown as typed, never run
    return cell


def export_students(path: Path, rows: list[StudentYear], *, school_year: int, full_id_numbers: bool) -> int:
    """Write the rows; returns the number of data rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("教育资助")
    title = WriteOnlyCell(sheet, value=f"{school_year_label(school_year)} 学年教育资助名单")
    title.font = Font(bold=True)
    sheet.append([title])
    sheet.append([_cell(sheet, h) for h in HEADER])
    count = 0
    for s in rows:
        village = s.household.village
        number = s.person.id_number if full_id_numbers else mask_id_number(s.person.id_number)
        e = s.current
        gaps = "；".join(filter(None, [s.gap_words, s.compulsory.detail if s.compulsory else ""]))
        head = [
            school_year_label(school_year), village.parent.name if village.parent else "", village.name, s.household.number,
            s.person.name, number, e.stage if e else "", e.school if e else "", e.grade if e else "", e.status if e else "未登记",
            "是" if s.entitlement.entitled else "否",
        ]  # fmt: skip
        benefits = s.benefits or [None]
        for b in benefits:
            tail = [b.item, b.amount, b.way, b.on, b.given_by] if b else ["", None, "", None, ""]
            sheet.append([_cell(sheet, v) for v in [*head, *tail, gaps]])
            count += 1
    workbook.save(path)
    return count
