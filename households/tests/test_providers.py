"""The platform sector apps build on (issue 10): a fact from another app reaches the verdict through a facts
provider — in the nightly recompute and through `reassess` — and the page says which record decided; list
filters, navigation, panels and change-log entries added by other apps; members counted by date."""

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import Area, User
from common.nav import NavItem, nav_groups, register_nav
from households.filters import ListFilter, register_list_filter
from households.models import Household, HouseholdAssessment, Relation
from households.panels import ChangeEntry, register_change_source
from households.providers import FactsProvider, SectorFacts, register_provider, unregister_provider
from households.selectors import default_year, household_facts
from households.services import income_set, person_add, reassess, standard_set
from households.services.assessment import assessments_recompute

from .factories import make_household, member

YEAR = default_year()


class ExampleInsurance:
    """A stand-in for the healthcare app: which persons its records say are insured this year. Its
    fingerprint is a version that changes with every record written, as a real table's content would."""

    def __init__(self) -> None:
        self.insured: dict[int, bool] = {}
        self.version = 0

    def record(self, person_id: int, insured: bool) -> None:
        self.insured[person_id] = insured
        self.version += 1
        self.register()

    def facts(self, household_ids: list[int], year: int, as_of: date) -> dict[int, SectorFacts]:
        found: dict[int, SectorFacts] = {}
        for household_id, person_id in self.people(household_ids):
            if person_id in self.insured:
                found[household_id] = SectorFacts(
                    members={
                        **(found[household_id].members if household_id in found else {}),
                        person_id: {"medical_insurance": self.insured[person_id]},
                    },
                    sources={"基本医疗": f"示例医保部门 {year} 年参保登记"},
                )
        return found

    def people(self, household_ids: list[int]) -> list[tuple[int, int]]:
        from households.models import Person

        return list(Person.objects.filter(household_id__in=household_ids).values_list("household_id", "pk"))

    def register(self) -> None:
        register_provider(
            FactsProvider(
                name="example_insurance",
                label="示例医保部门",
                facts=self.facts,
                fingerprint_sql=(
                    f"SELECT h2.id, 'example-v{self.version}' FROM households_household h2 WHERE {{chunk:h2.id}}"  # noqa: S608 — an int version
                ),
            )
        )


@pytest.fixture
def insurance() -> Iterator[ExampleInsurance]:
    example = ExampleInsurance()
    example.register()
    yield example
    unregister_provider("example_insurance")


@pytest.fixture
def ready(areas: dict[str, Area], dora: User) -> Household:
    """A 商家镇 household that meets the exit standard by the registry's own facts (both members insured)."""
    standard_set(year=YEAR, poverty_line=Decimal(3609), dibao_line=Decimal(3609))
    household = make_household(
        village=areas["商家村"], actor=dora, number="P1", house_grade="A", safe_water=True,
        members=[member("钱一", medical_insurance=True), member("钱二", Relation.SPOUSE, male=False, medical_insurance=True)],
    )  # fmt: skip
    income_set(actor=dora, household=household, year=YEAR, data={"wage": Decimal(20000)})
    return household


def stored(household: Household) -> HouseholdAssessment:
    return HouseholdAssessment.objects.get(household=household, year=YEAR)


def test_a_provider_fact_changes_the_verdict_in_the_nightly_recompute(
    ready: Household, insurance: ExampleInsurance
) -> None:
    assessments_recompute(year=YEAR)
    assert stored(ready).meets_standard
    spouse = ready.members.get(name="钱二")
    insurance.record(spouse.pk, insured=False)  # the sector's record wins over the registry's "insured"
    result = assessments_recompute(year=YEAR)
    assert result.changed == 1
    assert (stored(ready).meets_standard, stored(ready).gaps) == (False, "基本医疗")
    insurance.record(spouse.pk, insured=True)
    assessments_recompute(year=YEAR)
    assert stored(ready).meets_standard


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the fingerprint is computed by PostgreSQL")
def test_the_recompute_skips_only_what_truly_did_not_change(ready: Household, insurance: ExampleInsurance) -> None:
    assessments_recompute(year=YEAR)
    assert assessments_recompute(year=YEAR).unchanged == 1
    insurance.record(ready.members.get(name="钱二").pk, insured=False)
    # The provider's part of the fingerprint changed, so the household is assessed again, not skipped.
    assert assessments_recompute(year=YEAR).changed == 1


