"""Housing decides 住房安全 and 饮水安全 of the exit rule (households.providers): through the nightly recompute
and at once after each step; the registry's own field serves only where housing has no record."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from accounts.models import Area, User
from households.models import Household, HouseholdAssessment, Relation
from households.selectors import default_year, household_facts
from households.services import income_set, standard_set
from households.services.assessment import assessments_recompute
from households.tests.factories import make_household, member
from housing.models import RetrofitCase, WaterSurvey
from housing.providers import housing_facts
from housing.services import assessment_void, retrofit_advance, retrofit_void

from .factories import ACCEPTANCE, assess, retrofit, survey

pytestmark = pytest.mark.django_db
YEAR = default_year()


def well_off(areas: dict[str, Area], actor: User, number: str, **fields: object) -> Household:
    """A household that meets every other part of the exit standard."""
    household = make_household(
        village=areas["商家村"], actor=actor, number=number,
        members=[member("甲", medical_insurance=True), member("乙", Relation.SPOUSE, male=False, medical_insurance=True)],
        **fields,
    )  # fmt: skip
    income_set(actor=actor, household=household, year=YEAR, data={"wage": Decimal(40000)})
    return household


@pytest.fixture
def standard(db: None) -> None:
    standard_set(year=YEAR, poverty_line=Decimal(3609), dibao_line=Decimal(4800))


def gaps(household: Household) -> str:
    return HouseholdAssessment.objects.get(household=household, year=YEAR).gaps


def test_a_d_grade_household_meets_the_guarantee_once_its_retrofit_is_accepted(
    areas: dict[str, Area], dora: User, zoe: User, standard: None, eager: None, django_capture_on_commit_callbacks
) -> None:
    # The registry was typed as safe; housing's D grade wins over it.
    household = well_off(areas, dora, "H1", house_grade="A", safe_water=True)
    with django_capture_on_commit_callbacks(execute=True):
        assess(actor=zoe, household=household, grade="D")
    assert gaps(household) == "住房安全"  # reassessed at once after the step
    with django_capture_on_commit_callbacks(execute=True):
        case = retrofit(actor=zoe, household=household, stage="竣工")
    assert gaps(household) == "住房安全"  # completed is not accepted
    with django_capture_on_commit_callbacks(execute=True):
        retrofit_advance(actor=zoe, case=case, stage="验收合格", on=date(2018, 3, 1), data=ACCEPTANCE)
    stored = HouseholdAssessment.objects.get(household=household, year=YEAR)
    assert (stored.gaps, stored.meets_standard) == ("", True)


def test_the_nightly_recompute_finds_an_acceptance_made_behind_the_services_back(
    areas: dict[str, Area], dora: User, zoe: User, standard: None
) -> None:
    household = well_off(areas, dora, "H2", safe_water=True)
    assess(actor=zoe, household=household, grade="D")
    case = retrofit(actor=zoe, household=household, stage="竣工")
    assessments_recompute(year=YEAR)
    assert gaps(household) == "住房安全"
    # An admin fix in the database: no service, no reassess. The fingerprint (on PostgreSQL) changes with it.
    RetrofitCase.objects.filter(pk=case.pk).update(
        stage="验收合格", accepted_on=date(2018, 3, 1), meets_building_standard=True, meets_seismic_standard=True,
        inspector="王建设",
    )  # fmt: skip
    result = assessments_recompute(year=YEAR)
    assert result.changed == 1
    assert gaps(household) == ""


def test_a_voided_record_counts_for_nothing_and_the_registry_serves_again(
    areas: dict[str, Area], dora: User, zoe: User, standard: None, eager: None, django_capture_on_commit_callbacks
) -> None:
    household = well_off(areas, dora, "H3", house_grade="B", safe_water=True)
    with django_capture_on_commit_callbacks(execute=True):
        wrong = assess(actor=zoe, household=household, grade="D")
    assert gaps(household) == "住房安全"
    with django_capture_on_commit_callbacks(execute=True):
        assessment_void(actor=zoe, assessment=wrong, reason="录错户")
    assert gaps(household) == ""  # the registry's B serves again
    assert household.house_assessments.count() == 1  # kept, marked void


def test_an_assessment_after_the_acceptance_decides(
    areas: dict[str, Area], dora: User, zoe: User, standard: None
) -> None:
    household = well_off(areas, dora, "H4", safe_water=True)
    assess(actor=zoe, household=household, grade="D")
    retrofit(actor=zoe, household=household, stage="入住")
    assess(actor=zoe, household=household, grade="C", on=date(YEAR, 3, 1))  # damaged again
    assessments_recompute(year=YEAR)
    assert gaps(household) == "住房安全"


@pytest.mark.parametrize(
    ("registry", "indicators", "gap"),
    [
        (False, {}, ""),  # housing's survey, all four met, wins over the registry's 否
        (True, {"quality_ok": False}, "饮水安全"),  # one unmet decides
        (True, {"guarantee_ok": None}, ""),  # blank and nothing unmet: housing says nothing, the registry serves
        (None, {"guarantee_ok": None}, "饮水安全"),  # … and where the registry is blank too: 未填写
    ],
)
def test_safe_water_from_the_latest_survey(
    areas: dict[str, Area], dora: User, zoe: User, standard: None, registry: bool | None, indicators: dict, gap: str
) -> None:
    household = well_off(areas, dora, "W1", house_grade="A", safe_water=registry)
    survey(actor=zoe, household=household, on=date(2015, 1, 1), quality_ok=False)  # an older survey: superseded
    survey(actor=zoe, household=household, **indicators)
    assessments_recompute(year=YEAR)
    assert gaps(household) == gap


def test_a_survey_after_the_assessment_date_is_not_read(areas: dict[str, Area], dora: User, zoe: User) -> None:
    household = well_off(areas, dora, "W2", house_grade="A", safe_water=True)
    survey(actor=zoe, household=household, on=date(YEAR + 1, 1, 2), quality_ok=False)
    facts = household_facts([household.pk], year=YEAR)[household.pk]
    assert facts.safe_water is True


def test_only_households_with_records_are_answered_and_the_sources_are_named(
    areas: dict[str, Area], dora: User, zoe: User
) -> None:
    with_records = well_off(areas, dora, "S1")
    without = well_off(areas, dora, "S2", house_grade="A")
    assess(actor=zoe, household=with_records, grade="D")
    retrofit(actor=zoe, household=with_records, stage="验收合格")
    survey(actor=zoe, household=with_records)
    found = housing_facts([with_records.pk, without.pk], YEAR, date(YEAR, 12, 31))
    assert set(found) == {with_records.pk}
    facts = found[with_records.pk]
    assert facts.household == {"house_grade": "D", "retrofit_accepted": True, "safe_water": True}
    assert "验收合格" in facts.sources["住房安全"]
    assert facts.sources["饮水安全"] == "住建部门 2019-05-01 饮水安全调查"


def test_the_household_page_names_housing_as_the_source(
    client: Client, areas: dict[str, Area], dora: User, zoe: User, alice: User, standard: None
) -> None:
    household = well_off(areas, dora, "S3")
    assess(actor=zoe, household=household, grade="D")
    client.force_login(alice)
    body = client.get(f"/households/{household.pk}/").content.decode()
    assert "住房安全 — 住建部门：2017-04-01 鉴定为 D 级危房，未改造验收" in body


def test_the_provider_reads_a_fixed_number_of_queries(
    areas: dict[str, Area], dora: User, zoe: User, django_assert_num_queries
) -> None:
    households = [well_off(areas, dora, f"Q{i}") for i in range(4)]
    for h in households:
        assess(actor=zoe, household=h, grade="D")
        survey(actor=zoe, household=h)
    retrofit(actor=zoe, household=households[0], stage="入住")
    ids = [h.pk for h in households]
    with django_assert_num_queries(3):
        assert len(housing_facts(ids, YEAR, date(YEAR, 12, 31))) == 4
    with django_assert_num_queries(0):
        assert housing_facts([], YEAR, date(YEAR, 12, 31)) == {}


def test_a_voided_case_and_survey_are_left_out(areas: dict[str, Area], dora: User, zoe: User) -> None:
    household = well_off(areas, dora, "V1")
    assess(actor=zoe, household=household, grade="D")
    case = retrofit(actor=zoe, household=household, stage="验收合格")
    retrofit_void(actor=zoe, case=case, reason="重复登记")
    s = survey(actor=zoe, household=household)
    WaterSurvey.objects.filter(pk=s.pk).update(voided_at="2025-01-01T00:00:00Z", void_reason="录错")
    facts = housing_facts([household.pk], YEAR, date(YEAR, 12, 31))[household.pk]
    assert facts.household == {"house_grade": "D"}
