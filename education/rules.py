"""The education rules as pure functions over NamedTuples (STYLE §3): no ORM, dates as parameters. The pages,
the import, the facts provider and the tests call these same functions.

Plan ch. 5 §2 一: "脱贫攻坚期内，实现从学前教育到高等教育资助全覆盖。学前教育阶段，免除保教费、住宿费、伙食费、
校车接送费、意外伤害保险费、床上用品费等；义务教育阶段，免除作业费、伙食费、校车费、社会实践活动费、校服费；
普通高中教育阶段，免除学杂费、住宿费、伙食费、课本和作业本费、校服费等；中高职及以上实行 3000 元/人/年的定额补助，
做到应补即补、应免尽免。" Plan ch. 5 §2 二 and ch. 8 §3 一: 留守儿童 files and contact cards.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from households.rules import MemberFacts, age_on, of_compulsory_school_age

# ---- Stages and their items (plan ch. 5 §2 一) -------------------------------------------------------------

PRESCHOOL = "学前"
PRIMARY = "小学"
JUNIOR = "初中"
SENIOR = "普通高中"
SECONDARY_VOCATIONAL = "中职"
HIGHER_VOCATIONAL = "高职/大专"
UNIVERSITY = "本科及以上"
STAGES = (PRESCHOOL, PRIMARY, JUNIOR, SENIOR, SECONDARY_VOCATIONAL, HIGHER_VOCATIONAL, UNIVERSITY)

# The groups the plan names; a student's items are due once per group and school year.
GROUP_PRESCHOOL = "学前教育"
GROUP_COMPULSORY = "义务教育"
GROUP_SENIOR = "普通高中"
GROUP_VOCATIONAL = "中高职及以上"

STAGE_GROUP = {
    PRESCHOOL: GROUP_PRESCHOOL,
    PRIMARY: GROUP_COMPULSORY,
    JUNIOR: GROUP_COMPULSORY,
    SENIOR: GROUP_SENIOR,
    SECONDARY_VOCATIONAL: GROUP_VOCATIONAL,
    HIGHER_VOCATIONAL: GROUP_VOCATIONAL,
    UNIVERSITY: GROUP_VOCATIONAL,
}

SUBSIDY_ITEM = "定额补助"
VOCATIONAL_SUBSIDY = Decimal("3000.00")  # 元/人/年 (plan ch. 5 §2 一)

ITEMS_BY_GROUP: dict[str, tuple[str, ...]] = {
    GROUP_PRESCHOOL: ("保教费", "住宿费", "伙食费", "校车接送费", "意外伤害保险费", "床上用品费"),
    GROUP_COMPULSORY: ("作业费", "伙食费", "校车费", "社会实践活动费", "校服费"),
    GROUP_SENIOR: ("学杂费", "住宿费", "伙食费", "课本和作业本费", "校服费"),
    GROUP_VOCATIONAL: (SUBSIDY_ITEM,),
}
ALL_ITEMS = tuple(dict.fromkeys(item for items in ITEMS_BY_GROUP.values() for item in items))

# Statuses of an enrolment (models.EnrolmentStatus values).
ENROLLED = "在校"
SUSPENDED = "休学"
DROPPED_OUT = "辍学"
GRADUATED = "毕业"
# A student who attended during the year (and graduated at its end) is due the year's items; one suspended or
# dropped out is not (nothing to waive), and a dropped-out child of compulsory age is a 义务教育 gap instead.
ATTENDING = frozenset({ENROLLED, GRADUATED})


def items_of(stage: str) -> tuple[str, ...]:
    """The items a stage waives or pays (plan ch. 5 §2 一)."""
    return ITEMS_BY_GROUP[STAGE_GROUP[stage]]


def item_refusal(stage: str, item: str) -> str | None:
    """Why `item` cannot be recorded for an enrolment of `stage` (None: it can)."""
    if item not in items_of(stage):
        allowed = "、".join(items_of(stage))
        return f"{stage}阶段没有“{item}”这一资助项目；可登记的项目是：{allowed}。"
    return None


def amount_refusal(stage: str, item: str, amount: Decimal) -> str | None:
    """An amount the school set must be positive; the 中高职及以上 subsidy is the plan's 3,000 元 a year."""
    if amount <= 0:
        return "金额应大于 0 元。"
    if item == SUBSIDY_ITEM and amount > VOCATIONAL_SUBSIDY:
        return f"中高职及以上定额补助每人每年 {VOCATIONAL_SUBSIDY:,.0f} 元，不能登记 {amount:,.2f} 元。"
    return None


# ---- School years ------------------------------------------------------------------------------------------


def school_year_of(day: date) -> int:
    """The school year a date falls in, by its first year: 1 September Y to 31 August Y+1 is school year Y."""
    return day.year if day.month >= 9 else day.year - 1


