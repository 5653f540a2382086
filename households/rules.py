"""The plan's rules as pure functions over plain data (DESIGN §5). No ORM, no I/O; dates are parameters.

The pages and the nightly job call these same functions. Inputs and outputs are small immutable records;
they are NamedTuples rather than frozen dataclasses because the nightly job builds about a million of them,
and a NamedTuple is several times cheaper to construct.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import NamedTuple

CENT = Decimal("0.01")


class IncomeFacts(NamedTuple):
    """One household's income of one year as the ledger gives it; None means "not given"."""

    wage: Decimal | None = None
    business: Decimal | None = None
    property_income: Decimal | None = None
    transfer: Decimal | None = None
    business_cost: Decimal | None = None
    per_capita_given: Decimal | None = None

    @property
    def has_components(self) -> bool:
        return any(
            v is not None for v in (self.wage, self.business, self.property_income, self.transfer, self.business_cost)
        )


def net_income(income: IncomeFacts) -> Decimal | None:
    """家庭纯收入 = 工资性 + 生产经营性 + 财产性 + 转移性 − 生产经营性支出 (DESIGN §5 rule 2).

    None when no component is given. A component left blank among given ones counts as 0.
    """
    if not income.has_components:
        return None
    parts = (income.wage, income.business, income.property_income, income.transfer)
    total = sum((p or Decimal(0) for p in parts), Decimal(0)) - (income.business_cost or Decimal(0))
    return total.quantize(CENT)


def per_capita_exact(income: IncomeFacts, *, members: int, added: Decimal = Decimal(0)) -> Decimal | None:
    """人均纯收入, unrounded — the year's net income divided by the members in the household (DESIGN §5 rule 2,
    plan ch. 2 §3 "年人均收入稳定超过市定扶贫标准"). The rules compare this figure with the line (rounding it
    first could lift 3,608.996 over a 3,609 line); only what is shown is rounded (`per_capita_income`).

    `added` is income that other records bring to the household for the year on top of the ledger's figures
    (资产收益分红 as 财产性收入, from the funds records). Where the ledger gives only 人均纯收入 and no
    components, that figure is used (plus `added` shared among the members). None when nothing is known or
    the household has no member to divide by.
    """
    total = net_income(income)
    if total is None:
        if income.per_capita_given is None:
            return None
        if not added:
            return income.per_capita_given
        return income.per_capita_given + added / members if members > 0 else None
    if members <= 0:
        return None
    return (total + added) / members


def per_capita_income(income: IncomeFacts, *, members: int, added: Decimal = Decimal(0)) -> Decimal | None:
    """`per_capita_exact` rounded to the fen, for pages, exports and the stored assessment."""
    exact = per_capita_exact(income, members=members, added=added)
    return None if exact is None else exact.quantize(CENT, rounding=ROUND_HALF_UP)


# ---- Rule 1: the standard of the year -------------------------------------------------------------------


class Standard(NamedTuple):
    """市定扶贫标准 and the rural 低保 line of one year, yuan per person (两线合一) — plan ch. 2 §3, ch. 8."""

    year: int
    poverty_line: Decimal
    dibao_line: Decimal


def assessment_date(year: int, *, today: date) -> date:
    """The date a year is assessed on: 31 December of the year, or today while the year is running (DESIGN §5)."""
    return min(date(year, 12, 31), today)


