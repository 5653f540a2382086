"""The housing and water rules as pure functions over plain data — plan ch. 7 (住房安全保障), ch. 11 二 (饮水安全),
ch. 2 §3 (住房安全有保障). No ORM, no I/O; dates are parameters. The household panel, the board, the import
and the facts provider (the exit rule's source of the house and water facts) all call these.

**Which record wins** (DESIGN §3): where housing has a record, it decides; the registry's hand-typed 住房安全等级
and 是否解决安全饮用水 serve only for households housing has no record of. Within housing, the latest record
wins: a retrofit accepted after the latest assessment makes the house safe; an assessment dated after the
acceptance (the house was assessed again) decides by its own grade.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

NOT_RECORDED = "未填写"  # as in the exit rule (households.rules.NOT_RECORDED)

GRADES = ("A", "B", "C", "D")
SAFE_GRADES = frozenset({"A", "B"})
DILAPIDATED_GRADES = frozenset({"C", "D"})  # 危房

# The stages in order (models.Stage); a case moves one stage at a time.
STAGES = ("列入计划", "开工", "竣工", "验收合格", "入住")
ACCEPTED_STAGES = frozenset({"验收合格", "入住"})

PLAN_DEADLINE = date(2018, 12, 31)  # plan ch. 7 一: 到 2018 年底 … 确保全部完成

# Plan ch. 11 二: 到 2020 年，全区农村饮水安全集中供水率达 95% 以上，供水保证率达 90% 以上.
WATER_TARGET_YEAR = 2020
CENTRAL_SUPPLY_TARGET = Decimal("95")
GUARANTEE_TARGET = Decimal("90")


# ---- House safety ----------------------------------------------------------------------------------------


class AssessmentFact(NamedTuple):
    """One valid 住房安全鉴定."""

    assessed_on: date
    grade: str
    pk: int = 0  # ties on the same day: the one recorded later wins


class RetrofitFact(NamedTuple):
    """One valid 危房改造 case, as far as the rules need it."""

    stage: str
    deadline: date
    accepted_on: date | None = None


def is_dilapidated(grade: str) -> bool:
    """C and D are 危房 (plan ch. 7)."""
    return grade in DILAPIDATED_GRADES


def latest_assessment(assessments: Iterable[AssessmentFact], *, as_of: date) -> AssessmentFact | None:
    """The assessment in force on `as_of`: the latest dated on or before it (a later one is not known yet)."""
    known = [a for a in assessments if a.assessed_on <= as_of]
    if len(known) < 2:  # the usual case: one assessment
        return known[0] if known else None
    return max(known, key=lambda a: (a.assessed_on, a.pk))


def retrofit_accepted(case: RetrofitFact, *, as_of: date) -> bool:
    """A retrofit counts once it reached 验收合格 (or 入住) on or before `as_of` — plan ch. 7 二: accepted to the
    building and earthquake-resistance standards."""
    return case.stage in ACCEPTED_STAGES and case.accepted_on is not None and case.accepted_on <= as_of


def retrofit_overdue(case: RetrofitFact, *, as_of: date) -> bool:
    """Not accepted by its deadline (plan ch. 7 一: all accepted by the end of 2018; later cases by the end of
    their year, the yearly review)."""
    return not retrofit_accepted(case, as_of=as_of) and as_of > case.deadline


def default_deadline(planned_on: date) -> date:
    """The acceptance deadline of a case planned on a date: the plan's 2018-12-31 for the cases of the plan
    period; a case that arises later is due by the end of its own year (dynamic tracking, yearly review)."""
    return max(PLAN_DEADLINE, date(planned_on.year, 12, 31))


class YearReview(NamedTuple):
    """年度绩效评价 of one deadline year (plan ch. 7 二): the cases due that year and how they ended."""

    year: int
    due: int
    accepted_on_time: int
    accepted_late: int
    not_accepted: int  # overdue once the year is over; still due while it runs


def yearly_review(cases: Iterable[RetrofitFact], *, as_of: date) -> list[YearReview]:
    """The cases grouped by the year of their deadline (2018 for the plan's own cases, then each year's new
    ones): accepted by the deadline, accepted after it, not accepted by `as_of`. Oldest year first."""
    years: dict[int, list[int]] = {}
    for case in cases:
        row = years.setdefault(case.deadline.year, [0, 0, 0, 0])
        row[0] += 1
        if retrofit_accepted(case, as_of=as_of):
            row[1 if case.accepted_on <= case.deadline else 2] += 1  # type: ignore[operator]
        else:
            row[3] += 1
    return [YearReview(year, *years[year]) for year in sorted(years)]


class HouseVerdict(NamedTuple):
    """住房安全有保障 for one household, as housing's records decide it. `safe` None: housing has no record."""

    safe: bool | None
    grade: str  # the grade in force, '' when housing has no assessment
    accepted_on: date | None  # the acceptance that counts, if any
    words: str


