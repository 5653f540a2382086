"""A clerk's 1366-px laptop and a cadre's 390-px phone (issue 17): on the main pages no page scrolls sideways
and every primary action is inside the viewport. Screenshots of each page at both sizes go to
test-artifacts/layout/ for a person to look at.
"""

from datetime import date
from pathlib import Path

import pytest

from accounts.models import Area, User
from conftest import CHROMIUM
from households.models import Household, Relation

from .factories import make_household, member

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
]

SIZES = {"laptop": (1366, 768), "phone": (390, 844)}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "layout"


def log_in(page: object, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "Correct-horse-9")
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def assert_fits(page: object, name: str, size: str, *actions: str) -> None:
    """No sideways scrolling of the page; each action (a CSS/text selector) visible within the width."""
    width = page.viewport_size["width"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{size}.png"), full_page=True)
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{name} at {size}: the page is {scroll} px wide in {width} px"
    for action in actions:
        target = page.locator(action).first
        assert target.is_visible(), f"{name} at {size}: {action} is not shown"
        box = target.bounding_box()
        assert box["x"] >= 0, f"{name} at {size}: {action} starts left of the page: {box}"
        assert box["x"] + box["width"] <= width, f"{name} at {size}: {action} is cut off: {box}"


@pytest.fixture
def household(areas: dict[str, Area], alice: User) -> Household:
    """A household with the four members of a typical ledger row, 商家镇."""
    return make_household(
        village=areas["商家村"], actor=alice, number="370303100201010001", house_grade="C", safe_water=True,
        phone="13912345678",
        members=[
            member("欧阳振华", medical_insurance=True, education="小学", health="长期慢性病", labour_ability="弱劳动力或半劳动力"),
            member("司马秀英", Relation.SPOUSE, male=False, medical_insurance=True, education="文盲或半文盲"),
            member("欧阳小明", Relation.SON, birth=date(2012, 5, 1), medical_insurance=True, school_status="初中", education="小学"),
            member("欧阳小红", Relation.DAUGHTER, birth=date(2016, 9, 9), male=False, medical_insurance=False, school_status="小学"),
        ],
    )  # fmt: skip


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_main_pages_fit_a_laptop_and_a_phone(
    page: object, live_server: object, household: Household, alice: User, size: str
) -> None:
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    base = live_server.url
    log_in(page, base, "alice")

    page.goto(f"{base}/households/")
    link = f"a:has-text('{household.number}')"
    if size == "phone":
        assert_fits(page, "list", size, "[data-testid=filters-toggle]", link)
        assert not page.locator("#id_q").is_visible()  # the filters are folded behind one button
        assert page.locator(link).first.bounding_box()["y"] < SIZES[size][1]  # a household on the first screen
        page.click("[data-testid=filters-toggle]")
        page.locator("#id_q").wait_for(state="visible")
    else:
        assert_fits(page, "list", size, "a:has-text('新建档')", link, "#id_q")

    page.goto(f"{base}/households/{household.pk}/")
    assert "欧阳振华户" in page.locator("h1").inner_text()
    leave = "[data-testid=members-cards] a:has-text('减少')" if size == "phone" else "[data-testid=member-leave]"
    assert_fits(
        page, "detail", size, "main a.btn:has-text('修改')", "main a:has-text('新增成员')", leave, "text=人均纯收入"
    )

    page.goto(f"{base}/households/{household.pk}/edit/")
    assert_fits(page, "edit", size, "main button:has-text('保存')")

    page.goto(f"{base}/households/{household.pk}/members/add/")
    assert_fits(page, "person-add", size, "main button:has-text('保存')")

    page.goto(f"{base}/households/{household.pk}/exit/")
    assert_fits(page, "exit", size, "main button:has-text('提出退出')")

    page.goto(f"{base}/assistance/coverage/")
    assert_fits(page, "coverage", size, "h1")

    page.goto(f"{base}/households/import/")
    assert_fits(page, "import", size, "main button[type=submit]")
