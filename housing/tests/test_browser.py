"""In a real browser, as a 住建 officer would: open a D-grade household's retrofit, be refused an acceptance that
does not meet the standards, accept it with an after photo, and see the household's house counted as safe."""

from pathlib import Path

import pytest

from accounts.models import Area, User
from conftest import CHROMIUM
from households.models import HouseholdAssessment
from households.selectors import default_year
from households.tests.factories import make_household
from households.tests.test_browser import log_in

from .conftest import image_bytes
from .factories import assess, retrofit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_housing_officer_moves_a_case_to_accepted_with_a_photo(
    page: object, live_server: object, areas: dict[str, Area], alice: User, zoe: User, eager: None,
    settings: object, tmp_path: Path,
) -> None:  # fmt: skip
    settings.MEDIA_ROOT = tmp_path
    base = live_server.url
    household = make_household(village=areas["商家村"], actor=alice, number="WF-1")
    assess(actor=zoe, household=household, grade="D")
    case = retrofit(actor=zoe, household=household, stage="竣工")
    photo = tmp_path / "after.png"
    photo.write_bytes(image_bytes("PNG", (40, 30)))

    log_in(page, base, "zoe")
    page.goto(f"{base}/households/{household.pk}/")
    assert "D 级危房，未改造验收" in page.inner_text("[data-testid=house-verdict]")
    page.click("text=查看改造进度")
    assert page.inner_text("[data-testid=stage]") == "竣工"
    page.click("text=推进到“验收合格”")
    page.fill("#id_on", "2018-03-01")
    page.check("#id_meets_building_standard")
    page.fill("#id_inspector", "区住建局 王建设")
    page.set_input_files("#id_photo", str(photo))
    page.click("button:has-text('保存')")
    # The earthquake-resistance box was left unchecked: refused, with the reason on the field.
    page.wait_for_selector("text=验收须符合抗震设防要求；不符合的请整改后再验收。")
    case.refresh_from_db()
    assert case.stage == "竣工"

    page.check("#id_meets_building_standard")
    page.check("#id_meets_seismic_standard")
    page.set_input_files("#id_photo", str(photo))  # a file input is emptied when a form comes back
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=已推进到“验收合格”。")
    assert page.inner_text("[data-testid=stage]") == "验收合格"
    assert "改造后" in page.inner_text("[data-testid=photos]")
    with page.expect_popup() as popup:
        page.click("[data-testid=photos] a")
    assert popup.value.evaluate("document.images[0].naturalWidth") == 40

    page.goto(f"{base}/households/{household.pk}/")
    assert "危房改造 2018-03-01 验收合格" in page.inner_text("[data-testid=house-verdict]")
    assert "住房安全 — 住建部门：危房改造 2018-03-01 验收合格" in page.inner_text("[data-testid=verdict-sources]")
    case.refresh_from_db()
    assert (case.stage, case.inspector, case.photos.filter(kind="改造后").count()) == ("验收合格", "区住建局 王建设", 1)
    stored = HouseholdAssessment.objects.get(household=household, year=default_year())
    assert "住房安全" not in stored.gaps  # reassessed at once after the step
