"""From the rows of a ledger to households and persons, with every problem found on the way.

Pure: no database. What the file alone can tell is checked here; what needs the stored data (an ID number
registered in another household, a household of another town, which member a masked ID number stands for) is
checked by the importer.

The steps: find the header row (_read_head) and map its columns (_map_header), including the columns the
ledger extensions declare; read the rows one by one (_RowParser: household number, person values, household
cells); then check each complete household (_check_household).
"""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from itertools import chain
from typing import Any, NamedTuple

from households.idnumber import IdNumberError, mask_id_number, normalise_id_number, parse_id_number
from households.models import HouseholdStatus, Relation
from households.phone import PhoneError, parse_phone
from households.rules import IncomeFacts, per_capita_income

from .columns import (
    ALIASES,
    BY_KEY,
    COMPUTED_COLUMNS,
    HEADER_SEARCH_ROWS,
    INCOME_KEYS,
    NO,
    SYNONYMS,
    YES,
    BadValueError,
    Column,
    ExtensionColumn,
    Kind,
    MaskedPhone,
    find_header,
    normalise_header,
)

AnyColumn = Column | ExtensionColumn

FIRST_REGISTRATION_YEAR = 2013
COMPUTED_HEADERS = frozenset(normalise_header(c) for c in COMPUTED_COLUMNS)
PER_CAPITA_TOLERANCE = Decimal(1)  # FORMAT.md: a given 人均纯收入 must agree within 1 yuan
TOTALS = ("合计", "总计", "小计")
_HOUSEHOLD_NUMBER = re.compile(r"^[0-9A-Z-]{1,30}$")
_YEAR = re.compile(r"^(\d{4})(?:\.0+)?年?$")
# An ID number as mask_id_number writes it in a masked export: the first 6 and the last 4 characters.
_MASKED_ID = re.compile(r"^\d{6}\*{8}\d{3}[\dX]$")
# A phone as mask_phone writes it: 138****8000, or a landline's area code and last 4 digits.
_MASKED_PHONE = re.compile(r"^(?:\d{3}\*{4}|(?:\d{3,4}-)?\*+)\d{4}$")


@dataclass(frozen=True)
class RowError:
    """One problem: the row number as Excel shows it, the column as the file names it, the value, the fix."""

    row: int
    column: str
    value: str
    message: str


class LedgerInvalidError(Exception):
    """The file as a whole cannot be imported (no header row, a required column missing)."""


@dataclass
class PersonRow:
    row: int
    values: dict[str, Any]  # Person field → value, for the columns the file has
    # The ID number as a masked export writes it (370303********1234). `values` then has no id_number and no
    # birth_date: the importer matches the row to a stored member and keeps the stored ones.
    masked_id: str = ""
    extras: dict[str, Any] = field(default_factory=dict)  # the extensions' person-level columns → value
    bad: bool = False  # has an error; kept only until the household's checks are done


@dataclass
class HouseholdRows:
    number: str
    first_row: int
    village_id: int | None = None
    values: dict[str, Any] = field(default_factory=dict)  # Household field → value
    income: dict[str, Decimal | None] | None = None
    persons: list[PersonRow] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)  # the extensions' household-level columns → value
    anchor_row: int = 0  # the row the household's values are reported on (the head's); set by the household check


@dataclass
class Ledger:
    columns: dict[str, str]  # our key → the column's name in the file
    unknown_columns: list[str]
    households: dict[str, HouseholdRows]
    errors: list[RowError]
    blank_rows: int = 0
    totals_rows: int = 0
    extension_keys: frozenset[str] = frozenset()  # the extensions' columns the file has

    @property
    def person_count(self) -> int:
        return sum(len(h.persons) for h in self.households.values())


@dataclass(frozen=True)
class AreaLookup:
    """Known villages by (town name, village name), and which of them the importer may write to."""

    villages: dict[tuple[str, str], int]
    towns: frozenset[str]
    in_scope: frozenset[int]


def _text(cell: object) -> str:
    """A cell as text: full-width → half-width, no white space, integral numbers without `.0`."""
    if cell is None or cell == "":
        return ""
    if isinstance(cell, bool):
        return "是" if cell else "否"
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else repr(cell)
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, str):
        if not cell.isascii():
            cell = unicodedata.normalize("NFKC", cell)
        return "".join(cell.split())
    return str(cell)


