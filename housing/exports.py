"""The inspection export (迎检清单) of the housing records — plan ch. 7 二 (督导督查, 年度绩效评价), ch. 11 二.

Two sheets from the same scoped selectors as the pages: 危房改造 (the import's own columns, so the file
re-imports, plus 逾期 and 住房安全) and 饮水安全 (each surveyed household's latest survey). ID numbers are
masked unless the user holds households.export_full_ledger; every text cell is written as text, so a value
starting with = + - @ is never a formula (households.ledger.xlsx.text_cell).
"""

from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from accounts.models import User
from households.idnumber import mask_id_number
from households.ledger.xlsx import text_cell
from households.models import Person, Relation

from .imports import BUILDING, COLUMNS, DATE_COLUMNS, DEADLINE, INSPECTOR, MONEY_COLUMNS, SEISMIC
from .rules import retrofit_overdue
from .selectors import board_cases, case_facts, water_list

CASE_HEADER = ["行政村", "户主", *COLUMNS, "补助合计", "是否逾期"]
WATER_HEADER = [
    "行政村",
    "户编号",
    "户主",
    "调查日期",
    "供水方式",
    "水量",
    "水质",
    "用水方便程度",
    "供水保证率",
    "饮水安全",
    "未达标项",
]


def _yes_no(value: bool | None) -> str:
    return {True: "是", False: "否"}.get(value, "未填写")


def _heads(household_ids: list[int]) -> dict[int, Person]:
    heads = Person.objects.active().filter(household_id__in=household_ids, relation=Relation.HEAD)
    return {p.household_id: p for p in heads}


def housing_export(path: Path, *, user: User, as_of: date, full: bool) -> int:
    """Write the export for `user`'s scope to `path`; returns the number of retrofit cases written."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)

    def append(sheet: Any, values: list[Any], *, header: bool = False) -> None:
        cells = []
        for value in values:
            if isinstance(value, str):
                cell = text_cell(sheet, value)
                if header:
                    cell.font = bold
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)

    cases = list(board_cases(user).order_by("household__village__code", "household__number"))
    heads = _heads([c.household_id for c in cases])
    sheet = workbook.create_sheet("危房改造")
    append(sheet, CASE_HEADER, header=True)
    for case in cases:
        head = heads.get(case.household_id)
        id_number = "" if head is None else (head.id_number if full else mask_id_number(head.id_number))
        by_column = {
            "户编号": case.household.number,
            "证件号码": id_number,
            "改造方式": case.kind,
            "当前阶段": case.stage,
            **{column: case.stage_date(stage) for stage, column in DATE_COLUMNS.items()},
            DEADLINE: case.deadline,
            **{column: getattr(case, name) for name, column in MONEY_COLUMNS.items()},
            BUILDING: "是" if case.meets_building_standard else "否",
            SEISMIC: "是" if case.meets_seismic_standard else "否",
            INSPECTOR: case.inspector,
        }
        append(
            sheet,
            [
                case.household.village.name,
                head.name if head else "",
                *(by_column[c] for c in COLUMNS),
                case.subsidy_total,
                "是" if retrofit_overdue(case_facts(case), as_of=as_of) else "否",
            ],
        )
    rows, _rates, _unsurveyed = water_list(user)  # every surveyed household
    water_heads = _heads([r.household.pk for r in rows])
    sheet = workbook.create_sheet("饮水安全")
    append(sheet, WATER_HEADER, header=True)
    for row in rows:
        s = row.survey
        head = water_heads.get(row.household.pk)
        append(
            sheet,
            [
                row.household.village.name,
                row.household.number,
                head.name if head else "",
                s.surveyed_on,
                s.source,
                _yes_no(s.quantity_ok),
                _yes_no(s.quality_ok),
                _yes_no(s.convenience_ok),
                _yes_no(s.guarantee_ok),
                _yes_no(row.safe),
                "、".join(row.gaps),
            ],
        )
    workbook.save(path)
    return len(cases)
