"""Every housing page: the happy path, the wrong method (405), a role without permission (403), the other town
(404); and the flows a clerk and a 住建 officer go through."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Area, AuditEvent, Role, User
from conftest import make_user
from households.models import Household
from households.tests.factories import make_household
from housing.models import HousingPhoto, RetrofitCase, SafetyAssessment, WaterSurvey

from .conftest import image_bytes
from .factories import assess, retrofit, survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def zed(areas: dict[str, Area]) -> User:
    """A 住建 officer whose account is limited to 萌水镇: 商家镇's records are another town's for him."""
    return make_user("zed", role=Role.SECTOR_OFFICER, area=areas["萌水镇"], sector="housing")


@pytest.fixture
def records(household: Household, zoe: User) -> dict[str, object]:
    """A 商家镇 household with an assessment (with a photo), a case at 竣工 (with a photo) and a survey."""
    assessment = assess(actor=zoe, household=household, grade="D")
    HousingPhoto.objects.create(
        household=household, assessment=assessment, kind="鉴定", uploaded_by=zoe,
        image=SimpleUploadedFile("a.png", image_bytes(), content_type="image/png"),
    )  # fmt: skip
    case = retrofit(actor=zoe, household=household, stage="竣工")
    photo = HousingPhoto.objects.create(
        household=household, case=case, kind="改造前", uploaded_by=zoe,
        image=SimpleUploadedFile("b.png", image_bytes(), content_type="image/png"),
    )  # fmt: skip
    return {
        "household": household,
        "assessment": assessment,
        "case": case,
        "photo": photo,
        "survey": survey(actor=zoe, household=household),
    }


@pytest.fixture(autouse=True)
def _media(settings: pytest.FixtureRequest, tmp_path: object) -> None:
    settings.MEDIA_ROOT = tmp_path


# View name, the record its pk names, a persona allowed, a persona whose role may not (403).
RECORD_PAGES = [
    ("housing:assessment_create", "household", "alice", "sam"),
    ("housing:retrofit_create", "household", "zoe", "alice"),
    ("housing:survey_create", "household", "vera", "audrey"),
    ("housing:case", "case", "alice", "audrey"),
    ("housing:advance", "case", "zoe", "alice"),
    ("housing:case_edit", "case", "zoe", "dora"),
    ("housing:case_void", "case", "zoe", "alice"),
    ("housing:case_photo", "case", "zoe", "alice"),
    ("housing:assessment_void", "assessment", "zoe", "alice"),
    ("housing:survey_void", "survey", "zoe", "alice"),
    ("housing:photo", "photo", "alice", "audrey"),
]
GET_ONLY = {"housing:case", "housing:photo"}


@pytest.mark.parametrize(("name", "record", "allowed", "denied"), RECORD_PAGES)
def test_record_pages_happy_path_405_and_403(
    client: Client, request: pytest.FixtureRequest, records: dict, name: str, record: str, allowed: str, denied: str
) -> None:
    url = reverse(name, args=[records[record].pk])
    client.force_login(request.getfixturevalue(allowed))
    response = client.get(url)
    assert response.status_code == 200
    if name == "housing:photo":
        assert response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert client.delete(url).status_code == 405
    assert client.put(url).status_code == 405
    client.force_login(request.getfixturevalue(denied))
    assert client.get(url).status_code == 403
    if name not in GET_ONLY:
        assert client.post(url, {}).status_code == 403


@pytest.mark.parametrize(("name", "record", "_allowed", "_denied"), RECORD_PAGES)
def test_record_pages_are_404_for_the_other_town(
    client: Client, zed: User, records: dict, name: str, record: str, _allowed: str, _denied: str
) -> None:
    url = reverse(name, args=[records[record].pk])
    client.force_login(zed)  # holds every housing permission, for 萌水镇 only
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == (405 if name in GET_ONLY else 404)


@pytest.mark.parametrize("name", ["housing:assessment_create", "housing:survey_create", "housing:case"])
def test_a_clerk_of_the_other_town_gets_404(client: Client, bob: User, records: dict, name: str) -> None:
    record = records["case"] if name == "housing:case" else records["household"]
    client.force_login(bob)
    assert client.get(reverse(name, args=[record.pk])).status_code == 404


@pytest.mark.parametrize(
    ("name", "allowed", "denied"),
    [
        ("housing:board", "alice", "audrey"),
        ("housing:water", "vera", "audrey"),
        ("housing:export", "dora", "alice"),
        ("housing:import", "zoe", "alice"),
        ("housing:import_template", "zoe", "dora"),
    ],
)
def test_list_pages(
    client: Client, request: pytest.FixtureRequest, records: dict, name: str, allowed: str, denied: str
) -> None:
    client.force_login(request.getfixturevalue(allowed))
    assert client.get(reverse(name)).status_code == 200
    assert client.delete(reverse(name)).status_code == 405
    client.force_login(request.getfixturevalue(denied))
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", ["housing:import_confirm", "housing:import_errors"])
def test_import_steps_are_posts_for_the_importer_only(client: Client, zoe: User, alice: User, name: str) -> None:
    client.force_login(zoe)
    assert client.get(reverse(name)).status_code == 405
    client.force_login(alice)
    assert client.post(reverse(name), {"token": "x"}).status_code == 403


def test_the_other_towns_records_are_not_on_the_lists(
    client: Client, records: dict, bob: User, zed: User, zoe: User
) -> None:
    number = records["household"].number
    for user in (bob, zed):
        client.force_login(user)
        assert number not in client.get(reverse("housing:board")).content.decode()
        assert number not in client.get(reverse("housing:water")).content.decode()
    client.force_login(zoe)
    assert number in client.get(reverse("housing:board")).content.decode()


def test_no_scope_no_rows(client: Client, records: dict, nobody: User) -> None:
    from django.contrib.auth.models import Permission

    nobody.user_permissions.add(*Permission.objects.filter(codename__in=["view_retrofitcase", "view_watersurvey"]))
    client.force_login(nobody)
    assert records["household"].number not in client.get(reverse("housing:board")).content.decode()
    assert client.get(reverse("housing:case", args=[records["case"].pk])).status_code == 404


def test_a_clerk_records_an_assessment_with_a_photo(client: Client, alice: User, household: Household) -> None:
    client.force_login(alice)
    url = reverse("housing:assessment_create", args=[household.pk])
    bad = SimpleUploadedFile("house.jpg", b"GIF89a not a photo", content_type="image/jpeg")
    data = {"assessed_on": "2018-03-01", "assessor": "赵工", "unit": "区住建局", "grade": "C", "only_house": "true"}
    response = client.post(url, {**data, "photo": bad})
    assert response.status_code == 200
    assert "照片" in response.content.decode()
    assert not SafetyAssessment.objects.exists()
    gif = SimpleUploadedFile("house.png", image_bytes("GIF"), content_type="image/png")  # named .png, a GIF inside
    assert "照片只能是 JPG 或 PNG 图片。" in client.post(url, {**data, "photo": gif}).content.decode()
    good = SimpleUploadedFile("张三家.jpg", image_bytes("JPEG"), content_type="image/jpeg")
    assert client.post(url, {**data, "photo": good}).status_code == 302
    assessment = SafetyAssessment.objects.get()
    photo = assessment.photos.get()
    assert "张三" not in photo.image.name
    assert photo.image.name.startswith("housing/")
    body = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert "C 级（局部危房）" in body
    assert reverse("housing:photo", args=[photo.pk]) in body


def test_a_clerk_records_a_water_survey_and_sees_what_is_missing(
    client: Client, alice: User, household: Household
) -> None:
    client.force_login(alice)
    url = reverse("housing:survey_create", args=[household.pk])
    response = client.post(url, {"surveyed_on": "2019-06-01", "source": "", "quantity_ok": "true"})
    assert "这个字段是必填项。" in response.content.decode()
    assert not WaterSurvey.objects.exists()
    data = {"surveyed_on": "2019-06-01", "source": "分散供水", "quantity_ok": "true", "quality_ok": "false"}
    assert client.post(url, data).status_code == 302
    assert WaterSurvey.objects.get().quality_ok is False
    body = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert "水质不达标、用水方便程度未填写、供水保证率未填写" in body


def test_the_advance_form_refuses_a_skipped_step_on_the_page(client: Client, zoe: User, records: dict) -> None:
    case = records["case"]
    client.force_login(zoe)
    url = reverse("housing:advance", args=[case.pk])
    response = client.post(url, {"stage": "入住", "on": "2018-03-01"})
    assert response.status_code == 200
    assert "不能跳过步骤：当前为“竣工”，下一步应为“验收合格”，不能直接到“入住”。" in response.content.decode()
    response = client.post(url, {"stage": "验收合格", "on": "2018-03-01", "meets_building_standard": "on"})
    body = response.content.decode()
    assert "验收须符合抗震设防要求" in body
    assert "请填写验收人。" in body
    case.refresh_from_db()
    assert case.stage == "竣工"


def test_a_housing_officer_opens_a_case_from_the_panel(client: Client, zoe: User, household: Household) -> None:
    client.force_login(zoe)
    create = reverse("housing:retrofit_create", args=[household.pk])
    assess(actor=zoe, household=household, grade="B")
    assert create not in client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assess(actor=zoe, household=household, grade="D", on=date(2017, 5, 1))
    assert create in client.get(reverse("households:detail", args=[household.pk])).content.decode()
    response = client.post(
        reverse("housing:retrofit_create", args=[household.pk]),
        {"kind": "原址翻建", "willing": "on", "planned_on": "2018-01-05", "planned_subsidy": "35000"},
    )
    case = RetrofitCase.objects.get()
    assert response.url == reverse("housing:case", args=[case.pk])
    assert (case.deadline, case.planned_subsidy) == (date(2018, 12, 31), 35000)


def test_the_board_puts_overdue_first_and_adds_up_money(
    client: Client, areas: dict[str, Area], zoe: User, alice: User, bob: User
) -> None:
    late = make_household(village=areas["商家村"], actor=alice, number="LATE")
    fine = make_household(village=areas["萌水村"], actor=bob, number="FINE")
    for h in (late, fine):
        assess(actor=zoe, household=h, grade="D")
    retrofit(actor=zoe, household=fine, stage="入住")
    retrofit(actor=zoe, household=late, stage="开工", planned_subsidy=20000)
    client.force_login(zoe)
    body = client.get(reverse("housing:board")).content.decode()
    assert body.index("LATE") < body.index("FINE")
    assert "逾期" in body
    assert "50,000.00" in body


def test_list_pages_have_constant_query_counts(
    client: Client, areas: dict[str, Area], zoe: User, alice: User, django_assert_num_queries
) -> None:
    def add(n: int) -> None:
        for _i in range(n):
            h = make_household(village=areas["商家村"], actor=alice)
            assess(actor=zoe, household=h, grade="D")
            retrofit(actor=zoe, household=h, stage="竣工")
            survey(actor=zoe, household=h)

    add(1)
    make_household(village=areas["商家村"], actor=alice)  # one not surveyed yet
    client.force_login(zoe)
    counts = {}
    urls = [reverse("housing:board"), reverse("housing:water"), reverse("housing:water") + "?show=unsurveyed"]
    for url in urls:
        counts[url] = _count(client, url)
    add(4)
    make_household(village=areas["商家村"], actor=alice)
    for url, count in counts.items():
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200


def _count(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(ctx.captured_queries)


def test_the_water_page_shows_the_rates_against_the_targets(
    client: Client, areas: dict[str, Area], zoe: User, alice: User
) -> None:
    for i in range(10):
        h = make_household(village=areas["商家村"], actor=alice, number=f"W{i}")
        survey(actor=zoe, household=h, source="集中供水" if i else "分散供水", guarantee_ok=i != 1)
    make_household(village=areas["商家村"], actor=alice, number="NONE")
    client.force_login(alice)
    body = client.get(reverse("housing:water")).content.decode()
    assert "90.0%" in body  # 集中供水率 9/10, under the 95% target; 供水保证率 9/10, at the 90% target
    assert body.count("未达目标") == 1
    assert body.count("达到目标") == 1
    assert 'data-testid="unsurveyed">1<' in body
    problems = client.get(reverse("housing:water") + "?show=problems").content.decode()
    assert "W1" in problems  # 供水保证率 not met
    assert "W2" not in problems
    unsurveyed = client.get(reverse("housing:water") + "?show=unsurveyed").content.decode()
    assert "NONE" in unsurveyed
    assert "W2" not in unsurveyed


def test_the_export_masks_id_numbers_escapes_formulas_and_is_audited(
    client: Client, areas: dict[str, Area], zoe: User, alice: User, dora: User
) -> None:
    h = make_household(village=areas["商家村"], actor=alice, number="E1")
    assess(actor=zoe, household=h, grade="D")
    retrofit(actor=zoe, household=h, stage="验收合格")
    case = RetrofitCase.objects.get()
    RetrofitCase.objects.filter(pk=case.pk).update(inspector='=HYPERLINK("http://x")')
    survey(actor=zoe, household=h)
    client.force_login(zoe)
    response = client.get(reverse("housing:export"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cases = list(workbook["危房改造"].iter_rows(values_only=True))
    header, row = cases[0], cases[1]
    by_name = dict(zip(header, row, strict=True))
    head_id = h.members.get().id_number
    assert by_name["户编号"] == "E1"
    assert by_name["证件号码"] != head_id
    assert "*" in by_name["证件号码"]
    column = header.index("验收人") + 1
    cell = workbook["危房改造"].cell(row=2, column=column)
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x")', "s")  # a text, never a formula
    water = list(workbook["饮水安全"].iter_rows(values_only=True))
    assert water[1][1] == "E1"
    assert water[1][9] == "是"
    assert AuditEvent.objects.filter(action="export", actor=zoe).exists()


def test_the_registry_list_filters_by_retrofit(client: Client, areas: dict[str, Area], zoe: User, alice: User) -> None:
    late = make_household(village=areas["商家村"], actor=alice, number="LATE-1")
    done = make_household(village=areas["商家村"], actor=alice, number="DONE-1")
    for h in (late, done):
        assess(actor=zoe, household=h, grade="D")
    retrofit(actor=zoe, household=late, stage="开工")
    retrofit(actor=zoe, household=done, stage="入住")
    client.force_login(alice)
    overdue = client.get("/households/?retrofit=overdue").content.decode()
    assert "LATE-1" in overdue
    assert "DONE-1" not in overdue
    accepted = client.get("/households/?retrofit=accepted").content.decode()
    assert "DONE-1" in accepted
    assert "LATE-1" not in accepted


def test_voiding_a_survey_needs_a_reason_and_keeps_it(client: Client, zoe: User, records: dict) -> None:
    s = records["survey"]
    client.force_login(zoe)
    url = reverse("housing:survey_void", args=[s.pk])
    assert "这个字段是必填项。" in client.post(url, {"reason": ""}).content.decode()
    assert client.post(url, {"reason": "调查户错了"}).status_code == 302
    s.refresh_from_db()
    assert (s.is_void, s.void_reason) == (True, "调查户错了")
    body = client.get(reverse("households:detail", args=[records["household"].pk])).content.decode()
    assert "已作废" in body
    assert "作废饮水安全调查" in body  # the change log


def test_correcting_a_case_and_adding_a_photo(client: Client, zoe: User, records: dict) -> None:
    case = records["case"]
    client.force_login(zoe)
    url = reverse("housing:case_edit", args=[case.pk])
    data = {"kind": "修缮加固", "deadline": "2018-12-31", "planned_subsidy": "30000", "subsidy_central": "-1"}
    data |= {"subsidy_province": "0", "subsidy_city": "0", "subsidy_district": "0", "self_paid": "0", "reason": "合同"}
    assert "金额不能为负数。" in client.post(url, data).content.decode()
    assert client.post(url, {**data, "subsidy_central": "15000"}).status_code == 302
    case.refresh_from_db()
    assert (case.kind, case.subsidy_central) == ("修缮加固", 15000)
    photo_url = reverse("housing:case_photo", args=[case.pk])
    pdf = SimpleUploadedFile("after.png", b"%PDF-1.4 not an image", content_type="image/png")
    assert client.post(photo_url, {"kind": "改造后", "image": pdf}).status_code == 200
    png = SimpleUploadedFile("after.png", image_bytes(), content_type="image/png")
    assert client.post(photo_url, {"kind": "改造后", "image": png}).status_code == 302
    assert case.photos.filter(kind="改造后").count() == 1
