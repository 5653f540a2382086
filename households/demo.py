"""The demo data of `seed_demo`: the sample areas, yearly standards, demo users and ~150 households.

Everything is made up and deterministic (a fixed random seed), so two runs produce the same households and
a second run adds nothing. The standards are illustrative figures, not the city's published ones: the district
office sets the real ones with `set_standard`.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from accounts.models import Area, AreaLevel, Role, User
from accounts.services import areas_load

from .idnumber import check_digit
from .models import (
    Education,
    Health,
    Household,
    HouseholdAttribute,
    HouseholdStatus,
    LabourAbility,
    PovertyCause,
    PovertyStandard,
    Relation,
    SchoolStatus,
    WorkStatus,
)
from .services import household_change_status, household_create, income_set, standard_set

AREAS_CSV = Path(__file__).resolve().parent.parent / "accounts" / "data" / "areas.csv"
DEFAULT_PASSWORD = "Wenchanghu@2026"  # noqa: S105 — the demo's published password, printed by make run
HOUSEHOLDS_PER_VILLAGE = 15
# The yearly lines (yuan per person per year): raised to 3,609 from 2017 as the plan says (ch. 2 §3), and the
# rural 低保 line equal to it every year (两线合一, ch. 8). Years after 2017 keep 3,609 until the district sets
# another figure with `set_standard`.
DEMO_STANDARDS = {
    2015: (Decimal("3372"), Decimal("3372")),
    2016: (Decimal("3402"), Decimal("3402")),
}
LATEST_DEMO_STANDARD = (Decimal("3609"), Decimal("3609"))

DEMO_USERS = (
    # username, last name, first name, role, area code
    ("shangjia", "商家镇", "扶贫专干", Role.TOWN_CLERK, "370390100000"),
    ("mengshui", "萌水镇", "扶贫专干", Role.TOWN_CLERK, "370390101000"),
    ("district", "区扶贫办", "", Role.DISTRICT_OFFICER, "370390000000"),
    # 等保 three-officer split: the audit log's reader and the lockout administrator read no household data.
    ("auditor", "审计管理员", "", Role.AUDITOR, "370390000000"),
    ("security", "安全管理员", "", Role.SECURITY_ADMIN, "370390000000"),
)

# The sector departments' officers (DESIGN §4): district-wide reading, writing their own sector's records.
DEMO_SECTOR_USERS = (
    # username, last name, first name, sector
    ("weijian", "区卫健局", "医保科", "health"),
    ("jiaoyu", "区教育局", "资助中心", "education"),
    ("zhujian", "区住建局", "村镇科", "housing"),
    ("caizheng", "区财政局", "农业科", "finance"),
)
DISTRICT_CODE = "370390000000"

SURNAMES = "王李张刘陈杨赵孙周吴徐马朱胡郭何高林罗郑梁宋谢韩冯于董程曹袁许沈吕苏蒋蔡贾丁魏薛叶潘杜田姜范石崔毛秦史侯孟"
GIVEN_MALE = "建国志强明军伟勇德华永福庆海春林成立新文宝东兴"
GIVEN_FEMALE = "秀英玉兰桂芝淑珍凤霞丽红梅娟翠萍美荣爱芳慧"
ID_PREFIXES = ("370302", "370303", "370305")


@dataclass(frozen=True)
class DemoResult:
    areas_created: int
    standards: int
    users_created: int
    households_created: int
    other: tuple[str, ...] = ()  # one line per registered demo step


# Other apps add their part of the demo (cadres and pairings ...) without households importing them (DESIGN §3).
# A step runs after the households exist, in the same transaction, with the district demo user as the actor;
# it must be idempotent like the rest, and returns one line for the command's output.
DemoStep = Callable[[User], str]
_demo_steps: list[DemoStep] = []


def register_demo_step(step: DemoStep) -> None:
    if step not in _demo_steps:
        _demo_steps.append(step)


def _name(rng: random.Random, surname: str, male: bool) -> str:
    chars = GIVEN_MALE if male else GIVEN_FEMALE
    return surname + "".join(rng.choice(chars) for _ in range(rng.choice((1, 2))))


def _id_number(rng: random.Random, birth: date, male: bool, used: set[str]) -> str:
    while True:
        seq = rng.randrange(0, 1000)
        if (seq % 2 == 1) != male:
            seq = (seq + 1) % 1000
        first17 = f"{rng.choice(ID_PREFIXES)}{birth:%Y%m%d}{seq:03d}"
        number = first17 + check_digit(first17)
        if number not in used:
            used.add(number)
            return number


def _birth(rng: random.Random, today: date, age_from: int, age_to: int) -> date:
    start = date(today.year - age_to, 1, 1)
    return start + timedelta(days=rng.randrange(0, 365 * (age_to - age_from)))


def _person(
    rng: random.Random, today: date, used: set[str], *, surname: str, relation: str, male: bool, ages: tuple[int, int]
) -> dict:
    birth = _birth(rng, today, *ages)
    age = today.year - birth.year
    if age < 6:
        school, education = SchoolStatus.PRESCHOOL, Education.PRESCHOOL
    elif age <= 15:
        school = SchoolStatus.PRIMARY if age <= 12 else SchoolStatus.JUNIOR
        education = Education.PRIMARY
    elif age <= 18:
        school, education = SchoolStatus.SENIOR, Education.JUNIOR
    else:
        school = SchoolStatus.NOT_STUDENT
        education = rng.choice((Education.ILLITERATE, Education.PRIMARY, Education.JUNIOR, Education.SENIOR))
    if age >= 65:
        health = rng.choice((Health.CHRONIC, Health.CHRONIC, Health.SERIOUS, Health.HEALTHY))
        labour, work = LabourAbility.NONE, WorkStatus.NOT_WORKING
    elif age >= 18:
        health = rng.choice((Health.HEALTHY, Health.HEALTHY, Health.CHRONIC, Health.DISABLED))
        labour = LabourAbility.WEAK if health != Health.HEALTHY else LabourAbility.ORDINARY
        work = rng.choice((WorkStatus.IN_TOWN, WorkStatus.IN_COUNTY, WorkStatus.NOT_WORKING))
    else:
        health, labour, work = Health.HEALTHY, LabourAbility.NONE, ""
    return {
        "name": _name(rng, surname, male),
        "id_number": _id_number(rng, birth, male, used),
        "relation": relation,
        "sex": "男" if male else "女",
        "birth_date": birth,
        "ethnicity": "汉族",
        "education": education,
        "school_status": school,
        "health": health,
        "disability_grade": "二级" if health == Health.DISABLED else "",
        "labour_ability": labour,
        "work_status": work,
        "work_months": rng.choice((3, 6, 10)) if work not in ("", WorkStatus.NOT_WORKING) else None,
        "medical_insurance": True,
        "critical_illness_insurance": True,
        "pension_insurance": True if age >= 16 else None,
        "dibao": None,
        "tekun": None,
    }


def _household_members(rng: random.Random, today: date, used: set[str]) -> tuple[list[dict], str]:
    surname = rng.choice(SURNAMES)
    kind = rng.choice(("elderly_single", "elderly_couple", "couple_children", "three_generations"))
    if kind == "elderly_single":
        male = rng.random() < 0.5
        plan = [(Relation.HEAD, male, (70, 90))]
    elif kind == "elderly_couple":
        plan = [(Relation.HEAD, True, (65, 85)), (Relation.SPOUSE, False, (62, 82))]
    elif kind == "couple_children":
        plan = [(Relation.HEAD, True, (38, 55)), (Relation.SPOUSE, False, (35, 52))]
        plan += [(rng.choice((Relation.SON, Relation.DAUGHTER)), None, (4, 17)) for _ in range(rng.randint(1, 2))]
    else:
        plan = [(Relation.HEAD, True, (60, 75)), (Relation.SPOUSE, False, (58, 72)), (Relation.SON, True, (30, 42))]
        plan += [(Relation.GRANDSON, True, (6, 14))]
    members = []
    for relation, male, ages in plan:
        if male is None:
            male = relation in (Relation.SON, Relation.GRANDSON)
        # A wife keeps her own surname; children and grandchildren take the head's.
        own_surname = rng.choice(SURNAMES) if relation == Relation.SPOUSE else surname
        members.append(_person(rng, today, used, surname=own_surname, relation=relation, male=male, ages=ages))
    return members, kind


def _profile(rng: random.Random) -> str:
    """A district in the third year of the plan: most households exited and well above the line, a few of them
    slipping (watched), some not yet exited but ready, the rest still poor."""
    roll = rng.random()
    if roll < 0.56:
        return "exited"
    if roll < 0.60:
        return "watched"
    if roll < 0.75:
        return "ready"
    return "poor"


# Per-capita income as a multiple of the line, by profile (low, high).
INCOME_BANDS = {"exited": (2.0, 3.4), "watched": (1.1, 1.4), "ready": (1.3, 2.1), "poor": (0.45, 0.95)}


def _income(rng: random.Random, profile: str, kind: str, *, members: int, line: Decimal) -> dict[str, Decimal]:
    """A year's income whose per-capita net income falls in the profile's band: transfers (pension, 低保,
    subsidies) for every household, wages where someone can work, a little business and property income."""
    low, high = INCOME_BANDS[profile]
    total = int(line * members * Decimal(str(round(rng.uniform(low, high), 3))))
    transfer_share = 0.85 if kind in ("elderly_single", "elderly_couple") else rng.uniform(0.2, 0.4)
    transfer = int(total * transfer_share)
    business = rng.randrange(0, max(1, (total - transfer) // 4))
    property_income = rng.choice((0, 300, 600)) if total - transfer - business > 600 else 0
    cost = rng.randrange(0, 500) if business else 0
    wage = total - transfer - business - property_income + cost
    return {
        "wage": Decimal(wage),
        "business": Decimal(business),
        "property_income": Decimal(property_income),
        "transfer": Decimal(transfer),
        "business_cost": Decimal(cost),
    }


def _returned_to_poverty(actor: User, exited: list[Household], *, year: int) -> None:
    """Two exited households, one per town, fell back after a serious illness: last year's income under the
    line and the district office's 返贫 with its reason (plan ch. 12 §2 五)."""
    by_town: dict[int, Household] = {}
    for household in exited:
        by_town.setdefault(household.village.parent_id, household)
    for household in list(by_town.values())[:2]:
        members = household.members.active().count()
        income_set(
            actor=actor,
            household=household,
            year=year,
            data={"wage": Decimal(0), "transfer": Decimal(2600 * members), "business_cost": Decimal(0)},
            reason="户主患大病住院，停工一年（入户核实）",
        )
        household_change_status(
            actor=actor,
            household=household,
            to_status=HouseholdStatus.RETURNED,
            reason=f"{year} 年户主患大病，人均纯收入低于扶贫标准，经入户核实纳入返贫",
        )


