"""Writing spreadsheets safely: a text cell is always written as text, never as a formula."""

import itertools
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
WIDTH_SAMPLE = 500  # rows read ahead to fit the column widths (the rest streams after them)
MAX_WIDTH = 40


def display_width(value: Any) -> int:
    """How wide a value shows in Excel, in character cells: a Chinese character takes two."""
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def fitted_widths(header: list[str], rows: list[list[Any]]) -> list[int]:
    """Each column's width from its header and the sampled rows, with a little room, capped."""
    widths = [display_width(name) for name in header]
    for row in rows:
        for i, value in enumerate(row[: len(widths)]):
            widths[i] = max(widths[i], display_width(value))
    return [min(w + 2, MAX_WIDTH) for w in widths]


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

    Strings (ID numbers and phones included) are text cells; numbers stay numbers; None is an empty cell. The
    header row is frozen (it stays on screen while scrolling) and the columns are as wide as their content
    (fitted on the first rows, so a million-row export still streams).
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("台账")
    rows = iter(rows)
    sample = list(itertools.islice(rows, WIDTH_SAMPLE))
    for index, width in enumerate(fitted_widths(header, sample), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{3 if title else 2}"
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
    for row in itertools.chain(sample, rows):
        sheet.append([text_cell(sheet, v) if isinstance(v, str) and v else (v if v != "" else None) for v in row])
        count += 1
    workbook.save(path)
    return count
