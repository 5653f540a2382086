"""The 住建 department's retrofit ledger (危房改造台账), imported all or nothing — plan ch. 7.

One row per household, found by 户编号 or by the 证件号码 of one of its members (the head's, usually), within
the importing user's scope. Every row is checked first — the household, the type, the stage and a date for each
stage reached, in order, the money, the acceptance to the standards — and nothing is written unless every row
is sound. A row of a household that already has a case updates it, forward only: a ledger whose stage is behind
the system's is an error, never a step back. The browser (upload → preview → confirm) and the
`import_retrofits` command call the same two functions: `retrofit_ledger_check` and `retrofit_ledger_import`.

The file is read by households.ledger.reader (content sniffing, xlsx zip/XML-bomb checks); the error report has
the columns 行号/列/值/问题 (households.ledger.report).
"""

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from common.forms import half_width
from common.history import record_history
from households.idnumber import mask_id_number, normalise_id_number
from households.ledger.reader import read_rows
from households.models import Household, HouseholdStatus, Person
from households.selectors import household_queryset
from households.services import reassess

from .models import STAGE_DATE_FIELDS, RetrofitCase, RetrofitKind, RetrofitStep, Stage
from .rules import STAGES, default_deadline

HEADER_SEARCH_ROWS = 10
NUMBER = "户编号"
ID_NUMBER = "证件号码"
KIND = "改造方式"
STAGE = "当前阶段"
DATE_COLUMNS = {
    Stage.PLANNED: "列入计划日期",
    Stage.STARTED: "开工日期",
    Stage.COMPLETED: "竣工日期",
    Stage.ACCEPTED: "验收日期",
    Stage.OCCUPIED: "入住日期",
}
DEADLINE = "验收期限"
MONEY_COLUMNS = {
    "planned_subsidy": "计划补助",
    "subsidy_central": "中央补助",
    "subsidy_province": "省级补助",
    "subsidy_city": "市级补助",
    "subsidy_district": "区级补助",
    "self_paid": "农户自筹",
}
BUILDING = "符合建设标准"
SEISMIC = "符合抗震要求"
INSPECTOR = "验收人"
# The template's columns, in order (the export for inspection writes the same ones, so it re-imports).
COLUMNS = (
    NUMBER,
    ID_NUMBER,
    KIND,
    STAGE,
    *DATE_COLUMNS.values(),
    DEADLINE,
    *MONEY_COLUMNS.values(),
    BUILDING,
    SEISMIC,
    INSPECTOR,
)
# The template's example row (the import page's 下载模板).
TEMPLATE_EXAMPLE = [
    "3703901002010001", "", "原址翻建", "竣工", "2018-03-01", "2018-04-10", "2018-07-20", "", "", "2018-12-31",
    35000, 17500, 7000, 5250, 5250, 3000, "", "", "",
]  # fmt: skip
# Other names a 住建 ledger uses for the same column.
ALIASES = {
    "户主证件号码": ID_NUMBER,
    "户主身份证号": ID_NUMBER,
    "身份证号码": ID_NUMBER,
    "改造类型": KIND,
    "进度": STAGE,
    "改造进度": STAGE,
    "验收合格日期": DATE_COLUMNS[Stage.ACCEPTED],
}
YES = frozenset({"是", "符合", "√", "✓", "Y", "YES", "TRUE", "1"})
NO = frozenset({"否", "不符合", "×", "✗", "N", "NO", "FALSE", "0"})


@dataclass(frozen=True)
class RowError:
    """One problem: the row number as Excel shows it, the column as the file names it, the value, the fix."""

    row: int
    column: str
    value: str
    message: str


@dataclass
class RowPlan:
    row: int
    household_id: int
    number: str
    action: str  # create / update / unchanged
    values: dict[str, Any] = field(default_factory=dict)
    case_id: int | None = None


@dataclass
class LedgerCheck:
    plans: list[RowPlan]
    errors: list[RowError]
    rows: int

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.plans)

    def count(self, action: str) -> int:
        return sum(1 for p in self.plans if p.action == action)


def _canonical(cell: Any) -> str:
    name = re.sub(r"[（(].*?[)）]", "", half_width(str(cell or ""))).replace(" ", "")
    return ALIASES.get(name, name)


def _find_header(rows: list[list[Any]]) -> int | None:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        names = {_canonical(c) for c in row}
        if KIND in names and STAGE in names and (NUMBER in names or ID_NUMBER in names):
            return index
    return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return half_width(str(value))


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    if match is None:
        raise ValueError("日期格式应为 2018-05-01")
    return dt.date(*(int(g) for g in match.groups()))


