"""From the rows of a ledger to households and persons, with every problem found on the way.

Pure: no database. What the file alone can tell is checked here; what needs the stored data (an ID number
registered in another household, a household of another town) is checked by the importer.
"""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from itertools import chain
from typing import Any

from households.idnumber import IdNumberError, mask_id_number, parse_id_number
from households.models import HouseholdStatus, Relation
from households.phone import PhoneError, parse_phone
from households.rules import IncomeFacts, per_capita_income

from .columns import (
    ALIASES,
    BY_KEY,
    COMPUTED_COLUMNS,
    EXTENSION_KEYS,
    INCOME_KEYS,
    NO,
    SYNONYMS,
    YES,
    Column,
    Kind,
    find_header,
    normalise_header,
)

FIRST_REGISTRATION_YEAR = 2013
COMPUTED_HEADERS = frozenset(normalise_header(c) for c in COMPUTED_COLUMNS)
PER_CAPITA_TOLERANCE = Decimal(1)  # FORMAT.md: a given 人均纯收入 must agree within 1 yuan
TOTALS = ("合计", "总计", "小计")
_HOUSEHOLD_NUMBER = re.compile(r"^[0-9A-Z-]{1,30}$")
_YEAR = re.compile(r"^(\d{4})(?:\.0+)?年?$")


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


@dataclass
class HouseholdRows:
    number: str
    first_row: int
    village_id: int | None = None
    values: dict[str, Any] = field(default_factory=dict)  # Household field → value
    income: dict[str, Decimal | None] | None = None
    persons: list[PersonRow] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)  # EXTENSION_KEYS → value, for the ledger extensions
    anchor_row: int = 0  # the row the household's values are reported on (the head's); set by the household check


@dataclass
class Ledger:
    columns: dict[str, str]  # our key → the column's name in the file
    unknown_columns: list[str]
    households: dict[str, HouseholdRows]
    errors: list[RowError]
    blank_rows: int = 0
    totals_rows: int = 0

    @property
    def person_count(self) -> int:
        return sum(len(h.persons) for h in self.households.values())


@dataclass(frozen=True)
class AreaLookup:
    """Known villages by (town name, village name), and which of them the importer may write to."""

    villages: dict[tuple[str, str], int]
    towns: frozenset[str]
    in_scope: frozenset[int]


class _BadValueError(ValueError):
    """A cell's value is not acceptable; the message says why."""


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
            raise _BadValueError(f"“{text}”不是{column.name}的可选值，应为：{'、'.join(column.values)}。")
        return text

    return parse


def _yes_no(text: str) -> bool:
    upper = text.upper()
    if upper in YES:
        return True
    if upper in NO:
        return False
    raise _BadValueError(f"“{text}”应填“是”或“否”（也可写 √/×、Y/N）。")


def _year(text: str) -> int:
    match = _YEAR.match(text)
    if not match:
        raise _BadValueError(f"“{text}”不是年份，请填 4 位年份，如 2016。")
    return int(match.group(1))


def _money(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", "").removesuffix("元"))
    except InvalidOperation:
        raise _BadValueError(f"“{text}”不是金额，请只填数字（元）。") from None
    if not value.is_finite():
        raise _BadValueError(f"“{text}”不是金额，请只填数字（元）。")
    if value < 0:
        raise _BadValueError("金额不能为负数；支出请填在“生产经营性支出”。")
    return value.quantize(Decimal("0.01"))


def _int(text: str) -> int:
    try:
        return int(Decimal(text))
    except (InvalidOperation, ValueError):
        raise _BadValueError(f"“{text}”不是整数。") from None


def _phone(text: str) -> str:
    try:
        return parse_phone(text)
    except PhoneError as exc:
        raise _BadValueError(str(exc)) from None


_MISSING = object()


def _attempt(convert: Callable[[str], Any], text: str) -> Any:
    """The converted value, or the _BadValueError itself (kept in the cache like a value)."""
    try:
        return convert(text)
    except _BadValueError as exc:
        return exc


def _convert(cache: dict[str, Any] | None, convert: Callable[[str], Any], text: str) -> Any:
    """`convert(text)` through the column's cache; a bad value comes back as its _BadValueError."""
    if cache is None:
        return _attempt(convert, text)
    result = cache.get(text, _MISSING)
    if result is _MISSING:
        result = cache[text] = _attempt(convert, text)
    return result


def _name(text: str) -> str:
    if len(text) > 30:
        raise _BadValueError("姓名不能超过 30 个字。")
    return text


def _months(text: str) -> int:
    months = _int(text)
    if not 0 <= months <= 12:
        raise _BadValueError("务工时间应在 0 到 12 个月之间。")
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
        Kind.PHONE: _phone,
    }.get(column.kind, str)


