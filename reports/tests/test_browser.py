"""In a real browser, as the district office would: from the district's total to a town, to a village, and to
that village's household list with the same filter; the charts draw (ECharts under the enforced CSP)."""

import re

import pytest

from accounts.models import Area, User
from conftest import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_district_clicks_from_its_total_down_to_a_villages_household_list(
    page: object, live_server: object, areas: dict[str, Area], world: dict, dora: User
) -> None:
    base = live_server.url
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "dora")
    page.fill("#id_password", "Correct-horse-9")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/reports/")
    assert page.inner_text("[data-testid=total]") == "4"
    page.wait_for_selector("[data-chart=exits] svg")  # ECharts drew, no CSP violation
    page.click("[data-testid=children] >> text=商家镇")
    page.wait_for_url(re.compile(r"/reports/\?area=\d+$"))
    assert page.inner_text("[data-testid=total]") == "3"
    page.click("[data-testid=children] >> text=商家村")
    assert page.inner_text("[data-testid=trail]").split() == ["文昌湖区", "商家镇", "商家村"]
    assert page.inner_text("[data-testid=total]") == "2"
    page.click("[data-testid=status-未脱贫]")
    page.wait_for_url(re.compile(r"/households/\?village=\d+&status="))
    assert "共 2 户、2 人" in page.inner_text("[data-testid=counts]")
    rows = page.locator("table.table-ledger tbody tr")
    assert sorted(rows.all_inner_texts())[0].startswith("SJ-1")
    assert rows.count() == 2
    assert not [e for e in errors if "Content Security Policy" in e]
