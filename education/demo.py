"""The education part of `seed_demo`: the demo households' children enrolled for the current school year by age,
most of their items waived or paid (some left missing, so the list shows 应补即补 gaps), and 留守儿童 files for a
few children. Deterministic and idempotent: a second run adds nothing (a household with enrolments is skipped)."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from households.models import Person
from households.rules import age_on

from . import rules
from .models import Enrolment, LeftBehindChild
from .services import benefit_record, enrolment_record, left_behind_open

SCHOOLS = {
    rules.PRESCHOOL: ("商家镇中心幼儿园", "萌水镇中心幼儿园"),
    rules.PRIMARY: ("商家镇中心小学", "萌水镇中心小学", "文昌馨苑小学", "范阳小学"),
    rules.JUNIOR: ("商家中学", "萌水中学", "范阳中学"),
    rules.SENIOR: ("淄川中学", "淄博第五中学"),
    rules.SECONDARY_VOCATIONAL: ("淄博工业学校",),
    rules.HIGHER_VOCATIONAL: ("淄博职业学院",),
    rules.UNIVERSITY: ("山东理工大学",),
}
FEES = {"伙食费": "600", "住宿费": "400", "保教费": "1200", "学杂费": "800", "校服费": "180", "作业费": "60"}
MISSING_SHARE = 0.15  # items left unrecorded, so the demo shows gaps


def _stage(age: int, pk: int) -> str | None:
    # by the person, so a student stays on one track from year to year
    if 3 <= age <= 5:
        return rules.PRESCHOOL
    if 6 <= age <= 11:
        return rules.PRIMARY
    if 12 <= age <= 14:
        return rules.JUNIOR
    if 15 <= age <= 17:
        return (rules.SENIOR, rules.SENIOR, rules.SECONDARY_VOCATIONAL)[pk % 3]
    if 18 <= age <= 21:
        return (rules.HIGHER_VOCATIONAL, rules.UNIVERSITY)[pk % 2]
    return None


def seed_education_demo(actor: User) -> str:
    """Enrol the demo children, record their benefits, open a few 留守儿童 files (one line for seed_demo)."""
    rng = random.Random(12)
    today = timezone.localdate()
    year = rules.school_year_of(today)
    start = rules.school_year_start(year)
    children = (
        Person.objects.active()
        .filter(birth_date__gt=start - timedelta(days=365 * 23), birth_date__lte=start - timedelta(days=365 * 3))
        .exclude(household__enrolments__isnull=False)
        .select_related("household")
        .order_by("pk")
    )
    enrolled = benefits = files = 0
    for child in children:
        town_index = 0 if "商家" in child.household.village.parent.name else 1
        # Last school year (every item recorded: it decides last year's verdict) and this one (some items not
        # yet recorded, so the lists show 应补即补 gaps).
        for school_year, missing in ((year - 1, 0.0), (year, MISSING_SHARE)):
            first_day = rules.school_year_start(school_year)
            stage = _stage(age_on(child.birth_date, first_day), child.pk)
            if stage is None:
                continue
            schools = SCHOOLS[stage]
            school = (
                schools[min(town_index, len(schools) - 1)]
                if stage in (rules.PRESCHOOL, rules.PRIMARY)
                else schools[child.pk % len(schools)]
            )
            try:
                enrolment = enrolment_record(
                    actor=actor,
                    person=child,
                    data={
                        "school_year": school_year,
                        "stage": stage,
                        "school": school,
                        "status": "在校",
                        "started_on": first_day,
                    },
                )
            except ValidationError:
                continue
            enrolled += 1
            paid_on = min(first_day + timedelta(days=20), today)
            for item in rules.items_of(stage):
                if rng.random() < missing:
                    continue
                amount = rules.VOCATIONAL_SUBSIDY if item == rules.SUBSIDY_ITEM else Decimal(FEES.get(item, "100"))
                benefit_record(
                    actor=actor,
                    enrolment=enrolment,
                    data={
                        "item": item,
                        "amount": amount,
                        "way": "发放" if item == rules.SUBSIDY_ITEM else "免除",
                        "on": paid_on,
                        "given_by": "区教育局" if item == rules.SUBSIDY_ITEM else school,
                    },
                )
                benefits += 1
        if (
            stage in (rules.PRIMARY, rules.JUNIOR)
            and files < 4
            and rng.random() < 0.3
            and not LeftBehindChild.objects.filter(child=child, closed_on__isnull=True).exists()
        ):
            left_behind_open(
                actor=actor,
                child=child,
                data={
                    "father_state": "外出务工",
                    "father_name": "",
                    "father_phone": f"13{rng.randrange(10**8, 10**9)}",
                    "father_workplace": rng.choice(("青岛市", "济南市", "江苏省苏州市")),
                    "mother_state": rng.choice(("外出务工", "无监护能力")),
                    "mother_phone": f"15{rng.randrange(10**8, 10**9)}",
                    "mother_workplace": "",
                    "guardian_name": rng.choice(("王秀英", "李桂兰", "张建国", "刘永福")),
                    "guardian_relation": "祖父",
                    "guardian_phone": f"18{rng.randrange(10**8, 10**9)}",
                    "school": school,
                    "teacher_name": "王老师",
                    "teacher_phone": f"13{rng.randrange(10**8, 10**9)}",
                    "registered_on": min(date(year, 10, 1), today),
                },
            )
            files += 1
    total = Enrolment.objects.valid().filter(school_year=year).count()
    return f"教育扶贫：新登记学籍 {enrolled} 条（本学年共 {total} 条），资助记录 {benefits} 条，留守儿童档案 {files} 份"
