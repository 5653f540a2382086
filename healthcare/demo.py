"""The health part of `seed_demo`: members insured for the demo years (a few not, so the uninsured list and the
基本医疗 gap show), illnesses for households poor through illness (因病), and expenses with their aid.
Deterministic (a fixed seed) and idempotent: a second run finds the records and adds nothing."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from households.models import Household, HouseholdStatus, Person, PovertyCause
from households.selectors import default_year
from households.services import reassess

from .models import Disease, HospitalLevel, IllnessKind, Insurance, InsuranceKind, Payer
from .services import expense_record, illness_record, insurance_record

HOSPITALS = (
    ("文昌湖区人民医院", HospitalLevel.COUNTY),
    ("淄博市中心医院", HospitalLevel.CITY),
    ("商家镇卫生院", HospitalLevel.TOWN),
    ("山东省立医院", HospitalLevel.PROVINCE),
)
MAJOR = (Disease.STOMACH, Disease.KIDNEY, Disease.OESOPHAGUS, Disease.COLON, Disease.CATARACT, Disease.OTHER)
CHRONIC = ("高血压", "糖尿病", "慢性阻塞性肺疾病", "冠心病")
UNINSURED_EVERY = 13  # every 13th household has a member the 医保 department found not insured last year


def _present(household: Household) -> list[Person]:
    return list(Person.objects.filter(household=household, left_reason="").order_by("pk"))


@transaction.atomic
def seed_health_demo(actor: User) -> str:
    if Insurance.objects.exists():
        return "健康扶贫：已有参保记录，未新增"
    rng = random.Random(20170206)
    today = timezone.localdate()
    assessed = default_year()
    years = sorted({assessed - 1, assessed, today.year})
    households = list(
        Household.objects.exclude(status=HouseholdStatus.REMOVED).select_related("village").order_by("number")
    )
    counts = {"insurance": 0, "illness": 0, "expense": 0}
    for index, household in enumerate(households):
        members = _present(household)
        for year in years:
            for n, person in enumerate(members):
                insured = not (index % UNINSURED_EVERY == 0 and year == assessed and n == len(members) - 1)
                payer = Payer.FINANCE if person.dibao or person.tekun else rng.choice((Payer.SELF, Payer.AID))
                insurance_record(
                    actor=actor, person=person, year=year, insured=insured, payer=payer if insured else "",
                    premium=Decimal(180 + 40 * (year - 2016)) if insured else None, source="演示数据",
                    reassess_now=False,
                )  # fmt: skip
                counts["insurance"] += 1
                if insured and person.dibao:
                    insurance_record(
                        actor=actor, person=person, year=year, kind=InsuranceKind.SPECIAL, payer=Payer.FINANCE,
                        source="演示数据", reassess_now=False,
                    )  # fmt: skip
        if household.main_cause != PovertyCause.ILLNESS or not members:
            continue
        patient = members[0]
        disease = MAJOR[index % len(MAJOR)]
        diagnosed = date(assessed - 1, 1 + index % 12, 10)
        illness_record(
            actor=actor, person=patient,
            data={
                "kind": IllnessKind.MAJOR, "disease": disease, "diagnosis": "脑梗死后遗症" if disease == Disease.OTHER else "",
                "diagnosed_on": diagnosed, "causes_poverty": True, "treatment_plan": "定点医院住院治疗，出院后镇卫生院随访",
                "doctor": HOSPITALS[index % 2][0], "treated_on": diagnosed + timedelta(days=30) if index % 4 else None,
                "family_doctor": True,
            },
        )  # fmt: skip
        counts["illness"] += 1
        if len(members) > 1 and index % 2:
            illness_record(
                actor=actor, person=members[1],
                data={"kind": IllnessKind.CHRONIC, "disease": Disease.OTHER, "diagnosis": rng.choice(CHRONIC),
                      "diagnosed_on": date(assessed - 2, 6, 1), "family_doctor": True},
            )  # fmt: skip
            counts["illness"] += 1
        for visit in range(1 + index % 3):
            day = min(date(assessed, 2 + visit * 3, 5 + index % 20), today)
            total = Decimal(rng.randrange(3000, 60000))
            in_scope = (total * Decimal("0.85")).quantize(Decimal(1))
            basic = (in_scope * Decimal("0.55")).quantize(Decimal(1))
            critical = (in_scope * Decimal("0.10")).quantize(Decimal(1)) if total > 20000 else Decimal(0)
            hospital, level = HOSPITALS[(index + visit) % len(HOSPITALS)]
            expense_record(
                actor=actor, person=patient,
                data={"visited_on": day, "hospital": hospital, "level": level, "inpatient": True, "total": total,
                      "in_scope": in_scope, "basic_paid": basic, "critical_paid": critical, "pay_after": True,
                      "one_stop": level != HospitalLevel.PROVINCE, "settlement_number": f"JS{day:%Y%m%d}{household.pk:05d}{visit}"},
            )  # fmt: skip
            counts["expense"] += 1
    reassess([h.pk for h in households], years=[assessed])
    return (
        f"健康扶贫：参保记录 {counts['insurance']} 条，患病 {counts['illness']} 条，"
        f"医疗费用 {counts['expense']} 笔（含医疗救助）"
    )
