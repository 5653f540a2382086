"""Ledger columns that other apps store (FORMAT.md's 帮扶责任人 columns: the assistance app).

`households` imports none of the sector apps (DESIGN §3). The parser reads and checks every column FORMAT.md
lists; a column with no Household or Person field is handed, per household, to the extension registered for
it. An extension plans against the stored data like the importer does (its row errors stop the import, its
notes are shown in the preview), writes inside the import's transaction, and gives the export its columns.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from accounts.models import User

from .parse import RowError


@dataclass(frozen=True)
class ExtensionRow:
    number: str  # 户编号
    row: int  # the Excel row of the household's values (the head's row where there is one)
    household_id: int | None  # the stored household; None when this import creates it
    values: dict[str, Any]  # the extension's column keys → value ("" where the cell is blank)


# Called inside the import's transaction with every household number of the ledger → its id.
Writer = Callable[[dict[str, int], User | None], None]


@dataclass
class ExtensionPlan:
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # shown with the preview; they do not stop the import
    summary: str = ""  # one line for the preview and the command's output
    write: Writer | None = None  # None: nothing to write


@dataclass(frozen=True)
class LedgerExtension:
    keys: tuple[str, ...]  # the column keys (columns.py) this extension stores
    plan: Callable[[list[ExtensionRow], dict[str, str]], ExtensionPlan]  # rows, key → the file's column name
    export: Callable[[list[int]], dict[int, dict[str, Any]]]  # household ids → key → value


_extensions: list[LedgerExtension] = []


def register_extension(extension: LedgerExtension) -> None:
    if extension not in _extensions:
        _extensions.append(extension)


def extensions() -> list[LedgerExtension]:
    return list(_extensions)
