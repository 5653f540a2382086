"""The household edit page: ID numbers and phones masked (a changed one typed in full, the whole one only through
the audited reveal), and an error summary at the top of the long form."""

from datetime import date
from html.parser import HTMLParser

import pytest
from django.test import Client

from accounts.models import Area, User
from households.models import Household, Person, Relation

from .factories import id_number, make_household, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def household(areas: dict[str, Area], alice: User) -> Household:
    """A 商家镇 household: head 张三 and his wife 李梅, with whole ID numbers and a phone to look for."""
    return make_household(
        village=areas["商家村"],
        actor=alice,
        phone="13800138000",
        members=[member("张三"), member("李梅", Relation.SPOUSE, male=False, birth=date(1962, 8, 8))],
    )


class _FormValues(HTMLParser):
    """What a browser would submit from the page's form, unchanged: inputs, selected options, text areas.
    The blank member form's <template> (names with __prefix__) is not part of the form."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._first_option: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if "__prefix__" in name:
            return
        if tag == "input" and name and a.get("type") not in ("submit", "button"):
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.data[name] = a.get("value", "on")
            else:
                self.data[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select, self._first_option = name, None
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value", "")
            if "selected" in a:
                self.data[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select:
            self.data.setdefault(self._select, self._first_option or "")
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def page_values(client: Client, household: Household) -> dict[str, str]:
    parser = _FormValues()
    parser.feed(client.get(f"/households/{household.pk}/edit/").content.decode())
    return parser.data


def member_index(values: dict[str, str], name: str) -> int:
    return next(int(k.split("-")[1]) for k, v in values.items() if k.endswith("-name") and v == name)


def stored(household: Household) -> tuple[str, dict[str, str]]:
    fresh = Household.objects.get(pk=household.pk)
    return fresh.phone, {p.name: p.id_number for p in Person.objects.filter(household=household)}


# ---- masked ID numbers and phone --------------------------------------------------------------------------


def test_the_edit_page_shows_no_whole_id_number_or_phone(client: Client, household: Household, alice: User) -> None:
    client.force_login(alice)
    body = client.get(f"/households/{household.pk}/edit/").content.decode()
    for person in household.members.all():
        assert person.id_number not in body
        assert f"{person.id_number[:6]}********{person.id_number[-4:]}" in body
    assert "13800138000" not in body
    assert "138****8000" in body
    # A town clerk may not reveal: no link, a sentence instead.
    assert 'data-testid="reveal-link"' not in body


def test_the_district_office_finds_the_audited_reveal_from_the_edit_page(
    client: Client, household: Household, dora: User
) -> None:
    client.force_login(dora)
    body = client.get(f"/households/{household.pk}/edit/").content.decode()
    head = household.members.get(relation=Relation.HEAD)
    assert f'href="/households/{household.pk}/members/{head.pk}/reveal/"' in body
    assert head.id_number not in body


def test_saving_the_page_unchanged_keeps_every_stored_value(client: Client, household: Household, alice: User) -> None:
    client.force_login(alice)
    before = stored(household)
    history = {p.pk: p.history.count() for p in household.members.all()}
    response = client.post(f"/households/{household.pk}/edit/", page_values(client, household))
    assert response.status_code == 302, response.content.decode()
    assert stored(household) == before
    # Nothing personal touched: no member row rewritten.
    assert {p.pk: p.history.count() for p in household.members.all()} == history


def test_an_edit_of_another_field_keeps_the_masked_values_and_the_fingerprint_still_guards(
    client: Client, household: Household, alice: User, bob: User
) -> None:
    client.force_login(alice)
    values = page_values(client, household)
    before = stored(household)
    response = client.post(
        f"/households/{household.pk}/edit/", {**values, "house_grade": "B", "change_reason": "入户核实"}
    )
    assert response.status_code == 302
    assert stored(household) == before
    assert Household.objects.get(pk=household.pk).house_grade == "B"
    # The page opened before that save carries the old fingerprint: a second save from it is refused.
    refused = client.post(f"/households/{household.pk}/edit/", {**values, "house_grade": "A"})
    assert refused.status_code == 200
    assert "该记录已被他人修改" in refused.content.decode()
    assert Household.objects.get(pk=household.pk).house_grade == "B"


def test_a_new_whole_id_number_and_phone_are_saved(client: Client, household: Household, alice: User) -> None:
    client.force_login(alice)
    values = page_values(client, household)
    new_number = id_number(birth=date(1962, 8, 8), male=False)
    values[f"members-{member_index(values, '李梅')}-id_number"] = new_number
    values["phone"] = "13900139000"
    response = client.post(f"/households/{household.pk}/edit/", values)
    assert response.status_code == 302, response.content.decode()
    phone, numbers = stored(household)
    assert (phone, numbers["李梅"]) == ("13900139000", new_number)
    assert numbers["张三"] == household.members.get(name="张三").id_number


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("370303********9999", "与原来脱敏显示的不同"),  # masked, but not as shown
        ("3703031962", "应为 18 位，现在是 10 位"),  # a part of the number
    ],
)
def test_a_masked_or_partial_id_number_is_a_clear_error(
    client: Client, household: Household, alice: User, typed: str, message: str
) -> None:
    client.force_login(alice)
    before = stored(household)
    values = page_values(client, household)
    values[f"members-{member_index(values, '李梅')}-id_number"] = typed
    response = client.post(f"/households/{household.pk}/edit/", values)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert stored(household) == before


def test_a_masked_but_different_phone_is_a_clear_error(client: Client, household: Household, alice: User) -> None:
    client.force_login(alice)
    values = {**page_values(client, household), "phone": "139****8000"}
    response = client.post(f"/households/{household.pk}/edit/", values)
    assert response.status_code == 200
    assert "联系电话中有“*”" in response.content.decode()
    assert stored(household)[0] == "13800138000"


# ---- the error summary --------------------------------------------------------------------------------------


def test_an_invalid_save_lists_every_field_with_an_error_at_the_top(
    client: Client, household: Household, alice: User
) -> None:
    client.force_login(alice)
    values = page_values(client, household)
    wife = member_index(values, "李梅")
    values["phone"] = "12345"
    valid = id_number(birth=date(1962, 8, 8), male=False)
    values[f"members-{wife}-id_number"] = valid[:17] + ("0" if valid[17] != "0" else "1")  # a wrong check digit
    values[f"members-{wife}-work_months"] = "13"
    response = client.post(f"/households/{household.pk}/edit/", values)
    assert response.status_code == 200
    summary = [e.label for e in response.context["errors"]]
    assert summary == [
        "联系电话",
        f"成员 {wife + 1} 李梅：证件号码",
        f"成员 {wife + 1} 李梅：务工时间(月)",
    ]
    body = response.content.decode()
    top = body.index('data-testid="error-summary"')
    assert top < body.index('name="number"')  # above the form's first field
    assert f'href="#id_members-{wife}-id_number"' in body
    assert 'href="#id_phone"' in body
    assert 'tabindex="-1"' in body[top - 200 : top]
    assert "js/error-summary.js" in body


def test_the_summary_names_a_new_member_by_number_and_a_whole_form_error(
    client: Client, household: Household, alice: User
) -> None:
    client.force_login(alice)
    values = page_values(client, household)
    new = int(values["members-TOTAL_FORMS"]) - 1  # the blank member form of the edit page
    values[f"members-{new}-name"] = "张小"
    values[f"members-{new}-relation"] = "户主"  # a second head
    values[f"members-{new}-id_number"] = id_number(birth=date(2012, 6, 1))
    response = client.post(f"/households/{household.pk}/edit/", values)
    assert response.status_code == 200
    errors = response.context["errors"]
    assert [e.label for e in errors] == ["家庭成员"]
    assert "户主" in errors[0].messages[0]
    values[f"members-{new}-relation"] = "之子"
    values[f"members-{new}-name"] = ""
    response = client.post(f"/households/{household.pk}/edit/", values)
    assert [e.label for e in response.context["errors"]] == [f"成员 {new + 1}：姓名"]


def test_a_page_without_errors_has_no_summary(client: Client, household: Household, alice: User) -> None:
    client.force_login(alice)
    response = client.get(f"/households/{household.pk}/edit/")
    assert response.context["errors"] == []
    assert 'data-testid="error-summary"' not in response.content.decode()