def school_year_start(year: int) -> date:
    return date(year, 9, 1)


def school_year_end(year: int) -> date:
    return date(year + 1, 8, 31)


def school_year_label(year: int) -> str:
    return f"{year}–{year + 1}"


# ---- Who is entitled ---------------------------------------------------------------------------------------


class Policy(NamedTuple):
    """脱贫不脱政策 setting (models.PolicySetting)."""

    exited_keep_policy: bool = True
    policy_until: int | None = None  # last school year (its first year) of the policy period; None: no end


class Entitlement(NamedTuple):
    entitled: bool
    why: str


def entitlement(*, household_status: str, school_year: int, policy: Policy) -> Entitlement:
    """Who is entitled — plan ch. 5 §2 一: members of households 未脱贫 or 返贫; members of 已脱贫 households too
    while the district keeps the policy after exit (脱贫不脱政策) and the school year is within the policy
    period; never those of a household 自然减少."""
    if household_status in ("未脱贫", "返贫"):
        return Entitlement(True, f"{household_status}户学生")
    if household_status == "已脱贫":
        if not policy.exited_keep_policy:
            return Entitlement(False, "已脱贫户：区里已设定脱贫后不再享受教育资助")
        if policy.policy_until is not None and school_year > policy.policy_until:
            return Entitlement(
                False, f"已脱贫户：脱贫不脱政策截至 {school_year_label(policy.policy_until)} 学年，本学年已过政策期"
            )
        return Entitlement(True, "已脱贫户学生，脱贫不脱政策")
    return Entitlement(False, f"{household_status}户不享受资助" if household_status else "未建档")


# ---- What is due and what is missing (应补即补、应免尽免) ----------------------------------------------------


class EnrolmentFacts(NamedTuple):
    """One enrolment as the rules read it."""

    school_year: int
    stage: str
    status: str
    started_on: date
    ended_on: date | None = None
    taught_at_home: bool = False

    def last_day(self) -> date:
        return self.ended_on or school_year_end(self.school_year)

    def covers(self, on: date) -> bool:
        return self.started_on <= on <= self.last_day()


class GivenFacts(NamedTuple):
    """One valid benefit record: the stage of its enrolment, the item, the amount."""

    stage: str
    item: str
    amount: Decimal


class Due(NamedTuple):
    group: str
    item: str
    amount: Decimal | None  # None: the amount is the school's fee, whatever it is


class BenefitGap(NamedTuple):
    group: str
    item: str
    detail: str  # "未登记" or "应发 3,000 元，已发 1,500 元"


def items_due(enrolments: list[EnrolmentFacts], *, school_year: int) -> tuple[Due, ...]:
    """Every item an entitled student is due in a school year: each group the student attended in that year
    (stage order of the enrolments), its items once. A student who changes stage mid-year (初中 until January,
    then 中职) is due the items of both groups; one who changes within a group (中职 → 高职) is due that group's
    items once — the 3,000 元 is a yearly amount (plan ch. 5 §2 一 "3000 元/人/年")."""
    groups: list[str] = []
    for e in sorted(enrolments, key=lambda e: e.started_on):
        if e.school_year == school_year and e.status in ATTENDING:
            group = STAGE_GROUP[e.stage]
            if group not in groups:
                groups.append(group)
    return tuple(
        Due(group, item, VOCATIONAL_SUBSIDY if item == SUBSIDY_ITEM else None)
        for group in groups
        for item in ITEMS_BY_GROUP[group]
    )


def _yuan(value: Decimal) -> str:
    value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{value:,.0f}" if value == value.to_integral() else f"{value:,.2f}"


def benefit_gaps(due: tuple[Due, ...], given: list[GivenFacts]) -> tuple[BenefitGap, ...]:
    """应补即补、应免尽免 — plan ch. 5 §2 一: each item due with no valid record for the school year is a gap;
    the 3,000 元 subsidy paid short is a gap naming what is missing."""
    got: dict[tuple[str, str], Decimal] = {}
    for g in given:
        key = (STAGE_GROUP[g.stage], g.item)
        got[key] = got.get(key, Decimal(0)) + g.amount
    gaps = []
    for d in due:
        paid = got.get((d.group, d.item))
        if paid is None:
            gaps.append(BenefitGap(d.group, d.item, "未登记"))
        elif d.amount is not None and paid < d.amount:
            gaps.append(BenefitGap(d.group, d.item, f"应发 {_yuan(d.amount)} 元，已发 {_yuan(paid)} 元"))
    return tuple(gaps)


