"""In a real browser, as a town clerk would: open a household, record a hospital stay, see the aid computed with
its working before saving, save, and find it on the household page and in the year's aid list."""

from datetime import date

import pytest
from django.utils import timezone

from accounts.models import Area, User
from conftest import CHROMIUM
from healthcare.models import Expense
from households.models import Household
from households.tests.test_browser import log_in

from .conftest import good_household

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_clerk_records_an_expense_and_sees_the_aid_before_saving(
    page: object, live_server: object, areas: dict[str, Area], alice: User, dora: User, standard: None
) -> None:
    base = live_server.url
    household: Household = good_household(village=areas["商家村"], actor=dora, number="B-1")
    li = household.members.get(name="李二")
    li.dibao = True
    li.save(update_fields=["dibao"])
    day = min(date(timezone.localdate().year, 3, 8), timezone.localdate())

    log_in(page, base, "alice")
    page.goto(f"{base}/households/{household.pk}/")
    page.click("[data-testid=health-panel] >> text=登记医疗费用")
    page.select_option("#id_person", label="李二（配偶，1962年生）")
    page.fill("#id_visited_on", day.isoformat())
    page.fill("#id_hospital", "文昌湖区人民医院")
    page.select_option("#id_level", "区县级医院")
    page.fill("#id_total", "10000")
    page.fill("#id_in_scope", "8000")
    page.fill("#id_basic_paid", "4500")
    page.fill("#id_critical_paid", "0")
    page.click("button:has-text('计算救助')")
    preview = page.inner_text("[data-testid=aid-preview]")
    assert "医疗救助：2,625.00 元（低保对象）" in preview
    assert (
        "（范围外 2,000 不计）政策范围内 8,000 − 基本医保 4,500 − 大病 0 = 3,500 × 75%（低保对象） = 2,625" in preview
    )
    assert not Expense.objects.exists()

    page.click("button:has-text('保存')")
    page.wait_for_selector("text=已登记 李二 的医疗费用，医疗救助 2,625.00 元。")
    assert "2,625.00" in page.inner_text("[data-testid=health-expenses]")
    assert Expense.objects.get().aid == 2625

    page.click("nav >> text=行业部门")  # the sector apps share one dropdown
    page.click("nav >> text=健康扶贫")
    page.fill("#id_year", str(day.year))
    page.click("button:has-text('查询')")
    assert "李二" in page.inner_text("[data-testid=aid-rows]")
