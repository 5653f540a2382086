"""The plan's health rules as pure functions over plain data (DESIGN §5 rule 8, STYLE §3). No ORM, no I/O; dates
are parameters. The expense form's preview, the saved expense, the aid list and the imports call these same
functions.

Plan ch. 6 §2 一 (民政医疗救助): on the cost left to the patient after basic medical insurance and critical-illness
insurance, within the policy scope (符合基本医疗保险和大病保险用药目录及诊疗范围的医疗费用):
- 低保对象、特困人员: 75%, yearly cap "不低于 1.5 万元" (a setting, refused below 15,000);
- the regular aid (建档立卡贫困人口, 低保边缘 100%–150% of the 低保 line, 低收入 150%–200%, 因病致贫家庭重病患者):
  no deductible, 40%, yearly cap 15,000.
A person in several groups gets the highest rate. The cap is per person and calendar year (the year of the
expense date), counting every aid granted to that person in that year.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import NamedTuple

from households.rules import IncomeBand, age_on, income_band

CENT = Decimal("0.01")
ZERO = Decimal(0)
MIN_SPECIAL_CAP = Decimal(15000)  # 低保/特困: "年度救助封顶线提高到不低于1.5万元"
REGULAR_CAP = Decimal(15000)  # 常规医疗救助: "年度封顶线1.5万元"
SPECIAL_RATE = Decimal("0.75")
REGULAR_RATE = Decimal("0.40")


class AidGroup(StrEnum):
    """医疗救助对象 — plan ch. 6 §2 一, in the order a page lists them."""

    TEKUN = "特困人员"
    DIBAO = "低保对象"
    REGISTERED = "建档立卡贫困人口"
    DIBAO_EDGE = "低保边缘家庭"
    LOW_INCOME = "低收入家庭"
    ILLNESS_POVERTY = "因病致贫家庭重病患者"


SPECIAL_GROUPS = frozenset({AidGroup.TEKUN, AidGroup.DIBAO})
DIBAO_ATTRIBUTE = "低保贫困户"
TEKUN_ATTRIBUTE = "特困供养贫困户"
REMOVED_STATUS = "自然减少"


class AidPerson(NamedTuple):
    """What decides a person's group on the expense date: the household's 贫困户属性 and status, the member's own
    低保/特困 flags, the household's income band (households.rules.income_band), and whether the household is
    因病致贫 with this person seriously ill."""

    attribute: str = ""
    status: str = ""
    dibao: bool = False
    tekun: bool = False
    band: str = ""
    illness_poverty: bool = False


def aid_groups(person: AidPerson) -> tuple[AidGroup, ...]:
    """Every 医疗救助 group the person belongs to (plan ch. 6 §2 一). A registered household (建档立卡) stays one
    after exit (脱贫不脱政策) until it is removed (自然减少)."""
    found = []
    if person.tekun or person.attribute == TEKUN_ATTRIBUTE:
        found.append(AidGroup.TEKUN)
    if person.dibao or person.attribute == DIBAO_ATTRIBUTE:
        found.append(AidGroup.DIBAO)
    if person.status and person.status != REMOVED_STATUS:
        found.append(AidGroup.REGISTERED)
    if person.band == IncomeBand.DIBAO_EDGE:
        found.append(AidGroup.DIBAO_EDGE)
    if person.band == IncomeBand.LOW_INCOME:
        found.append(AidGroup.LOW_INCOME)
    if person.illness_poverty:
        found.append(AidGroup.ILLNESS_POVERTY)
    return tuple(found)


def band_of(per_capita: Decimal | None, *, dibao_line: Decimal | None) -> str:
    """The household's band against the 低保 line (DESIGN §5 rule 5: 低保边缘 from 100% to under 150%, 低收入 from
    150% to under 200%); '' when the income or the line is unknown."""
    if per_capita is None or dibao_line is None:
        return ""
    return str(income_band(per_capita, dibao_line=dibao_line))


class AidTerms(NamedTuple):
    group: AidGroup
    rate: Decimal
    cap: Decimal


def rate_of(group: AidGroup) -> Decimal:
    return SPECIAL_RATE if group in SPECIAL_GROUPS else REGULAR_RATE


def aid_terms(groups: tuple[AidGroup, ...], *, special_cap: Decimal) -> AidTerms | None:
    """The terms that apply: the group with the highest rate (several groups → the highest, plan ch. 6 §2 一),
    its rate and yearly cap. None for a person in no group."""
    if not groups:
        return None
    best = max(groups, key=lambda g: (rate_of(g), -list(AidGroup).index(g)))
    return AidTerms(best, rate_of(best), special_cap if best in SPECIAL_GROUPS else REGULAR_CAP)


def special_cap_refusal(cap: Decimal | None) -> str | None:
    """The 低保/特困 yearly cap is a setting "不低于1.5万元" (plan ch. 6 §2 一): a lower one is refused."""
    if cap is None:
        return "请填写低保对象、特困人员的年度救助封顶线。"
    if cap < MIN_SPECIAL_CAP:
        return f"低保对象、特困人员的年度救助封顶线不能低于 {yuan_words(MIN_SPECIAL_CAP)} 元（规划第六章第二节），现为 {yuan_words(cap)} 元。"
    return None


class ExpenseFigures(NamedTuple):
    """One visit or settlement: the total, the part within the policy scope (政策范围内), and what basic
    medical insurance and critical-illness insurance paid."""

    total: Decimal
    in_scope: Decimal
    basic: Decimal = ZERO
    critical: Decimal = ZERO


def expense_refusal(f: ExpenseFigures) -> str | None:
    """Figures that cannot be true: negatives, an in-scope part above the total, reimbursements above the total."""
    for label, value in (
        ("总费用", f.total),
        ("政策范围内费用", f.in_scope),
        ("基本医保报销", f.basic),
        ("大病保险报销", f.critical),
    ):
        if value < 0:
            return f"{label}不能为负数。"
    if f.in_scope > f.total:
        return f"政策范围内费用（{yuan_words(f.in_scope)}）不能大于总费用（{yuan_words(f.total)}）。"
    if f.basic + f.critical > f.total:
        return (
            f"基本医保和大病保险报销合计（{yuan_words(f.basic + f.critical)}）不能大于总费用（{yuan_words(f.total)}）。"
        )
    return None


def aid_base(f: ExpenseFigures) -> Decimal:
    """救助基数 = 政策范围内费用 − 基本医保报销 − 大病保险报销, floored at 0 (plan ch. 6 §2 一: the cost left to the
    person after both insurances, within the scope). The out-of-scope part never counts."""
    return max(f.in_scope - f.basic - f.critical, ZERO)


def yuan_words(value: Decimal) -> str:
    """8000 → "8,000"; 2625.5 → "2,625.50" (the way the aid's computation is written out)."""
    value = value.quantize(CENT, rounding=ROUND_HALF_UP)
    text = f"{value:,.2f}"
    return text[:-3] if text.endswith(".00") else text


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


class Aid(NamedTuple):
    """The aid of one expense and how it was computed, in words a clerk can check by hand."""

    base: Decimal
    group: AidGroup | None
    rate: Decimal
    cap: Decimal
    granted_before: Decimal
    amount: Decimal
    words: str
    capped: bool = False


def medical_aid(
    f: ExpenseFigures, person: AidPerson, *, granted_before: Decimal = ZERO, special_cap: Decimal = MIN_SPECIAL_CAP
) -> Aid:
    """医疗救助 of one expense = min(rate × base, cap − aid already granted to the person in the calendar year),
    never below 0; no deductible (常规医疗救助不设起付线) — plan ch. 6 §2 一."""
    base = aid_base(f)
    computation = (
        f"政策范围内 {yuan_words(f.in_scope)} − 基本医保 {yuan_words(f.basic)} − 大病 {yuan_words(f.critical)}"
        f" = {yuan_words(base)}"
    )
    if f.in_scope < f.total:
        computation = f"（范围外 {yuan_words(f.total - f.in_scope)} 不计）" + computation
    terms = aid_terms(aid_groups(person), special_cap=special_cap)
    if terms is None:
        return Aid(base, None, ZERO, ZERO, granted_before, ZERO, f"{computation}；不属于医疗救助对象，救助 0")
    full = (base * terms.rate).quantize(CENT, rounding=ROUND_HALF_UP)
    room = max(terms.cap - granted_before, ZERO)
    amount = min(full, room)
    words = f"{computation} × {_percent(terms.rate)}（{terms.group}） = {yuan_words(full)}"
    capped = amount < full
    if capped:
        words += (
            f"；年度封顶 {yuan_words(terms.cap)}，本年已救助 {yuan_words(granted_before)}，"
            f"只能再救助 {yuan_words(amount)}"
        )
    return Aid(base, terms.group, terms.rate, terms.cap, granted_before, amount, words, capped)


def out_of_pocket_share(*, total: Decimal, basic: Decimal, critical: Decimal, aid: Decimal) -> Decimal | None:
    """个人自付比例 of a person-year: what is left after every reimbursement and the aid, over the total (the
    district watches a 10% goal). None without costs."""
    if total <= 0:
        return None
    left = max(total - basic - critical - aid, ZERO)
    return (left / total).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


OUT_OF_POCKET_GOAL = Decimal("0.10")

# ---- "442" (plan ch. 6): of the sick poor identified, 40% treated by end 2016, 80% by end 2017, all by 2018.
TARGETS_442 = {2016: Decimal("0.40"), 2017: Decimal("0.80"), 2018: Decimal("1.00")}


def target_442(year: int) -> Decimal:
    """The share of the identified sick poor that must be treated by the end of `year` (plan ch. 6: "442")."""
    if year < 2016:
        return ZERO
    return TARGETS_442.get(year, Decimal("1.00"))


class Progress442(NamedTuple):
    identified: int
    treated: int
    share: Decimal | None
    target: Decimal
    met: bool


def progress_442(*, identified: int, treated: int, year: int) -> Progress442:
    """Treated over identified against the year's target (plan ch. 6: "442")."""
    target = target_442(year)
    if identified == 0:
        return Progress442(0, 0, None, target, True)
    share = (Decimal(treated) / identified).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return Progress442(identified, treated, share, target, share >= target)


# ---- Disability programmes (plan ch. 6 §3 二, ch. 8 §3 二) -----------------------------------------------

PENSION_AGE = 60  # 城乡居民基本养老保险: from 60
EARLY_YEARS = 5  # 重度残疾人提前五年享受养老保险 (plan ch. 8 §3 二 (四))
SEVERE_GRADES = frozenset({"一级", "二级"})
CHILD_REHAB_UNDER = 7  # 0–6 岁残疾儿童康复救助 (plan ch. 6 §3 二, ch. 8 §3 二 (一))


def pension_due(birth: date, grade: str) -> date:
    """The day a disabled member's pension is due: 60, or 55 for grade 一/二 (five years early)."""
    age = PENSION_AGE - EARLY_YEARS if grade in SEVERE_GRADES else PENSION_AGE
    try:
        return birth.replace(year=birth.year + age)
    except ValueError:  # born on 29 February
        return date(birth.year + age, 3, 1)


def child_rehab_eligible(birth: date, *, on: date) -> bool:
    """0–6 岁 (under 7 on `on`) disabled children get rehabilitation (plan ch. 6 §3 二)."""
    return birth <= on and age_on(birth, on) < CHILD_REHAB_UNDER


# Programme codes as healthcare.models.DisabilityProgramme stores them.
CHILD_REHAB, DEVICE, BARRIER_FREE, EARLY_PENSION = "child_rehab", "device", "barrier_free", "early_pension"


def disability_due(birth: date, grade: str, *, received: frozenset[str], on: date) -> tuple[str, ...]:
    """The programmes a disabled member of a poor household is due and has not received (plan ch. 8 §3 二):
    rehabilitation for a child under 7; assistive devices and barrier-free adaptation for every poor disabled
    person ("对所有农村符合条件的贫困残疾人"); the pension for grade 一/二 once the early date is reached.
    Training and the start-up grant are on request, so never "due"."""
    due = []
    if child_rehab_eligible(birth, on=on):
        due.append(CHILD_REHAB)
    due += [DEVICE, BARRIER_FREE]
    if grade in SEVERE_GRADES and pension_due(birth, grade) <= on:
        due.append(EARLY_PENSION)
    return tuple(code for code in due if code not in received)
