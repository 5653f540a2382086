"""Every assistance page: the happy path, the wrong method, a role without permission (403), the other town
(404); and the flows a clerk and the district office go through."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.models import Area, Role, User
from assistance.models import Cadre, Measure, Pairing, PairingQuota, Visit
from conftest import make_user
from households.models import Household, HouseholdStatus
from households.services import household_change_status
from households.tests.factories import make_household

from .factories import make_cadre, pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def household(areas: dict[str, Area], alice: User) -> Household:
    """A 商家镇 household, not yet exited, with no cadre yet."""
    return make_household(village=areas["商家村"], actor=alice)


@pytest.fixture
def cadre(dora: User) -> Cadre:
    return make_cadre(actor=dora, name="孔明", rank="科级干部", unit="区财政局")


@pytest.fixture
def paired(household: Household, cadre: Cadre, alice: User) -> Pairing:
    return pair(actor=alice, household=household, cadre=cadre)


def png(size: tuple[int, int] = (8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, format="PNG")
    return buffer.getvalue()


def household_url(name: str, household: Household) -> str:
    return reverse(name, args=[household.pk])


# Household pages: view name, a persona allowed, a persona whose role may not (403).
HOUSEHOLD_PAGES = [
    ("assistance:pair", "alice", "sam"),
    ("assistance:handover", "alice", "vera"),
    ("assistance:end", "alice", "sam"),
    ("assistance:visit_create", "alice", "sam"),
    ("assistance:measure_create", "alice", "audrey"),
]


@pytest.mark.parametrize(("name", "allowed", "denied"), HOUSEHOLD_PAGES)
def test_household_page_happy_path_and_403(
    client: Client,
    request: pytest.FixtureRequest,
    household: Household,
    cadre: Cadre,
    name: str,
    allowed: str,
    denied: str,
) -> None:
    if name != "assistance:pair":
        pair(actor=request.getfixturevalue("dora"), household=household, cadre=cadre)
    client.force_login(request.getfixturevalue(allowed))
    assert client.get(household_url(name, household)).status_code == 200
    assert client.delete(household_url(name, household)).status_code == 405
    client.force_login(request.getfixturevalue(denied))
    assert client.get(household_url(name, household)).status_code == 403


@pytest.mark.parametrize(("name", "_allowed", "_denied"), HOUSEHOLD_PAGES)
def test_household_page_is_404_for_the_other_town(
    client: Client, bob: User, household: Household, paired: Pairing, name: str, _allowed: str, _denied: str
) -> None:
    client.force_login(bob)
    assert client.get(household_url(name, household)).status_code == 404
    assert client.post(household_url(name, household), {}).status_code == 404


@pytest.mark.parametrize(
    ("name", "allowed", "denied"),
    [
        ("assistance:cadres", "alice", "audrey"),
        ("assistance:cadre_create", "dora", "alice"),
        ("assistance:coverage", "alice", "audrey"),
        ("assistance:quotas", "dora", "alice"),
    ],
)
def test_district_pages(
    client: Client, request: pytest.FixtureRequest, cadre: Cadre, name: str, allowed: str, denied: str
) -> None:
    client.force_login(request.getfixturevalue(allowed))
    assert client.get(reverse(name)).status_code == 200
    assert client.delete(reverse(name)).status_code == 405
    client.force_login(request.getfixturevalue(denied))
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize(
    ("name", "allowed", "denied"), [("assistance:cadre", "bob", "audrey"), ("assistance:cadre_edit", "dora", "alice")]
)
def test_cadre_pages(
    client: Client, request: pytest.FixtureRequest, cadre: Cadre, name: str, allowed: str, denied: str
) -> None:
    client.force_login(request.getfixturevalue(allowed))
    assert client.get(reverse(name, args=[cadre.pk])).status_code == 200
    assert client.delete(reverse(name, args=[cadre.pk])).status_code == 405
    client.force_login(request.getfixturevalue(denied))
    assert client.get(reverse(name, args=[cadre.pk])).status_code == 403


def test_a_user_without_a_scope_sees_no_cadre(client: Client, cadre: Cadre, nobody: User) -> None:
    from django.contrib.auth.models import Permission

    nobody.user_permissions.add(Permission.objects.get(codename="view_cadre"))
    client.force_login(nobody)
    assert client.get(reverse("assistance:cadre", args=[cadre.pk])).status_code == 404
    assert "孔明" not in client.get(reverse("assistance:cadres")).content.decode()


def test_a_clerk_pairs_a_household_in_the_browser(
    client: Client, alice: User, household: Household, cadre: Cadre
) -> None:
    client.force_login(alice)
    page = client.get(household_url("assistance:pair", household)).content.decode()
    assert "孔明 · 区财政局 · 科级干部 · 已结对 0/3 户" in page
    response = client.post(household_url("assistance:pair", household), {"cadre": cadre.pk, "started_on": "2026-03-01"})
    assert response.status_code == 302
    assert household.pairings.active().get().cadre == cadre
    detail = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert "孔明" in detail
    assert "2026-03-01 起" in detail


def test_pairing_a_fourth_household_to_a_section_cadre_shows_why(
    client: Client, alice: User, areas: dict[str, Area], cadre: Cadre
) -> None:
    for _ in range(3):
        pair(actor=alice, household=make_household(village=areas["商家村"], actor=alice), cadre=cadre)
    fourth = make_household(village=areas["商家村"], actor=alice)
    client.force_login(alice)
    response = client.post(household_url("assistance:pair", fourth), {"cadre": cadre.pk, "started_on": "2026-03-01"})
    assert response.status_code == 200
    assert "孔明（科级干部）已结对 3 户，达到上限 3 户" in response.content.decode()
    assert not fourth.pairings.exists()


def test_ending_an_unexited_household_s_pairing_is_refused_on_the_page(
    client: Client, alice: User, household: Household, paired: Pairing
) -> None:
    client.force_login(alice)
    page = client.get(household_url("assistance:end", household)).content.decode()
    assert "帮包干部不撤回" in page
    response = client.post(household_url("assistance:end", household), {"on": timezone.localdate().isoformat()})
    assert response.status_code == 200
    assert "帮包干部不撤回" in response.content.decode()
    paired.refresh_from_db()
    assert paired.ended_on is None


def test_an_exited_household_s_pairing_ends_on_the_page(
    client: Client, alice: User, dora: User, household: Household, paired: Pairing
) -> None:
    household_change_status(actor=dora, household=household, to_status=HouseholdStatus.REMOVED, reason="全户迁出")
    client.force_login(alice)
    response = client.post(household_url("assistance:end", household), {"on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    paired.refresh_from_db()
    assert paired.end_reason == "自然减少"


def test_a_handover_in_the_browser_shows_both_cadres(
    client: Client, alice: User, dora: User, household: Household, paired: Pairing
) -> None:
    successor = make_cadre(actor=dora, name="曾静", rank="一般干部")
    client.force_login(alice)
    response = client.post(
        household_url("assistance:handover", household),
        {"successor": successor.pk, "reason": "退休", "on": timezone.localdate().isoformat(), "note": ""},
    )
    assert response.status_code == 302
    detail = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert "曾静" in detail
    assert "由 曾静 接替" in detail
    assert "孔明" in detail
    assert "退休" in detail
    assert household.pairings.active().get().cadre == successor


def test_a_handover_form_without_a_reason_says_so(
    client: Client, alice: User, dora: User, household: Household, paired: Pairing
) -> None:
    successor = make_cadre(actor=dora)
    client.force_login(alice)
    response = client.post(
        household_url("assistance:handover", household), {"successor": successor.pk, "on": "2026-03-01"}
    )
    assert response.status_code == 200
    assert "这个字段是必填项" in response.content.decode()
    assert household.pairings.active().get() == paired


def test_a_visit_with_a_photo_is_shown_only_in_scope(
    client: Client, alice: User, bob: User, household: Household, paired: Pairing, settings: object, tmp_path: object
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client.force_login(alice)
    response = client.post(
        household_url("assistance:visit_create", household),
        {
            "cadre": paired.cadre.pk,
            "visited_on": "2026-11-02",
            "found": "老人腿脚不便，药已吃完",
            "agreed": "联系村医上门",
            "photo": SimpleUploadedFile("走访.png", png(), content_type="image/png"),
        },
    )
    assert response.status_code == 302, response.content.decode()
    visit = Visit.objects.get()
    assert "走访" not in visit.photo.name  # stored under a random name
    assert visit.photo.name.endswith(".png")
    photo_url = reverse("assistance:visit_photo", args=[visit.pk])
    detail = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert "老人腿脚不便" in detail
    assert photo_url in detail
    served = client.get(photo_url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == png()
    assert "no-store" in served["Cache-Control"]
    client.force_login(bob)
    assert client.get(photo_url).status_code == 404


def test_a_visit_photo_that_is_not_an_image_is_refused(
    client: Client, alice: User, household: Household, paired: Pairing, settings: object, tmp_path: object
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client.force_login(alice)
    response = client.post(
        household_url("assistance:visit_create", household),
        {
            "cadre": paired.cadre.pk,
            "visited_on": "2026-11-02",
            "found": "x",
            "photo": SimpleUploadedFile("photo.png", b"MZ not an image", content_type="image/png"),
        },
    )
    assert response.status_code == 200
    assert not Visit.objects.exists()
    assert "图片" in response.content.decode()


def test_a_measure_is_added_and_corrected(
    client: Client, alice: User, bob: User, household: Household, paired: Pairing
) -> None:
    client.force_login(alice)
    head = household.members.get()
    form = {
        "year": "2026",
        "kind": "就业",
        "item": "公益岗位",
        "person": head.pk,
        "description": "村庄保洁",
        "months": "",
        "monthly_pay": "500",
        "done_on": "2026-03-01",
        "cadre": paired.cadre.pk,
        "department": "",
    }
    response = client.post(household_url("assistance:measure_create", household), form)
    assert response.status_code == 200
    assert "公益岗位请填写本年度在岗月数（1–12）。" in response.content.decode()
    response = client.post(household_url("assistance:measure_create", household), {**form, "months": "10"})
    assert response.status_code == 302
    measure = Measure.objects.get()
    assert measure.amount == 5000
    edit = reverse("assistance:measure_edit", args=[measure.pk])
    assert 'value="2026-03-01"' in client.get(edit).content.decode()  # the date picker shows the stored date
    assert client.post(edit, {**form, "months": "11", "amount": ""}).status_code == 302
    measure.refresh_from_db()
    assert (measure.months, measure.amount) == (11, 5500)
    client.force_login(bob)
    assert client.get(edit).status_code == 404


def test_the_coverage_page_lists_what_needs_action_in_scope(
    client: Client, alice: User, bob: User, dora: User, areas: dict[str, Area], household: Household, cadre: Cadre
) -> None:
    mengshui = make_household(village=areas["南山村"], actor=bob)
    client.force_login(alice)
    page = client.get(reverse("assistance:coverage")).content.decode()
    assert household.number in page
    assert mengshui.number not in page
    assert household_url("assistance:pair", household) in page
    client.force_login(dora)
    page = client.get(reverse("assistance:coverage")).content.decode()
    assert household.number in page
    assert mengshui.number in page


def test_a_pairing_ended_badly_in_the_admin_shows_on_the_coverage_page(
    client: Client, dora: User, household: Household, paired: Pairing
) -> None:
    client.force_login(dora)
    page = client.get(reverse("assistance:coverage")).content.decode()
    assert household.number not in page
    change = reverse("admin:assistance_pairing_change", args=[paired.pk])
    response = client.post(
        change,
        {
            "cadre": paired.cadre_id,
            "household": household.pk,
            "started_on": "2025-03-01",
            "ended_on": timezone.localdate().isoformat(),
            "end_reason": "调岗",
            "end_note": "",
            "successor": "",
        },
    )
    assert response.status_code == 302, response.content.decode()
    page = client.get(reverse("assistance:coverage")).content.decode()
    assert household.number in page
    detail = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert "没有帮扶责任人" in detail


def test_the_coverage_page_lists_cadres_over_quota_and_without_recent_visits(
    client: Client, dora: User, areas: dict[str, Area], cadre: Cadre
) -> None:
    for _ in range(3):
        pair(actor=dora, household=make_household(village=areas["商家村"], actor=dora), cadre=cadre)
    PairingQuota.objects.filter(rank="科级干部").update(households=2)  # the district lowered the quota
    client.force_login(dora)
    response = client.get(reverse("assistance:coverage"))
    over, overdue = response.context["c"].over_quota, response.context["c"].overdue
    assert [(r.cadre.name, r.households, r.quota) for r in over] == [("孔明", 3, 2)]
    assert [r.cadre.name for r in overdue] == ["孔明"]  # never visited
    from assistance.services import visit_record

    visit_record(
        actor=dora,
        household=cadre.pairings.first().household,
        data={"cadre": cadre, "visited_on": timezone.localdate() - timedelta(days=10), "found": "正常"},
    )
    assert client.get(reverse("assistance:coverage")).context["c"].overdue == []


def test_the_cadre_list_shows_quota_use_and_only_scoped_households(
    client: Client, alice: User, bob: User, areas: dict[str, Area], household: Household, paired: Pairing
) -> None:
    pair(actor=bob, household=make_household(village=areas["南山村"], actor=bob), cadre=paired.cadre)
    client.force_login(bob)
    rows = client.get(reverse("assistance:cadres")).context["rows"]
    assert [(r.cadre.name, r.households, r.households_here, r.quota) for r in rows] == [("孔明", 2, 1, 3)]
    page = client.get(reverse("assistance:cadre", args=[paired.cadre.pk])).content.decode()
    assert household.number not in page


def test_the_district_office_registers_and_edits_a_cadre(client: Client, dora: User) -> None:
    client.force_login(dora)
    data = {"name": "闵 涛", "sex": "男", "unit": "区教育局", "unit_type": "党政机关", "rank": "", "grade": "科员级",
            "phone": "139 0000 1234", "active": "on", "note": ""}  # fmt: skip
    response = client.post(reverse("assistance:cadre_create"), data)
    assert response.status_code == 302
    cadre = Cadre.objects.get()
    assert (cadre.name, cadre.rank, cadre.phone) == ("闵涛", "一般干部", "13900001234")
    response = client.post(reverse("assistance:cadre_edit", args=[cadre.pk]), {**data, "rank": "科级干部"})
    assert response.status_code == 200
    assert "属于一般干部" in response.content.decode()
    response = client.post(reverse("assistance:cadre_create"), {**data, "phone": "12345"})
    assert response.status_code == 200
    assert "11 位手机号" in response.content.decode()


def test_the_district_office_sets_the_quotas(client: Client, dora: User) -> None:
    client.force_login(dora)
    assert client.post(reverse("assistance:quotas"), {"科级干部": "4", "一般干部": "0"}).status_code == 200
    assert PairingQuota.objects.get(rank="一般干部").households == 2
    assert client.post(reverse("assistance:quotas"), {"科级干部": "4", "一般干部": "2"}).status_code == 302
    assert PairingQuota.objects.get(rank="科级干部").households == 4


def test_the_household_page_shows_no_panel_to_a_role_without_it(
    client: Client, household: Household, paired: Pairing, dora: User
) -> None:
    from django.contrib.auth.models import Group

    Group.objects.get(name="district_officer").permissions.remove(
        *Group.objects.get(name="district_officer").permissions.filter(codename="view_pairing")
    )
    client.force_login(dora)
    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert 'data-testid="assistance-panel"' not in page
    assert paired.cadre.name not in page


def test_the_cadre_list_and_coverage_pages_run_the_same_queries_for_few_and_many_cadres(
    client: Client, dora: User, areas: dict[str, Area]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(name: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(name)).status_code == 200
        return len(captured)

    client.force_login(dora)
    for _ in range(2):
        pair(actor=dora, household=make_household(village=areas["商家村"], actor=dora), cadre=make_cadre(actor=dora))
    few = (queries("assistance:cadres"), queries("assistance:coverage"))
    for _ in range(10):
        pair(actor=dora, household=make_household(village=areas["南山村"], actor=dora), cadre=make_cadre(actor=dora))
    make_household(village=areas["南山村"], actor=dora)  # one without a cadre, too
    assert (queries("assistance:cadres"), queries("assistance:coverage")) == few


def test_a_sector_officer_records_only_their_departments_measures(
    client: Client, areas: dict[str, Area], sam: User, household: Household, paired: Pairing
) -> None:
    """DESIGN §4: 民政 writes its own measures (低保, 临时救助 …); 卫健/医保 has no measures to write here."""
    civil = make_user("minzheng", role=Role.SECTOR_OFFICER, area=areas["文昌湖区"], sector="civil_affairs")
    form = {
        "year": "2026",
        "kind": "兜底保障",
        "item": "临时救助",
        "amount": "800",
        "description": "因病临时救助",
        "done_on": "2026-03-01",
        "cadre": "",
        "department": "人社",
    }
    client.force_login(civil)
    response = client.post(household_url("assistance:measure_create", household), form)
    assert response.status_code == 200
    assert "只能登记和修改本部门（民政）负责的措施" in response.content.decode()
    assert not Measure.objects.exists()
    assert (
        client.post(household_url("assistance:measure_create", household), {**form, "department": "民政"}).status_code
        == 302
    )
    assert Measure.objects.get().department == "民政"
    client.force_login(sam)  # 卫健/医保 reads the household but records no measures here
    assert client.post(household_url("assistance:measure_create", household), form).status_code == 403
