"""Every funds page: the happy path, the wrong method (405), a role without permission (403), the other town
(404); the dividend run's preview → confirm → undo; the printed 公示 and the export mask ID numbers."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from accounts.models import AuditEvent, User
from funds import services
from funds.models import DividendRun, DividendStatus, FundSource, Project
from households.models import Household
from households.tests.factories import make_household

from .conftest import YEAR, confirm

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(shared: Project, dora: User) -> DividendRun:
    return confirm(shared, dora, amount="600")


@pytest.fixture
def objects(shared: Project, source: FundSource, run: DividendRun, areas: dict, dora: User) -> dict[str, int]:
    loan = services.loan_create(
        actor=dora,
        data={"kind": "创业扶贫担保贷款", "borrower": "甲", "household": shared.beneficiaries.first().household,
              "area": areas["商家村"], "bank": "农商银行", "principal": Decimal(50000), "rate": Decimal("0.0475"),
              "start": date(2024, 1, 1), "end": date(2026, 12, 31)},
    )  # fmt: skip
    return {"project": shared.pk, "source": source.pk, "run": run.pk, "loan": loan.pk}


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


# GET pages: name, the object it takes, a persona who may, a persona whose role may not (403), one who sees
# it only outside their scope (404; None where the page is district-wide).
PAGES = [
    ("funds:projects", None, "alice", "audrey", None),
    ("funds:project", "project", "alice", "audrey", "bob"),
    ("funds:project_print", "project", "vera", "audrey", "bob"),
    ("funds:project_create", None, "fiona", "alice", None),
    ("funds:project_edit", "project", "fiona", "eddie", None),
    ("funds:project_void", "project", "dora", "alice", None),
    ("funds:allocate", "project", "fiona", "eddie", None),
    ("funds:beneficiary_add", "project", "dora", "alice", None),
    ("funds:publicity_create", "project", "dora", "sam", None),
    ("funds:dividend_run", "project", "fiona", "alice", None),
    ("funds:dividend_import", "project", "dora", "alice", None),
    ("funds:sources", None, "eddie", "alice", None),
    ("funds:source", "source", "fiona", "alice", None),
    ("funds:source_create", None, "fiona", "eddie", None),
    ("funds:source_edit", "source", "dora", "sam", None),
    ("funds:source_void", "source", "fiona", "eddie", None),
    ("funds:runs", None, "alice", "audrey", None),
    ("funds:run", "run", "alice", "audrey", "bob"),
    ("funds:run_print", "run", "alice", "audrey", "bob"),
    ("funds:plan", None, "bob", "audrey", None),
    ("funds:loans", None, "alice", "audrey", None),
    ("funds:loan_create", None, "fiona", "alice", None),
    ("funds:loan", "loan", "alice", "audrey", "bob"),
]


def _url(name: str, key: str | None, objects: dict[str, int]) -> str:
    return reverse(name, args=[objects[key]] if key else [])


@pytest.mark.parametrize(("name", "key", "allowed", "forbidden", "outside"), PAGES)
def test_every_page_answers_by_role_and_scope(
    client: Client, request: pytest.FixtureRequest, objects: dict[str, int], name: str, key: str | None,
    allowed: str, forbidden: str, outside: str | None,
) -> None:  # fmt: skip
    url = _url(name, key, objects)
    assert login(client, request.getfixturevalue(allowed)).get(url).status_code == 200
    assert client.delete(url).status_code == 405
    assert login(client, request.getfixturevalue(forbidden)).get(url).status_code == 403
    if outside:
        assert login(client, request.getfixturevalue(outside)).get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


# POST-only actions: name, object, a persona who may, one who may not (403).
ACTIONS = [
    ("funds:project_advance", "project", {"target": "公示"}),
    ("funds:run_undo", "run", {"reason": "录错"}),
    ("funds:run_publish", "run", {"on": f"{YEAR + 1}-01-05"}),
    ("funds:micro_rate", None, {"year": "2025", "rate": "0.04"}),
    ("funds:beneficiary_tilt", "project", {"tilt": "1.5"}),
]


@pytest.mark.parametrize(("name", "key", "data"), ACTIONS)
def test_post_actions_by_role_and_method(
    client: Client, objects: dict[str, int], name: str, key: str | None, data: dict, alice: User, fiona: User
) -> None:
    url = _url(name, key, objects)
    assert login(client, fiona).get(url).status_code == 405
    assert login(client, alice).post(url, data).status_code == 403
    assert login(client, fiona).post(url, data).status_code == 302


def test_a_town_does_not_see_another_towns_run_actions(client: Client, objects: dict[str, int], bob: User) -> None:
    from accounts.models import Role
    from conftest import make_user

    mengshui_finance = make_user("mf", role=Role.DISTRICT_OFFICER, area=bob.area)  # a writer scoped to 萌水镇
    client.force_login(mengshui_finance)
    assert client.post(_url("funds:run_undo", "run", objects), {"reason": "x"}).status_code == 404
    assert client.post(_url("funds:project_advance", "project", objects), {"target": "公示"}).status_code == 404


def test_the_dividend_run_previews_confirms_and_undoes(
    client: Client, shared: Project, near_line: Household, fiona: User, django_capture_on_commit_callbacks: object
) -> None:
    url = reverse("funds:dividend_run", args=[shared.pk])
    form = {"year": str(YEAR), "income": "1000", "amount": "100", "method": "平均分配", "paid_on": f"{YEAR}-12-20",
            "pay_method": "银行转账", "note": ""}  # fmt: skip
    login(client, fiona)
    preview = client.post(url, {**form, "preview": "1"})
    body = preview.content.decode()
    assert preview.status_code == 200
    assert "预览：尚未保存" in body
    assert "50.00" in body
    assert "确认分红（2 户，100.00 元）" in body
    assert not DividendRun.objects.exists()  # a preview stores nothing
    digest = preview.context["digest"]
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {**form, "confirm": "1", "digest": digest})
    run = DividendRun.objects.get()
    assert done.status_code == 302
    assert done.url == reverse("funds:run", args=[run.pk])
    assert sorted(run.payouts.values_list("amount", flat=True)) == [Decimal("50.00"), Decimal("50.00")]
    page = client.get(done.url).content.decode()
    assert "已确认" in page
    assert "撤销" in page
    client.post(reverse("funds:run_undo", args=[run.pk]), {"reason": "金额录错"})
    run.refresh_from_db()
    assert run.status == DividendStatus.UNDONE
    assert run.undo_reason == "金额录错"


def test_a_run_over_the_income_is_refused_on_the_page(client: Client, shared: Project, fiona: User) -> None:
    url = reverse("funds:dividend_run", args=[shared.pk])
    response = login(client, fiona).post(
        url, {"year": str(YEAR), "income": "100", "amount": "200", "method": "平均分配", "paid_on": f"{YEAR}-12-20",
              "pay_method": "银行转账", "confirm": "1"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "分配金额不能超过项目当年收益" in response.content.decode()
    assert not DividendRun.objects.exists()


def test_publicity_too_short_is_refused_on_the_form(client: Client, project: Project, dora: User) -> None:
    response = login(client, dora).post(
        reverse("funds:publicity_create", args=[project.pk]),
        {"stage": "立项公示", "start": "2016-03-01", "end": "2016-03-05", "place": "公示栏"},
    )
    assert response.status_code == 200
    assert "公示期只有 5 天，至少要 10 天" in response.content.decode()
    assert not project.publicities.exists()


def test_allocation_over_the_source_is_refused_on_the_form(
    client: Client, project: Project, source: FundSource, fiona: User
) -> None:
    response = login(client, fiona).post(
        reverse("funds:allocate", args=[project.pk]), {"source": source.pk, "amount": "500000.01"}
    )
    assert "只剩 500,000.00 元" in response.content.decode()  # re-allocating to the same project: its own share is free


def test_a_beneficiary_is_found_by_a_members_id_number(
    client: Client, project: Project, near_line: Household, dora: User
) -> None:
    number = near_line.members.first().id_number
    response = login(client, dora).post(
        reverse("funds:beneficiary_add", args=[project.pk]), {"household": number.lower(), "weight": "1.5"}
    )
    assert response.status_code == 302
    assert project.beneficiaries.get().household == near_line


def test_prints_mask_id_numbers(client: Client, run: DividendRun, near_line: Household, alice: User) -> None:
    number = near_line.members.get(relation="户主").id_number
    login(client, alice)
    for url in (reverse("funds:run_print", args=[run.pk]), reverse("funds:project_print", args=[run.project_id])):
        body = client.get(url).content.decode()
        assert number not in body
        assert f"{number[:6]}********{number[-4:]}" in body


def test_the_household_page_shows_projects_and_payouts(
    client: Client, run: DividendRun, near_line: Household, alice: User
) -> None:
    body = login(client, alice).get(reverse("households:detail", args=[near_line.pk])).content.decode()
    assert 'data-testid="funds-panel"' in body
    assert "商家镇光伏电站" in body
    assert f"{YEAR} 年 300.00 元" in body
    assert "不要再包含这些分红" in body


def test_the_registry_list_filters_beneficiaries(
    client: Client, shared: Project, near_line: Household, mengshui_household: Household, dora: User
) -> None:
    body = login(client, dora).get("/households/?fund_project=yes").content.decode()
    assert "SJ-NEAR" in body
    assert "MS-001" not in body


def test_the_ledger_export_masks_escapes_and_is_audited(
    client: Client, run: DividendRun, near_line: Household, fiona: User, mengshui_project: Project
) -> None:
    Project.objects.filter(pk=run.project_id).update(implementer="=HYPERLINK(1)")
    response = login(client, fiona).get(reverse("funds:ledger_export"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    ledger, payouts = workbook["资金使用台账"], workbook["分红发放明细"]
    assert ledger["J2"].value == "'=HYPERLINK(1)"
    assert ledger["L2"].value == 200000
    assert [ledger["B3"].value, ledger["F3"].value] == ["（未安排资金）", "萌水镇大棚"]  # an unfunded project shows
    number = near_line.members.get(relation="户主").id_number
    ids = [row[4] for row in payouts.iter_rows(min_row=2, values_only=True)]
    assert number not in ids
    assert f"{number[:6]}********{number[-4:]}" in ids
    assert AuditEvent.objects.filter(action="export", actor=fiona, summary__contains="资金使用台账").exists()


def test_the_export_is_refused_to_towns(client: Client, alice: User) -> None:
    assert login(client, alice).get(reverse("funds:ledger_export")).status_code == 403


def _xlsx(rows: list[list[object]]) -> io.BytesIO:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = "名单.xlsx"
    return out


def test_import_previews_every_bad_row_and_writes_nothing(
    client: Client, shared: Project, near_line: Household, mengshui_household: Household, dora: User
) -> None:
    head = near_line.members.get(relation="户主")
    outsider = mengshui_household.members.first().id_number
    upload = _xlsx([["分红发放名单"], ["户主姓名", "证件号码", "分红金额"], [head.name, head.id_number, 300],
                    ["王五", outsider, 200], ["", "SJ-NEAR", "abc"]])  # fmt: skip
    form = {"year": str(YEAR), "income": "1000", "paid_on": f"{YEAR}-12-20", "pay_method": "银行转账"}
    response = login(client, dora).post(reverse("funds:dividend_import", args=[shared.pk]), {**form, "file": upload})
    body = response.content.decode()
    assert "名单有 2 处错误，未导入任何数据" in body
    assert "户 MS-001 不是该项目的受益户" in body  # a household of the registry, but not of this project
    assert "找不到此证件号码的贫困户成员" in body  # a household number typed into the ID column
    assert outsider not in body
    assert not DividendRun.objects.exists()
    report = client.get(
        f"{reverse('funds:dividend_import_report', args=[shared.pk])}?token={response.context['report_token']}"
    )
    sheet = load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    assert [c.value for c in sheet[1]] == ["行号", "列", "值", "问题"]
    assert sheet["A2"].value == 4
    assert sheet["B2"].value == "证件号码"


def test_import_confirms_with_the_token(
    client: Client, shared: Project, near_line: Household, other: Household, dora: User
) -> None:
    head = near_line.members.get(relation="户主")
    upload = _xlsx([["户编号", "分红金额", "收款账号"], ["SJ-NEAR", 300.5, "6228"], ["SJ-OTHER", "199.50", ""]])
    form = {"year": str(YEAR), "income": "1000", "paid_on": f"{YEAR}-12-20", "pay_method": "银行转账"}
    login(client, dora)
    preview = client.post(reverse("funds:dividend_import", args=[shared.pk]), {**form, "file": upload})
    assert "将新建一次分红：2 户，合计 500.00 元" in preview.content.decode()
    assert not DividendRun.objects.exists()
    done = client.post(reverse("funds:dividend_import", args=[shared.pk]), {"token": preview.context["token"]})
    run = DividendRun.objects.get()
    assert done.url == reverse("funds:run", args=[run.pk])
    assert dict(run.payouts.values_list("household__number", "amount")) == {
        "SJ-NEAR": Decimal("300.50"), "SJ-OTHER": Decimal("199.50"),
    }  # fmt: skip
    assert run.payouts.get(household=near_line).account == "6228"
    assert head.household_id == near_line.pk


def test_an_import_token_is_the_uploaders_alone(
    client: Client, shared: Project, near_line: Household, dora: User, fiona: User
) -> None:
    upload = _xlsx([["户编号", "分红金额"], ["SJ-NEAR", 300]])
    form = {"year": str(YEAR), "income": "1000", "paid_on": f"{YEAR}-12-20", "pay_method": "银行转账"}
    preview = login(client, dora).post(reverse("funds:dividend_import", args=[shared.pk]), {**form, "file": upload})
    stolen = login(client, fiona).post(
        reverse("funds:dividend_import", args=[shared.pk]), {"token": preview.context["token"]}, follow=True
    )
    assert "预览已过期，请重新上传名单" in stolen.content.decode()
    assert not DividendRun.objects.exists()


def test_list_pages_take_a_constant_number_of_queries(
    client: Client, shared: Project, dora: User, areas: dict, django_assert_num_queries: object, source: FundSource
) -> None:
    login(client, dora)
    client.get(reverse("funds:projects"))  # warm the session and permission caches

    def count(url: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    def loan(i: int) -> None:
        services.loan_create(
            actor=dora,
            data={"kind": "经营主体贷款", "borrower": f"合作社{i}", "area": areas["商家镇"], "bank": "农商银行",
                  "principal": Decimal(1000), "rate": Decimal("0.04"), "start": date(2024, 1, 1), "end": date(2025, 1, 1)},
        )  # fmt: skip

    loan(0)  # one row of each list to start with, then six
    confirm(shared, dora)
    pages = [reverse(n) for n in ("funds:projects", "funds:sources", "funds:runs", "funds:loans")]
    before = [count(u) for u in pages]
    for i in range(1, 6):
        p = services.project_create(
            actor=dora,
            data={"name": f"项目{i}", "kind": "产业", "first_year": 2016, "last_year": 2016, "area": areas["商家镇"],
                  "implementer": "镇"},
        )  # fmt: skip
        services.allocation_set(actor=dora, project=p, source=source, amount=Decimal(1000))
        services.project_operate(actor=dora, project=p, year=2016, place="公示栏")
        services.source_create(
            actor=dora, data={"name": f"来源{i}", "kind": "社会捐助", "year": 2020, "amount": Decimal(5)}
        )
        loan(i)
        services.beneficiary_add(actor=dora, project=p, household=shared.beneficiaries.first().household)
        confirm(p, dora)
    assert [count(u) for u in pages] == before
    # the project page: its beneficiaries and runs in a fixed number of queries
    detail = reverse("funds:project", args=[shared.pk])
    few = count(detail)
    for i in range(6):
        services.beneficiary_add(
            actor=dora, project=shared, household=make_household(village=areas["南庄村"], actor=dora, number=f"N{i}")
        )
    assert count(detail) == few
    with django_assert_num_queries(before[0]):
        client.get(pages[0])


def test_an_allocation_and_then_its_source_are_voided(
    client: Client, project: Project, source: FundSource, fiona: User, alice: User
) -> None:
    allocation = project.allocations.get()
    url = reverse("funds:allocation_void", args=[allocation.pk])
    assert login(client, alice).post(url, {"reason": "x"}).status_code == 403
    assert login(client, fiona).get(url).status_code == 405
    refused = client.post(reverse("funds:source_void", args=[source.pk]), {"reason": "重复登记"})
    assert "请先作废那些资金安排" in refused.content.decode()
    assert client.post(url, {"reason": "安排错了项目"}).status_code == 302
    allocation.refresh_from_db()
    assert allocation.void_reason == "安排错了项目"
    assert client.post(reverse("funds:source_void", args=[source.pk]), {"reason": "重复登记"}).status_code == 302
    source.refresh_from_db()
    assert source.voided_at is not None
    assert client.get(reverse("funds:source", args=[source.pk])).status_code == 200  # kept, marked


def test_a_loans_yearly_subsidy_is_computed_on_the_page(
    client: Client, objects: dict[str, int], fiona: User, alice: User
) -> None:
    url = reverse("funds:loan", args=[objects["loan"]])
    data = {"year": "2025", "balance": "50000", "months": "12", "interest_paid": "2375"}
    assert login(client, alice).post(url, data).status_code == 403
    assert login(client, fiona).post(url, data).status_code == 302
    page = client.get(url).content.decode()
    assert "2,375.00" in page  # 创业扶贫担保贷款: the interest in full
    again = client.post(url, data)
    assert "该贷款 2025 年的贴息已经登记" in again.content.decode()


def test_a_project_that_paid_dividends_cannot_be_voided(client: Client, run: DividendRun, dora: User) -> None:
    url = reverse("funds:project_void", args=[run.project_id])
    refused = login(client, dora).post(url, {"reason": "重复登记"})
    assert "该项目已发放分红，不能作废" in refused.content.decode()
    services.dividend_undo(actor=dora, run=run, reason="撤销")
    assert client.post(url, {"reason": "重复登记"}).status_code == 302
    assert Project.objects.get(pk=run.project_id).void_reason == "重复登记"
    body = client.get(reverse("funds:projects") + "?status=作废").content.decode()
    assert "已作废" in body


def test_the_printed_project_publicity_names_its_periods(client: Client, shared: Project, alice: User) -> None:
    body = login(client, alice).get(reverse("funds:project_print", args=[shared.pk])).content.decode()
    assert "立项公示：2016-03-01 至 2016-03-10，镇政府公示栏" in body
    assert "验收公示：2016-11-05 至 2016-11-14" in body