def test_reassess_after_another_apps_write(
    ready: Household, insurance: ExampleInsurance, eager: None, django_capture_on_commit_callbacks: object
) -> None:
    assessments_recompute(year=YEAR)
    with django_capture_on_commit_callbacks(execute=True):
        insurance.record(ready.members.get(name="钱一").pk, insured=False)
        reassess([ready.pk])
    assert stored(ready).gaps == "基本医疗"


def test_the_page_names_the_record_that_decided(
    client: Client, ready: Household, insurance: ExampleInsurance, alice: User
) -> None:
    insurance.record(ready.members.get(name="钱二").pk, insured=False)
    client.force_login(alice)
    page = client.get(f"/households/{ready.pk}/?year={YEAR}").content.decode()
    assert "钱二未参加基本医疗保险" in page
    assert f"基本医疗 — 示例医保部门 {YEAR} 年参保登记" in page


def test_a_provider_may_not_invent_facts(ready: Household) -> None:
    def bad(household_ids: list[int], year: int, as_of: date) -> dict[int, SectorFacts]:
        return {household_ids[0]: SectorFacts(household={"favourite_colour": "red"})}

    register_provider(FactsProvider(name="bad", label="坏", facts=bad))
    try:
        with pytest.raises(ValueError, match="favourite_colour"):
            household_facts([ready.pk], year=YEAR)
    finally:
        unregister_provider("bad")


def test_adding_a_member_today_does_not_change_last_years_income(
    client: Client, ready: Household, dora: User, alice: User
) -> None:
    """Issue 10 bug 3: 20,000 yuan for the two members of last year stays 10,000 each."""
    person_add(actor=dora, household=ready, data=member("钱三", Relation.SON, birth=timezone.localdate()))
    assessments_recompute(year=YEAR)
    assert stored(ready).per_capita == Decimal("10000.00")
    client.force_login(alice)
    assert "10,000.00" in client.get(f"/households/{ready.pk}/?year={YEAR}").content.decode()


@pytest.fixture
def registries(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a test registers is gone after it: each registry starts from a copy of the real one."""
    from common import nav
    from households import filters, panels

    monkeypatch.setattr(filters, "_list_filters", dict(filters._list_filters))
    monkeypatch.setattr(nav, "_items", dict(nav._items))
    monkeypatch.setattr(panels, "_change_sources", list(panels._change_sources))


def test_a_list_filter_from_another_app(
    client: Client, ready: Household, areas: dict[str, Area], dora: User, registries: None
) -> None:
    other = make_household(village=areas["商家村"], actor=dora, number="P2")
    register_list_filter(
        ListFilter(
            name="example_flag",
            label="示例标记",
            choices=(("yes", "有"),),
            method=lambda households, value: households.filter(number="P2"),
        )
    )
    client.force_login(dora)
    page = client.get("/households/?example_flag=yes").content.decode()
    assert "示例标记" in page
    assert f"/households/{other.pk}/" in page
    assert f"/households/{ready.pk}/" not in page


def test_navigation_shows_an_apps_entry_to_those_who_may_open_it(
    rf: object, alice: User, nobody: User, registries: None
) -> None:
    register_nav(NavItem("示例页面", "households:list", "households.view_household", order=999))
    request = rf.get("/households/")
    request.user = alice
    shown = [(link.label, link.active) for entry in nav_groups(request) for link in entry.links]
    assert ("示例页面", True) in shown
    request.user = nobody
    assert nav_groups(request) == []


def test_entries_of_one_group_share_a_dropdown(rf: object, alice: User, registries: None) -> None:
    register_nav(NavItem("示例甲", "households:list", "households.view_household", order=990, group="示例组"))
    register_nav(NavItem("示例乙", "households:create", "households.add_household", order=991, group="示例组"))
    request = rf.get("/households/")
    request.user = alice
    groups = {entry.label: [link.label for link in entry.links] for entry in nav_groups(request)}
    assert groups["示例组"] == ["示例甲", "示例乙"]


def test_change_log_entries_from_another_app(client: Client, ready: Household, alice: User, registries: None) -> None:
    def source(household: Household) -> list[ChangeEntry]:
        return [ChangeEntry(household.created_at, "示例部门", "示例事件：房屋鉴定为 B 级", "年度复核")]

    register_change_source(source)
    client.force_login(alice)
    page = client.get(f"/households/{ready.pk}/").content.decode()
    assert "示例事件：房屋鉴定为 B 级" in page