def benefit_gap_words(gaps: tuple[BenefitGap, ...]) -> str:
    """The gaps in words, by group: "义务教育：作业费、校服费；中高职及以上：定额补助（应发 3,000 元，已发 1,500 元）"."""
    parts: dict[str, list[str]] = {}
    for gap in gaps:
        parts.setdefault(gap.group, []).append(gap.item if gap.detail == "未登记" else f"{gap.item}（{gap.detail}）")
    return "；".join(f"{group}：{'、'.join(items)}" for group, items in parts.items())


# ---- The fact of the exit rule (义务教育有保障) ---------------------------------------------------------------

_SCHOOL_STATUS_OF_STAGE = {
    PRESCHOOL: "学前教育",
    PRIMARY: "小学",
    JUNIOR: "初中",
    SENIOR: "普通高中",
    SECONDARY_VOCATIONAL: "中职",
    HIGHER_VOCATIONAL: "高职",
    UNIVERSITY: "本科及以上",
}
# 文化程度 a graduation completes, where it matters to the exit rule (初中 or higher ends compulsory education).
_EDUCATION_OF_GRADUATION = {
    JUNIOR: "初中",
    SENIOR: "高中",
    SECONDARY_VOCATIONAL: "中专",
    HIGHER_VOCATIONAL: "大专及以上",
    UNIVERSITY: "大专及以上",
}


def enrolment_on(enrolments: list[EnrolmentFacts], on: date) -> EnrolmentFacts | None:
    """The enrolment covering a date (the latest started, where a stage change overlaps by a day)."""
    covering = [e for e in enrolments if e.covers(on)]
    return max(covering, key=lambda e: e.started_on) if covering else None


def member_school_facts(enrolment: EnrolmentFacts) -> dict[str, object]:
    """What an enrolment says of the member for the exit rule (households.rules.MemberFacts fields): the school
    status in the registry's words (在校 or 休学 → the stage; 辍学 → 辍学; 毕业 → 非在校生, with the 文化程度
    the graduation completes) and 送教上门 — plan ch. 2 §3 义务教育有保障, ch. 5 §2."""
    if enrolment.status == DROPPED_OUT:
        facts: dict[str, object] = {"school_status": "辍学"}
    elif enrolment.status == GRADUATED:
        facts = {"school_status": "非在校生"}
        if enrolment.stage in _EDUCATION_OF_GRADUATION:
            facts["education"] = _EDUCATION_OF_GRADUATION[enrolment.stage]
    else:
        facts = {"school_status": _SCHOOL_STATUS_OF_STAGE[enrolment.stage]}
    if enrolment.taught_at_home:
        facts["taught_at_home"] = True
    return facts


class StudentGap(NamedTuple):
    kind: str  # "义务教育" or "资助"
    detail: str


def compulsory_gap(member: MemberFacts, enrolment: EnrolmentFacts | None, *, on: date) -> StudentGap | None:
    """A child of compulsory school age (households.rules.of_compulsory_school_age) on `on` who is not enrolled
    in school — no enrolment covering the date, or one that says 辍学 — is a 义务教育 gap (plan ch. 2 §3, ch. 5
    §2), unless a severe disability has the child taught at home (送教上门)."""
    if not of_compulsory_school_age(member, on):
        return None
    age = age_on(member.birth_date, on)
    if enrolment is None:
        if member.taught_at_home and member.disability_grade in ("一级", "二级"):
            return None
        return StudentGap("义务教育", f"{member.name}，{age} 岁，未登记学籍")
    if enrolment.taught_at_home:
        return None
    if enrolment.status == DROPPED_OUT:
        return StudentGap("义务教育", f"{member.name}，{age} 岁，辍学")
    if enrolment.status == GRADUATED and enrolment.stage not in _EDUCATION_OF_GRADUATION:
        return StudentGap("义务教育", f"{member.name}，{age} 岁，{enrolment.stage}毕业后未升学")
    return None


# ---- 留守儿童 (plan ch. 5 §2 二, ch. 8 §3 一) ---------------------------------------------------------------

LEFT_BEHIND_AGE = 16  # 不满 16 周岁
AWAY = "外出务工"
CANNOT_CARE = frozenset({"无监护能力", "死亡或下落不明"})


class LeftBehind(NamedTuple):
    left_behind: bool
    why: str


def left_behind(*, birth_date: date, on: date, father: str, mother: str) -> LeftBehind:
    """留守儿童: a child under 16 whose parents both work away, or one works away and the other cannot care for
    the child (无监护能力, or dead, in prison, missing) — plan ch. 5 §2 二, ch. 8 §3 一."""
    age = age_on(birth_date, on)
    if age >= LEFT_BEHIND_AGE:
        return LeftBehind(False, f"已满 {LEFT_BEHIND_AGE} 周岁（{age} 岁），不属于留守儿童")
    if father == AWAY and mother == AWAY:
        return LeftBehind(True, "父母均外出务工")
    if father == AWAY and mother in CANNOT_CARE:
        return LeftBehind(True, "父亲外出务工，母亲无法履行监护")
    if mother == AWAY and father in CANNOT_CARE:
        return LeftBehind(True, "母亲外出务工，父亲无法履行监护")
    if AWAY in (father, mother):
        return LeftBehind(False, "父母一方外出务工，另一方在家照料，不属于留守儿童")
    return LeftBehind(False, "父母均未外出务工，不属于留守儿童")


