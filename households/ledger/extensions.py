"""Ledger columns that other apps store: the ledger extension API.

`households` imports none of the sector apps (DESIGN §3). A sector app that keeps ledger columns of its own
(assistance: 帮扶责任人; later healthcare: per-person 参保 columns, housing: per-household 住房安全等级) declares
them here, in its `AppConfig.ready()`::

    from households.ledger.extensions import ExtensionColumn, LedgerExtension, Level, register_extension

    COLUMNS = LedgerExtension(
        name="参保登记",
        columns=(
            ExtensionColumn("参保类别", "insurance_kind", Level.PERSON, parse=parse_kind, aliases=("参保类型",)),
        ),
        plan=insurance_plan,
        export=insurance_export,
    )
    register_extension(COLUMNS)

**Columns.** Each `ExtensionColumn` has a canonical name (written by the export), a key unique among all the
ledger's columns, aliases (matched after the same normalising as the registry's own columns), a level
(`Level.HOUSEHOLD`: one value per household, on the 户主's row, other rows blank or equal — the parser
checks they agree; `Level.PERSON`: one value per member's row) and `parse`, which turns a non-blank cell's
text (already half-width, without spaces) into the value or raises `BadValueError` with a Chinese message;
the parser reports it as a row error with the row number, the column as the file names it and the value.
A blank cell is None. `mask`, where given, writes the value in an export without the full-ledger permission;
`parse` must then accept the masked form back (`phone_value` gives a `MaskedPhone`) so the export re-imports.

**Plan.** `plan(rows: ExtensionRows) -> ExtensionPlan` is called once per import when the file has any of the
extension's columns, after the registry's own plan, before anything is written (also for the preview and
`--dry-run`). `rows.households` has one `HouseholdValues` per household of the ledger with the extension's
household-level values; `rows.persons` one `PersonValues` per member's row with its person-level values and
the stored person's id (None when the import creates the person). The plan reads the stored data (a fixed
number of queries, not one per row) and returns row errors (they stop the import: nothing is written),
notes (shown in the preview and the command's output; they do not stop it), a one-line summary, and `write`.

**Write.** `write(ids: WriteIds, actor)` runs inside the import's transaction after the registry's rows are
written: `ids.households` maps every 户编号 of the ledger to the household's id, `ids.persons` every member's
Excel row to the person's id (new persons included). It must write what the plan promised and nothing else;
an exception rolls the whole import back.

**Export.** `export(household_ids, person_ids) -> ExtensionValues` gives, for the households and persons of
one chunk of the export, each household's values (key → value) and each person's; the exporter writes the
extension's columns after the registry's, in the order declared, so an export re-imports unchanged.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from accounts.models import User

from .columns import ALIASES, BY_KEY, BadValueError, ExtensionColumn, Level, MaskedPhone, normalise_header
from .parse import RowError, phone_value

__all__ = [
    "BadValueError",
    "ExtensionColumn",
    "ExtensionPlan",
    "ExtensionRows",
    "ExtensionValues",
    "HouseholdValues",
    "LedgerExtension",
    "Level",
    "MaskedPhone",
    "PersonValues",
    "RowError",
    "WriteIds",
    "extension_columns",
    "extensions",
    "phone_value",
    "register_extension",
    "unregister_extension",
]


@dataclass(frozen=True)
class HouseholdValues:
    number: str  # 户编号
    row: int  # the Excel row of the household's values (the head's row where there is one)
    household_id: int | None  # the stored household; None when this import creates it
    values: dict[str, Any]  # the extension's household-level keys → value (None where the cell is blank)


@dataclass(frozen=True)
class PersonValues:
    number: str  # 户编号
    row: int  # the member's Excel row
    name: str
    household_id: int | None
    person_id: int | None  # the stored person; None when this import creates the person
    values: dict[str, Any]  # the extension's person-level keys → value (None where the cell is blank)


@dataclass(frozen=True)
class ExtensionRows:
    households: list[HouseholdValues]
    persons: list[PersonValues]
    columns: dict[str, str]  # key → the column's name in the file, for row errors


@dataclass(frozen=True)
class WriteIds:
    households: dict[str, int]  # every 户编号 of the ledger → household id
    persons: dict[int, int]  # every member's Excel row → person id


Writer = Callable[[WriteIds, User | None], None]


@dataclass
class ExtensionPlan:
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # shown with the preview; they do not stop the import
    summary: str = ""  # one line for the preview and the command's output
    write: Writer | None = None  # None: nothing to write


@dataclass
class ExtensionValues:
    households: dict[int, dict[str, Any]] = field(default_factory=dict)  # household id → key → value
    persons: dict[int, dict[str, Any]] = field(default_factory=dict)  # person id → key → value


@dataclass(frozen=True)
class LedgerExtension:
    name: str  # for messages and the registry: the sector's own name for what it stores
    columns: tuple[ExtensionColumn, ...]
    plan: Callable[[ExtensionRows], ExtensionPlan]
    export: Callable[[list[int], list[int]], ExtensionValues]  # household ids, person ids

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)

    @property
    def has_person_columns(self) -> bool:
        return any(c.level == Level.PERSON for c in self.columns)


_extensions: list[LedgerExtension] = []


def register_extension(extension: LedgerExtension) -> None:
    """Add an extension (idempotent). Its keys and column names must be new to the ledger."""
    if extension in _extensions:
        return
    taken_keys = set(BY_KEY) | {k for e in _extensions for k in e.keys}
    taken_names = set(ALIASES) | {
        normalise_header(n) for e in _extensions for c in e.columns for n in (c.name, *c.aliases)
    }
    for column in extension.columns:
        if column.key in taken_keys:
            raise ImproperlyConfigured(f"Ledger extension {extension.name}: the key {column.key!r} is taken.")
        clash = {normalise_header(n) for n in (column.name, *column.aliases)} & taken_names
        if clash:
            raise ImproperlyConfigured(f"Ledger extension {extension.name}: the column names {clash} are taken.")
        taken_keys.add(column.key)
        taken_names |= {normalise_header(n) for n in (column.name, *column.aliases)}
    _extensions.append(extension)


def unregister_extension(extension: LedgerExtension) -> None:
    """Remove an extension (tests register a tiny one and remove it afterwards)."""
    if extension in _extensions:
        _extensions.remove(extension)


def extensions() -> list[LedgerExtension]:
    return list(_extensions)


def extension_columns(registered: Iterable[LedgerExtension] | None = None) -> list[ExtensionColumn]:
    """Every extension's columns, in registration and declaration order (the export's order)."""
    return [c for e in (_extensions if registered is None else registered) for c in e.columns]
