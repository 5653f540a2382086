"""Building ledger files for the import tests: .xlsx, real .xls and CSV, with the messiness of real ones."""

import csv
from datetime import date
from pathlib import Path
from typing import Any

import xlwt
from openpyxl import Workbook

from .factories import id_number

HEADER = [
    "乡(镇)", "行政村", "户编号", "姓名", "证件号码", "与户主关系", "性别", "民族", "在校生状况",
    "是否参加城乡居民基本医疗保险", "贫困户属性", "主要致贫原因", "识别年度", "脱贫属性", "脱贫年度",
    "住房安全等级", "是否解决安全饮用水", "工资性收入", "生产经营性收入", "财产性收入", "转移性收入",
    "生产经营性支出", "人均纯收入", "联系电话",
]  # fmt: skip


def head(number: str, name: str, *, town: str = "商家镇", village: str = "商家村", **cells: Any) -> dict[str, Any]:
    """The 户主 row of a household, with the household-level values."""
    row = {
        "乡(镇)": town,
        "行政村": village,
        "户编号": number,
        "姓名": name,
        "证件号码": id_number(birth=date(1965, 3, 3)),
        "与户主关系": "户主",
        "民族": "汉族",
        "是否参加城乡居民基本医疗保险": "是",
        "贫困户属性": "一般贫困户",
        "主要致贫原因": "因病",
        "识别年度": "2015",
        "脱贫属性": "未脱贫",
        "住房安全等级": "B",
        "是否解决安全饮用水": "是",
        "工资性收入": 6000,
        "转移性收入": 1200,
        "联系电话": "13800138000",
    }
    row.update(cells)
    return row


def member(
    number: str,
    name: str,
    relation: str = "配偶",
    *,
    birth: date = date(1967, 7, 7),
    male: bool = False,
    town: str = "商家镇",
    village: str = "商家村",
    **cells: Any,
) -> dict[str, Any]:
    """Another member's row: household values left blank, as real ledgers do."""
    row = {
        "乡(镇)": town,
        "行政村": village,
        "户编号": number,
        "姓名": name,
        "证件号码": id_number(birth=birth, male=male),
        "与户主关系": relation,
        "民族": "汉族",
        "是否参加城乡居民基本医疗保险": "是",
    }
    row.update(cells)
    return row


def _grid(rows: list[dict[str, Any]], header: list[str]) -> list[list[Any]]:
    return [[row.get(column, "") for column in header] for row in rows]


def write_xlsx(
    path: Path,
    rows: list[dict[str, Any]],
    *,
    header: list[str] = HEADER,
    titles: tuple[str, ...] = (),
    extra: list[list[Any]] = (),
) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    for title in titles:
        sheet.append([title])
    sheet.append(header)
    for row in _grid(rows, header):
        sheet.append(row)
    for row in extra:
        sheet.append(row)
    workbook.save(path)
    return path


def write_xls(
    path: Path,
    rows: list[dict[str, Any]],
    *,
    header: list[str] = HEADER,
    titles: tuple[str, ...] = (),
    extra: list[list[Any]] = (),
) -> Path:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("贫困人口明细")
    lines = [[t] for t in titles] + [header] + _grid(rows, header) + list(extra)
    for r, line in enumerate(lines):
        for c, value in enumerate(line):
            if value not in ("", None):
                sheet.write(r, c, value)
    book.save(str(path))
    return path


def write_csv(path: Path, rows: list[dict[str, Any]], *, header: list[str] = HEADER, encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(_grid(rows, header))
    return path
