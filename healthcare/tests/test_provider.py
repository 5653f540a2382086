"""基本医疗 for the exit rule comes from the insurance records (healthcare.providers): an uninsured member turns
the verdict to a 基本医疗 gap through the nightly recompute and through reassess, and back when insured."""

import pytest

from accounts.models import User
from healthcare.services import insurance_record, insurance_void
from households.models import Household, HouseholdAssessment
from households.selectors import household_assessment
from households.services.assessment import assessments_recompute

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def stored(household: Household) -> HouseholdAssessment:
    return HouseholdAssessment.objects.get(household=household, year=YEAR)


def test_an_uninsured_member_is_a_gap_through_the_nightly_recompute_and_back(shangjia: Household, sam: User) -> None:
    assessments_recompute(year=YEAR)
    assert stored(shangjia).meets_standard
    wang = shangjia.members.get(name="王一")

    _record, outcome = insurance_record(actor=sam, person=wang, year=YEAR, insured=False, reassess_now=False)
    assert outcome == "created"
    assessments_recompute(year=YEAR)
    assert stored(shangjia).gaps == "基本医疗"
    view = household_assessment(shangjia, year=YEAR)
    assert "王一未参加基本医疗保险" in view.words
    assert ("基本医疗", f"医保部门 {YEAR} 年参保登记") in view.sources

    _, outcome = insurance_record(actor=sam, person=wang, year=YEAR, insured=True, payer="finance", reassess_now=False)
    assert outcome == "updated"
    assessments_recompute(year=YEAR)
    assert stored(shangjia).meets_standard
    assert stored(shangjia).gaps == ""


def test_the_service_reassesses_at_once(
    shangjia: Household, sam: User, eager: None, django_capture_on_commit_callbacks: object
) -> None:
    assessments_recompute(year=YEAR)
    li = shangjia.members.get(name="李二")
    with django_capture_on_commit_callbacks(execute=True):
        record, _ = insurance_record(actor=sam, person=li, year=YEAR, insured=False)
    assert stored(shangjia).gaps == "基本医疗"
    with django_capture_on_commit_callbacks(execute=True):
        insurance_void(actor=sam, insurance=record, reason="医保部门核实，已于当年参保")
    assert stored(shangjia).meets_standard  # without a record, the registry's field (insured) decides again


def test_a_record_wins_over_the_registry_and_other_years_do_not_count(shangjia: Household, sam: User) -> None:
    wang = shangjia.members.get(name="王一")
    wang.medical_insurance = False  # the township ledger says not insured
    wang.save(update_fields=["medical_insurance"])
    assert "王一未参加基本医疗保险" in household_assessment(shangjia, year=YEAR).words
    insurance_record(actor=sam, person=wang, year=YEAR - 1, insured=True, reassess_now=False)
    assert "王一未参加基本医疗保险" in household_assessment(shangjia, year=YEAR).words  # last year's record
    insurance_record(actor=sam, person=wang, year=YEAR, insured=True, reassess_now=False)
    assert household_assessment(shangjia, year=YEAR).assessment.gaps == ()
