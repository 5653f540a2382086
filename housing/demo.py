"""The housing part of `seed_demo` — plan ch. 7, ch. 11: an assessment for every demo household (C/D where the
registry says 危房), a retrofit for every 危房 household with cases in every stage (some overdue, some new this
year), and a water survey for most households (a few with an indicator unmet or blank). Written through the
services like real data. Deterministic and idempotent: once housing has records, a second run adds nothing."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from households.models import Household, HouseholdStatus

from .models import RetrofitCase, RetrofitKind, SafetyAssessment, Stage, WaterSource
from .rules import STAGES
from .services import assessment_record, retrofit_advance, retrofit_open, water_survey_record

UNITS = ("区住建局", "淄博市建筑设计研究院", "区住建局村镇建设科")
ASSESSORS = ["赵工", "钱工", "孙工", "李工", "周工"]
INSPECTORS = ("区住建局 王建设", "区住建局 刘安全")
SUBSIDY = {  # yuan by type: 计划补助 of the demo (made up)
    RetrofitKind.REBUILD: Decimal("35000"),
    RetrofitKind.REINFORCE: Decimal("12000"),
    RetrofitKind.RELOCATE: Decimal("40000"),
    RetrofitKind.EXCHANGE: Decimal("30000"),
}


def _stage_dates(start: date, stages: int, rng: random.Random) -> list[date]:
    dates, on = [start], start
    for _ in range(stages - 1):
        on = on + timedelta(days=rng.randrange(20, 90))
        dates.append(on)
    return dates


def seed_housing_demo(actor: User) -> str:
    """Create the housing demo records (see the module docstring); one line for seed_demo's output."""
    if SafetyAssessment.objects.exists():
        return "住房安全与饮水：已有记录，未重复生成"
    rng = random.Random(400)
    today = timezone.localdate()
    households = list(Household.objects.exclude(status=HouseholdStatus.REMOVED).order_by("pk"))
    cases = 0
    dilapidated = [h for h in households if h.house_grade in ("C", "D") or h.dilapidated]
    for h in households:
        grade = h.house_grade or ("D" if h.dilapidated else rng.choice("AAB"))
        assessment_record(
            actor=actor,
            household=h,
            data={
                "assessed_on": date(2017, rng.randrange(3, 7), rng.randrange(1, 28)),
                "assessor": rng.choice(ASSESSORS),
                "unit": rng.choice(UNITS),
                "grade": grade,
                "only_house": True,
                "note": "",
            },
        )
    for index, h in enumerate(dilapidated):
        stage_index = index % len(STAGES)
        new_this_year = index % 7 == 6 and today.year > 2018
        start = (
            date(today.year, 1, 10) + timedelta(days=rng.randrange(0, 30))
            if new_this_year
            else date(2017, 9, 1) + timedelta(days=rng.randrange(0, 120))
        )
        dates = _stage_dates(start, stage_index + 1, rng)
        if dates[-1] > today:  # never in the future
            dates = [min(d, today) for d in dates]
        kind = rng.choice(RetrofitKind.values)
        case = retrofit_open(
            actor=actor,
            household=h,
            data={"kind": kind, "willing": True, "planned_on": dates[0], "planned_subsidy": SUBSIDY[kind]},
        )
        for stage, on in zip(STAGES[1 : stage_index + 1], dates[1:], strict=True):
            data: dict[str, object] = {}
            if stage == Stage.COMPLETED:
                share = SUBSIDY[kind]
                data = {
                    "subsidy_central": (share * Decimal("0.5")).quantize(Decimal("0.01")),
                    "subsidy_province": (share * Decimal("0.2")).quantize(Decimal("0.01")),
                    "subsidy_city": (share * Decimal("0.15")).quantize(Decimal("0.01")),
                    "subsidy_district": (share * Decimal("0.15")).quantize(Decimal("0.01")),
                    "self_paid": Decimal(rng.randrange(0, 8) * 1000),
                }
            if stage == Stage.ACCEPTED:
                data = {
                    "meets_building_standard": True,
                    "meets_seismic_standard": True,
                    "inspector": rng.choice(INSPECTORS),
                }
            retrofit_advance(actor=actor, case=case, stage=stage, on=on, data=data, today=today)
        cases += 1
    surveys = 0
    for index, h in enumerate(households):
        if index % 11 == 10:
            continue  # not surveyed yet
        unmet = index % 13 == 5
        blank = index % 17 == 3
        water_survey_record(
            actor=actor,
            household=h,
            data={
                "surveyed_on": date(2019, rng.randrange(4, 10), rng.randrange(1, 28)),
                "source": WaterSource.CENTRAL if rng.random() < 0.93 else WaterSource.SCATTERED,
                "quantity_ok": True,
                "quality_ok": not unmet,
                "convenience_ok": True,
                "guarantee_ok": None if blank else rng.random() < 0.95,
                "note": "",
            },
        )
        surveys += 1
    per_stage = {s: RetrofitCase.objects.filter(stage=s).count() for s in STAGES}
    shown = "、".join(f"{s} {n}" for s, n in per_stage.items())
    return f"住房安全与饮水：{len(households)} 户鉴定，{cases} 户危房改造（{shown}），{surveys} 户饮水调查"