def _choice(column: Column) -> Callable[[str], str]:
    synonyms = SYNONYMS.get(column.key, {})
    allowed = frozenset(column.values)

    def parse(text: str) -> str:
        text = synonyms.get(text, text)
        if text not in allowed:
            raise BadValueError(f"“{text}”不是{column.name}的可选值，应为：{'、'.join(column.values)}。")
        return text

    return parse


def _yes_no(text: str) -> bool:
    upper = text.upper()
    if upper in YES:
        return True
    if upper in NO:
        return False
    raise BadValueError(f"“{text}”应填“是”或“否”（也可写 √/×、Y/N）。")


def _year(text: str) -> int:
    match = _YEAR.match(text)
    if not match:
        raise BadValueError(f"“{text}”不是年份，请填 4 位年份，如 2016。")
    return int(match.group(1))


def _money(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", "").removesuffix("元"))
    except InvalidOperation:
        raise BadValueError(f"“{text}”不是金额，请只填数字（元）。") from None
    if not value.is_finite():
        raise BadValueError(f"“{text}”不是金额，请只填数字（元）。")
    if value < 0:
        raise BadValueError("金额不能为负数；支出请填在“生产经营性支出”。")
    return value.quantize(Decimal("0.01"))


def _int(text: str) -> int:
    try:
        return int(Decimal(text))
    except (InvalidOperation, ValueError):
        raise BadValueError(f"“{text}”不是整数。") from None


def phone_value(text: str) -> str | MaskedPhone:
    """A phone cell: the number, or a MaskedPhone where a masked export wrote it (138****8000). For extension
    columns too; raises BadValueError."""
    if "*" in text:
        if not _MASKED_PHONE.match(text):
            raise BadValueError(f"“{text}”不是有效的电话号码。")
        return MaskedPhone(text)
    return _phone(text)


def _phone(text: str) -> str:
    try:
        return parse_phone(text)
    except PhoneError as exc:
        raise BadValueError(str(exc)) from None


_MISSING = object()


def _attempt(convert: Callable[[str], Any], text: str) -> Any:
    """The converted value, or the BadValueError itself (kept in the cache like a value)."""
    try:
        return convert(text)
    except BadValueError as exc:
        return exc


def _convert(cache: dict[str, Any] | None, convert: Callable[[str], Any], text: str) -> Any:
    """`convert(text)` through the column's cache; a bad value comes back as its BadValueError."""
    if cache is None:
        return _attempt(convert, text)
    result = cache.get(text, _MISSING)
    if result is _MISSING:
        result = cache[text] = _attempt(convert, text)
    return result


def _name(text: str) -> str:
    if len(text) > 30:
        raise BadValueError("姓名不能超过 30 个字。")
    return text


def _months(text: str) -> int:
    months = _int(text)
    if not 0 <= months <= 12:
        raise BadValueError("务工时间应在 0 到 12 个月之间。")
    return months


def _converter(column: Column) -> Callable[[str], Any]:
    if column.key == "name":
        return _name
    if column.key == "work_months":
        return _months
    if column.kind == Kind.CHOICE:
        return _choice(column)
    return {
        Kind.YES_NO: _yes_no,
        Kind.YEAR: _year,
        Kind.MONEY: _money,
        Kind.INT: _int,
        Kind.PHONE: phone_value,
    }.get(column.kind, str)


class _Reader:
    """Parses cell after cell, remembering the answer for repeated values (是, 汉族, 户主 ...)."""

    def __init__(self, columns: dict[str, AnyColumn]) -> None:
        self.convert = {key: c.parse if isinstance(c, ExtensionColumn) else _converter(c) for key, c in columns.items()}
        self.cache: dict[str, dict[str, Any]] = {key: {} for key in columns}
        self.cacheable = {
            key
            for key, c in columns.items()
            if isinstance(c, Column) and c.kind in (Kind.CHOICE, Kind.YES_NO, Kind.YEAR, Kind.TEXT)
        } - {"name", "number", "national_number"}

    def value(self, key: str, text: str) -> Any:
        """The converted value; raises BadValueError for a value the column does not accept."""
        result = _convert(self.cache[key] if key in self.cacheable else None, self.convert[key], text)
        if result.__class__ is BadValueError:
            raise result
        return result


def _shown(key: str, cell: object, text: str) -> str:
    """The value as the error report shows it: ID numbers masked."""
    if key == "id_number":
        return mask_id_number(text) if len(text) > 10 and "*" not in text else text
    return text if text else ("" if cell in (None, "") else str(cell))


# ---- The header ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Header:
    """Where the header row is and what its columns are."""

    index: int  # 0-based, among the rows read
    positions: dict[str, int]  # our key → the column's position
    names: dict[str, str]  # our key → the column's name in the file
    unknown: list[str]
    width: int


def _read_head(rows: Iterator[list[object]]) -> tuple[list[list[object]], int]:
    """The first rows (up to the header search's limit) and the header row's index among them."""
    head: list[list[object]] = []
    for row in rows:
        head.append(row)
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    index = find_header(head)
    if index is None:
        raise LedgerInvalidError(
            "在前 10 行中找不到表头：表头行须包含“姓名”“证件号码”“户编号”（或其别名，如“身份证号”“户号”）。"
        )
    return head, index


def _map_header(row: list[object], index: int, aliases: dict[str, AnyColumn]) -> _Header:
    """Each known column's position; unknown and repeated ones are listed. Raises LedgerInvalidError when a
    required column is missing."""
    positions: dict[str, int] = {}
    names: dict[str, str] = {}
    unknown: list[str] = []
    for position, cell in enumerate(row):
        label = str(cell or "").strip()
        column = aliases.get(normalise_header(cell))
        if column is None:
            if label and normalise_header(label) not in COMPUTED_HEADERS:
                unknown.append(label)
            continue
        if column.key in positions:
            unknown.append(f"{label}（与“{names[column.key]}”重复，已忽略）")
            continue
        positions[column.key] = position
        names[column.key] = label
    missing = [c.name for c in BY_KEY.values() if c.required and c.key not in positions]
    if missing:
        raise LedgerInvalidError(f"缺少必填列：{'、'.join(missing)}。请在表头中加上这些列（列名见台账格式说明）。")
    return _Header(index=index, positions=positions, names=names, unknown=unknown, width=len(row))


# ---- The rows ------------------------------------------------------------------------------------------------


class _PersonColumn(NamedTuple):
    """How one person-level column is read on every row."""

    key: str
    position: int
    field: str | None  # the Person field it fills; None for an extension's column (PersonRow.extras)
    required: bool
    blank: Any  # the value of a blank cell
    cache: dict[str, Any] | None
    convert: Callable[[str], Any]


def _person_column(key: str, position: int, column: AnyColumn, reader: _Reader) -> _PersonColumn:
    if isinstance(column, ExtensionColumn):  # an extension's blank cell is None, whatever its values
        field_name, required, blank = None, False, None
    else:
        field_name, required = column.field, column.required
        blank = None if column.kind in (Kind.YES_NO, Kind.INT) else ""
    cache = reader.cache[key] if key in reader.cacheable else None
    return _PersonColumn(key, position, field_name, required, blank, cache, reader.convert[key])


class _RowParser:
    """Reads the data rows one after another into households, collecting every problem."""

    def __init__(self, header: _Header, columns: dict[str, AnyColumn], today: date) -> None:
        self.header = header
        self.columns = columns
        self.today = today
        self.reader = _Reader(columns)
        self.errors: list[RowError] = []
        self.households: dict[str, HouseholdRows] = {}
        # Per household, its non-blank household-level cells as (key, row, value, text) until the household is
        # complete: one flat list keeps a 100,000-person ledger well within memory. Plain tuples, unpacked by
        # name where read: the garbage collector untracks plain tuples of plain values but not named ones, and
        # tracking a few hundred thousand of them made the parse a third slower.
        self.household_cells: dict[str, list[tuple[str, int, Any, str]]] = defaultdict(list)
        self.seen_ids: dict[str, int] = {}
        self.blank = self.totals = 0
        positions = header.positions
        self.person_columns = [
            _person_column(key, positions[key], columns[key], self.reader)
            for key in positions
            if not columns[key].household and key != "id_number"
        ]
        self.household_keys = [k for k in positions if columns[k].household and k != "number"]
        self.household_positions = [(k, positions[k]) for k in self.household_keys]
        self.id_position, self.number_position = positions["id_number"], positions["number"]
        # The text of each distinct short string cell is worked out once: most cells repeat (是, 汉族, 户主 ...).
        self.text_cache: dict[str, str] = {}

    def error(self, row: int, key: str, cell: object, text: str, message: str) -> None:
        self.errors.append(RowError(row, self.header.names.get(key, ""), _shown(key, cell, text), message))

    def _text_of(self, cell: object) -> str:
        text = _text(cell)
        if cell.__class__ is str and len(cell) <= 12:  # ID numbers and other unique long strings never repeat
            self.text_cache[cell] = text
        return text

    def texts(self, row: list[object]) -> list[str]:
        """Each cell as text (see _text), through the cache of the distinct short strings."""
        cached, text_of = self.text_cache.get, self._text_of
        return [t if (t := cached(c)) is not None else text_of(c) for c in row]  # type: ignore[arg-type]

    def parse(self, rows: Iterable[list[object]], *, progress: Callable[[int], None] | None) -> None:
        width = self.header.width
        padding = [None] * width
        excel_row = self.header.index + 1  # 1-based row number of the header
        for row in rows:
            excel_row += 1
            if progress is not None and excel_row % 5000 == 0:
                progress(excel_row)
            if len(row) < width:
                row = [*row, *padding[len(row) :]]
            texts = self.texts(row)
            if not any(texts):
                self.blank += 1
                continue
            if not texts[self.id_position] and any(t.startswith(TOTALS) for t in texts[:8] if t):
                self.totals += 1
                continue
            number = self.household_number(row, texts, excel_row)
            if number is None:
                continue
            household = self.households.get(number)
            if household is None:
                household = self.households[number] = HouseholdRows(number=number, first_row=excel_row)
            self.person(row, texts, excel_row, household)
            self.household_values(row, texts, excel_row, number)

    def household_number(self, row: list[object], texts: list[str], excel_row: int) -> str | None:
        """The row's 户编号, or None (and an error) when it has none usable."""
        raw, number = row[self.number_position], texts[self.number_position]
        if isinstance(raw, float) and raw >= 1e15:
            message = "户编号被存成了数字，末几位可能已丢失：请把该列设为“文本”后重新录入。"
            self.error(excel_row, "number", raw, number, message)
            return None
        number = number.upper()
        if not number:
            self.error(excel_row, "number", raw, number, "缺少户编号：每一行都要填写所属户的户编号。")
            return None
        if not _HOUSEHOLD_NUMBER.match(number):
            self.error(excel_row, "number", raw, number, "户编号只能包含数字、字母和连字符。")
            return None
        return number

    def id_number(self, raw: object, text: str, excel_row: int, person: PersonRow) -> str | None:
        """Reads the ID number into `person` (number and birth date, or the masked form); returns the sex it
        encodes. Sets `person.bad` when the number is unusable."""
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            message = "证件号码被存成了数字，末几位已经丢失：请把该列设为“文本”格式后重新录入完整的 18 位号码。"
            self.error(excel_row, "id_number", raw, text, message)
            person.bad = True
            return None
        masked = normalise_id_number(text) if "*" in text else ""
        if masked and _MASKED_ID.match(masked):
            # A masked export (a clerk's): the importer matches it to a stored member by 户编号 and 姓名.
            person.masked_id = masked
            return "男" if int(masked[16]) % 2 == 1 else "女"
        try:
            parsed = parse_id_number(text, today=self.today)
        except IdNumberError as exc:
            self.error(excel_row, "id_number", raw, text, str(exc))
            person.bad = True
            return None
        first = self.seen_ids.get(parsed.number)
        if first is not None:
            message = f"与第 {first} 行的证件号码重复：同一人只能出现一次。"
            self.error(excel_row, "id_number", raw, parsed.number, message)
            person.bad = True
            return None
        self.seen_ids[parsed.number] = excel_row
        person.values["id_number"], person.values["birth_date"] = parsed.number, parsed.birth_date
        return parsed.sex

    def person(self, row: list[object], texts: list[str], excel_row: int, household: HouseholdRows) -> None:
        """The row's person-level values. The ID number first: it also gives the birth date and sex."""
        person = PersonRow(row=excel_row, values={})
        values, extras = person.values, person.extras
        sex_from_id = self.id_number(row[self.id_position], texts[self.id_position], excel_row, person)
        for key, position, field_name, required, blank_value, cache, convert in self.person_columns:
            text = texts[position]
            target = values if field_name is not None else extras
            if not text:
                if required:
                    self.error(excel_row, key, row[position], text, f"缺少{self.columns[key].name}，此项必填。")
                    person.bad = True
                else:
                    target[field_name or key] = blank_value
                continue
            value = _convert(cache, convert, text)
            if value.__class__ is BadValueError:
                self.error(excel_row, key, row[position], text, str(value))
                person.bad = True
                continue
            target[field_name or key] = value
        if sex_from_id is not None:
            given = values.get("sex")
            if given and given != sex_from_id:
                position = self.header.positions["sex"]
                message = f"性别与证件号码不符：号码第 17 位表示“{sex_from_id}”。"
                self.error(excel_row, "sex", row[position], texts[position], message)
                person.bad = True
            values["sex"] = sex_from_id
        if not person.bad:
            household.persons.append(person)
        elif "relation" in values:
            # Keep the row's relation for the one-head check, so one bad cell does not also report a missing head.
            household.persons.append(PersonRow(row=excel_row, values={"relation": values["relation"]}, bad=True))

    def household_values(self, row: list[object], texts: list[str], excel_row: int, number: str) -> None:
        """The row's non-blank household-level cells, checked for agreement once the household is complete."""
        cells = self.household_cells[number]
        for key, position in self.household_positions:
            text = texts[position]
            if not text:
                continue  # most members' rows leave the household columns blank
            try:
                value = self.reader.value(key, text) if key not in ("town", "village") else text
            except BadValueError as exc:
                self.error(excel_row, key, row[position], text, str(exc))
                continue
            cells.append((key, excel_row, value, text))

    def finish(self, areas: AreaLookup) -> None:
        """The checks over each complete household."""
        for number, household in self.households.items():
            cells: dict[str, list[tuple[int, Any, str]]] = defaultdict(list)  # key → (row, value, text)
            for key, row, value, text in self.household_cells.pop(number, ()):
                cells[key].append((row, value, text))
            _check_household(
                household, cells, self.household_keys, self.header.names, self.columns, areas, self.today, self.errors
            )
            household.persons = [p for p in household.persons if not p.bad]


def parse_ledger(
    rows: Iterable[list[object]],
    *,
    areas: AreaLookup,
    today: date,
    progress: Callable[[int], None] | None = None,
    extension_columns: Iterable[ExtensionColumn] = (),
) -> Ledger:
    """Read and check a whole ledger. Raises LedgerInvalidError when the file has no header row or lacks a
    required column; every other problem is a RowError in the result, and all of them are reported.

    `extension_columns` are the columns other apps store (extensions.py): read and checked like the
    registry's own, their values handed over in HouseholdRows.extras and PersonRow.extras."""
    rows = iter(rows)
    head, index = _read_head(rows)
    extension_columns = tuple(extension_columns)
    aliases: dict[str, AnyColumn] = dict(ALIASES)
    for column in extension_columns:
        for name in (column.name, *column.aliases):
            aliases.setdefault(normalise_header(name), column)
    header = _map_header(head[index], index, aliases)
    known: dict[str, AnyColumn] = {**BY_KEY, **{c.key: c for c in extension_columns}}
    parser = _RowParser(header, {key: known[key] for key in header.positions}, today)
    parser.parse(chain(head[index + 1 :], rows), progress=progress)
    parser.finish(areas)
    errors = sorted(parser.errors, key=lambda e: (e.row, e.column))
    return Ledger(
        columns=header.names,
        unknown_columns=header.unknown,
        households=parser.households,
        errors=errors,
        blank_rows=parser.blank,
        totals_rows=parser.totals,
        extension_keys=frozenset(c.key for c in extension_columns if c.key in header.positions),
    )


def _check_household(
    household: HouseholdRows,
    cells: dict[str, list[tuple[int, Any, str]]],
    present: list[str],
    names: dict[str, str],
    columns: dict[str, AnyColumn],
    areas: AreaLookup,
    today: date,
    errors: list[RowError],
) -> None:
    """The checks over all rows of one household: agreement, one head, required values, area, status, sums."""
    persons = household.persons
    head_rows = [p.row for p in persons if p.values.get("relation") == Relation.HEAD]
    anchor = head_rows[0] if len(head_rows) == 1 else household.first_row

    def error(row: int, key: str, text: str, message: str) -> None:
        errors.append(RowError(row, names.get(key, ""), text, message))

    agreed: dict[str, Any] = {}
    for key, found in cells.items():
        reference_row, reference, reference_text = next(((r, v, t) for r, v, t in found if r == anchor), found[0])
        for row, value, text in found:
            if value != reference:
                error(
                    row,
                    key,
                    text,
                    f"与本户第 {reference_row} 行的“{reference_text}”不一致：同一户的{columns[key].name}必须相同"
                    "（可只填在户主行）。",
                )
        agreed[key] = reference

    if len(head_rows) != 1:
        rows = "、".join(str(r) for r in head_rows) if head_rows else "无"
        error(
            anchor,
            "relation",
            "户主" if head_rows else "",
            f"户编号 {household.number} 有 {len(head_rows)} 名户主（行：{rows}），每户必须有且只有一名户主。",
        )

    for key in ("attribute", "main_cause", "town", "village"):
        if key not in agreed:
            error(anchor, key, "", f"缺少{BY_KEY[key].name}：请填在本户户主所在行，此项必填。")

    town, village = agreed.get("town", ""), agreed.get("village", "")
    if town and village:
        if town not in areas.towns:
            error(anchor, "town", town, f"乡(镇)“{town}”不在系统中，请核对名称（如“商家镇”）。")
        else:
            village_id = areas.villages.get((town, village))
            if village_id is None:
                error(anchor, "village", village, f"“{village}”不是{town}的行政村，请核对村名。")
            elif village_id not in areas.in_scope:
                error(anchor, "village", village, f"{town}{village}不在您的管辖范围内：您只能导入本辖区的农户。")
            else:
                household.village_id = village_id

    status = agreed.get("status", HouseholdStatus.IN_POVERTY)
    exit_year = agreed.get("exit_year")
    registration_year = agreed.get("registration_year")
    this_year = today.year
    if registration_year is not None and not FIRST_REGISTRATION_YEAR <= registration_year <= this_year:
        error(
            anchor,
            "registration_year",
            str(registration_year),
            f"识别年度应在 {FIRST_REGISTRATION_YEAR}–{this_year} 年之间。",
        )
    has_status = "status" in present
    if has_status and status == HouseholdStatus.EXITED and exit_year is None:
        error(anchor, "exit_year", "", "脱贫属性为“已脱贫”时必须填写脱贫年度。")
    if has_status and status == HouseholdStatus.IN_POVERTY and exit_year is not None:
        error(anchor, "exit_year", str(exit_year), "脱贫属性为“未脱贫”时不应填写脱贫年度，请核对。")
    if exit_year is not None:
        if not FIRST_REGISTRATION_YEAR <= exit_year <= this_year:
            error(anchor, "exit_year", str(exit_year), f"脱贫年度应在 {FIRST_REGISTRATION_YEAR}–{this_year} 年之间。")
        elif registration_year is not None and exit_year < registration_year:
            error(anchor, "exit_year", str(exit_year), "脱贫年度早于识别年度，请核对。")

    size = agreed.get("size")
    if size is not None and size != len(persons):
        error(anchor, "size", str(size), f"人数填的是 {size}，但本户在表中有 {len(persons)} 行成员，请核对。")

    if any(k in agreed for k in INCOME_KEYS) or "per_capita" in agreed:
        facts = IncomeFacts(**{k: agreed.get(k) for k in INCOME_KEYS}, per_capita_given=agreed.get("per_capita"))
        given = agreed.get("per_capita")
        computed = per_capita_income(facts, members=len(persons))
        mismatch = (
            facts.has_components
            and given is not None
            and computed is not None
            and abs(computed - given) > PER_CAPITA_TOLERANCE
        )
        if mismatch:
            error(
                anchor,
                "per_capita",
                str(given),
                f"人均纯收入填的是 {given} 元，按各项收入和 {len(persons)} 名成员算得 {computed} 元，相差超过 1 元，请核对。",
            )
        household.income = {k: agreed.get(k) for k in INCOME_KEYS}
        # The ledger's own figure is kept only where it is the only income figure (DESIGN §5 rule 2).
        household.income["per_capita_given"] = None if facts.has_components else given

    # Every household column the file has sets its field, a blank cell included (it clears the value), so an
    # exported ledger re-imports unchanged.
    household.values = {}
    household.extras = {}
    for key in present:
        column = columns[key]
        if isinstance(column, ExtensionColumn):
            household.extras[key] = agreed.get(key)
        elif column.field and key not in INCOME_KEYS:
            blank = None if column.kind in (Kind.YES_NO, Kind.YEAR, Kind.INT) else ""
            household.values[column.field] = agreed.get(key, blank)
    household.anchor_row = anchor
    # Without a 脱贫属性 column the file says nothing about status: a stored status is left as it is.
    household.values.pop("exit_year", None)
    if has_status:
        household.values["status"], household.values["exit_year"] = status, exit_year
