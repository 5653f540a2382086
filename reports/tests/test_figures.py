"""Every dashboard number equals a direct count of the registry (issue 15), on the demo: counted here by an
independent query for every area and every figure, and through the household list the number links to."""

import re
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db.models import Exists, OuterRef, QuerySet
from django.test import Client
from django.utils import timezone

from accounts.models import Area, AreaLevel, User
from assistance.models import Pairing, Visit
from households.models import Household, HouseholdAssessment, Person
from households.selectors import default_year
from reports.figures import GROUPS, list_params, over_quota_cadres
from reports.models import AreaFigures, Problem, ProblemState
from reports.rules import RULES

COUNT_LINE = re.compile(r"共 ([\d,]+) 户、([\d,]+) 人")


def in_area(area: Area) -> QuerySet[Household]:
    if area.level == AreaLevel.VILLAGE:
        return Household.objects.filter(village=area)
    if area.level == AreaLevel.TOWN:
        return Household.objects.filter(village__parent=area)
    return Household.objects.all()


def direct(area: Area, key: str) -> QuerySet[Household]:
    """The households counted under `key`, by a query written independently of figures.py."""
    households = in_area(area)
    year = default_year()
    stored = HouseholdAssessment.objects.filter(household=OuterRef("pk"), year=year)
    kind, _sep, value = key.partition(":")
    active = Pairing.objects.filter(household=OuterRef("pk"), ended_on__isnull=True)
    if kind == "total":
        return households
    if kind == "status":
        return households.filter(status=value)
    if kind == "ready":
        return households.filter(status="未脱贫").filter(Exists(stored.filter(meets_standard=True)))
    if kind == "meets":
        return households.filter(Exists(stored.filter(meets_standard=value == "yes")))
    if kind == "gap":
        return households.filter(Exists(stored.filter(gaps__contains=value)))
    if kind == "band":
        return households.filter(Exists(stored.filter(band=value)))
    if kind == "watch":
        return households.filter(Exists(stored.filter(watch=True)))
    if kind == "cause":
        return households.filter(main_cause=value)
    if kind == "exit":
        return households.filter(exit_year=int(value))
    if kind == "cover" and value == "unpaired":
        return households.filter(status__in=["未脱贫", "返贫"]).exclude(Exists(active))
    if kind == "cover" and value == "no_visit":
        since = timezone.localdate() - timedelta(days=90)
        recent = Visit.objects.filter(household=OuterRef("pk"), visited_on__gte=since)
        return households.filter(status__in=["未脱贫", "返贫"]).exclude(Exists(recent))
    if kind == "cover" and value == "over_quota":
        return households.filter(Exists(active.filter(cadre__in=over_quota_cadres())))
    raise AssertionError(key)


def persons(households: QuerySet[Household]) -> int:
    return Person.objects.filter(household__in=households, left_reason="").count()


@pytest.mark.django_db
def test_every_dashboard_number_equals_a_direct_count_and_its_list_of_the_demo(client: Client) -> None:
    call_command("seed_demo")  # its reports step refreshes the stored figures
    year = default_year()
    keys = [i.key for g in GROUPS for i in g.items] + ["total"]
    exit_years = set(Household.objects.exclude(exit_year=None).values_list("exit_year", flat=True))
    keys += [f"exit:{y}" for y in exit_years]
    rows = AreaFigures.objects.filter(year=year).select_related("area")
    assert rows.count() == Area.objects.count() == 13
    nonzero = 0
    for row in rows:
        for key in keys:
            households = direct(row.area, key)
            assert row.households.get(key, 0) == households.count(), (row.area.name, key)
            assert row.persons.get(key, 0) == persons(households), (row.area.name, key)
            nonzero += households.exists()
        for rule in RULES:
            open_problems = Problem.objects.filter(
                rule=rule.code, state=ProblemState.OPEN, cleared_at=None, household__in=in_area(row.area)
            ).count()
            assert row.households.get(f"problem:{rule.code}", 0) == open_problems
    assert nonzero > 100  # the demo exercises the figures, not just zeros

    # Each number links to the household list with the same filter, whose count line shows the same numbers.
    client.force_login(User.objects.get(username="district"))
    district = Area.objects.get(level=AreaLevel.DISTRICT)
    town = Area.objects.get(name="商家镇")
    village = Area.objects.get(name="萌水村")
    keys = [i.key for g in GROUPS for i in g.items] + ["total", "exit:2017"]
    for area, scope in ((district, {}), (town, {"town": town.pk}), (village, {"village": village.pk})):
        row = AreaFigures.objects.get(year=year, area=area)
        for key in keys:
            response = client.get("/households/?" + urlencode({**scope, **list_params(key)}))
            assert response.status_code == 200
            found = COUNT_LINE.search(response.content.decode())
            shown = (int(found[1].replace(",", "")), int(found[2].replace(",", "")))
            assert shown == (row.households.get(key, 0), row.persons.get(key, 0)), (area.name, key)

    # …and the dashboard's links carry the area and the filter.
    body = client.get(f"/reports/?area={town.pk}").content.decode()
    assert f"/households/?town={town.pk}&amp;status=%E6%9C%AA%E8%84%B1%E8%B4%AB" in body  # 未脱贫
    assert f"/households/?town={town.pk}&amp;cover=unpaired" in body
    for village in town.children.all():
        assert f"/reports/?area={village.pk}" in body


@pytest.mark.django_db
def test_the_sector_figures_equal_direct_counts_of_the_demo(client: Client) -> None:
    """As each sector app landed, its figures joined the dashboard (issue 15): retrofits, students
    supported, dividends — each equals a direct count of the sector's own records for the district."""
    from django.db.models import Sum

    from education.models import Benefit
    from funds.models import PAID_STATUSES, DividendPayout
    from housing.models import RetrofitCase, Stage

    call_command("seed_demo")
    year = default_year()
    district = AreaFigures.objects.get(year=year, area__level=AreaLevel.DISTRICT)
    accepted = RetrofitCase.objects.filter(voided_at=None, stage__in=(Stage.ACCEPTED, Stage.OCCUPIED)).count()
    assert district.extra.get("housing_accepted", 0) == accepted > 0
    supported = (
        Benefit.objects.filter(voided_at=None, enrolment__voided_at=None, enrolment__school_year=year)
        .values("enrolment__person")
        .distinct()
        .count()
    )
    assert district.extra.get("education_supported", 0) == supported
    paid = DividendPayout.objects.filter(run__year=year, run__status__in=PAID_STATUSES).aggregate(s=Sum("amount"))["s"]
    assert Decimal(str(district.extra.get("funds_dividends", 0))) == (paid or 0)
    from healthcare.models import Expense, Insurance

    insured = (
        Insurance.objects.filter(voided=False, year=year, kind="basic", insured=True)
        .values("person")
        .distinct()
        .count()
    )
    assert district.extra.get("health_insured", 0) == insured > 0
    aid = Expense.objects.filter(voided=False, visited_on__year=year).aggregate(s=Sum("aid"))["s"]
    assert Decimal(str(district.extra.get("health_aid", 0))) == (aid or 0)
    client.force_login(User.objects.get(username="district"))
    page = client.get("/reports/").content.decode()
    assert "医疗救助" in page
    assert "危房改造已验收" in page
    assert "资产收益分红" in page