def _money(value: Any) -> Decimal | None:
    text = _text(value).replace(",", "").replace("元", "")
    if not text:
        return None
    try:
        amount = Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise ValueError("金额应为数字，如 20000 或 20000.50") from exc
    if amount < 0:
        raise ValueError("金额不能为负数")
    return amount


def _yes_no(value: Any) -> bool | None:
    text = _text(value).upper()
    if not text:
        return None
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError("请填“是”或“否”")


def _shown(value: Any) -> str:
    text = _text(value)
    return mask_id_number(text) if len(text) in (15, 18) and text[:6].isdigit() else text


class _Row:
    """One ledger row, read cell by cell; each problem is kept with its column and value."""

    def __init__(self, number: int, cells: dict[str, Any]) -> None:
        self.number = number
        self.cells = cells
        self.errors: list[RowError] = []

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, _shown(self.cells.get(column)), message))

    def read(self, column: str, parse: Any) -> Any:
        try:
            return parse(self.cells.get(column))
        except ValueError as exc:
            self.error(column, str(exc))
            return None


def _households_by_keys(
    user: User, numbers: Iterable[str], id_numbers: Iterable[str]
) -> tuple[dict[str, Household], dict[str, Household]]:
    """The households of the file in the user's scope, by number and by members' ID numbers (two queries)."""
    scope = household_queryset(user)
    by_number = {h.number: h for h in scope.filter(number__in=set(numbers))}
    by_id: dict[str, Household] = {}
    people = Person.objects.active().filter(id_number__in=set(id_numbers), household__in=scope)
    for person in people.select_related("household"):
        by_id[person.id_number] = person.household
    return by_number, by_id


def _check_row(row: _Row, household: Household | None, case: RetrofitCase | None, today: dt.date) -> RowPlan | None:
    kind = row.read(KIND, _text)
    if kind not in RetrofitKind.values:
        row.error(KIND, f"改造方式应为{'、'.join(RetrofitKind.values)}之一")
    stage = row.read(STAGE, _text)
    if stage not in STAGES:
        row.error(STAGE, f"当前阶段应为{'→'.join(STAGES)}之一")
        stage = None
    dates = {s: row.read(column, _date) for s, column in DATE_COLUMNS.items()}
    deadline = row.read(DEADLINE, _date)
    money = {name: row.read(column, _money) for name, column in MONEY_COLUMNS.items()}
    building, seismic = row.read(BUILDING, _yes_no), row.read(SEISMIC, _yes_no)
    inspector = row.read(INSPECTOR, _text)
    if stage is not None:
        reached = STAGES[: STAGES.index(stage) + 1]
        previous: tuple[str, dt.date] | None = None
        for s in STAGES:
            on = dates[s]
            if s in reached and on is None and DATE_COLUMNS[s] in row.cells:
                row.error(DATE_COLUMNS[s], f"当前阶段为“{stage}”，请填写{DATE_COLUMNS[s]}（不能跳过步骤）")
            elif s in reached and on is None:
                row.error(DATE_COLUMNS[s], f"当前阶段为“{stage}”，台账缺少“{DATE_COLUMNS[s]}”列")
            elif s not in reached and on is not None:
                row.error(DATE_COLUMNS[s], f"当前阶段为“{stage}”，还没有到“{s}”，不应填写此日期")
            elif on is not None:
                if on > today:
                    row.error(DATE_COLUMNS[s], "日期不能晚于今天")
                elif previous is not None and on < previous[1]:
                    row.error(DATE_COLUMNS[s], f"{s}日期不能早于{previous[0]}日期（{previous[1]:%Y-%m-%d}）")
                previous = (s, on)
        if "验收合格" in reached:
            if building is not True:
                row.error(BUILDING, "已验收的须符合农村危房改造建设标准（填“是”）")
            if seismic is not True:
                row.error(SEISMIC, "已验收的须符合抗震设防要求（填“是”）")
            if not inspector:
                row.error(INSPECTOR, "已验收的请填写验收人")
        if case is not None and STAGES.index(stage) < STAGES.index(case.stage):
            row.error(STAGE, f"台账阶段落后于系统：系统中该户已到“{case.stage}”，不能退回")
    if household is not None and case is None and household.status == HouseholdStatus.REMOVED:
        row.error(NUMBER, "该户已自然减少，不能新建改造任务")
    if row.errors or household is None or stage is None:
        return None
    values: dict[str, Any] = {
        "kind": kind,
        "stage": stage,
        **{STAGE_DATE_FIELDS[s]: on for s, on in dates.items()},
        **{name: amount for name, amount in money.items() if amount is not None},
        "inspector": inspector,
        "meets_building_standard": bool(building),
        "meets_seismic_standard": bool(seismic),
        "deadline": deadline or (case.deadline if case else default_deadline(dates[Stage.PLANNED])),
    }
    if case is None:
        return RowPlan(row.number, household.pk, household.number, "create", values)
    same = all(getattr(case, name) == value for name, value in values.items())
    return RowPlan(row.number, household.pk, household.number, "unchanged" if same else "update", values, case.pk)


