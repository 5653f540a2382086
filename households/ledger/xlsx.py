"""Writing spreadsheets safely: a text cell is always written as text, never as a formula."""

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(sheet: WriteOnlyWorksheet, value: str) -> WriteOnlyCell:
    """A cell that holds `value` as text, whatever it starts with.

    openpyxl would store "=HYPERLINK(...)" as a formula; here it is stored as a string with Excel's quote
    prefix, so Excel and WPS show it as typed and never run it, and the text itself is unchanged (an export
    re-imports as it was).
    """
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.number_format = "@"
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def write_table(
    path: Path,
    *,
    title: str | None,
    header: list[str],
    rows: Iterable[list[Any]],
) -> int:
    """Write a one-sheet workbook in streaming mode; returns the number of data rows.

    Strings (ID numbers and phones included) are text cells; numbers stay numbers; None is an empty cell.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("台账")
    bold = Font(bold=True)
    if title:
        cell = text_cell(sheet, title)
        cell.font = bold
        sheet.append([cell])
    header_cells = []
    for name in header:
        cell = text_cell(sheet, name)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in rows:
        sheet.append([text_cell(sheet, v) if isinstance(v, str) and v else (v if v != "" else None) for v in row])
        count += 1
    workbook.save(path)
    return count
