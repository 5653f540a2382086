"""The change log worth reading (issue 17): each field's old → new value (personal values masked), a reason
asked for changes of facts the exit rule reads, and the district office's revert to an earlier version — a new
change with a reason, never a rewrite of history."""

from decimal import Decimal

import pytest
from django.test import Client

from accounts.models import Area, User
from conftest import CHROMIUM
from households.models import Household, Relation
from households.services import household_update, income_set

from .factories import make_household, member


@pytest.fixture
def household(areas: dict[str, Area], alice: User) -> Household:
    return make_household(
        village=areas["商家村"], actor=alice, number="CL1", house_grade="C", phone="13912345678",
        members=[member("孙大林", medical_insurance=False)],
    )  # fmt: skip


def edit(household: Household, actor: User, *, reason: str = "", **changes: object) -> None:
    person = household.members.get()
    data = {f: getattr(household, f) for f in ("number", "village", "attribute", "main_cause", "phone")}
    values = {
        "pk": person.pk,
        "name": person.name,
        "id_number": person.id_number,
        "relation": Relation.HEAD,
        "medical_insurance": changes.pop("medical_insurance", person.medical_insurance),
    }
    household_update(actor=actor, household=household, data={**data, **changes}, members=[values], reason=reason)


def test_the_log_shows_old_and_new_values_with_personal_data_masked(
    client: Client, household: Household, alice: User
) -> None:
    edit(household, alice, house_grade="A", phone="13800001111", reason="住建部门复核")
    edit(household, alice, medical_insurance=True, reason="医保补登")
    income_set(actor=alice, household=household, year=2025, data={"wage": Decimal(8000)})
    income_set(actor=alice, household=household, year=2025, data={"wage": Decimal(9500)}, reason="入户核实")
    client.force_login(alice)
    page = client.get(f"/households/{household.pk}/").content.decode()
    assert "住房安全等级：C → A" in page
    assert "联系电话：139****5678 → 138****1111" in page
    assert "13800001111" not in page
    assert "参加城乡居民基本医疗保险：否 → 是" in page
    assert "工资性收入：8,000.00 → 9,500.00" in page
    assert "住建部门复核" in page
    assert "医保补登" in page


@pytest.mark.parametrize(
    "changes",
    [{"house_grade": "A"}, {"safe_water": True}, {"medical_insurance": True}],
    ids=["house", "water", "insurance"],
)
def test_a_fact_of_the_verdict_is_not_changed_without_a_reason(
    household: Household, alice: User, changes: dict
) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="请填写修改原因"):
        edit(household, alice, **changes)
    household.refresh_from_db()
    assert (household.house_grade, household.safe_water) == ("C", None)


def test_the_edit_page_asks_for_the_reason_on_the_page(client: Client, household: Household, alice: User) -> None:
    from .test_edit_page import page_values

    client.force_login(alice)
    response = client.post(f"/households/{household.pk}/edit/", {**page_values(client, household), "house_grade": "B"})
    assert response.status_code == 200
    assert "修改了影响脱贫判定的信息（住房安全等级），请填写修改原因" in response.content.decode()


def test_the_district_office_reverts_a_household_to_an_earlier_version(
    client: Client, household: Household, alice: User, dora: User
) -> None:
    created = household.history.earliest("history_date").history_date
    edit(household, alice, house_grade="A", reason="误填")
    url = f"/households/{household.pk}/revert/?at={created.isoformat()}"
    client.force_login(dora)
    page = client.get(url).content.decode()
    assert "住房安全等级：A → C" in page
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "请填写恢复的原因" in response.content.decode() or "这个字段是必填项" in response.content.decode()
    assert client.post(url, {"reason": "误改，按原台账恢复"}).status_code == 302
    household.refresh_from_db()
    assert household.house_grade == "C"
    latest = household.history.latest("history_date")
    assert "恢复到" in latest.history_change_reason
    assert "误改，按原台账恢复" in latest.history_change_reason
    assert household.history.count() == 3  # created, edited, reverted: nothing rewritten
    assert "恢复到此时的版本" in client.get(f"/households/{household.pk}/").content.decode()


def test_only_the_district_office_reverts(client: Client, household: Household, alice: User) -> None:
    created = household.history.earliest("history_date").history_date
    client.force_login(alice)
    url = f"/households/{household.pk}/revert/?at={created.isoformat()}"
    assert client.get(url).status_code == 403
    assert "恢复到此时的版本" not in client.get(f"/households/{household.pk}/").content.decode()


def test_revert_wrong_method_and_missing_time(client: Client, household: Household, dora: User) -> None:
    client.force_login(dora)
    assert client.put(f"/households/{household.pk}/revert/").status_code == 405
    assert client.get(f"/households/{household.pk}/revert/").status_code == 404


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_revert_end_to_end_in_the_browser(
    page: object, live_server: object, household: Household, alice: User, dora: User
) -> None:
    edit(household, alice, house_grade="A", reason="误填")
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "dora")
    page.fill("#id_password", "Correct-horse-9")
    page.click("button[type=submit]")
    page.goto(f"{base}/households/{household.pk}/")
    assert "住房安全等级：C → A" in page.inner_text("[data-testid=change-details]")
    page.locator("a:has-text('恢复到此时的版本')").last.click()  # the oldest version: as registered
    assert "住房安全等级：A → C" in page.inner_text("[data-testid=revert-changes]")
    page.fill("#id_reason", "误改，按原台账恢复")
    page.click("button:has-text('确认恢复')")
    page.wait_for_selector("text=已恢复，并记入变更记录。")
    assert "住房安全等级：A → C" in page.locator("[data-testid=change-details]").first.inner_text()
    household.refresh_from_db()
    assert household.house_grade == "C"
