"""The ledger's columns as FORMAT.md lists them: canonical name, accepted aliases, level and allowed values.

Only the registry's own columns are named here. A column another app stores (帮扶责任人 ...) is declared by that
app as an `ExtensionColumn` and registered through `households.ledger.extensions`.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from households.models import (
    Education,
    Health,
    HouseGrade,
    HouseholdAttribute,
    LabourAbility,
    PovertyCause,
    Relation,
    SchoolStatus,
    Sex,
    WorkStatus,
)
from households.phone import mask_phone


class Kind(Enum):
    TEXT = "text"
    CHOICE = "choice"  # one of `values`
    YES_NO = "yes_no"  # 是/否, also √/×, Y/N
    YEAR = "year"  # 2016, 2016年, 2016.0
    MONEY = "money"  # yuan
    INT = "int"
    ID_NUMBER = "id_number"
    PHONE = "phone"


@dataclass(frozen=True)
class Column:
    name: str  # canonical name, used in exports
    key: str  # our name for it
    household: bool  # household-level (same on every row of a household) or person-level
    kind: Kind = Kind.TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()
    values: tuple[str, ...] = ()
    field: str | None = None  # the model field it fills, when there is one


class Level(Enum):
    HOUSEHOLD = "household"  # one value per household: on the 户主's row, other rows blank or the same
    PERSON = "person"  # one value per member's row


class BadValueError(ValueError):
    """A cell's value is not acceptable; the message says, in Chinese, why and what to write instead."""


@dataclass(frozen=True)
class ExtensionColumn:
    """A column another app stores, declared by that app (see households.ledger.extensions)."""

    name: str  # canonical name, used in exports
    key: str  # the app's name for it; unique among all ledger columns
    level: Level
    # The cell's text (normalised: half-width, no spaces; never blank) → the value; raises BadValueError.
    parse: Callable[[str], Any] = str
    aliases: tuple[str, ...] = ()
    # How a value is written in an export without the permission to see it whole (e.g. mask_phone); the
    # parse function must then accept the masked form back (a MaskedPhone, say) so the export re-imports.
    mask: Callable[[Any], Any] | None = None

    @property
    def household(self) -> bool:
        return self.level == Level.HOUSEHOLD


@dataclass(frozen=True)
class MaskedPhone:
    """A phone number as a masked export writes it (138****8000). It cannot set a number, only confirm the
    stored one: the importer keeps the stored number when it looks the same masked, and refuses it otherwise."""

    text: str

    def matches(self, stored: str) -> bool:
        return bool(stored) and mask_phone(stored) == self.text

    def __str__(self) -> str:
        return self.text


def _values(choices: type) -> tuple[str, ...]:
    return tuple(choices.values)


