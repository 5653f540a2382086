"""In a real browser, as the 财政 officer would: a dividend run is previewed, confirmed, and the household just
under the line is over it on its own page; the run is then undone and the household is back under."""

from decimal import Decimal

import pytest

from accounts.models import User
from conftest import CHROMIUM
from funds.models import DividendRun, DividendStatus, Project
from households.models import Household, HouseholdAssessment
from households.tests.test_browser import log_in

from .conftest import YEAR

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_dividend_run_previewed_confirmed_and_undone(
    page: object, live_server: object, shared: Project, near_line: Household, fiona: User, eager: None
) -> None:
    base = live_server.url
    log_in(page, base, "fiona")
    page.goto(f"{base}/households/{near_line.pk}/")
    assert "未达到脱贫标准：收入" in page.inner_text("[data-testid=verdict]")

    page.goto(f"{base}/funds/projects/{shared.pk}/")
    page.click("text=发起分红")
    page.fill("#id_year", str(YEAR))
    page.fill("#id_income", "1000")
    page.fill("#id_amount", "600")
    page.select_option("#id_method", "平均分配")
    page.fill("#id_paid_on", f"{YEAR}-12-20")
    page.select_option("#id_pay_method", "银行转账")
    page.click("button:has-text('预览')")
    preview = page.inner_text("[data-testid=preview]")
    assert "SJ-NEAR" in preview
    assert "SJ-OTHER" in preview
    assert page.inner_text("[data-testid=preview-total]") == "600.00"
    assert not DividendRun.objects.exists()  # the preview stored nothing

    page.click("[data-testid=confirm]")
    page.wait_for_selector(f"text=已确认 {YEAR} 年分红 600.00 元，2 户。")
    assert page.inner_text("[data-testid=run-status]") == "已确认"
    assert HouseholdAssessment.objects.get(household=near_line, year=YEAR).meets_standard  # reassessed at once

    page.goto(f"{base}/households/{near_line.pk}/")
    verdict = page.inner_text("[data-testid=verdict]")
    assert "达到脱贫标准" in verdict
    assert "未达到" not in verdict
    assert "人均纯收入 3,650.00 元" in verdict
    assert "资产收益分红 300.00 元" in page.inner_text("[data-testid=verdict-sources]")
    assert "300.00" in page.inner_text("[data-testid=fund-payouts]")

    run = DividendRun.objects.get()
    page.goto(f"{base}/funds/dividends/{run.pk}/")
    page.fill("#id_reason", "收益核减，重新分配")
    page.click("[data-testid=undo]")
    page.wait_for_selector("text=分红已撤销，各户收入已重新评估。")
    run.refresh_from_db()
    assert run.status == DividendStatus.UNDONE
    stored = HouseholdAssessment.objects.get(household=near_line, year=YEAR)
    assert (stored.meets_standard, stored.per_capita) == (False, Decimal("3500.00"))
