"""In a real browser (Playwright driving Debian's Chromium): a town clerk registers a household with two
members and finds it in the list; the other town's clerk cannot open its page.

Skipped where Chromium is not installed, except in CI, where conftest.py makes a missing browser a failure.
"""

from datetime import date

import pytest

from accounts.models import Area, User
from conftest import CHROMIUM
from households.models import Household

from .factories import id_number

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
]


def log_in(page: object, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "Correct-horse-9")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/households/")


# serialized_rollback: the flush after a transactional test would drop the roles made by data migrations.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_clerk_registers_a_household_and_the_other_town_cannot_see_it(
    page: object, live_server: object, areas: dict[str, Area], alice: User, bob: User
) -> None:
    base = live_server.url
    log_in(page, base, "alice")
    page.click("text=新建档")
    page.fill("#id_number", "BROWSER-1")
    page.select_option("#id_village", label="商家镇 · 东坡村")
    page.select_option("#id_attribute", "一般贫困户")
    page.select_option("#id_main_cause", "因病")
    page.fill("#id_phone", "13912345678")
    page.fill("#id_members-0-name", "周大山")
    page.fill("#id_members-0-id_number", id_number(birth=date(1968, 4, 5)))
    page.select_option("#id_members-0-relation", "户主")
    page.fill("#id_members-1-name", "吴小花")
    page.fill("#id_members-1-id_number", id_number(birth=date(1970, 9, 9), male=False))
    page.select_option("#id_members-1-relation", "配偶")
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=已建档：户编号 BROWSER-1")
    assert page.locator("text=周大山").count() >= 1

    household = Household.objects.get(number="BROWSER-1")
    assert household.members.count() == 2

    page.goto(f"{base}/households/")
    page.fill("#id_q", "吴小花")
    page.click("button:has-text('查询')")
    link = page.locator("a", has_text="BROWSER-1")
    assert link.count() == 1
    link.click()
    page.wait_for_url(f"{base}/households/{household.pk}/")

    page.click("button:has-text('退出')")
    page.wait_for_url(f"{base}/accounts/login/")
    log_in(page, base, "bob")
    assert page.locator("text=BROWSER-1").count() == 0
    response = page.goto(f"{base}/households/{household.pk}/")
    assert response.status == 404
