"""seed_demo: the demo the README promises, safe to run again."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from accounts.models import User
from accounts.selectors import areas_in_scope
from households.demo import DEFAULT_PASSWORD
from households.idnumber import parse_id_number
from households.models import (
    ExitCase,
    ExitStage,
    Household,
    HouseholdAssessment,
    HouseholdStatus,
    Person,
    PovertyStandard,
    Relation,
)

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_the_demo_and_is_idempotent(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "新增农户 150 户" in out
    assert "shangjia" in out
    assert DEFAULT_PASSWORD in out

    assert Household.objects.count() == 150
    assert set(Household.objects.values_list("village__parent__name", flat=True)) == {"商家镇", "萌水镇"}
    for household in Household.objects.prefetch_related("members"):
        assert [p.relation for p in household.members.all()].count(Relation.HEAD) == 1
    today = timezone.localdate()
    for person in Person.objects.all():
        parsed = parse_id_number(person.id_number, today=today)
        assert (parsed.sex, parsed.birth_date) == (person.sex, person.birth_date)
    assert PovertyStandard.objects.filter(year=today.year).exists()
    assert PovertyStandard.objects.filter(year=today.year - 1).exists()

    shangjia = User.objects.get(username="shangjia")
    assert {a.name for a in areas_in_scope(shangjia).filter(level="town")} == {"商家镇"}
    assert User.objects.get(username="district").has_perm("households.change_household_status")

    # A district in its third year (issue 17): the exited well above the line, a handful watched, two 返贫 with
    # their history, exits in progress at every step.
    year = today.year - 1
    exited = HouseholdAssessment.objects.filter(year=year, household__status=HouseholdStatus.EXITED)
    assert exited.count() >= 70
    assert not exited.filter(meets_standard=False).exists()
    assert 1 <= exited.filter(watch=True).count() <= exited.count() // 10
    returned = Household.objects.filter(status=HouseholdStatus.RETURNED)
    assert returned.count() == 2
    for household in returned:
        assert household.status_changes.first().to_status == HouseholdStatus.RETURNED
        assert "返贫" in household.status_changes.first().reason
    stages = set(ExitCase.objects.values_list("stage", flat=True))
    assert stages == {ExitStage.PROPOSED, ExitStage.VERIFIED, ExitStage.CONFIRMED, ExitStage.PUBLICIZING}

    # The sector departments' officers: district-wide, writing their own sector only.
    zhujian, jiaoyu = User.objects.get(username="zhujian"), User.objects.get(username="jiaoyu")
    assert (zhujian.sector, zhujian.area.name) == ("housing", "文昌湖区")
    assert zhujian.has_perm("housing.change_safetyassessment")
    assert not zhujian.has_perm("education.add_enrolment")
    assert jiaoyu.has_perm("education.add_enrolment")
    assert "weijian" in out

    call_command("seed_demo")
    assert "新增农户 0 户" in capsys.readouterr().out
    assert Household.objects.count() == 150
    assert User.objects.filter(username__in=["shangjia", "mengshui", "district"]).count() == 3


def test_seed_demo_password_resets_the_demo_users(rf: RequestFactory) -> None:
    def logs_in(username: str, password: str) -> bool:
        # django-axes, first of the backends, needs the request a login page would pass.
        return authenticate(rf.post("/accounts/login/"), username=username, password=password) is not None

    call_command("seed_demo")
    assert logs_in("mengshui", DEFAULT_PASSWORD)
    call_command("seed_demo", "--password", "Another-pass-42")
    assert not logs_in("mengshui", DEFAULT_PASSWORD)
    assert logs_in("mengshui", "Another-pass-42")
    assert logs_in("district", "Another-pass-42")
