"""The housing part of seed_demo: cases in every stage, through the services, and nothing twice."""

import pytest

from accounts.models import Area, User
from households.tests.factories import make_household
from housing.demo import seed_housing_demo
from housing.models import RetrofitCase, SafetyAssessment, WaterSurvey
from housing.rules import STAGES

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_case_in_every_stage_and_runs_once(areas: dict[str, Area], dora: User) -> None:
    for i in range(6):
        make_household(village=areas["商家村"], actor=dora, number=f"D{i}", house_grade="D", dilapidated=True)
    for i in range(3):
        make_household(village=areas["萌水村"], actor=dora, number=f"A{i}", house_grade="A")
    line = seed_housing_demo(dora)
    assert line.startswith("住房安全与饮水：9 户鉴定，6 户危房改造")
    assert set(RetrofitCase.objects.values_list("stage", flat=True)) == set(STAGES)
    assert RetrofitCase.objects.filter(stage__in=["验收合格", "入住"], inspector="").count() == 0
    counts = (SafetyAssessment.objects.count(), RetrofitCase.objects.count(), WaterSurvey.objects.count())
    assert seed_housing_demo(dora) == "住房安全与饮水：已有记录，未重复生成"
    assert (SafetyAssessment.objects.count(), RetrofitCase.objects.count(), WaterSurvey.objects.count()) == counts