def age_on(birth: date, on: date) -> int:
    """Whole years of age on a date."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


# ---- Rule 3: 两不愁三保障 -----------------------------------------------------------------------------------

SCHOOL_START_AGE = 6  # due at school from the 1 September after turning 6 (满 6 周岁 by 31 August)
COMPULSORY_END_AGE = 16  # compulsory education is over at 16 at the latest
# 文化程度 that means 初中 has been completed: compulsory education is done, whatever the age.
JUNIOR_COMPLETED = frozenset({"初中", "高中", "中专", "大专及以上"})
OUT_OF_SCHOOL = frozenset({"辍学", "非在校生"})
SEVERE_DISABILITY = frozenset({"一级", "二级"})  # 重度: may be taught at home (送教上门)
SAFE_HOUSE_GRADES = frozenset({"A", "B"})
UNSAFE_HOUSE_GRADES = frozenset({"C", "D"})


class Gap(StrEnum):
    """The named gaps of the exit standard (DESIGN §5 rule 4), in the order they are reported."""

    INCOME = "收入"
    FOOD = "不愁吃"
    CLOTHING = "不愁穿"
    EDUCATION = "义务教育"
    MEDICAL = "基本医疗"
    HOUSING = "住房安全"
    WATER = "饮水安全"


GAP_ORDER = {gap: index for index, gap in enumerate(Gap)}


class MemberFacts(NamedTuple):
    """What the rules need of one member. The field names are the Person columns they are read from."""

    name: str
    birth_date: date
    school_status: str = ""
    disability_grade: str = ""
    taught_at_home: bool = False
    medical_insurance: bool | None = None
    education: str = ""  # 文化程度: 初中 or higher ends compulsory education
    left_on: date | None = None  # the day the member died or left; None while in the household


class HouseholdFacts(NamedTuple):
    """What the rules need of one household; None means the fact was not recorded.

    `members` may include people born after, or gone before, the assessment date: the rules count only the
    members of the household on that date (`members_on`).
    """

    members: tuple[MemberFacts, ...]
    income: IncomeFacts | None = None
    enough_food: bool | None = None
    enough_clothing: bool | None = None
    house_grade: str = ""
    dilapidated: bool | None = None
    retrofit_accepted: bool = False  # fed by the housing records when they exist
    safe_water: bool | None = None
    exited: bool = False  # status 已脱贫
    income_added: Decimal = Decimal(0)  # yearly income other records add (dividends), see per_capita_exact
    # Which record decided a fact, where a sector app's record did: (fact, words), e.g.
    # ("基本医疗", "医保部门 2025 年参保记录"). Shown on the page; the rules do not read it.
    sources: tuple[tuple[str, str], ...] = ()


def in_household_on(member: MemberFacts, on: date) -> bool:
    """A member counts for a year when born on or before its assessment date and not gone before it (DESIGN
    §5 rule 2: the members who have not left). Someone who died in the following year still counts."""
    return member.birth_date <= on and (member.left_on is None or member.left_on > on)


def members_on(facts: HouseholdFacts, on: date) -> tuple[MemberFacts, ...]:
    """The household's members on the assessment date."""
    return tuple(m for m in facts.members if in_household_on(m, on))


def _birthday(birth: date, age: int) -> date:
    try:
        return birth.replace(year=birth.year + age)
    except ValueError:  # born on 29 February
        return date(birth.year + age, 3, 1)


def school_start(birth: date) -> date:
    """The day a child is due at school: the 1 September after turning 6 (a child who turns 6 on 1 September
    or later starts the following year)."""
    sixth = _birthday(birth, SCHOOL_START_AGE)
    start = date(sixth.year, 9, 1)
    return start if sixth < start else date(sixth.year + 1, 9, 1)


def of_compulsory_school_age(member: MemberFacts, on: date) -> bool:
    """义务教育 applies to a member from the day they are due at school (`school_start`) until 初中 is
    completed (文化程度 初中 or higher) or they turn 16 — plan ch. 5 §2."""
    if not on.year - COMPULSORY_END_AGE - 1 <= member.birth_date.year <= on.year - SCHOOL_START_AGE:
        return False  # clearly outside school age, whatever the birthday
    if member.education in JUNIOR_COMPLETED:
        return False
    return school_start(member.birth_date) <= on < _birthday(member.birth_date, COMPULSORY_END_AGE)


class Shortfall(NamedTuple):
    """One unmet requirement: which gap, and the words that explain it ("张三，10 岁，辍学")."""

    gap: Gap
    detail: str


NOT_RECORDED = "未填写"


def food_and_clothing(facts: HouseholdFacts) -> list[Shortfall]:
    """不愁吃、不愁穿 — plan ch. 2 §3. Recorded facts; blank counts as met (FORMAT.md)."""
    found = []
    if facts.enough_food is False:
        found.append(Shortfall(Gap.FOOD, "愁吃"))
    if facts.enough_clothing is False:
        found.append(Shortfall(Gap.CLOTHING, "愁穿"))
    return found


def compulsory_education(facts: HouseholdFacts, *, as_of: date) -> list[Shortfall]:
    """义务教育有保障 — plan ch. 2 §3, ch. 5 §2: no member of compulsory school age on the assessment date
    (`of_compulsory_school_age`) is out of school (辍学 or 非在校生), unless a severe disability has them
    taught at home (送教上门). A member of that age without a school status is not met: 未填写."""
    found = []
    for m in facts.members:
        if not of_compulsory_school_age(m, as_of):
            continue
        if m.taught_at_home and m.disability_grade in SEVERE_DISABILITY:
            continue
        age = age_on(m.birth_date, as_of)
        if not m.school_status:
            found.append(Shortfall(Gap.EDUCATION, f"{m.name}，{age} 岁，在校情况{NOT_RECORDED}"))
        elif m.school_status in OUT_OF_SCHOOL:
            found.append(Shortfall(Gap.EDUCATION, f"{m.name}，{age} 岁，{m.school_status}"))
    return found


