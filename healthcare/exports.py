"""The year's medical-aid list as a workbook for disbursement (plan ch. 6 §2 一). Same scoped selector as the page;
ID numbers masked unless the user may export the full ledger; text cells written as text (households.ledger.xlsx)."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db.models import QuerySet

from accounts.models import Area
from households.idnumber import mask_id_number
from households.ledger.xlsx import write_table

from .models import Expense

HEADER = [
    "乡镇", "村", "户编号", "姓名", "证件号码", "就诊/结算日期", "医院", "医院级别", "总费用", "政策范围内费用",
    "基本医保报销", "大病保险报销", "救助类别", "救助比例", "救助基数", "医疗救助", "计算过程", "结算单号",
]  # fmt: skip


def _rows(expenses: QuerySet[Expense], *, full: bool) -> Iterator[list[Any]]:
    for e in expenses.iterator(chunk_size=2000):
        village = e.household.village
        number = e.person.id_number
        yield [
            village.parent.name if village.parent_id else "", village.name, e.household.number, e.person.name,
            number if full else mask_id_number(number), e.visited_on.isoformat(), e.hospital, e.level,
            float(e.total), float(e.in_scope), float(e.basic_paid), float(e.critical_paid), e.aid_group,
            f"{int(e.aid_rate * 100)}%", float(e.aid_base), float(e.aid), e.aid_words, e.settlement_number,
        ]  # fmt: skip


def aid_list_export(path: Path, expenses: QuerySet[Expense], *, year: int, town: Area | None, full: bool) -> int:
    """Write the list; returns the number of rows."""
    title = f"{year} 年医疗救助名单（{town.name if town else '全部乡镇'}）"
    return write_table(path, title=title, header=HEADER, rows=_rows(expenses, full=full))