def retrofit_ledger_check(path: Path, *, user: User, today: dt.date | None = None) -> LedgerCheck:
    """Check every row of the ledger at `path` for `user` (raises LedgerUnreadableError for a file that cannot be
    read at all). Nothing is written."""
    today = today or timezone.localdate()
    all_rows = [list(r) for r in read_rows(path)]
    header_index = _find_header(all_rows)
    if header_index is None:
        return LedgerCheck(
            [], [RowError(1, "", "", f"找不到表头行：台账须有“{NUMBER}”（或“{ID_NUMBER}”）、“{KIND}”、“{STAGE}”列")], 0
        )
    names = [_canonical(c) for c in all_rows[header_index]]
    rows: list[_Row] = []
    for offset, cells in enumerate(all_rows[header_index + 1 :], start=header_index + 2):
        by_name = {name: cells[i] if i < len(cells) else None for i, name in enumerate(names) if name}
        if any(_text(v) for v in by_name.values()):
            rows.append(_Row(offset, by_name))
    numbers = [_text(r.cells.get(NUMBER)) for r in rows]
    ids = [normalise_id_number(_text(r.cells.get(ID_NUMBER))) for r in rows]
    by_number, by_id = _households_by_keys(user, numbers, ids)
    cases = {
        c.household_id: c
        for c in RetrofitCase.objects.valid().filter(household__in=[*by_number.values(), *by_id.values()])
    }
    plans, errors, seen = [], [], {}
    for row, number, id_number in zip(rows, numbers, ids, strict=True):
        household = by_number.get(number) if number else None
        if number and household is None:
            row.error(NUMBER, "未找到该户编号，或该户不在您的管辖范围内")
        if id_number:
            other = by_id.get(id_number)
            if other is None:
                row.error(ID_NUMBER, "未找到该证件号码的在册成员，或该户不在您的管辖范围内")
            elif household is not None and other.pk != household.pk:
                row.error(ID_NUMBER, f"该证件号码属于户 {other.number}，与户编号 {number} 不一致")
            household = household or other
        if not number and not id_number:
            row.error(NUMBER, f"请填写{NUMBER}或{ID_NUMBER}")
        if household is not None and household.pk in seen:
            row.error(NUMBER, f"该户在第 {seen[household.pk]} 行已出现，每户只能一行")
        elif household is not None:
            seen[household.pk] = row.number
        plan = _check_row(row, household, cases.get(household.pk) if household else None, today)
        errors.extend(row.errors)
        if plan is not None:
            plans.append(plan)
    if not rows:
        errors.append(RowError(header_index + 2, "", "", "台账没有数据行"))
    return LedgerCheck(plans, errors, len(rows))


@transaction.atomic
def retrofit_ledger_import(check: LedgerCheck, *, actor: User) -> LedgerCheck:
    """Write a checked ledger: all rows or none. Refuses a check with any error."""
    if not check.ok:
        raise ValueError("台账有错误，未导入任何数据")
    reason = "住建部门危房改造台账导入"
    existing = {
        c.pk: c
        for c in RetrofitCase.objects.select_for_update().filter(pk__in=[p.case_id for p in check.plans if p.case_id])
    }
    for plan in check.plans:
        if plan.action == "unchanged":
            continue
        if plan.case_id is None:
            case = RetrofitCase(household_id=plan.household_id, created_by=actor)
            before = None
        else:
            case = existing[plan.case_id]
            before = case.stage
        for name, value in plan.values.items():
            setattr(case, name, value)
        record_history(case, actor=actor, reason=reason)
        case.save()
        start = 0 if before is None else STAGES.index(before) + 1
        for s in STAGES[start : STAGES.index(case.stage) + 1]:
            RetrofitStep.objects.create(case=case, stage=s, on=case.stage_date(s), actor=actor, note=reason)
    reassess([p.household_id for p in check.plans if p.action != "unchanged"])
    return check
