"""Reads of the housing app. Every one starts from the user's scope (households.selectors.household_queryset,
itself built on the one scoping function): a user without an area sees nothing, another town's record is a 404."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum

from accounts.audit import get_in_scope_or_404
from accounts.models import Area, User
from accounts.selectors import towns_in_scope
from households.models import Household
from households.selectors import household_queryset

from .models import HousingPhoto, RetrofitCase, SafetyAssessment, Stage, WaterSurvey
from .rules import (
    STAGES,
    AssessmentFact,
    HouseVerdict,
    RetrofitFact,
    WaterFacts,
    WaterRates,
    YearReview,
    house_verdict,
    retrofit_overdue,
    water_rates,
    water_safe,
    water_shortfalls,
    yearly_review,
)


def assessment_queryset(user: User) -> QuerySet[SafetyAssessment]:
    return SafetyAssessment.objects.filter(household__in=household_queryset(user))


def case_queryset(user: User) -> QuerySet[RetrofitCase]:
    return RetrofitCase.objects.filter(household__in=household_queryset(user))


def survey_queryset(user: User) -> QuerySet[WaterSurvey]:
    return WaterSurvey.objects.filter(household__in=household_queryset(user))


def access_assessment(user: User, pk: int) -> SafetyAssessment:
    """An assessment of a household in the user's scope; another town's is a 404."""
    return get_in_scope_or_404(assessment_queryset(user).select_related("household"), pk, user=user)


def access_case(user: User, pk: int) -> RetrofitCase:
    """A retrofit case of a household in the user's scope; another town's is a 404."""
    return get_in_scope_or_404(
        case_queryset(user).select_related("household__village__parent", "created_by"), pk, user=user
    )


def access_survey(user: User, pk: int) -> WaterSurvey:
    return get_in_scope_or_404(survey_queryset(user).select_related("household"), pk, user=user)


def access_photo(user: User, pk: int) -> HousingPhoto:
    """A photo of a household in the user's scope (MEDIA_ROOT is never served directly)."""
    return get_in_scope_or_404(HousingPhoto.objects.filter(household__in=household_queryset(user)), pk, user=user)


def case_facts(case: RetrofitCase) -> RetrofitFact:
    return RetrofitFact(case.stage, case.deadline, case.accepted_on)


@dataclass(frozen=True)
class AssessmentRow:
    assessment: SafetyAssessment
    photos: list[HousingPhoto]


@dataclass(frozen=True)
class HouseholdHousing:
    """The household page's 住房安全与饮水 section."""

    verdict: HouseVerdict
    assessments: list[AssessmentRow]
    case: RetrofitCase | None
    case_overdue: bool
    void_cases: list[RetrofitCase]
    surveys: list[WaterSurvey]
    water_gaps: list[str]


def household_housing(household: Household, *, as_of: date) -> HouseholdHousing:
    """Everything housing knows of one household, in a fixed number of queries."""
    assessments = list(household.house_assessments.select_related("recorded_by", "voided_by"))
    cases = list(household.retrofits.select_related("created_by"))
    surveys = list(household.water_surveys.select_related("recorded_by"))
    photos: dict[int, list[HousingPhoto]] = {}
    for photo in household.housing_photos.filter(assessment__isnull=False):
        photos.setdefault(photo.assessment_id, []).append(photo)
    valid = [a for a in assessments if not a.is_void]
    valid_cases = [c for c in cases if not c.is_void]
    verdict = house_verdict(
        [AssessmentFact(a.assessed_on, a.grade, a.pk) for a in valid],
        [case_facts(c) for c in valid_cases],
        as_of=as_of,
    )
    case = valid_cases[0] if valid_cases else None
    latest_survey = next((s for s in surveys if not s.is_void), None)
    return HouseholdHousing(
        verdict=verdict,
        assessments=[AssessmentRow(a, photos.get(a.pk, [])) for a in assessments],
        case=case,
        case_overdue=case is not None and retrofit_overdue(case_facts(case), as_of=as_of),
        void_cases=[c for c in cases if c.is_void],
        surveys=surveys,
        water_gaps=water_shortfalls(water_facts(latest_survey)) if latest_survey else [],
    )


def water_facts(survey: WaterSurvey) -> WaterFacts:
    return WaterFacts(survey.quantity_ok, survey.quality_ok, survey.convenience_ok, survey.guarantee_ok)


# ---- The retrofit board ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TownBoard:
    town: Area
    counts: dict[str, int]  # stage → valid cases
    total: int
    overdue: int
    planned: Decimal
    spent: Decimal
    self_paid: Decimal


@dataclass(frozen=True)
class Board:
    towns: list[TownBoard]
    totals: TownBoard | None
    cases: list[RetrofitCase]  # overdue first, then by deadline
    overdue_ids: frozenset[int]
    review: list[YearReview]
    stages: tuple[str, ...] = STAGES


