"""In a real browser, as a new user would: a town clerk pairs a household, is refused a fourth household for a
科级 cadre with the reason on the page, hands a household over, and sees both cadres on its page."""

import pytest
from django.utils import timezone

from accounts.models import Area, User
from conftest import CHROMIUM
from households.tests.factories import make_household
from households.tests.test_browser import log_in

from .factories import make_cadre, pair

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_clerk_pairs_is_refused_a_fourth_household_and_hands_over(
    page: object, live_server: object, areas: dict[str, Area], alice: User, dora: User
) -> None:
    base = live_server.url
    section = make_cadre(actor=dora, name="孔明", rank="科级干部", unit="区财政局")
    successor = make_cadre(actor=dora, name="曾静", rank="一般干部", unit="区教育局")
    for _ in range(2):
        pair(actor=dora, household=make_household(village=areas["商家村"], actor=alice), cadre=section)
    third, fourth = (make_household(village=areas["商家村"], actor=alice, number=n) for n in ("B-3", "B-4"))

    log_in(page, base, "alice")
    page.goto(f"{base}/households/{third.pk}/")
    assert page.locator("[data-testid=no-cadre]").count() == 1  # the page says the household needs a cadre
    page.click("text=结对帮扶责任人")
    page.select_option("#id_cadre", str(section.pk))
    assert "已结对 2/3 户（还可结对 1 户）" in page.locator("#id_cadre option:checked").inner_text()
    page.click("button:has-text('结对')")
    page.wait_for_selector("text=已与 孔明 结对。")

    page.goto(f"{base}/households/{fourth.pk}/")
    page.click("text=结对帮扶责任人")
    page.select_option("#id_cadre", str(section.pk))  # full now: listed last, still refused in words
    assert "已结对 3/3 户（已满）" in page.locator("#id_cadre option:checked").inner_text()
    page.click("button:has-text('结对')")
    page.wait_for_selector("text=孔明（科级干部）已结对 3 户，达到上限 3 户，不能再结对")
    assert not fourth.pairings.exists()

    page.goto(f"{base}/households/{third.pk}/")
    page.click("text=更换帮扶责任人")
    assert page.locator(f"#id_successor option[value='{section.pk}']").count() == 0  # not her own successor
    page.fill("[data-filter-for=id_successor]", "曾静")  # typing a name picks the cadre
    assert page.input_value("#id_successor") == str(successor.pk)
    page.select_option("#id_reason", "调岗")
    page.fill("#id_note", "调往区教育局")
    page.click("button:has-text('办理交接')")
    page.wait_for_selector("text=已由 曾静 接替 孔明。")
    assert "曾静" in page.inner_text("[data-testid=current-cadre]")
    past = page.inner_text("[data-testid=past-cadres]")
    assert "孔明" in past
    assert f"至 {timezone.localdate():%Y-%m-%d}（调岗，调往区教育局），由 曾静 接替" in past
    assert third.pairings.active().get().cadre == successor