class _Reader:
    """Parses cell after cell, remembering the answer for repeated values (是, 汉族, 户主 ...)."""

    def __init__(self, columns: dict[str, Column]) -> None:
        self.convert = {key: _converter(c) for key, c in columns.items()}
        self.cache: dict[str, dict[str, Any]] = {key: {} for key in columns}
        self.cacheable = {
            key for key, c in columns.items() if c.kind in (Kind.CHOICE, Kind.YES_NO, Kind.YEAR, Kind.TEXT)
        } - {"name", "number", "national_number"}

    def value(self, key: str, text: str) -> Any:
        """The converted value; raises _BadValueError for a value the column does not accept."""
        result = _convert(self.cache[key] if key in self.cacheable else None, self.convert[key], text)
        if result.__class__ is _BadValueError:
            raise result
        return result


def _shown(key: str, cell: object, text: str) -> str:
    """The value as the error report shows it: ID numbers masked."""
    if key == "id_number":
        return mask_id_number(text) if len(text) > 10 else text
    return text if text else ("" if cell in (None, "") else str(cell))


def parse_ledger(
    rows: Iterable[list[object]], *, areas: AreaLookup, today: date, progress: Callable[[int], None] | None = None
) -> Ledger:
    """Read and check a whole ledger. Raises LedgerInvalidError when the file has no header row or lacks a
    required column; every other problem is a RowError in the result, and all of them are reported."""
    rows = iter(rows)
    head: list[list[object]] = []
    for row in rows:
        head.append(row)
        if len(head) >= 10:
            break
    header_index = find_header(head)
    if header_index is None:
        raise LedgerInvalidError(
            "在前 10 行中找不到表头：表头行须包含“姓名”“证件号码”“户编号”（或其别名，如“身份证号”“户号”）。"
        )
    header = head[header_index]
    positions: dict[str, int] = {}
    names: dict[str, str] = {}
    unknown: list[str] = []
    for position, cell in enumerate(header):
        label = str(cell or "").strip()
        column = ALIASES.get(normalise_header(cell))
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

    columns = {key: BY_KEY[key] for key in positions}
    reader = _Reader(columns)
    errors: list[RowError] = []
    households: dict[str, HouseholdRows] = {}
    # Per household, its non-blank household-level cells as (key, row, value, text): one flat list keeps a
    # 100,000-person ledger well within memory.
    household_cells: dict[str, list[tuple[str, int, Any, str]]] = defaultdict(list)
    seen_ids: dict[str, int] = {}
    blank = totals = 0
    person_specs = [
        (
            key,
            positions[key],
            BY_KEY[key].field,
            BY_KEY[key].required,
            None if BY_KEY[key].kind in (Kind.YES_NO, Kind.INT) else "",
            reader.cache[key] if key in reader.cacheable else None,
            reader.convert[key],
        )
        for key in positions
        if not BY_KEY[key].household and key != "id_number"
    ]
    household_keys = [k for k in positions if BY_KEY[k].household and k != "number"]
    household_positions = [(k, positions[k]) for k in household_keys]
    id_position, number_position = positions["id_number"], positions["number"]

    def error(row: int, key: str, cell: object, text: str, message: str) -> None:
        errors.append(RowError(row, names.get(key, ""), _shown(key, cell, text), message))

    # The text of each distinct string cell is worked out once: most cells repeat (是, 汉族, 户主, a village).
    text_cache: dict[str, str] = {}
    cached_text = text_cache.get

    def text_of(cell: object) -> str:
        text = _text(cell)
        if cell.__class__ is str and len(cell) <= 12:  # ID numbers and other unique long strings never repeat
            text_cache[cell] = text
        return text

    width = len(header)
    padding = [None] * width
    excel_row = header_index + 1  # 1-based row number of the header
    for row in chain(head[header_index + 1 :], rows):
        excel_row += 1
        if progress is not None and excel_row % 5000 == 0:
            progress(excel_row)
        if len(row) < width:
            row = [*row, *padding[len(row) :]]
        texts = [t if (t := cached_text(c)) is not None else text_of(c) for c in row]  # type: ignore[arg-type]
        if not any(texts):
            blank += 1
            continue
        if not texts[id_position] and any(t.startswith(TOTALS) for t in texts[:8] if t):
            totals += 1
            continue

        # The household number.
        raw_number, number = row[number_position], texts[number_position]
        if isinstance(raw_number, float) and raw_number >= 1e15:
            error(
                excel_row,
                "number",
                raw_number,
                number,
                "户编号被存成了数字，末几位可能已丢失：请把该列设为“文本”后重新录入。",
            )
            continue
        number = number.upper()
        if not number:
            error(excel_row, "number", raw_number, number, "缺少户编号：每一行都要填写所属户的户编号。")
            continue
        if not _HOUSEHOLD_NUMBER.match(number):
            error(excel_row, "number", raw_number, number, "户编号只能包含数字、字母和连字符。")
            continue
        household = households.get(number)
        if household is None:
            household = households[number] = HouseholdRows(number=number, first_row=excel_row)

        # Person-level values. The ID number first: it also gives the birth date and sex.
        values: dict[str, Any] = {}
        row_ok = True
        sex_from_id = None
        raw, text = row[id_position], texts[id_position]
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            error(
                excel_row,
                "id_number",
                raw,
                text,
                "证件号码被存成了数字，末几位已经丢失：请把该列设为“文本”格式后重新录入完整的 18 位号码。",
            )
            row_ok = False
        else:
            try:
                parsed = parse_id_number(text, today=today)
            except IdNumberError as exc:
                error(excel_row, "id_number", raw, text, str(exc))
                row_ok = False
            else:
                first = seen_ids.get(parsed.number)
                if first is not None:
                    error(
                        excel_row,
                        "id_number",
                        raw,
                        parsed.number,
                        f"与第 {first} 行的证件号码重复：同一人只能出现一次。",
                    )
                    row_ok = False
                else:
                    seen_ids[parsed.number] = excel_row
                    values["id_number"], values["birth_date"] = parsed.number, parsed.birth_date
                    sex_from_id = parsed.sex
        for key, position, field_name, required, blank_value, cache, convert in person_specs:
            text = texts[position]
            if not text:
                if required:
                    error(excel_row, key, row[position], text, f"缺少{BY_KEY[key].name}，此项必填。")
                    row_ok = False
                else:
                    values[field_name] = blank_value
                continue
            value = _convert(cache, convert, text)
            if value.__class__ is _BadValueError:
                error(excel_row, key, row[position], text, str(value))
                row_ok = False
                continue
            values[field_name] = value
        if sex_from_id is not None:
            given = values.get("sex")
            if given and given != sex_from_id:
                raw, text = row[positions["sex"]], texts[positions["sex"]]
                error(excel_row, "sex", raw, text, f"性别与证件号码不符：号码第 17 位表示“{sex_from_id}”。")
                row_ok = False
            values["sex"] = sex_from_id
        if row_ok:
            household.persons.append(PersonRow(row=excel_row, values=values))
        elif "relation" in values:
            # Keep the row's relation for the one-head check, so one bad cell does not also report a missing head.
            household.persons.append(PersonRow(row=excel_row, values={"relation": values["relation"], "_bad": True}))

        # Household-level values, checked for agreement once the household is complete.
        cells_of_household = household_cells[number]
        for key, position in household_positions:
            text = texts[position]
            if not text:
                continue  # most members' rows leave the household columns blank
            try:
                value = reader.value(key, text) if key not in ("town", "village") else text
            except _BadValueError as exc:
                error(excel_row, key, row[position], text, str(exc))
                continue
            cells_of_household.append((key, excel_row, value, text))

    for number, household in households.items():
        cells: dict[str, list[tuple[int, Any, str]]] = defaultdict(list)
        for key, row_number, value, text in household_cells.pop(number, ()):
            cells[key].append((row_number, value, text))
        _check_household(household, cells, household_keys, names, areas, today, errors)
        household.persons = [p for p in household.persons if not p.values.get("_bad")]

    errors.sort(key=lambda e: (e.row, e.column))
    return Ledger(
        columns=names,
        unknown_columns=unknown,
        households=households,
        errors=errors,
        blank_rows=blank,
        totals_rows=totals,
    )


def _check_household(
    household: HouseholdRows,
    cells: dict[str, list[tuple[int, Any, str]]],
    present: list[str],
    names: dict[str, str],
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
        reference = next((f for f in found if f[0] == anchor), found[0])
        for row, value, text in found:
            if value != reference[1]:
                error(
                    row,
                    key,
                    text,
                    f"与本户第 {reference[0]} 行的“{reference[2]}”不一致：同一户的{BY_KEY[key].name}必须相同"
                    "（可只填在户主行）。",
                )
        agreed[key] = reference[1]

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
    for key in present:
        column = BY_KEY[key]
        if column.field and key not in INCOME_KEYS:
            blank = None if column.kind in (Kind.YES_NO, Kind.YEAR, Kind.INT) else ""
            household.values[column.field] = agreed.get(key, blank)
    household.extras = {key: agreed.get(key, "") for key in present if key in EXTENSION_KEYS}
    household.anchor_row = anchor
    # Without a 脱贫属性 column the file says nothing about status: a stored status is left as it is.
    household.values.pop("exit_year", None)
    if has_status:
        household.values["status"], household.values["exit_year"] = status, exit_year