def board_cases(user: User, *, town: Area | None = None) -> QuerySet[RetrofitCase]:
    """The valid cases in the user's scope (optionally one town), with what the board shows of them."""
    cases = case_queryset(user).valid()
    if town is not None:
        cases = cases.filter(household__village__parent=town)
    return cases.select_related("household__village__parent")


def retrofit_board(user: User, *, as_of: date, town: Area | None = None, stage: str = "") -> Board:
    """危房改造 progress per town (plan ch. 7): cases per stage, overdue cases first, subsidies spent against
    planned. A fixed number of queries whatever the number of cases."""
    cases = board_cases(user, town=town)
    accepted = Q(stage__in=[Stage.ACCEPTED, Stage.OCCUPIED], accepted_on__lte=as_of)
    per_town = (
        cases.values("household__village__parent")
        .annotate(
            total=Count("pk"),
            overdue=Count("pk", filter=~accepted & Q(deadline__lt=as_of)),
            planned=Sum("planned_subsidy"),
            spent=Sum(F("subsidy_central") + F("subsidy_province") + F("subsidy_city") + F("subsidy_district")),
            self_paid=Sum("self_paid"),
            **{f"s{i}": Count("pk", filter=Q(stage=s)) for i, s in enumerate(STAGES)},
        )
        .order_by()
    )
    towns = {t.pk: t for t in towns_in_scope(user)} if town is None else {town.pk: town}
    rows = []
    for row in per_town:
        area = towns.get(row["household__village__parent"])
        if area is None:  # a village clerk's own town is not in scope; name the village's town anyway
            area = Area.objects.get(pk=row["household__village__parent"])
        rows.append(
            TownBoard(
                town=area,
                counts={s: row[f"s{i}"] for i, s in enumerate(STAGES)},
                total=row["total"],
                overdue=row["overdue"],
                planned=row["planned"] or Decimal(0),
                spent=row["spent"] or Decimal(0),
                self_paid=row["self_paid"] or Decimal(0),
            )
        )
    rows.sort(key=lambda r: r.town.code)
    totals = None
    if len(rows) > 1:
        totals = TownBoard(
            town=Area(name="合计"),
            counts={s: sum(r.counts[s] for r in rows) for s in STAGES},
            total=sum(r.total for r in rows),
            overdue=sum(r.overdue for r in rows),
            planned=sum((r.planned for r in rows), Decimal(0)),
            spent=sum((r.spent for r in rows), Decimal(0)),
            self_paid=sum((r.self_paid for r in rows), Decimal(0)),
        )
    review = yearly_review(
        (RetrofitFact(*row) for row in cases.values_list("stage", "deadline", "accepted_on").order_by()), as_of=as_of
    )
    listed = cases.filter(stage=stage) if stage else cases
    listed_cases = list(listed.order_by("deadline", "household__number"))
    overdue_ids = frozenset(c.pk for c in listed_cases if retrofit_overdue(case_facts(c), as_of=as_of))
    listed_cases.sort(key=lambda c: (c.pk not in overdue_ids, c.deadline, c.household.number))
    return Board(towns=rows, totals=totals, cases=listed_cases, overdue_ids=overdue_ids, review=review)


# ---- The water survey list ---------------------------------------------------------------------------------


def latest_surveys(households: QuerySet[Household]) -> QuerySet[Household]:
    """Households annotated with their latest valid survey's id (`survey_id`), only those surveyed."""
    latest = (
        WaterSurvey.objects.valid().filter(household=OuterRef("pk")).order_by("-surveyed_on", "-pk").values("pk")[:1]
    )
    return households.annotate(survey_id=Subquery(latest)).filter(survey_id__isnull=False)


@dataclass(frozen=True)
class WaterRow:
    household: Household
    survey: WaterSurvey
    safe: bool | None
    gaps: list[str]


def water_list(user: User, *, show: str = "") -> tuple[list[WaterRow], WaterRates, QuerySet[Household]]:
    """The latest survey of every surveyed household in the user's scope (with `show="problems"`, only those not
    safe or with a blank indicator), the rates over all of them against the 2020 targets (plan ch. 11 二), and
    the households in scope with no survey yet (a queryset, counted or listed by the page). Three queries."""
    households = household_queryset(user).exclude(status="自然减少")
    ids = dict(latest_surveys(households).values_list("survey_id", "pk"))
    surveys = (
        WaterSurvey.objects.filter(pk__in=list(ids))
        .select_related("household__village__parent")
        .order_by("household__village__code", "household__number")
    )
    rows = []
    for s in surveys:
        facts = water_facts(s)
        rows.append(WaterRow(household=s.household, survey=s, safe=water_safe(facts), gaps=water_shortfalls(facts)))
    rates = water_rates([(r.survey.source, r.survey.guarantee_ok) for r in rows])
    if show == "problems":
        rows = [r for r in rows if r.safe is not True]
    unsurveyed = (
        households.exclude(Exists(WaterSurvey.objects.valid().filter(household=OuterRef("pk"))))
        .select_related("village__parent")
        .order_by("village__code", "number")
    )
    return rows, rates, unsurveyed
