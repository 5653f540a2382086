"""The change list for keying into the national system (全国扶贫开发信息系统): every household and person
changed since a date, in the national system's column order (the township ledger's order, FORMAT.md), so the
clerk types the same changes there — plan ch. 12 §2 (动态管理). The national system has no API (DESIGN §1).

Read from the registry's history (django-simple-history): one row per person whose record changed, and one
row (the head's) per household whose own fields changed; the row says what changed and when. ID numbers are
masked unless the user may export the full ledger (`households.export_full_ledger`, for 回传国家系统).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from io import BytesIO
from typing import Any

from django.utils import timezone

from accounts.models import Area, User
from households.idnumber import mask_id_number
from households.models import Household, Person, Relation
from households.phone import mask_phone
from households.selectors import household_queryset

from .pack import _xlsx_cell

# (column name, level, field) in the national system's order; level "h" household, "p" person.
NATIONAL_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("乡(镇)", "h", "town"),
    ("行政村", "h", "village"),
    ("自然村", "h", "natural_village"),
    ("户编号", "h", "number"),
    ("人编号", "p", "national_number"),
    ("姓名", "p", "name"),
    ("证件号码", "p", "id_number"),
    ("与户主关系", "p", "relation"),
    ("性别", "p", "sex"),
    ("民族", "p", "ethnicity"),
    ("文化程度", "p", "education"),
    ("在校生状况", "p", "school_status"),
    ("健康状况", "p", "health"),
    ("劳动技能", "p", "labour_ability"),
    ("务工状况", "p", "work_status"),
    ("务工时间(月)", "p", "work_months"),
    ("是否参加城乡居民基本医疗保险", "p", "medical_insurance"),
    ("是否参加大病保险", "p", "critical_illness_insurance"),
    ("是否参加城乡居民基本养老保险", "p", "pension_insurance"),
    ("是否享受低保", "p", "dibao"),
    ("是否特困供养人员", "p", "tekun"),
    ("贫困户属性", "h", "attribute"),
    ("主要致贫原因", "h", "main_cause"),
    ("脱贫属性", "h", "status"),
    ("脱贫年度", "h", "exit_year"),
    ("危房户", "h", "dilapidated"),
    ("住房安全等级", "h", "house_grade"),
    ("是否解决安全饮用水", "h", "safe_water"),
    ("联系电话", "h", "phone"),
    ("减少原因", "p", "left_reason"),
    ("减少日期", "p", "left_on"),
)
HEADER = ["变更类型", "变更内容", "最近变更时间", *[c[0] for c in NATIONAL_COLUMNS]]
_IGNORED = {"id", "household_id", "village_id", "created_at", "updated_at"}


@dataclass(frozen=True)
class ChangeRow:
    kind: str
    what: str
    at: datetime
    values: list[Any]


def _changed_fields(records: list[Any], model: type, since: datetime) -> tuple[str, set[str], datetime] | None:
    """From one object's history (oldest first): whether it was created in the window, the names of the fields
    changed in the window, and when last."""
    created = False
    fields: set[str] = set()
    last = None
    previous = None
    for rec in records:
        if rec.history_date >= since:
            last = rec.history_date
            if rec.history_type == "+" or previous is None:
                created = True
            else:
                for f in model._meta.concrete_fields:
                    name = f.attname
                    if name in _IGNORED:
                        continue
                    if getattr(rec, name, None) != getattr(previous, name, None):
                        fields.add(str(f.verbose_name))
        previous = rec
    if last is None or (not created and not fields):
        return None
    return ("新增" if created else "修改"), fields, last


def _display(value: Any, field: str, *, full: bool) -> Any:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if field == "id_number" and not full:
        return mask_id_number(value)
    if field == "phone" and not full:
        return mask_phone(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def changes_rows(user: User, *, since: date, town: Area | None, full: bool) -> list[ChangeRow]:
    """Every change since `since` to the households in the user's scope (optionally one town), oldest first
    by household number, in a fixed number of queries."""
    start = timezone.make_aware(datetime.combine(since, time.min))
    households = household_queryset(user)
    if town is not None:
        households = households.filter(village__parent=town)
    ids = households.values("pk")
    hh_history: dict[int, list[Any]] = defaultdict(list)
    touched_hh = Household.history.filter(history_date__gte=start, id__in=ids).values("id")
    for rec in Household.history.filter(id__in=touched_hh).order_by("id", "history_date", "history_id"):
        hh_history[rec.id].append(rec)
    p_history: dict[int, list[Any]] = defaultdict(list)
    touched_p = Person.history.filter(history_date__gte=start, household_id__in=ids).values("id")
    for rec in Person.history.filter(id__in=touched_p).order_by("id", "history_date", "history_id"):
        p_history[rec.id].append(rec)
    changed_hh = {pk: c for pk, recs in hh_history.items() if (c := _changed_fields(recs, Household, start))}
    changed_p = {pk: c for pk, recs in p_history.items() if (c := _changed_fields(recs, Person, start))}
    heads = {
        p.household_id: p
        for p in Person.objects.filter(household_id__in=list(changed_hh), relation=Relation.HEAD, left_reason="")
    }
    people = {p.pk: p for p in Person.objects.filter(pk__in=list(changed_p))}
    homes = {
        h.pk: h
        for h in Household.objects.filter(
            pk__in={*changed_hh, *(p.household_id for p in people.values())}
        ).select_related("village__parent")
    }

    def values(household: Household, person: Person | None) -> list[Any]:
        out = []
        for _name, level, field in NATIONAL_COLUMNS:
            if field == "town":
                value: Any = household.village.parent.name if household.village.parent else ""
            elif field == "village":
                value = household.village.name
            elif level == "h":
                value = getattr(household, field)
            else:
                value = getattr(person, field) if person is not None else ""
            out.append(_display(value, field, full=full))
        return out

    rows = []
    for pk, (kind, fields, at) in changed_hh.items():
        household = homes[pk]
        what = "建档" if kind == "新增" else "户信息：" + "、".join(sorted(fields))
        rows.append(ChangeRow(f"户{kind}", what, at, values(household, heads.get(pk))))
    for pk, (kind, fields, at) in changed_p.items():
        person = people[pk]
        household = homes[person.household_id]
        if person.left_reason and "减少原因" in fields:
            kind_label, what = "人员减少", f"{person.left_reason}"
        elif kind == "新增":
            kind_label, what = "人员新增", "新增成员"
        else:
            kind_label, what = "人员修改", "、".join(sorted(fields))
        rows.append(ChangeRow(kind_label, what, at, values(household, person)))
    rows.sort(key=lambda r: (r.values[3], r.kind, r.at))
    return rows


def changes_workbook(user: User, *, since: date, town: Area | None, full: bool) -> bytes:
    """The change list as an xlsx: the title row, then HEADER, one row per change."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("变更清单")
    sheet.append([_xlsx_cell(sheet, f"{since:%Y-%m-%d} 以来的变更（录入国家系统用）")])
    sheet.append([_xlsx_cell(sheet, h) for h in HEADER])
    for row in changes_rows(user, since=since, town=town, full=full):
        cells = [row.kind, row.what, timezone.localtime(row.at).strftime("%Y-%m-%d %H:%M"), *row.values]
        sheet.append([_xlsx_cell(sheet, v) for v in cells])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