def house_verdict(assessments: Iterable[AssessmentFact], cases: Iterable[RetrofitFact], *, as_of: date) -> HouseVerdict:
    """住房安全有保障 — plan ch. 2 §3, ch. 7: the latest assessment is A/B, or a retrofit was accepted (验收合格
    or 入住) — unless an assessment dated after that acceptance grades the house C/D again."""
    latest = latest_assessment(assessments, as_of=as_of)
    accepted = [c.accepted_on for c in cases if retrofit_accepted(c, as_of=as_of)]
    accepted_on = max(accepted) if accepted else None  # type: ignore[type-var]
    if accepted_on is not None and (latest is None or latest.assessed_on <= accepted_on):
        grade = latest.grade if latest else ""
        return HouseVerdict(True, grade, accepted_on, f"危房改造 {accepted_on.isoformat()} 验收合格")
    if latest is None:
        return HouseVerdict(None, "", None, f"住房安全等级{NOT_RECORDED}")
    if latest.grade in SAFE_GRADES:
        return HouseVerdict(True, latest.grade, None, f"{latest.assessed_on.isoformat()} 鉴定为 {latest.grade} 级")
    return HouseVerdict(
        False, latest.grade, None, f"{latest.assessed_on.isoformat()} 鉴定为 {latest.grade} 级危房，未改造验收"
    )


def retrofit_refusal(*, grade: str, willing: bool, has_open_case: bool) -> str | None:
    """Who is planned for retrofit — plan ch. 7 一: 建档立卡 households whose house is C/D and who are willing;
    one case per household (a new one only after the old one is void)."""
    if has_open_case:
        return "该户已有危房改造任务，请在原任务上推进，或先作废原任务。"
    if not grade:
        return "该户还没有住房安全鉴定：请先登记鉴定（C 级或 D 级危房才列入改造计划）。"
    if not is_dilapidated(grade):
        return f"该户住房鉴定为 {grade} 级，不是危房，不列入改造计划。"
    if not willing:
        return "本户没有改造意愿的，不列入改造计划；请做好工作、确认意愿后再登记。"
    return None


@dataclass(frozen=True)
class StepFacts:
    """What moving a case into a stage needs to be checked."""

    current: str  # the stage the case is in
    target: str
    on: date
    previous_on: date | None  # the date of the current stage
    today: date
    meets_building_standard: bool = False
    meets_seismic_standard: bool = False
    inspector: str = ""


def next_stage(current: str) -> str | None:
    index = STAGES.index(current)
    return STAGES[index + 1] if index + 1 < len(STAGES) else None


