"""Writes of the accounts app: the area tree and the demo users."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from .models import PARENT_LEVEL, Area, AreaLevel

AREA_COLUMNS = ("code", "name", "level", "parent_code")


class AreaFileError(Exception):
    """The area file cannot be loaded; `problems` lists every bad line, in Chinese."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class AreaLoadResult:
    created: int
    updated: int
    unchanged: int


def _read_area_rows(path: Path) -> list[dict[str, str]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_bytes().decode("gbk")
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in AREA_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise AreaFileError([f"第 1 行：缺少列 {'、'.join(missing)}；表头应为 {','.join(AREA_COLUMNS)}。"])
    return [{k: (row.get(k) or "").strip() for k in AREA_COLUMNS} for row in reader]


def areas_load(*, path: Path) -> AreaLoadResult:
    """Load the area tree (district → town → village) from a CSV `code,name,level,parent_code`.

    Idempotent: an area is matched by its code; a changed name or parent updates it. Every line is checked
    before anything is written (known level, a parent that exists in the file or the database, the parent one
    level up, no duplicate code); with any problem nothing is written and every problem is reported.
    """
    rows = _read_area_rows(path)
    problems: list[str] = []
    existing = {a.code: a for a in Area.objects.all()}
    levels = {code: a.level for code, a in existing.items()}
    seen: dict[str, int] = {}
    for line_no, row in enumerate(rows, start=2):
        code, level = row["code"], row["level"]
        if not code.isdigit() or len(code) != 12:
            problems.append(f"第 {line_no} 行：区划代码“{code}”应为 12 位数字。")
        if code in seen:
            problems.append(f"第 {line_no} 行：区划代码 {code} 与第 {seen[code]} 行重复。")
        seen[code] = line_no
        if not row["name"]:
            problems.append(f"第 {line_no} 行：名称不能为空。")
        if level not in AreaLevel.values:
            problems.append(f"第 {line_no} 行：级别“{level}”无效，只能是 district、town 或 village。")
            continue
        levels[code] = level
    for line_no, row in enumerate(rows, start=2):
        level, parent_code = row["level"], row["parent_code"]
        if level not in AreaLevel.values:
            continue
        expected = PARENT_LEVEL[AreaLevel(level)]
        if expected is None:
            if parent_code:
                problems.append(f"第 {line_no} 行：区（district）不能有上级，请清空 parent_code。")
            continue
        if not parent_code:
            problems.append(f"第 {line_no} 行：{AreaLevel(level).label}必须填写上级区划代码 parent_code。")
        elif parent_code not in levels:
            problems.append(f"第 {line_no} 行：上级区划代码 {parent_code} 不存在，请先在文件中列出上级。")
        elif levels[parent_code] != expected:
            problems.append(
                f"第 {line_no} 行：{AreaLevel(level).label}的上级应是{expected.label}，"
                f"而 {parent_code} 是{AreaLevel(levels[parent_code]).label}。"
            )
    if problems:
        raise AreaFileError(problems)

    created = updated = unchanged = 0
    with transaction.atomic():
        # Parents first, so every parent exists when its children are written.
        order = {AreaLevel.DISTRICT: 0, AreaLevel.TOWN: 1, AreaLevel.VILLAGE: 2}
        by_code = dict(existing)
        for row in sorted(rows, key=lambda r: order[AreaLevel(r["level"])]):
            parent = by_code[row["parent_code"]] if row["parent_code"] else None
            area = by_code.get(row["code"])
            if area is None:
                by_code[row["code"]] = Area.objects.create(
                    code=row["code"], name=row["name"], level=row["level"], parent=parent
                )
                created += 1
            elif (area.name, area.level, area.parent_id) != (row["name"], row["level"], parent and parent.pk):
                area.name, area.level, area.parent = row["name"], row["level"], parent
                area.save()
                updated += 1
            else:
                unchanged += 1
    return AreaLoadResult(created=created, updated=updated, unchanged=unchanged)