# ---- 三留守 摸排 (plan ch. 8 §3 一) ------------------------------------------------------------------------------

# Working outside the county: away from home for the 摸排 (县内务工 comes home).
WORKING_AWAY = frozenset({"省内县外务工", "省外务工"})
ELDERLY_AGE = 60
WORKING_AGE = (16, 59)


class SurveyMember(NamedTuple):
    """A member of a household as the 摸排 reads the registry (households.Person fields)."""

    pk: int
    name: str
    sex: str
    birth_date: date
    relation: str
    work_status: str


class SurveyFinding(NamedTuple):
    kind: str  # 留守儿童, 留守老人, 留守妇女
    pk: int
    name: str
    age: int
    why: str


# Couples the registry's relations make visible: (husband's relations, wife's relations) within one household.
_COUPLES = ((("户主",), ("配偶",)), (("配偶",), ("户主",)), (("之子",), ("之儿媳",)), (("之女婿",), ("之女",)))
# A child's parents by the child's relation to the head.
_PARENTS = {
    "之子": ("户主", "配偶"),
    "之女": ("户主", "配偶"),
    "之孙子": ("之子", "之儿媳"),
    "之孙女": ("之子", "之儿媳"),
    "之外孙子": ("之女", "之女婿"),
    "之外孙女": ("之女", "之女婿"),
}


def _single(
    members: tuple[SurveyMember, ...], relations: tuple[str, ...], sex: str | None = None
) -> SurveyMember | None:
    found = [m for m in members if m.relation in relations and (sex is None or m.sex == sex)]
    return found[0] if len(found) == 1 else None  # two sons: the registry cannot tell whose wife is whose


def three_left_behind(members: tuple[SurveyMember, ...], *, on: date) -> list[SurveyFinding]:
    """三留守 摸排 — plan ch. 8 §3 一 "开展'三留守'人员全面摸排工作": from the registry's 务工状况, the people a
    town should check, one household at a time (the members in the household on `on`):
    - 留守儿童: under 16, both parents (as the relations show them) work outside the county;
    - 留守老人: 60 or older, every member of working age (16–59) works outside the county (there is one);
    - 留守妇女: a wife of working age not working away whose husband works outside the county.
    Candidates only: the registry says where people work, not who cares for whom — the town verifies, and a
    child confirmed is given a file (rules.left_behind decides it with the parents' actual situation)."""
    findings = []
    by_relation: dict[str, SurveyMember] = {}
    for relation in {m.relation for m in members}:
        single = _single(members, (relation,))
        if single is not None:
            by_relation[relation] = single
    working_age = [m for m in members if WORKING_AGE[0] <= age_on(m.birth_date, on) <= WORKING_AGE[1]]
    all_away = bool(working_age) and all(m.work_status in WORKING_AWAY for m in working_age)
    for m in members:
        age = age_on(m.birth_date, on)
        if age < LEFT_BEHIND_AGE and m.relation in _PARENTS:
            parents = [by_relation.get(r) for r in _PARENTS[m.relation]]
            if all(p is not None and p.work_status in WORKING_AWAY for p in parents):
                findings.append(SurveyFinding("留守儿童", m.pk, m.name, age, "父母均在县外务工"))
        elif age >= ELDERLY_AGE and all_away:
            findings.append(SurveyFinding("留守老人", m.pk, m.name, age, "家中劳动年龄成员均在县外务工"))
    for husband_relations, wife_relations in _COUPLES:
        husband = _single(members, husband_relations, "男")
        wife = _single(members, wife_relations, "女")
        if husband is None or wife is None:
            continue
        age = age_on(wife.birth_date, on)
        if (
            WORKING_AGE[0] <= age <= WORKING_AGE[1]
            and husband.work_status in WORKING_AWAY
            and wife.work_status not in WORKING_AWAY
        ):
            findings.append(SurveyFinding("留守妇女", wife.pk, wife.name, age, f"丈夫{husband.name}在县外务工"))
    return findings


# ---- 助学贷款 (plan ch. 12 §3) --------------------------------------------------------------------------------


def loan_interest_due(*, signed_on: date, attended: set[int], school_year: int) -> bool:
    """ "贫困家庭学生在校期间助学贷款利息全部由财政补贴" — plan ch. 12 §3: the interest of a school year is due
    from the state when the loan was signed by the end of that year and the student was at school in it."""
    return signed_on <= school_year_end(school_year) and school_year in attended