def basic_medical(facts: HouseholdFacts) -> list[Shortfall]:
    """基本医疗有保障 — plan ch. 2 §3, ch. 6: every member is in the basic medical insurance."""
    found = []
    for m in facts.members:
        if m.medical_insurance is False:
            found.append(Shortfall(Gap.MEDICAL, f"{m.name}未参加基本医疗保险"))
        elif m.medical_insurance is None:
            found.append(Shortfall(Gap.MEDICAL, f"{m.name}参保情况{NOT_RECORDED}"))
    return found


def housing_safety(facts: HouseholdFacts) -> list[Shortfall]:
    """住房安全有保障 — plan ch. 2 §3, ch. 7: house grade A/B (or 危房户 否), or a retrofit accepted."""
    if facts.retrofit_accepted or facts.house_grade in SAFE_HOUSE_GRADES:
        return []
    if facts.house_grade in UNSAFE_HOUSE_GRADES:
        return [Shortfall(Gap.HOUSING, f"{facts.house_grade} 级危房，未改造验收")]
    if facts.dilapidated is False:
        return []
    if facts.dilapidated is True:
        return [Shortfall(Gap.HOUSING, "危房户，未改造验收")]
    return [Shortfall(Gap.HOUSING, f"住房安全等级{NOT_RECORDED}")]


def drinking_water(facts: HouseholdFacts) -> list[Shortfall]:
    """饮水安全 — plan ch. 11 (DESIGN §5 rule 3)."""
    if facts.safe_water is True:
        return []
    if facts.safe_water is False:
        return [Shortfall(Gap.WATER, "未解决安全饮用水")]
    return [Shortfall(Gap.WATER, f"饮水情况{NOT_RECORDED}")]


def guarantees(facts: HouseholdFacts, *, as_of: date) -> list[Shortfall]:
    """Every unmet guarantee of 两不愁三保障 plus 饮水安全, in the order of the Gap enum."""
    return [
        *food_and_clothing(facts),
        *compulsory_education(facts, as_of=as_of),
        *basic_medical(facts),
        *housing_safety(facts),
        *drinking_water(facts),
    ]


# ---- Rules 4–6: exit standard, income band, return-to-poverty watch ---------------------------------------


class IncomeBand(StrEnum):
    """Per-capita income against the 低保 line — plan ch. 6 §2 (低保边缘 100–150%, 低收入 150–200%)."""

    BELOW_DIBAO = "低保标准以下"
    DIBAO_EDGE = "低保边缘"
    LOW_INCOME = "低收入"
    GENERAL = "一般"


def income_band(per_capita: Decimal, *, dibao_line: Decimal) -> IncomeBand:
    """Under 100% of the 低保 line; from 100% to under 150%; from 150% to under 200%; from 200% (rule 5)."""
    if per_capita < dibao_line:
        return IncomeBand.BELOW_DIBAO
    if per_capita < dibao_line * Decimal("1.5"):
        return IncomeBand.DIBAO_EDGE
    if per_capita < dibao_line * 2:
        return IncomeBand.LOW_INCOME
    return IncomeBand.GENERAL


WATCH_FACTOR = Decimal("1.5")  # plan ch. 12 §2 五: an exited household under 1.5× the line is watched


class Assessment(NamedTuple):
    per_capita: Decimal | None
    band: IncomeBand | None
    shortfalls: tuple[Shortfall, ...]
    meets_standard: bool
    watch: bool

    @property
    def gaps(self) -> tuple[Gap, ...]:
        """The distinct gap names, in the order of the Gap enum (the shortfalls are kept in that order)."""
        return tuple(dict.fromkeys(s.gap for s in self.shortfalls))


def _yuan(value: Decimal) -> str:
    """Yuan for reading: whole yuan without decimals, otherwise rounded to the fen (display only)."""
    value = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return f"{value:,.0f}" if value == value.to_integral() else f"{value:,.2f}"


def assess(facts: HouseholdFacts, *, standard: Standard | None, as_of: date) -> Assessment:
    """The exit standard — plan ch. 2 §3: per-capita net income *strictly above* the year's line ("稳定超过")
    and every guarantee met (rule 4); the income band (rule 5); and, for an exited household, the
    return-to-poverty watch: income back under 1.5× the line, or a guarantee lost (rule 6).

    Only the members of the household on `as_of` count, for the divisor and for the guarantees. The income is
    compared unrounded; `Assessment.per_capita` is rounded to the fen for display and storage."""
    present = members_on(facts, as_of)
    if len(present) != len(facts.members):
        facts = facts._replace(members=present)
    exact = (
        per_capita_exact(facts.income, members=len(present), added=facts.income_added)
        if facts.income
        else (facts.income_added / len(present) if facts.income_added and present else None)
    )
    shortfalls: list[Shortfall] = []
    if standard is None:
        shortfalls.append(Shortfall(Gap.INCOME, f"未设定 {as_of.year} 年扶贫标准"))
    elif exact is None:
        shortfalls.append(Shortfall(Gap.INCOME, f"收入{NOT_RECORDED}"))
    elif exact <= standard.poverty_line:
        shortfalls.append(Shortfall(Gap.INCOME, f"人均 {_yuan(exact)} 元，标准 {_yuan(standard.poverty_line)} 元"))
    unmet = guarantees(facts, as_of=as_of)
    shortfalls.extend(unmet)
    band = income_band(exact, dibao_line=standard.dibao_line) if standard and exact is not None else None
    watch = facts.exited and (
        bool(unmet) or exact is None or standard is None or exact < standard.poverty_line * WATCH_FACTOR
    )
    if len(shortfalls) > 1:
        shortfalls.sort(key=lambda s: GAP_ORDER[s.gap])
    return Assessment(
        per_capita=None if exact is None else exact.quantize(CENT, rounding=ROUND_HALF_UP),
        band=band,
        shortfalls=tuple(shortfalls),
        meets_standard=not shortfalls,
        watch=watch,
    )


