"""Every reports page: the happy path, the wrong method (405), a role without the permission (403) and the
other town (404) — STYLE §20; query counts pinned on the dashboard and the worklist (STYLE §21)."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Area, AuditEvent, User
from households.models import Household
from reports.models import InspectionPack, PackStatus, Problem, ProblemState

pytestmark = pytest.mark.django_db


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


# ---- dashboard ------------------------------------------------------------------------------------------


def test_home_lands_the_district_office_on_the_dashboard_and_the_clerks_on_their_list(
    client: Client, world: dict, dora: User, alice: User, vera: User
) -> None:
    assert login(client, dora).get("/").url == "/reports/"
    assert login(client, alice).get("/").url == "/households/"
    assert login(client, vera).get("/").url == "/households/"


def test_the_district_sees_the_district_and_both_towns(client: Client, world: dict, dora: User) -> None:
    body = login(client, dora).get("/reports/").content.decode()
    assert "文昌湖区 · " in body
    assert "商家镇" in body
    assert "萌水镇" in body
    assert 'id="dashboard-data" type="application/json"' in body
    assert "<script>" not in body  # the CSP allows no inline script: the data is a JSON block


def test_a_town_clerk_sees_her_town_and_its_villages_only(
    client: Client, world: dict, alice: User, areas: dict[str, Area]
) -> None:
    response = login(client, alice).get("/reports/")
    board = response.context["board"]
    assert board.area == areas["商家镇"]
    assert board.total.households == 3
    assert board.total.persons == 3
    assert [r.area.name for r in board.children] == ["商家村", "李家村", "东坡村", "西坡村", "南庄村"]
    assert board.children[0].cells[0].households == 2
    assert "萌水镇" not in [r.area.name for r in board.children]


def test_another_towns_area_is_a_404(client: Client, world: dict, alice: User, areas: dict[str, Area]) -> None:
    assert login(client, alice).get(f"/reports/?area={areas['萌水镇'].pk}").status_code == 404
    assert client.get(f"/reports/?area={areas['萌水村'].pk}").status_code == 404
    assert client.get(f"/reports/?area={areas['商家村'].pk}").status_code == 200


@pytest.mark.parametrize("user", ["nobody", "audrey"])
def test_the_dashboard_refuses_roles_without_it(client: Client, world: dict, user: str, request: object) -> None:
    assert login(client, request.getfixturevalue(user)).get("/reports/").status_code == 403


def test_the_dashboard_is_read_only(client: Client, world: dict, dora: User) -> None:
    assert login(client, dora).post("/reports/").status_code == 405


def test_a_sector_officer_reads_the_district_dashboard(client: Client, world: dict, teacher: User) -> None:
    assert login(client, teacher).get("/reports/").status_code == 200


def test_the_dashboard_reads_only_stored_figures_in_a_fixed_number_of_queries(
    client: Client, world: dict, dora: User, django_assert_num_queries: object
) -> None:
    login(client, dora).get("/reports/")  # warm the session and permission caches
    # The session (read and its activity stamp written), the user, permissions and roles, the area in scope,
    # the stored figures of the area and its towns, the page header's area: none depends on the number of
    # households or persons.
    with django_assert_num_queries(11):
        client.get("/reports/")


# ---- problems -------------------------------------------------------------------------------------------


def test_the_worklist_shows_the_towns_problems_only(client: Client, world: dict, alice: User, bob: User) -> None:
    rules = {p.rule for p in login(client, alice).get("/reports/problems/").context["page"]}
    assert {"Q02", "Q10"} <= rules
    far = world["far"]
    assert not Problem.objects.filter(household=far, rule="Q02").exists()
    bobs = login(client, bob).get("/reports/problems/").context["page"].object_list
    assert all(p.household_id == far.pk for p in bobs)
    assert bobs  # MS-1: income under the line is not a problem, but 因病 without an ill member is (Q16)


def test_the_worklist_filters_by_rule_and_state(client: Client, world: dict, alice: User) -> None:
    page = login(client, alice).get("/reports/problems/?rule=Q10&state=open").context["page"]
    assert [p.household.number for p in page] == ["SJ-1"]


def test_worklist_query_count_does_not_grow_with_rows(
    client: Client, world: dict, dora: User, django_assert_num_queries: object
) -> None:
    login(client, dora).get("/reports/problems/")
    with django_assert_num_queries(13):
        first = client.get("/reports/problems/")
    Problem.objects.bulk_create(
        Problem(rule=rule, household=world["fine"], detail="测试", found_at=timezone.now(), seen_at=timezone.now())
        for rule in ("Q01", "Q06", "Q11", "Q12", "Q13")
    )
    with django_assert_num_queries(13):
        second = client.get("/reports/problems/")
    assert len(second.context["page"]) == len(first.context["page"]) + 5


def test_worklist_refuses_sector_officers_and_posts(client: Client, world: dict, teacher: User, alice: User) -> None:
    assert login(client, teacher).get("/reports/problems/").status_code == 403
    assert login(client, alice).post("/reports/problems/").status_code == 405


def test_a_clerk_explains_a_problem_with_a_note_and_is_told_when_the_note_is_missing(
    client: Client, world: dict, alice: User
) -> None:
    problem = Problem.objects.get(household=world["poor"], rule="Q02")
    url = f"/reports/problems/{problem.pk}/"
    response = login(client, alice).post(url, {"state": "explained", "note": ""})
    assert response.status_code == 200
    assert "请写明情况属实的理由" in response.content.decode()
    problem.refresh_from_db()
    assert problem.state == ProblemState.OPEN
    response = client.post(url, {"state": "explained", "note": "经入户核实，本人长期照料病人，无法外出务工"})
    assert response.status_code == 302
    problem.refresh_from_db()
    assert (problem.state, problem.handled_by) == (ProblemState.EXPLAINED, alice)
    assert problem.history.first().history_user == alice


def test_another_towns_problem_is_a_404_and_a_reader_is_refused(
    client: Client, world: dict, bob: User, teacher: User, alice: User
) -> None:
    problem = Problem.objects.get(household=world["poor"], rule="Q02")
    assert login(client, bob).get(f"/reports/problems/{problem.pk}/").status_code == 404
    assert login(client, teacher).get(f"/reports/problems/{problem.pk}/").status_code == 403
    assert login(client, alice).put(f"/reports/problems/{problem.pk}/").status_code == 405


# ---- inspection packs -----------------------------------------------------------------------------------


def test_a_town_clerk_builds_an_xlsx_pack_and_downloads_it_audited(
    client: Client,
    world: dict,
    alice: User,
    areas: dict[str, Area],
    eager: None,
    django_capture_on_commit_callbacks: object,
) -> None:
    from households.selectors import default_year

    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, alice).post(
            "/reports/packs/", {"area": areas["商家镇"].pk, "year": default_year(), "fmt": "xlsx"}
        )
    pack = InspectionPack.objects.get()
    assert response.url == f"/reports/packs/{pack.pk}/"
    assert pack.status == PackStatus.DONE
    assert "下载" in client.get(response.url).content.decode()
    download = client.get(f"/reports/packs/{pack.pk}/download/")
    book = load_workbook(BytesIO(b"".join(download.streaming_content)))
    assert book.sheetnames == [
        "汇总",
        "贫困户",
        "家庭成员",
        "脱贫标准评估",
        "结对帮扶",
        "走访记录",
        "帮扶措施",
        "退出程序",
        "未解决疑点",
    ]
    numbers = [row[0] for row in book["贫困户"].iter_rows(min_row=3, values_only=True)]
    assert numbers == ["SJ-1", "SJ-2", "LJ-1"]
    ids = [row[2] for row in book["家庭成员"].iter_rows(min_row=3, values_only=True)]
    assert all("********" in i for i in ids)  # masked
    assert AuditEvent.objects.filter(action="export", object_id=str(pack.pk)).exists()


def test_a_pack_of_another_town_cannot_be_asked_for_or_downloaded(
    client: Client, world: dict, alice: User, bob: User, areas: dict[str, Area]
) -> None:
    response = login(client, alice).post("/reports/packs/", {"area": areas["萌水镇"].pk, "year": 2024, "fmt": "xlsx"})
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not InspectionPack.objects.exists()
    pack = InspectionPack.objects.create(actor=alice, area=areas["商家镇"], year=2024, format="xlsx")
    assert login(client, bob).get(f"/reports/packs/{pack.pk}/").status_code == 404
    assert client.get(f"/reports/packs/{pack.pk}/download/").status_code == 404


def test_packs_refuse_village_clerks_and_wrong_methods(client: Client, world: dict, vera: User, alice: User) -> None:
    assert login(client, vera).get("/reports/packs/").status_code == 403
    assert login(client, alice).delete("/reports/packs/").status_code == 405
    pack = InspectionPack.objects.create(actor=alice, area=alice.area, year=2024, format="xlsx")
    assert client.post(f"/reports/packs/{pack.pk}/download/").status_code == 405
    assert client.get(f"/reports/packs/{pack.pk}/download/").status_code == 404  # not built yet


def test_the_household_file_pdf_is_scoped_and_audited(
    client: Client, world: dict, alice: User, bob: User, vera: User
) -> None:
    poor = world["poor"]
    response = login(client, alice).get(f"/reports/households/{poor.pk}/file.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="export", object_id=str(poor.pk)).exists()
    assert login(client, bob).get(f"/reports/households/{poor.pk}/file.pdf").status_code == 404
    assert login(client, vera).get(f"/reports/households/{poor.pk}/file.pdf").status_code == 403
    assert login(client, alice).post(f"/reports/households/{poor.pk}/file.pdf").status_code == 405


# ---- the national-system change list --------------------------------------------------------------------


def test_the_change_list_shows_the_towns_changes_masked_and_exports_them(
    client: Client, world: dict, alice: User
) -> None:
    since = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = login(client, alice).get(f"/reports/changes/?since={since}")
    rows = response.context["rows"]
    assert {r.values[3] for r in rows} == {"SJ-1", "SJ-2", "LJ-1"}  # never 萌水镇's MS-1
    assert {r.kind for r in rows} == {"户新增", "人员新增"}
    assert all("********" in r.values[6] for r in rows if r.values[6])
    export = client.get(f"/reports/changes/?since={since}&format=xlsx")
    sheet = load_workbook(BytesIO(export.content)).active
    header = [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert header[:7] == ["变更类型", "变更内容", "最近变更时间", "乡(镇)", "行政村", "自然村", "户编号"]
    assert sheet.max_row == 2 + len(rows)
    assert AuditEvent.objects.filter(action="export", summary__contains="变更清单").exists()


def test_the_change_list_names_a_later_edit(client: Client, world: dict, alice: User) -> None:
    household = Household.objects.get(number="SJ-2")
    household.phone = "13900000000"
    household.save()
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = login(client, alice).get(f"/reports/changes/?since={tomorrow.isoformat()}")
    assert "起始日期不能晚于今天" in response.content.decode()
    rows = client.get(f"/reports/changes/?since={timezone.localdate().isoformat()}").context["rows"]
    assert any(r.values[3] == "SJ-2" for r in rows)


def test_the_change_list_refuses_village_clerks_and_posts(client: Client, world: dict, vera: User, alice: User) -> None:
    assert login(client, vera).get("/reports/changes/").status_code == 403
    assert login(client, alice).post("/reports/changes/").status_code == 405


def test_the_household_page_shows_its_problems_and_the_file_link(
    client: Client, world: dict, alice: User, teacher: User
) -> None:
    body = login(client, alice).get(f"/households/{world['poor'].pk}/").content.decode()
    assert 'data-testid="reports-panel"' in body
    assert "Q10 联系电话未填写" in body
    assert f"/reports/households/{world['poor'].pk}/file.pdf" in body
    body = login(client, teacher).get(f"/households/{world['poor'].pk}/").content.decode()
    assert 'data-testid="reports-panel"' not in body  # a sector officer neither handles problems nor exports


def test_each_problem_count_links_to_a_worklist_of_that_many(client: Client, world: dict, alice: User) -> None:
    board = login(client, alice).get("/reports/").context["board"]
    shown = [p for p in board.problems if p["open"]]
    assert shown
    for entry in shown:
        assert client.get(entry["url"]).context["page"].paginator.count == entry["open"]
