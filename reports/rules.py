"""Data-quality rules (疑点核查) — plan ch. 12 §2 (督查考核: 精准识别、精准管理) and the chapters each rule names.

Each rule is one pure function over a `HouseholdRecord` (no ORM, the date is a parameter) returning the
findings it makes: `Finding(person id or None, what to check)`. The nightly run (services.problems_run) calls
every rule of `RULES` for every household; the worklist shows the rule's number, chapter and sentence.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from households.idnumber import IdNumberError, parse_id_number
from households.rules import IncomeFacts, Standard, age_on, net_income

NEEDS_CADRE = frozenset({"未脱贫", "返贫"})  # plan ch. 9 §1: every household not yet exited has a cadre
NO_LABOUR = frozenset({"丧失劳动力", "无劳动力"})
ILL = frozenset({"长期慢性病", "患有大病"})
UNSAFE_GRADES = frozenset({"C", "D"})
STUDENT_STAGES = frozenset({"学前教育", "小学", "初中", "普通高中", "中职", "高职", "大专", "本科及以上"})
WORKING = frozenset({"乡(镇)内务工", "县内务工", "省内县外务工", "省外务工"})
# The ages (on the assessment date) in which a member may plausibly be at each school stage.
STAGE_AGES: dict[str, tuple[int, int]] = {
    "学前教育": (2, 7),
    "小学": (5, 15),
    "初中": (10, 18),
    "普通高中": (13, 21),
    "中职": (13, 25),
    "高职": (15, 30),
    "大专": (15, 30),
    "本科及以上": (16, 40),
}
JUNIOR_OR_ABOVE = frozenset({"初中", "高中", "中专", "大专及以上"})
INCOME_TOLERANCE = Decimal("1.00")  # yuan per person: rounding in a ledger is not a contradiction


class MemberRecord(NamedTuple):
    """What the rules read of one member still in the household."""

    pk: int
    name: str
    id_number: str
    relation: str
    sex: str
    birth_date: date
    education: str = ""
    school_status: str = ""
    health: str = ""
    disability_grade: str = ""
    labour_ability: str = ""
    work_status: str = ""
    work_months: int | None = None
    dibao: bool | None = None


class HouseholdRecord(NamedTuple):
    """What the rules read of one household: its own fields, its members still in it, the year's income, the
    stored assessment's per-capita income, whether a cadre is paired, and which of its members' ID numbers
    also stand in another household."""

    pk: int
    status: str
    attribute: str
    main_cause: str
    members: tuple[MemberRecord, ...]
    house_grade: str = ""
    phone: str = ""
    income: IncomeFacts | None = None
    per_capita: Decimal | None = None
    paired: bool = False
    duplicate_ids: frozenset[str] = frozenset()


class Finding(NamedTuple):
    person: int | None
    detail: str


RuleFunction = Callable[..., list[Finding]]


class Rule(NamedTuple):
    code: str
    title: str
    chapter: str
    check: str  # what the clerk should check, one sentence
    func: RuleFunction


def _age(m: MemberRecord, as_of: date) -> int:
    return age_on(m.birth_date, as_of)


def q01_school_stage_age(h: HouseholdRecord, *, standard: Standard | None, as_of: date) -> list[Finding]:
    """年龄与在校阶段不符 — plan ch. 5 §2: the stage decides the subsidies, so a 30-year-old 小学生 is a typo."""
    found = []
    for m in h.members:
        ages = STAGE_AGES.get(m.school_status)
        if ages and not ages[0] <= _age(m, as_of) <= ages[1]:
            found.append(Finding(m.pk, f"{m.name}，{_age(m, as_of)} 岁，在校状况为“{m.school_status}”"))
    return found


def q02_healthy_without_labour(h: HouseholdRecord, *, standard: Standard | None, as_of: date) -> list[Finding]:
    """16–60 岁、健康却无劳动能力 — plan ch. 4 (转移就业): such a member is who employment help is for."""
    return [
        Finding(m.pk, f"{m.name}，{_age(m, as_of)} 岁，健康，劳动技能为“{m.labour_ability}”")
        for m in h.members
        if m.health == "健康" and m.labour_ability in NO_LABOUR and 16 <= _age(m, as_of) <= 60
    ]


def q03_exited_below_line(h: HouseholdRecord, *, standard: Standard | None, as_of: date) -> list[Finding]:
    """已脱贫户人均收入不高于扶贫标准 — plan ch. 2 §3 (稳定超过市定扶贫标准), ch. 12 §2 五 (预防返贫)."""
    if h.status != "已脱贫" or standard is None or h.per_capita is None:
        return []
    if h.per_capita > standard.poverty_line:
        return []
    return [
        Finding(None, f"人均纯收入 {h.per_capita} 元，不高于 {standard.year} 年扶贫标准 {standard.poverty_line} 元")
    ]


def q04_no_cadre(h: HouseholdRecord, *, standard: Standard | None, as_of: date) -> list[Finding]:
    """未脱贫户没有帮扶责任人 — plan ch. 9 §1: every household not yet exited is paired with a cadre."""
    if h.status in NEEDS_CADRE and not h.paired:
        return [Finding(None, f"{h.status}户，没有在帮的帮扶责任人")]
    return []


def q05_exited_unsafe_house(h: HouseholdRecord, *, standard: Standard | None, as_of: date) -> list[Finding]:
    """已脱贫户住房为 C/D 级危房 — plan ch. 7, ch. 2 §3 (住房安全有保障 is an exit condition)."""
    if h.status == "已脱贫" and h.house_grade in UNSAFE_GRADES:
        return [Finding(None, f"已脱贫，住房安全等级为 {h.house_grade} 级")]
    return []


def q06_over_100(h: HouseholdRecord, *, standard: Standard | None, as_of: date) -> list[Finding]:
    """成员年龄超过 100 岁 — plan ch. 12 §2 (精准识别): usually a death not recorded or a wrong birth date."""
    return [Finding(m.pk, f"{m.name}，{_age(m, as_of)} 岁") for m in h.members if _age(m, as_of) > 100]


def q07_duplicate_id(h: HouseholdRecord, *, standard: Standard | None, as_of: date) -> list[Finding]:
    """证件号码在另一户重复 — plan ch. 12 §2 (精准识别): one person is registered in two households."""
    return [
        Finding(m.pk, f"{m.name}的证件号码也登记在另一户（未以迁出、婚出注销）")
        for m in h.members
        if m.id_number in h.duplicate_ids
    ]


def q08_per_capita_contradicts(h: HouseholdRecord, *, standard: Standard | None, as_of: date) -> list[Finding]:
    """台账人均纯收入与分项收入不符 — plan ch. 2 §3; DESIGN §5 rule 2: (分项之和 − 支出) ÷ 人数."""
    income = h.income
    if income is None or income.per_capita_given is None or not income.has_components or not h.members:
        return []
    computed = net_income(income) / len(h.members)
    if abs(computed - income.per_capita_given) <= INCOME_TOLERANCE:
        return []
    return [
        Finding(
            None,
            f"台账人均纯收入 {income.per_capita_given} 元，按分项和 {len(h.members)} 人计算为 {computed:.2f} 元",
        )
    ]


def q09_dibao_above_line(h: HouseholdRecord, *, standard: Standard | None, as_of: date) -> list[Finding]:
    """低保户人均收入高于低保标准 — plan ch. 8 (两线合一, 低保 only under the line): check the income or the 低保."""
    is_dibao = h.attribute == "低保贫困户" or any(m.dibao for m in h.members)
    if not is_dibao or standard is None or h.per_capita is None or h.per_capita <= standard.dibao_line:
        return []
    return [Finding(None, f"低保户，人均纯收入 {h.per_capita} 元，高于低保标准 {standard.dibao_line} 元")]


def q10_no_phone(h: HouseholdRecord, *, standard: Standard | None, as_of: date) -> list[Finding]:
    """户主联系电话未填写 — plan ch. 9 §1 (帮扶干部 must reach the household)."""
    return [] if h.phone.strip() else [Finding(None, "联系电话未填写")]


def _parsed(m: MemberRecord, as_of: date) -> object | None:
    try:
        return parse_id_number(m.id_number, today=as_of)
    except IdNumberError:
        return None


def q11_bad_id_number(h: HouseholdRecord, *, standard: Standard | None, as_of: date) -> list[Finding]:
    """证件号码不合 GB 11643 — plan ch. 12 §2 (精准识别): the national system refuses such a number."""
    found = []
    for m in h.members:
        try:
            parse_id_number(m.id_number, today=as_of)
        except IdNumberError as exc:
            found.append(Finding(m.pk, f"{m.name}：{exc}"))
    return found


def q12_birth_date_vs_id(h: HouseholdRecord, *, standard: Standard | None, as_of: date) -> list[Finding]:
    """出生日期与证件号码不符 — plan ch. 12 §2: ages (school, labour, pension) are computed from the date."""
    found = []
    for m in h.members:
        parsed = _parsed(m, as_of)
        if parsed is not None and parsed.birth_date != m.birth_date:
            found.append(Finding(m.pk, f"{m.name}：出生日期 {m.birth_date}，证件号码为 {parsed.birth_date}"))
    return found


def q13_sex_vs_id(h: HouseholdRecord, *, standard: Standard | None, as_of: date) -> list[Finding]:
    """性别与证件号码不符 — plan ch. 12 §2 (精准识别)."""
    found = []
    for m in h.members:
        parsed = _parsed(m, as_of)
        if parsed is not None and m.sex and parsed.sex != m.sex:
            found.append(Finding(m.pk, f"{m.name}：性别 {m.sex}，证件号码为 {parsed.sex}"))
    return found


def q14_head(h: HouseholdRecord, *, standard: Standard | None, as_of: date) -> list[Finding]:
    """没有户主，或户主未满 16 岁 — plan ch. 12 §2: the national system files a household by its head."""
    heads = [m for m in h.members if m.relation == "户主"]
    if not heads:
        return [Finding(None, "没有在册的户主")]
    return [Finding(m.pk, f"户主{m.name}仅 {_age(m, as_of)} 岁") for m in heads if _age(m, as_of) < 16]


def q15_disability(h: HouseholdRecord, *, standard: Standard | None, as_of: date) -> list[Finding]:
    """健康状况与残疾等级不符 — plan ch. 8 (残疾人两项补贴 are paid by the grade)."""
    found = []
    for m in h.members:
        if m.health == "残疾" and not m.disability_grade:
            found.append(Finding(m.pk, f"{m.name}：健康状况为残疾，未填残疾等级"))
        elif m.disability_grade and m.health != "残疾":
            found.append(Finding(m.pk, f"{m.name}：残疾等级{m.disability_grade}，健康状况为“{m.health or '未填写'}”"))
    return found


def q16_cause_vs_members(h: HouseholdRecord, *, standard: Standard | None, as_of: date) -> list[Finding]:
    """主要致贫原因与成员情况不符 — plan ch. 6 (因病), ch. 8 (因残), ch. 5 (因学): the cause decides the help."""
    if h.main_cause == "因病" and not any(m.health in ILL for m in h.members):
        return [Finding(None, "致贫原因为因病，但没有成员患长期慢性病或大病")]
    if h.main_cause == "因残" and not any(m.health == "残疾" or m.disability_grade for m in h.members):
        return [Finding(None, "致贫原因为因残，但没有残疾成员")]
    if h.main_cause == "因学" and not any(m.school_status in STUDENT_STAGES for m in h.members):
        return [Finding(None, "致贫原因为因学，但没有在校生")]
    return []


def q17_work_vs_labour(h: HouseholdRecord, *, standard: Standard | None, as_of: date) -> list[Finding]:
    """务工情况与劳动能力矛盾 — plan ch. 4 (转移就业): a worker without labour ability, or months without work."""
    found = []
    for m in h.members:
        if m.work_status in WORKING and m.labour_ability in NO_LABOUR:
            found.append(Finding(m.pk, f"{m.name}：{m.work_status}，劳动技能为“{m.labour_ability}”"))
        elif m.work_status == "未务工" and m.work_months:
            found.append(Finding(m.pk, f"{m.name}：未务工，务工时间 {m.work_months} 个月"))
    return found


def q18_no_income(h: HouseholdRecord, *, standard: Standard | None, as_of: date) -> list[Finding]:
    """未脱贫户缺少当年收入 — plan ch. 2 §3: without income the exit standard cannot be judged."""
    if h.status in NEEDS_CADRE and h.income is None:
        return [Finding(None, f"{as_of.year} 年收入未登记")]
    return []


def q19_education_vs_age(h: HouseholdRecord, *, standard: Standard | None, as_of: date) -> list[Finding]:
    """文化程度与年龄不符 — plan ch. 5: 初中 or above before 12, or 学龄前儿童 from 8 on."""
    found = []
    for m in h.members:
        age = _age(m, as_of)
        if m.education in JUNIOR_OR_ABOVE and age < 12:
            found.append(Finding(m.pk, f"{m.name}，{age} 岁，文化程度为“{m.education}”"))
        elif m.education == "学龄前儿童" and age >= 8:
            found.append(Finding(m.pk, f"{m.name}，{age} 岁，文化程度为“学龄前儿童”"))
    return found


RULES: tuple[Rule, ...] = (
    Rule("Q01", "年龄与在校阶段不符", "规划第五章第二节", "核对出生日期和在校生状况，按学生证或学籍更正。", q01_school_stage_age),
    Rule("Q02", "16–60 岁健康却无劳动能力", "规划第四章", "核实劳动技能；确有劳动能力的纳入转移就业帮扶。", q02_healthy_without_labour),
    Rule("Q03", "已脱贫户收入不高于扶贫标准", "规划第二章第三节、第十二章第二节", "核实收入；确实低于标准的纳入返贫监测。", q03_exited_below_line),
    Rule("Q04", "未脱贫户没有帮扶责任人", "规划第九章第一节", "为该户确定帮扶责任人并登记结对。", q04_no_cadre),
    Rule("Q05", "已脱贫户住房为 C/D 级危房", "规划第七章", "核实住房鉴定等级和改造验收情况。", q05_exited_unsafe_house),
    Rule("Q06", "成员年龄超过 100 岁", "规划第十二章第二节", "核实是否已死亡未注销或出生日期录错。", q06_over_100),
    Rule("Q07", "证件号码在两户重复", "规划第十二章第二节", "核实此人属于哪一户，另一户按迁出或婚出办理减少。", q07_duplicate_id),
    Rule("Q08", "人均纯收入与分项收入不符", "规划第二章第三节", "核对各项收入、支出和家庭人数，更正台账。", q08_per_capita_contradicts),
    Rule("Q09", "低保户收入高于低保标准", "规划第八章", "核实收入或低保资格，与民政部门核对。", q09_dibao_above_line),
    Rule("Q10", "联系电话未填写", "规划第九章第一节", "补录户主或家庭联系电话。", q10_no_phone),
    Rule("Q11", "证件号码校验不通过", "规划第十二章第二节", "对照身份证或户口簿更正证件号码。", q11_bad_id_number),
    Rule("Q12", "出生日期与证件号码不符", "规划第十二章第二节", "以身份证为准更正出生日期或证件号码。", q12_birth_date_vs_id),
    Rule("Q13", "性别与证件号码不符", "规划第十二章第二节", "以身份证为准更正性别或证件号码。", q13_sex_vs_id),
    Rule("Q14", "没有户主或户主未满 16 岁", "规划第十二章第二节", "核实户主，按户口簿更正与户主关系。", q14_head),
    Rule("Q15", "健康状况与残疾等级不符", "规划第八章", "按残疾证更正健康状况或残疾等级。", q15_disability),
    Rule("Q16", "致贫原因与成员情况不符", "规划第五、六、八章", "核实主要致贫原因或成员的健康、在校情况。", q16_cause_vs_members),
    Rule("Q17", "务工情况与劳动能力矛盾", "规划第四章", "核实务工状况、务工时间和劳动技能。", q17_work_vs_labour),
    Rule("Q18", "未脱贫户缺少当年收入", "规划第二章第三节", "入户核算并登记当年收入。", q18_no_income),
    Rule("Q19", "文化程度与年龄不符", "规划第五章", "核对出生日期和文化程度。", q19_education_vs_age),
)  # fmt: skip
RULES_BY_CODE = {rule.code: rule for rule in RULES}


def findings(h: HouseholdRecord, *, standard: Standard | None, as_of: date) -> dict[tuple[str, int | None], str]:
    """Every rule's findings for one household: (rule code, person id or None) → what to check. One finding
    per rule and subject (the first wins), so a problem keeps its identity from one night to the next."""
    found: dict[tuple[str, int | None], str] = {}
    for rule in RULES:
        for f in rule.func(h, standard=standard, as_of=as_of):
            found.setdefault((rule.code, f.person), f.detail[:300])
    return found
