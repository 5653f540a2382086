"""Reading a ledger file into rows of cells, whatever its format. The format is told by content, not name."""

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from python_calamine import CalamineWorkbook

from .columns import HEADER_SEARCH_ROWS, find_header
from .safety import UnsafeWorkbookError, check_xlsx

Cell = str | int | float | bool | object
Row = list[Cell]

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2 compound document (Excel 97–2003)


class LedgerUnreadableError(Exception):
    """The file cannot be read at all (import_ledger exits 2). The message says what to do, in Chinese."""


def sniff(head: bytes) -> str:
    """'xlsx', 'xls' or 'csv' from the first bytes of the file."""
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(XLS_MAGIC):
        return "xls"
    if b"\x00" in head:
        raise LedgerUnreadableError("无法识别的文件：请上传 Excel（.xlsx、.xls）或 CSV 文件。")
    return "csv"


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise LedgerUnreadableError("CSV 文件的编码无法识别：请另存为 UTF-8 或 GBK 编码的 CSV，或直接上传 Excel 文件。")


def _csv_rows(path: Path) -> Iterator[Row]:
    text = _decode(path.read_bytes())
    yield from csv.reader(io.StringIO(text, newline=""))


def _workbook_rows(path: Path, kind: str) -> Iterator[Row]:
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:
        raise LedgerUnreadableError(
            f"无法打开这个 {kind} 文件，文件可能已损坏或被加密：请用 Excel/WPS 打开后另存一份再上传。"
        ) from exc
    names = workbook.sheet_names
    if not names:
        raise LedgerUnreadableError("这个 Excel 文件里没有工作表。")
    # The first sheet that holds a header row wins; real ledgers sometimes keep a cover or notes sheet first.
    for index in range(len(names)):
        sheet = workbook.get_sheet_by_index(index)
        head = []
        rows = sheet.iter_rows()
        for row in rows:
            head.append(row)
            if len(head) >= HEADER_SEARCH_ROWS:
                break
        if find_header(head) is not None:
            yield from head
            yield from rows
            return
    # No sheet has a header: hand over the first one, and the parser reports the missing header.
    yield from workbook.get_sheet_by_index(0).iter_rows()


def read_rows(path: Path) -> Iterator[Row]:
    """Every row of the ledger's sheet, as lists of cells (str, float, int, bool, dates)."""
    try:
        with path.open("rb") as f:
            head = f.read(8)
    except OSError as exc:
        raise LedgerUnreadableError(f"无法读取文件：{exc.strerror or exc}") from exc
    if not head:
        raise LedgerUnreadableError("文件是空的。")
    kind = sniff(head)
    if kind == "csv":
        return _csv_rows(path)
    if kind == "xlsx":
        try:
            check_xlsx(path)
        except UnsafeWorkbookError as exc:
            raise LedgerUnreadableError(str(exc)) from exc
    return _workbook_rows(path, kind)
