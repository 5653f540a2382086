"""Housing test data, written through the services like real data."""

from datetime import date, timedelta

from accounts.models import User
from households.models import Household
from housing.models import RetrofitCase, SafetyAssessment, WaterSurvey
from housing.rules import STAGES
from housing.services import assessment_record, retrofit_advance, retrofit_open, water_survey_record


def assess(*, actor: User, household: Household, grade: str, on: date = date(2017, 4, 1)) -> SafetyAssessment:
    return assessment_record(
        actor=actor,
        household=household,
        data={"assessed_on": on, "assessor": "赵工", "unit": "区住建局", "grade": grade, "only_house": True},
    )


ACCEPTANCE = {"meets_building_standard": True, "meets_seismic_standard": True, "inspector": "区住建局 王建设"}


def retrofit(
    *, actor: User, household: Household, stage: str = "列入计划", planned_on: date = date(2017, 9, 1), **data: object
) -> RetrofitCase:
    """A case of a D-grade household moved to `stage`, one month per stage."""
    case = retrofit_open(
        actor=actor,
        household=household,
        data={"kind": "原址翻建", "willing": True, "planned_on": planned_on, "planned_subsidy": 30000, **data},
    )
    on = planned_on
    for s in STAGES[1 : STAGES.index(stage) + 1]:
        on += timedelta(days=30)
        case = retrofit_advance(actor=actor, case=case, stage=s, on=on, data=ACCEPTANCE if s == "验收合格" else {})
    return case


def survey(*, actor: User, household: Household, on: date = date(2019, 5, 1), **indicators: object) -> WaterSurvey:
    data = {
        "surveyed_on": on,
        "source": "集中供水",
        "quantity_ok": True,
        "quality_ok": True,
        "convenience_ok": True,
        "guarantee_ok": True,
        "note": "",
        **indicators,
    }
    return water_survey_record(actor=actor, household=household, data=data)
