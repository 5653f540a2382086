"""Synthetic data for the benchmarks: a ledger in the FORMAT.md columns (`write_ledger`), or the registry's
tables filled directly by COPY (`generate`). Made-up, valid, deterministic households of 1–5 members."""

import csv
import io
import random
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
VILLAGES = [("商家镇", v) for v in ("商家村", "李家村", "东坡村", "西坡村", "南庄村")] + [
    ("萌水镇", v) for v in ("萌水村", "北沙村", "大里村", "南山村", "东庄村")
]
HEADER = [
    "乡(镇)", "行政村", "户编号", "姓名", "证件号码", "与户主关系", "性别", "民族", "文化程度", "在校生状况",
    "健康状况", "劳动技能", "务工状况", "务工时间(月)", "是否参加城乡居民基本医疗保险", "是否参加大病保险",
    "是否参加城乡居民基本养老保险", "是否享受低保", "是否特困供养人员", "贫困户属性", "主要致贫原因", "识别年度",
    "脱贫属性", "脱贫年度", "危房户", "住房安全等级", "是否解决安全饮用水", "不愁吃", "不愁穿", "工资性收入",
    "生产经营性收入", "财产性收入", "转移性收入", "生产经营性支出", "人均纯收入", "联系电话",
]  # fmt: skip
SURNAMES = "王李张刘陈杨赵孙周吴徐马朱胡郭何高林罗郑梁宋谢韩冯于董程曹袁许沈吕苏蒋蔡贾丁魏薛叶潘杜"
GIVEN = "建国志强明军伟勇德华永福庆海春林成立新文宝东兴秀英玉兰桂芝淑珍凤霞丽红梅娟翠萍美荣爱芳慧"
RELATIONS = ("配偶", "之子", "之女", "之孙子", "之孙女")


def _id_number(serial: int, birth: date, male: bool) -> str:
    # serial → (birth day, sequence) is one-to-one below 12.5 million: the day is serial mod 25,000, the
    # sequence carries serial div 25,000 and the sex in its last bit, as the standard wants.
    seq = (serial // 25000) * 2 + (1 if male else 0)
    first17 = f"370302{birth:%Y%m%d}{seq:03d}"
    check = "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]
    return first17 + check


def ledger_rows(persons: int, *, seed: int = 1) -> list[list[object]]:
    """About `persons` rows (whole households), each ID number unique."""
    rng = random.Random(seed)
    rows: list[list[object]] = []
    household = 0
    serial = 0
    while len(rows) < persons:
        household += 1
        town, village = VILLAGES[household % len(VILLAGES)]
        size = min(rng.choice((1, 2, 3, 3, 4, 5)), persons - len(rows))
        wage, transfer = rng.randrange(0, 20000), rng.randrange(1000, 6000)
        per_capita = round((wage + transfer) / size, 2)
        exited = rng.random() < 0.6
        for index in range(size):
            serial += 1
            # Spread birth days so that (birth date, sequence) never repeats.
            birth = date(1940, 1, 1) + timedelta(days=serial % 25000)
            male = index == 0 or rng.random() < 0.5
            first = index == 0
            rows.append(
                [
                    town, village, f"B{household:08d}", rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                    _id_number(serial, birth, male), "户主" if first else rng.choice(RELATIONS), "男" if male else "女",
                    "汉族", "初中", "非在校生", "健康", "普通劳动力", "县内务工", 6, "是", "是", "是", "否", "否",
                    "一般贫困户" if first else "", "因病" if first else "", 2015 if first else "",
                    ("已脱贫" if exited else "未脱贫") if first else "", (2017 if exited else "") if first else "",
                    "否" if first else "", "B" if first else "", "是" if first else "", "是" if first else "",
                    "是" if first else "", wage if first else "", 0 if first else "", 0 if first else "",
                    transfer if first else "", 0 if first else "", per_capita if first else "",
                    f"138{household:08d}" if first else "",
                ]
            )  # fmt: skip
    return rows


def write_ledger(path: Path, persons: int) -> int:
    """Write the ledger with a title row above the header; returns the number of person rows."""
    rows = ledger_rows(persons)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("贫困人口明细")
    sheet.append(["文昌湖区建档立卡贫困人口明细台账（基准测试用，人员均为虚构）"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return len(rows)


def _copy(cursor, table: str, columns: list[str], rows: list[list[object]], *, text: tuple[str, ...] = ()) -> None:
    """COPY in CSV; an empty field is NULL except in the `text` columns, where it is ''."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    buffer.seek(0)
    force = f", FORCE_NOT_NULL ({', '.join(text)})" if text else ""
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv{force})", buffer)


def generate(persons: int) -> int:
    """Households of 1–5 members (about 3 on average) with a year's income; returns the household count."""
    from django.db import connection
    from django.utils import timezone

    from accounts.models import Area

    rng = random.Random(7)
    villages = list(Area.objects.filter(level="village").values_list("pk", flat=True))
    now = timezone.now().isoformat()
    households, members, incomes = [], [], []
    pk = person = 0
    year = timezone.localdate().year - 1
    while person < persons:
        pk += 1
        size = min(rng.choice((1, 2, 3, 3, 4, 5)), persons - person)
        exited = rng.random() < 0.6
        households.append([
            pk, f"G{pk:09d}", rng.choice(villages), "", "一般贫困户", "因病", 2015,
            "已脱贫" if exited else "未脱贫", 2017 if exited else "", rng.choice("AABBBC"),
            "t" if rng.random() > 0.05 else "f", "t", "t", "", now, now, "f",
        ])  # fmt: skip
        for index in range(size):
            person += 1
            birth = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 30000))
            members.append([
                person, pk, f"成员{person}", f"{person:018d}", "户主" if index == 0 else "之子", "男", birth.isoformat(),
                rng.choice(("非在校生", "小学", "初中", "辍学")) if rng.random() < 0.3 else "非在校生",
                "t" if rng.random() > 0.02 else "f", "f", now, "", "汉族", "", "", "", "", "", "", "",
            ])  # fmt: skip
        incomes.append([pk, pk, year, rng.randrange(0, 30000), rng.randrange(1000, 6000)])
    with connection.cursor() as c:
        raw = c.cursor
        _copy(raw, "households_household", ["id", "number", "village_id", "natural_village", "attribute", "main_cause",
              "registration_year", "status", "exit_year", "house_grade", "safe_water", "enough_food",
              "enough_clothing", "phone", "created_at", "updated_at", "dilapidated"], households,
              text=("natural_village", "phone"))  # fmt: skip
        person_text = ("national_number", "ethnicity", "education", "health", "disability_grade", "labour_ability",
                       "work_status", "left_reason", "left_note")  # fmt: skip
        _copy(raw, "households_person", ["id", "household_id", "name", "id_number", "relation", "sex", "birth_date",
              "school_status", "medical_insurance", "taught_at_home", "created_at", *person_text], members,
              text=person_text)  # fmt: skip
        _copy(raw, "households_householdincome", ["id", "household_id", "year", "wage", "transfer"], incomes)
        for table in ("households_household", "households_person", "households_householdincome"):
            c.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608 — fixed table names
        c.execute("ANALYZE")
    return pk
