"""The assistance part of `seed_demo`: a roster of made-up cadres, every household not yet exited paired (and
some exited ones, 脱贫不脱帮扶), visits and measures. Deterministic and idempotent: a second run pairs only
households that have no cadre and creates nothing else."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import User
from households.models import Household, HouseholdStatus

from .models import Cadre, CadreGrade, CadreRank, Department, Pairing, UnitType
from .rules import quota_for
from .selectors import pairing_quotas
from .services import measure_add, pairing_create, visit_record

UNITS = (
    ("区党工委办公室", UnitType.PARTY_GOVERNMENT),
    ("区财政局", UnitType.PARTY_GOVERNMENT),
    ("区扶贫办", UnitType.PARTY_GOVERNMENT),
    ("区教育局", UnitType.PARTY_GOVERNMENT),
    ("区卫生健康局", UnitType.PARTY_GOVERNMENT),
    ("区民政局", UnitType.PARTY_GOVERNMENT),
    ("商家镇人民政府", UnitType.TOWNSHIP),
    ("萌水镇人民政府", UnitType.TOWNSHIP),
    ("区供电中心", UnitType.STATE_ENTERPRISE),
    ("区农业技术推广站", UnitType.INSTITUTION),
)
SURNAMES = "孔孟颜曾闵冉仲端卜宰樊公司陈燕言漆"
GIVEN = "明华志刚丽敏静涛磊洋勇艳军杰娜强伟芳"
SECTION_CADRES = 12
ORDINARY_CADRES = 50
EXITED_PAIRED = 0.4  # share of exited households still paired in the demo


def _roster(rng: random.Random) -> list[Cadre]:
    cadres = []
    for i in range(SECTION_CADRES + ORDINARY_CADRES):
        section = i < SECTION_CADRES
        unit, unit_type = UNITS[i % len(UNITS)]
        grade = (
            rng.choice((CadreGrade.TOWNSHIP_CHIEF, CadreGrade.TOWNSHIP_DEPUTY))
            if section
            else rng.choice((CadreGrade.CLERK, CadreGrade.CLERK, CadreGrade.OFFICER, CadreGrade.UNGRADED))
        )
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        phone = f"1{rng.choice('3578')}{rng.randrange(10**8, 10**9)}"
        cadre, _created = Cadre.objects.get_or_create(
            name=name,
            phone=phone,
            defaults={
                "sex": rng.choice("男女"),
                "unit": unit,
                "unit_type": unit_type,
                "rank": CadreRank.SECTION if section else CadreRank.ORDINARY,
                "grade": grade,
                "first_secretary": not section and i % 17 == 0,
                "work_team": not section and i % 9 == 0,
            },
        )
        cadres.append(cadre)
    return cadres


def seed_assistance_demo(actor: User) -> str:
    rng = random.Random(20170905)
    today = timezone.localdate()
    cadres = _roster(rng)
    quotas = pairing_quotas()
    load = {c.pk: c.pairings.active().count() for c in cadres}
    covered = Pairing.objects.active().filter(household=OuterRef("pk"))
    households = Household.objects.exclude(status=HouseholdStatus.REMOVED).exclude(Exists(covered))
    # The first run pairs, visits and records measures; a later run only pairs a household that needs a cadre
    # and has none (a household added since), so running the demo twice adds nothing.
    first = not Pairing.objects.exists()
    paired = visits = measures = 0
    for household in households.order_by("number"):
        roll = rng.random()
        needs = household.status in (HouseholdStatus.IN_POVERTY, HouseholdStatus.RETURNED)
        if not needs and (not first or roll > EXITED_PAIRED):
            continue
        cadre = next((c for c in cadres if load[c.pk] < quota_for(c.rank, quotas)), None)
        if cadre is None:
            break  # the roster is full; the coverage page will list the rest
        started = today - timedelta(days=rng.randrange(200, 900))
        pairing_create(actor=actor, household=household, cadre=cadre, started_on=started)
        load[cadre.pk] += 1
        paired += 1
        if not first:
            continue
        # Most cadres visited within the last 90 days; a few have not, for the coverage page to show.
        for _ in range(rng.choice((0, 1, 1, 2))):
            visit_record(
                actor=actor,
                household=household,
                data={
                    "cadre": cadre,
                    "visited_on": today - timedelta(days=rng.randrange(3, 120)),
                    "found": rng.choice(
                        (
                            "户主身体状况稳定，按时服药；家中存粮充足。",
                            "孩子在校就读正常，学费减免已落实。",
                            "房屋漏雨，需报镇里核查是否纳入危房改造。",
                            "家中劳动力想外出务工，询问技能培训。",
                        )
                    ),
                    "agreed": rng.choice(("下次走访前联系卫生院随访。", "帮助报名下一期免费技能培训。", "")),
                },
            )
            visits += 1
        if needs:
            measures += _demo_measures(rng, actor, household, cadre, today)
    return f"帮扶演示数据：干部 {len(cadres)} 名，新结对 {paired} 户，走访 {visits} 次，帮扶措施 {measures} 条。"


def _demo_measures(rng: random.Random, actor: User, household: Household, cadre: Cadre, today: date) -> int:
    members = list(household.members.active())
    head = members[0]
    year = today.year
    options = [
        {"kind": "产业", "item": "资产收益分红", "description": "光伏扶贫项目收益分红", "amount": Decimal(600),
         "department": Department.POVERTY_OFFICE},
        {"kind": "就业", "item": "技能培训", "person": head, "description": "家政服务免费培训（5 天）",
         "department": Department.LABOUR},
        {"kind": "就业", "item": "公益岗位", "person": head, "description": "村庄保洁公益岗", "months": 10,
         "monthly_pay": Decimal(500), "department": Department.TOWN},
        {"kind": "金融", "item": "小额扶贫信贷", "description": "发展养殖", "amount": Decimal(30000), "months": 36,
         "interest_subsidy": "全额贴息", "department": Department.FINANCE},
        {"kind": "兜底保障", "item": "养老保险代缴", "person": head, "description": "政府代缴城乡居民养老保险费",
         "amount": Decimal(100), "department": Department.LABOUR},
        {"kind": "健康", "item": "", "description": "签约家庭医生，慢病随访", "department": Department.HEALTH},
    ]  # fmt: skip
    chosen = rng.sample(options, rng.choice((1, 2, 3)))
    for data in chosen:
        measure_add(
            actor=actor,
            household=household,
            data={"year": year, "done_on": today - timedelta(days=rng.randrange(5, 200)), "cadre": cadre, **data},
        )
    return len(chosen)
