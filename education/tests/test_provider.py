"""The enrolment decides the member's school status for 义务教育有保障 (plan ch. 2 §3, ch. 5 §2): a dropped-out
12-year-old turns the household's verdict through the nightly recompute and back, and through `reassess`
after the service; the provider reads in a constant number of queries."""

from datetime import date

import pytest
from django.db import connection

from accounts.models import User
from education.models import Enrolment
from education.providers import education_facts
from education.services import enrolment_update, enrolment_void
from households.models import Household, HouseholdAssessment, Person
from households.selectors import household_assessment
from households.services.assessment import assessments_recompute

from .conftest import SCHOOL_YEAR, YEAR
from .factories import enrol

pytestmark = pytest.mark.django_db


def verdict(household: Household) -> HouseholdAssessment:
    return HouseholdAssessment.objects.get(household=household, year=YEAR)


def test_a_dropped_out_12_year_old_turns_the_verdict_through_the_recompute_and_back(
    family: Household, child: Person, jim: User
) -> None:
    assessments_recompute(year=YEAR)
    assert verdict(family).meets_standard  # the registry says 初中
    enrolment = enrol(actor=jim, person=child, year=SCHOOL_YEAR)
    # Written behind the services' back (an admin fix): the nightly run still finds it.
    Enrolment.objects.filter(pk=enrolment.pk).update(status="辍学")
    result = assessments_recompute(year=YEAR)
    assert result.changed == 1
    stored = verdict(family)
    assert (stored.meets_standard, stored.gaps) == (False, "义务教育")
    assert "李小明，12 岁，辍学" in household_assessment(family, year=YEAR).words
    Enrolment.objects.filter(pk=enrolment.pk).update(status="在校")
    assert assessments_recompute(year=YEAR).changed == 1
    assert verdict(family).meets_standard


def test_the_enrolment_wins_over_the_registrys_own_field_and_says_so(
    family: Household, child: Person, jim: User
) -> None:
    Person.objects.filter(pk=child.pk).update(school_status="辍学")  # hand-typed, out of date
    assert not household_assessment(family, year=YEAR).assessment.meets_standard
    enrol(actor=jim, person=child, year=SCHOOL_YEAR)
    view = household_assessment(family, year=YEAR)
    assert view.assessment.meets_standard
    assert ("义务教育", f"教育部门 {SCHOOL_YEAR}–{SCHOOL_YEAR + 1} 学年学籍登记") in view.sources


def test_the_service_reassesses_at_once(
    family: Household, child: Person, jim: User, eager: None, django_capture_on_commit_callbacks: object
) -> None:
    assessments_recompute(year=YEAR)
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = enrol(actor=jim, person=child, year=SCHOOL_YEAR)
    assert verdict(family).meets_standard
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_update(actor=jim, enrolment=enrolment, data={"status": "辍学"}, reason="学校报告辍学")
    assert verdict(family).gaps == "义务教育"
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_void(actor=jim, enrolment=enrolment, reason="录错了学生")
    assert verdict(family).meets_standard  # back to the registry's 初中


def test_an_enrolment_ended_before_the_date_does_not_decide(family: Household, child: Person, jim: User) -> None:
    Person.objects.filter(pk=child.pk).update(school_status="辍学")
    enrol(actor=jim, person=child, year=SCHOOL_YEAR, ended_on=date(SCHOOL_YEAR, 11, 30))
    assert not household_assessment(family, year=YEAR).assessment.meets_standard  # 31 Dec: the registry's 辍学


def test_the_facts_are_read_in_one_query(
    family: Household, other_town: Household, child: Person, jim: User, django_assert_num_queries: object
) -> None:
    enrol(actor=jim, person=child, year=SCHOOL_YEAR)
    enrol(actor=jim, person=other_town.members.get(name="赵小"), year=SCHOOL_YEAR, stage="小学")
    with django_assert_num_queries(1):
        found = education_facts([family.pk, other_town.pk], YEAR, date(YEAR, 12, 31))
    assert found[family.pk].members == {child.pk: {"school_status": "初中"}}
    assert set(found) == {family.pk, other_town.pk}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the fingerprint is computed in PostgreSQL")
def test_the_fingerprint_changes_with_the_enrolment(family: Household, child: Person, jim: User) -> None:
    from households.selectors import facts_fingerprints

    before = facts_fingerprints([family.pk], year=YEAR, salt="s")[family.pk]
    enrolment = enrol(actor=jim, person=child, year=SCHOOL_YEAR)
    after = facts_fingerprints([family.pk], year=YEAR, salt="s")[family.pk]
    Enrolment.objects.filter(pk=enrolment.pk).update(status="辍学")
    dropped = facts_fingerprints([family.pk], year=YEAR, salt="s")[family.pk]
    assert len({before, after, dropped}) == 3