def _exits_in_progress(actor: User, ready: list[Household], *, today: date) -> None:
    """A few households ready to exit stand at each step of the exit procedure (DESIGN §6)."""
    from .services import exit as steps

    per_step = 2
    for index, household in enumerate(ready[: per_step * 4]):
        stage = index // per_step  # 0 proposed, 1 verified, 2 confirmed, 3 publicizing
        case = steps.exit_propose(
            actor=actor, household=household, deliberation_date=today - timedelta(days=20), attendance=25 + index
        )
        if stage >= 1:
            case = steps.exit_verify(actor=actor, case=case, note="村两委和驻村工作队入户核实")
        if stage >= 2:
            case = steps.exit_confirm(actor=actor, case=case, note="户主签字确认")
        if stage >= 3:
            steps.exit_publicize(actor=actor, case=case, start=today - timedelta(days=3), end=today + timedelta(days=4))


@transaction.atomic
def seed_demo(*, password: str | None = None) -> DemoResult:
    """Create (or complete) the demo: areas, standards, users, households. Idempotent."""
    today = timezone.localdate()
    before = Area.objects.count()
    areas_load(path=AREAS_CSV)
    areas_created = Area.objects.count() - before

    # Only the years not set yet: a line the district has set (`set_standard`, the admin) is never reset.
    set_years = set(PovertyStandard.objects.values_list("year", flat=True))
    for year in range(2015, today.year + 1):
        if year not in set_years:
            poverty, dibao = DEMO_STANDARDS.get(year, LATEST_DEMO_STANDARD)
            standard_set(year=year, poverty_line=poverty, dibao_line=dibao)

    from django.contrib.auth.models import Group

    users_created = 0
    users: dict[str, User] = {}
    accounts = [(username, last, first, role, code, "") for username, last, first, role, code in DEMO_USERS]
    accounts += [
        (u, last, first, Role.SECTOR_OFFICER, DISTRICT_CODE, sector) for u, last, first, sector in DEMO_SECTOR_USERS
    ]
    for username, last, first, role, code, sector in accounts:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"last_name": last, "first_name": first, "area": Area.objects.get(code=code), "sector": sector},
        )
        if created or password:
            user.set_password(password or DEFAULT_PASSWORD)
        user.is_staff = False  # no business account is staff; the district office's role opens the admin
        user.save()
        user.groups.add(Group.objects.get(name=role))
        users[username] = user
        users_created += created

    rng = random.Random(20171228)  # the plan's date: the same demo every time
    used: set[str] = set()
    existing = set(Household.objects.values_list("number", flat=True))
    actor = users["district"]
    created = 0
    made: dict[str, list[Household]] = {"exited": [], "ready": []}
    for village in Area.objects.filter(level=AreaLevel.VILLAGE).order_by("code"):
        for i in range(1, HOUSEHOLDS_PER_VILLAGE + 1):
            number = f"{village.code}{i:04d}"
            members, kind = _household_members(rng, today, used)
            profile = _profile(rng)
            cause = rng.choice(
                (
                    PovertyCause.ILLNESS,
                    PovertyCause.ILLNESS,
                    PovertyCause.DISABILITY,
                    PovertyCause.NO_LABOUR,
                    PovertyCause.SCHOOLING,
                    PovertyCause.NO_SKILLS,
                )
            )
            if kind == "elderly_single":
                attribute = HouseholdAttribute.TEKUN
            elif cause in (PovertyCause.ILLNESS, PovertyCause.DISABILITY) and rng.random() < 0.5:
                attribute = HouseholdAttribute.DIBAO
            else:
                attribute = HouseholdAttribute.ORDINARY
            for m in members:
                m["dibao"] = attribute == HouseholdAttribute.DIBAO
                m["tekun"] = attribute == HouseholdAttribute.TEKUN
            # Exited households and those ready to exit have a safe house and safe water; the poor may not.
            grade = rng.choice("AABB" if profile != "poor" else "AABBBBCC")
            exited = profile in ("exited", "watched")
            household = {
                "number": number,
                "village": village,
                "natural_village": f"{village.name[:-1]}{rng.choice('一二三四')}组",
                "attribute": attribute,
                "main_cause": cause,
                "registration_year": rng.choice((2014, 2015, 2016)),
                "dilapidated": grade in "CD",
                "house_grade": grade,
                "safe_water": True if profile != "poor" else rng.random() > 0.1,
                "enough_food": True,
                "enough_clothing": True,
                "phone": f"1{rng.choice('3578')}{rng.randrange(10**8, 10**9)}",
                "status": HouseholdStatus.EXITED if exited else HouseholdStatus.IN_POVERTY,
                "exit_year": rng.choice((2016, 2017, 2018)) if exited else None,
            }
            # Draw incomes even for existing households, so the random sequence (and the demo) stays the same.
            incomes = {
                year: _income(rng, profile, kind, members=len(members), line=LATEST_DEMO_STANDARD[0])
                for year in (today.year - 2, today.year - 1)
            }
            if number in existing:
                continue
            created_household = household_create(actor=actor, data=household, members=members)
            for year, data in incomes.items():
                income_set(actor=actor, household=created_household, year=year, data=data)
            if profile in ("exited", "ready"):
                made[profile].append(created_household)
            created += 1
    if created:
        _returned_to_poverty(actor, made["exited"], year=today.year - 1)
        # The demo opens with every household already assessed, as after a night of the scheduled recompute.
        from .services.assessment import assessments_recompute

        for year in (today.year - 2, today.year - 1):
            assessments_recompute(year=year)
        _exits_in_progress(actor, made["ready"], today=today)
    other = tuple(step(actor) for step in _demo_steps)
    return DemoResult(
        areas_created=areas_created,
        standards=today.year - 2015 + 1,
        users_created=users_created,
        households_created=created,
        other=other,
    )
