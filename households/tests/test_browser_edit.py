"""In a real browser: the edit page's error summary is focused and in view after a failed save (the static
script, allowed by the enforced CSP), and an unchanged save of the masked page keeps the whole numbers."""

import re
from datetime import date

import pytest

from accounts.models import Area, User
from conftest import CHROMIUM
from households.models import Relation

from .factories import make_household, member
from .test_browser import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_error_summary_is_focused_and_an_unchanged_save_keeps_the_numbers(
    page: object, live_server: object, areas: dict[str, Area], alice: User
) -> None:
    household = make_household(
        village=areas["商家村"],
        actor=alice,
        phone="13800138000",
        members=[member("张三"), member("李梅", Relation.SPOUSE, male=False, birth=date(1962, 8, 8))],
    )
    numbers = {p.name: p.id_number for p in household.members.all()}
    base = live_server.url
    log_in(page, base, "alice")
    page.goto(f"{base}/households/{household.pk}/edit/")
    assert page.input_value("#id_phone") == "138****8000"
    assert page.input_value("#id_members-0-id_number") == f"{numbers['张三'][:6]}********{numbers['张三'][-4:]}"

    page.fill("#id_phone", "12345")
    page.fill("#id_members-1-work_months", "13")
    page.click("button:has-text('保存')")
    page.wait_for_selector("[data-testid=error-summary]")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.locator("#error-summary").is_visible()
    assert page.evaluate("document.getElementById('error-summary').getBoundingClientRect().top") >= 0
    page.click("#error-summary a[href='#id_members-1-work_months']")
    assert page.evaluate("location.hash") == "#id_members-1-work_months"

    page.fill("#id_phone", "138****8000")
    page.fill("#id_members-1-work_months", "")
    page.click("button:has-text('保存')")
    # The browser keeps the fragment of the link followed above across the redirect.
    page.wait_for_url(re.compile(rf"/households/{household.pk}/(#.*)?$"))
    assert page.locator("text=已保存").count() == 1
    household.refresh_from_db()
    assert household.phone == "13800138000"
    assert {p.name: p.id_number for p in household.members.all()} == numbers