def stage_refusal(step: StepFacts) -> dict[str, str]:
    """Why a case may not move into `target` now, by form field (empty: it may) — plan ch. 7: the stages
    列入计划 → 开工 → 竣工 → 验收合格 → 入住 in order, none skipped, none taken back; acceptance only to the building
    standard and the earthquake-resistance requirements (plan ch. 7 二), with the inspector named."""
    errors: dict[str, str] = {}
    if step.target not in STAGES:
        return {"stage": f"没有“{step.target}”这个阶段。"}
    wanted = next_stage(step.current)
    if wanted is None:
        return {"stage": "该户已入住，改造已全部完成。"}
    if step.target != wanted:
        if STAGES.index(step.target) <= STAGES.index(step.current):
            return {"stage": f"已到“{step.current}”，不能退回“{step.target}”。"}
        return {"stage": f"不能跳过步骤：当前为“{step.current}”，下一步应为“{wanted}”，不能直接到“{step.target}”。"}
    if step.on > step.today:
        errors["on"] = "日期不能晚于今天。"
    elif step.previous_on is not None and step.on < step.previous_on:
        errors["on"] = f"{step.target}日期不能早于{step.current}日期（{step.previous_on:%Y-%m-%d}）。"
    if step.target == "验收合格":
        if not step.meets_building_standard:
            errors["meets_building_standard"] = "验收须符合农村危房改造建设标准；不符合的请整改后再验收。"
        if not step.meets_seismic_standard:
            errors["meets_seismic_standard"] = "验收须符合抗震设防要求；不符合的请整改后再验收。"
        if not step.inspector.strip():
            errors["inspector"] = "请填写验收人。"
    return errors


# ---- Money ------------------------------------------------------------------------------------------------


def percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """part/whole as a percentage with one decimal; None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# ---- Drinking water ---------------------------------------------------------------------------------------


class WaterFacts(NamedTuple):
    """The four national indicators of 农村饮水安全 (水量, 水质, 用水方便程度, 供水保证率); None = 未填写."""

    quantity: bool | None = None
    quality: bool | None = None
    convenience: bool | None = None
    guarantee: bool | None = None


WATER_INDICATORS = (
    ("quantity", "水量"),
    ("quality", "水质"),
    ("convenience", "用水方便程度"),
    ("guarantee", "供水保证率"),
)


def water_shortfalls(facts: WaterFacts) -> list[str]:
    """Each indicator not met (不达标) or not recorded (未填写), by name, in the national order."""
    found = []
    for field, label in WATER_INDICATORS:
        value = getattr(facts, field)
        if value is False:
            found.append(f"{label}不达标")
        elif value is None:
            found.append(f"{label}{NOT_RECORDED}")
    return found


def water_safe(facts: WaterFacts) -> bool | None:
    """饮水安全 — plan ch. 11 二 (DESIGN §5 rule 3): all four indicators met → True; any one not met → False; none
    unmet but some blank → None (未填写: the exit rule then says so, as for any blank fact)."""
    values = tuple(facts)
    if any(v is False for v in values):
        return False
    if all(v is True for v in values):
        return True
    return None


class WaterRates(NamedTuple):
    """The district's 集中供水率 and 供水保证率 against the 2020 targets (plan ch. 11 二)."""

    surveyed: int
    central: int
    guarantee_answered: int
    guarantee_met: int
    central_rate: Decimal | None
    guarantee_rate: Decimal | None
    central_met_target: bool
    guarantee_met_target: bool


def water_rates(rows: Sequence[tuple[str, bool | None]]) -> WaterRates:
    """Rates over the households' latest surveys, each `(source, guarantee_ok)`. 集中供水率 = households on
    集中供水 ÷ households surveyed; 供水保证率 = households whose 供水保证率 is met ÷ those where it is recorded
    (a blank answer is not counted either way). The targets: ≥ 95% and ≥ 90% (plan ch. 11 二)."""
    surveyed = len(rows)
    central = sum(1 for source, _g in rows if source == "集中供水")
    answered = sum(1 for _s, g in rows if g is not None)
    met = sum(1 for _s, g in rows if g is True)
    central_rate = percent(central, surveyed)
    guarantee_rate = percent(met, answered)
    return WaterRates(
        surveyed=surveyed,
        central=central,
        guarantee_answered=answered,
        guarantee_met=met,
        central_rate=central_rate,
        guarantee_rate=guarantee_rate,
        central_met_target=central_rate is not None and central_rate >= CENTRAL_SUPPLY_TARGET,
        guarantee_met_target=guarantee_rate is not None and guarantee_rate >= GUARANTEE_TARGET,
    )
