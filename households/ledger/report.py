"""The error report of an import: an .xlsx with the columns 行号, 列, 值, 问题 (DESIGN §9)."""

from collections.abc import Iterable
from pathlib import Path

from .parse import RowError
from .xlsx import write_table

REPORT_HEADER = ["行号", "列", "值", "问题"]


def write_error_report(path: Path, errors: Iterable[RowError]) -> int:
    """Write one line per problem; values are already masked where they are ID numbers."""
    return write_table(
        path,
        title=None,
        header=REPORT_HEADER,
        rows=([e.row, e.column, str(e.value), e.message] for e in errors),
    )