def explain(assessment: Assessment) -> str:
    """The verdict in words: "未达到脱贫标准：收入（人均 3,000 元，标准 3,609 元）；义务教育（张三，10 岁，辍学）"."""
    if assessment.meets_standard:
        return "达到脱贫标准"
    parts = []
    for gap in assessment.gaps:
        details = "；".join(s.detail for s in assessment.shortfalls if s.gap == gap)
        parts.append(f"{gap}（{details}）")
    return "未达到脱贫标准：" + "；".join(parts)


# ---- Status transitions (DESIGN §6) ---------------------------------------------------------------------


class StatusWay(StrEnum):
    """How a status change is being made; each way may make only some changes."""

    REGISTRATION = "建档"  # a new household, filed with the status its ledger records
    EXIT_APPROVAL = "退出程序批准销号"  # the last step of the exit procedure
    BY_HAND = "区扶贫办变更"  # the district office, with a reason
    MEMBERS_GONE = "全部成员减少"  # the last member died or left
    LEDGER = "台账导入"  # a re-imported ledger row of a stored household
    ADMIN = "后台管理"  # the admin's change form


# The changes each way may make. Keys are (from, to), with "" as the status of a household not yet filed.
_STATUS_CHANGES: dict[tuple[str, str], frozenset[StatusWay]] = {
    ("", "未脱贫"): frozenset({StatusWay.REGISTRATION}),
    # A ledger of earlier years files a household that already exited (or returned) with its status.
    ("", "已脱贫"): frozenset({StatusWay.REGISTRATION}),
    ("", "返贫"): frozenset({StatusWay.REGISTRATION}),
    ("未脱贫", "已脱贫"): frozenset({StatusWay.EXIT_APPROVAL}),
    ("返贫", "已脱贫"): frozenset({StatusWay.EXIT_APPROVAL}),
    ("已脱贫", "返贫"): frozenset({StatusWay.BY_HAND}),
    ("未脱贫", "自然减少"): frozenset({StatusWay.BY_HAND, StatusWay.MEMBERS_GONE}),
    ("已脱贫", "自然减少"): frozenset({StatusWay.BY_HAND, StatusWay.MEMBERS_GONE}),
    ("返贫", "自然减少"): frozenset({StatusWay.BY_HAND, StatusWay.MEMBERS_GONE}),
}


def status_change_refusal(from_status: str, to_status: str, *, way: StatusWay) -> str | None:
    """Whether a household's status may change from `from_status` to `to_status` this way (DESIGN §6:
    未脱贫 → 已脱贫 only by the exit procedure's approval, plan ch. 2 §3 贫困户退出; 已脱贫 → 返贫 and any → 自然减少
    by the district office with a reason). None when allowed (or when nothing changes); otherwise the
    sentence that says why not. Every writer of `Household.status` asks this one function."""
    if from_status == to_status:
        return None
    ways = _STATUS_CHANGES.get((from_status, to_status), frozenset())
    if way in ways:
        return None
    before = from_status or "（未建档）"
    if to_status == "已脱贫":
        return (
            f"不能把“{before}”直接改为“已脱贫”：脱贫须经退出程序（民主评议、核实、农户确认、公示），"
            "由区扶贫办批准销号。"
        )
    if from_status == "自然减少":
        return "该户已自然减少，状态不能再变更。"
    if way in (StatusWay.LEDGER, StatusWay.ADMIN):
        return f"不能在{way}中把“{before}”改为“{to_status}”：请由区扶贫办在农户页面办理状态变更并说明原因。"
    return f"不能把“{before}”的农户改为“{to_status}”。"


def manual_status_choices(from_status: str) -> tuple[str, ...]:
    """The statuses the district office may set by hand from `from_status` (the status form's choices)."""
    return tuple(to for (frm, to), ways in _STATUS_CHANGES.items() if frm == from_status and StatusWay.BY_HAND in ways)