COLUMNS: tuple[Column, ...] = (
    Column("县(市、区、旗)", "county", True, aliases=("县", "区县", "县(市、区)")),
    Column("乡(镇)", "town", True, required=True, aliases=("乡镇", "镇", "乡镇(街道)")),
    Column("行政村", "village", True, required=True, aliases=("村", "村(社区)", "村委会")),
    Column("自然村", "natural_village", True, aliases=("村民小组", "组"), field="natural_village"),
    Column("户编号", "number", True, required=True, aliases=("户号", "家庭编号", "户主编号"), field="number"),
    Column("人编号", "national_number", False, aliases=("人口编号", "成员编号"), field="national_number"),
    Column("姓名", "name", False, required=True, aliases=("成员姓名",), field="name"),
    Column(
        "证件号码",
        "id_number",
        False,
        Kind.ID_NUMBER,
        required=True,
        aliases=("身份证号", "身份证号码", "公民身份号码", "证件号"),
        field="id_number",
    ),
    Column("人数", "size", True, Kind.INT, aliases=("家庭人口数", "家庭人口")),
    Column(
        "与户主关系",
        "relation",
        False,
        Kind.CHOICE,
        required=True,
        aliases=("关系",),
        values=_values(Relation),
        field="relation",
    ),
    Column("性别", "sex", False, Kind.CHOICE, values=_values(Sex), field="sex"),
    Column("民族", "ethnicity", False, field="ethnicity"),
    Column("文化程度", "education", False, Kind.CHOICE, values=_values(Education), field="education"),
    Column(
        "在校生状况",
        "school_status",
        False,
        Kind.CHOICE,
        aliases=("在校情况", "在校生情况"),
        values=_values(SchoolStatus),
        field="school_status",
    ),
    Column("健康状况", "health", False, Kind.CHOICE, values=_values(Health), field="health"),
    Column(
        "劳动技能",
        "labour_ability",
        False,
        Kind.CHOICE,
        aliases=("劳动能力",),
        values=_values(LabourAbility),
        field="labour_ability",
    ),
    Column("务工状况", "work_status", False, Kind.CHOICE, values=_values(WorkStatus), field="work_status"),
    Column("务工时间(月)", "work_months", False, Kind.INT, aliases=("务工时间",), field="work_months"),
    Column(
        "是否参加城乡居民基本医疗保险",
        "medical_insurance",
        False,
        Kind.YES_NO,
        aliases=("参加城乡居民基本医疗保险", "是否参加新型农村合作医疗", "参加新农合", "是否参加新农合"),
        field="medical_insurance",
    ),
    Column(
        "是否参加大病保险",
        "critical_illness_insurance",
        False,
        Kind.YES_NO,
        aliases=("参加大病医疗", "参加大病保险"),
        field="critical_illness_insurance",
    ),
    Column(
        "是否参加城乡居民基本养老保险",
        "pension_insurance",
        False,
        Kind.YES_NO,
        aliases=("参加城乡居民基本养老保险", "是否参加新型养老保险"),
        field="pension_insurance",
    ),
    Column(
        "是否享受低保", "dibao", False, Kind.YES_NO, aliases=("是否享受农村居民最低生活保障", "低保人口"), field="dibao"
    ),
    Column("是否特困供养人员", "tekun", False, Kind.YES_NO, aliases=("特困供养", "是否五保"), field="tekun"),
    Column(
        "贫困户属性",
        "attribute",
        True,
        Kind.CHOICE,
        required=True,
        aliases=("户类型", "贫困户类型"),
        values=_values(HouseholdAttribute),
        field="attribute",
    ),
    Column(
        "主要致贫原因",
        "main_cause",
        True,
        Kind.CHOICE,
        required=True,
        aliases=("致贫原因", "致贫原因1"),
        values=_values(PovertyCause),
        field="main_cause",
    ),
    Column(
        "识别年度",
        "registration_year",
        True,
        Kind.YEAR,
        aliases=("首次识别时间", "建档立卡年度", "纳入年度"),
        field="registration_year",
    ),
    Column(
        "脱贫属性",
        "status",
        True,
        Kind.CHOICE,
        aliases=("贫困状态", "脱贫状态", "是否脱贫"),
        values=("未脱贫", "已脱贫", "返贫"),
        field="status",
    ),
    Column("脱贫年度", "exit_year", True, Kind.YEAR, field="exit_year"),
    Column("危房户", "dilapidated", True, Kind.YES_NO, aliases=("是否危房户", "是否危房"), field="dilapidated"),
    Column(
        "住房安全等级",
        "house_grade",
        True,
        Kind.CHOICE,
        aliases=("房屋安全等级", "危房等级"),
        values=_values(HouseGrade),
        field="house_grade",
    ),
    Column(
        "是否解决安全饮用水", "safe_water", True, Kind.YES_NO, aliases=("饮水安全", "是否饮水安全"), field="safe_water"
    ),
    Column("不愁吃", "enough_food", True, Kind.YES_NO, field="enough_food"),
    Column("不愁穿", "enough_clothing", True, Kind.YES_NO, field="enough_clothing"),
    Column("工资性收入", "wage", True, Kind.MONEY, field="wage"),
    Column("生产经营性收入", "business", True, Kind.MONEY, aliases=("家庭经营性收入",), field="business"),
    Column("财产性收入", "property_income", True, Kind.MONEY, field="property_income"),
    Column("转移性收入", "transfer", True, Kind.MONEY, field="transfer"),
    Column("生产经营性支出", "business_cost", True, Kind.MONEY, aliases=("生产经营费用支出",), field="business_cost"),
    Column(
        "人均纯收入",
        "per_capita",
        True,
        Kind.MONEY,
        aliases=("家庭年人均纯收入", "人均纯收入(元)"),
    ),
    Column("联系电话", "phone", True, Kind.PHONE, aliases=("户联系电话", "电话"), field="phone"),
)

BY_KEY = {c.key: c for c in COLUMNS}
# The columns an export adds, computed by the rules (DESIGN §9). An import recognises and skips them, so an
# exported ledger re-imports without "unknown column" notes; they are never read back as data.
COMPUTED_COLUMNS = ("人均纯收入(计算)", "收入档次", "未达标项", "达到脱贫标准")
# Words read as another allowed value (FORMAT.md: 五保贫困户 is read as 特困供养贫困户).
SYNONYMS = {"attribute": {"五保贫困户": "特困供养贫困户"}, "house_grade": {"a": "A", "b": "B", "c": "C", "d": "D"}}
YES = frozenset({"是", "√", "Y", "YES", "有", "1", "TRUE"})
NO = frozenset({"否", "×", "X", "N", "NO", "无", "0", "FALSE"})
INCOME_KEYS = ("wage", "business", "property_income", "transfer", "business_cost")

_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")"})


def normalise_header(text: object) -> str:
    """A header cell as a comparable key: full-width → half-width, brackets unified, no spaces or line breaks."""
    value = unicodedata.normalize("NFKC", str(text or "")).translate(_BRACKETS)
    return re.sub(r"\s+", "", value)


ALIASES: dict[str, Column] = {}
for _column in COLUMNS:
    for _name in (_column.name, *_column.aliases):
        ALIASES[normalise_header(_name)] = _column

HEADER_KEYS = frozenset({"name", "id_number", "number"})  # a header row names all three
HEADER_SEARCH_ROWS = 10


def find_header(rows: list[list[object]]) -> int | None:
    """The index of the header row among the first rows: the first that names 姓名, 证件号码 and 户编号
    under any alias (FORMAT.md). None when there is none."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = {ALIASES[h].key for h in map(normalise_header, row) if h in ALIASES}
        if keys >= HEADER_KEYS:
            return index
    return None
