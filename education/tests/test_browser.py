"""In a real browser: an education officer records the 3,000 元 subsidy of a 中职 student (refused above the
plan's amount, with the reason on the page), and the 留守儿童 contact card prints on one A5 and one A4 page."""

import re
from datetime import date

import pytest
from django.utils import timezone

from accounts.models import Area, User
from conftest import CHROMIUM
from education.models import Benefit
from education.rules import school_year_of
from households.models import Relation
from households.tests.factories import make_household, member
from households.tests.test_browser import log_in

from .factories import enrol, open_file

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
]


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", data))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_officer_records_the_vocational_subsidy(
    page: object, live_server: object, areas: dict[str, Area], jim: User, dora: User
) -> None:
    base = live_server.url
    year = school_year_of(timezone.localdate())
    household = make_household(
        village=areas["商家村"], actor=dora, number="B-1",
        members=[member("孙建国"), member("孙小红", Relation.DAUGHTER, male=False, birth=date(year - 16, 5, 1))],
    )  # fmt: skip
    student = household.members.get(name="孙小红")
    enrol(actor=jim, person=student, year=year, stage="中职", school="淄博工业学校", grade="一年级")

    log_in(page, base, "jim")
    page.goto(f"{base}/households/{household.pk}/")
    gaps = page.inner_text("[data-testid=education-panel] [data-testid=gaps]")
    assert "中高职及以上：定额补助" in gaps  # due, not yet given
    page.click("[data-testid=education-panel] >> text=登记资助")
    assert page.input_value("#id_amount") == "3000.00"  # the plan's amount is offered
    page.fill("#id_amount", "3500")
    page.fill("#id_on", timezone.localdate().isoformat())
    page.fill("#id_given_by", "区教育局")
    page.click("button:has-text('登记')")
    page.wait_for_selector("text=中高职及以上定额补助每人每年 3,000 元，不能登记 3,500.00 元。")
    assert not Benefit.objects.exists()
    page.fill("#id_amount", "3000")
    page.select_option("#id_way", "发放")
    page.click("button:has-text('登记')")
    page.wait_for_selector("text=已登记 孙小红 的定额补助（发放）。")
    panel = page.inner_text("[data-testid=education-panel]")
    assert "定额补助 3,000.00 元（发放" in panel
    assert "应补即补、应免尽免" in panel
    assert Benefit.objects.get().history.first().history_user == jim


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_contact_card_prints_on_one_page(
    page: object, live_server: object, areas: dict[str, Area], jim: User, dora: User
) -> None:
    household = make_household(
        village=areas["商家村"], actor=dora, number="B-2",
        members=[member("周强"), member("周小燕", Relation.DAUGHTER, male=False, birth=date(2015, 3, 1))],
    )  # fmt: skip
    file = open_file(
        actor=jim, child=household.members.get(name="周小燕"), father_name="周强", mother_name="吴丽",
        father_workplace="江苏省苏州市工业园区某电子厂", cadre_name="村支书 张明", cadre_phone="13900000009",
        note="每月由班主任家访一次；每周与父母视频通话；已纳入学校心理健康教育重点关注名单。",
    )  # fmt: skip
    log_in(page, live_server.url, "jim")
    page.goto(f"{live_server.url}/education/left-behind/{file.pk}/card/")
    assert "农村留守儿童联系卡" in page.inner_text("[data-testid=contact-card]")
    page.emulate_media(media="print")
    assert page.locator("nav").first.is_hidden()  # the site's navigation is not printed
    for size in ("A5", "A4"):
        pdf = page.pdf(format=size, prefer_css_page_size=False)
        assert pdf_pages(pdf) == 1, size
