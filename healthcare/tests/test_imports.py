"""The departments' two lists: matched by ID number, every row checked first, all or nothing, errors reported
with 行号/列/值/问题 (ID numbers masked), the same service in the browser and on the command line."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import Workbook, load_workbook

from accounts.models import Area, Role, User
from conftest import make_user
from healthcare.imports import apply_list, check_list
from healthcare.models import Expense, Insurance
from households.models import Household, HouseholdAssessment
from households.services.assessment import assessments_recompute

from .conftest import YEAR

pytestmark = pytest.mark.django_db

INSURANCE_HEADER = ["姓名", "证件号码", "年度", "险种", "参保状态", "缴费方式", "缴费金额"]
SETTLEMENT_HEADER = [
    "结算单号", "姓名", "证件号码", "结算日期", "医院", "医院级别", "总费用", "政策范围内费用", "基本医保报销", "大病保险报销",
    "先诊疗后付费", "一站式结算",
]  # fmt: skip


def workbook(path: Path, header: list[str], rows: list[list[object]], *, title: str = "") -> Path:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def ids(household: Household) -> dict[str, str]:
    return {p.name: p.id_number for p in household.members.all()}


def test_enrolment_list_preview_then_confirm_in_the_browser(
    client: Client,
    tmp_path: Path,
    sam: User,
    shangjia: Household,
    eager: None,
    django_capture_on_commit_callbacks: object,
) -> None:
    assessments_recompute(year=YEAR)
    people = ids(shangjia)
    path = workbook(
        tmp_path / "参保名单.xlsx",
        INSURANCE_HEADER,
        [["王一", people["王一"], YEAR, "城乡居民基本医疗保险", "未参保", "", ""],
         ["李二", people["李二"], YEAR, "", "已参保", "财政代缴", 180]],
        title=f"{YEAR} 年城乡居民医保参保名单",
    )  # fmt: skip
    client.force_login(sam)
    with path.open("rb") as f:
        response = client.post("/healthcare/imports/insurance/", {"file": f})
    assert response.status_code == 200
    assert (
        "将新增 <strong>2</strong> 条，更新 <strong>0</strong> 条，未变化 0 条，涉及 1 户。"
        in response.content.decode()
    )
    assert not Insurance.objects.exists()  # the preview writes nothing
    token = response.context["token"]
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post("/healthcare/imports/insurance/confirm/", {"token": token})
    assert confirmed.status_code == 302
    assert Insurance.objects.filter(insured=True, payer="finance", premium=Decimal(180)).count() == 1
    # The household was reassessed at once: 王一 is not insured.
    assert HouseholdAssessment.objects.get(household=shangjia, year=YEAR).gaps == "基本医疗"
    again = tmp_path / "again.xlsx"
    again.write_bytes(path.read_bytes())
    plan = check_list(again, kind="insurance", actor=sam)
    assert plan.counts() == {"created": 0, "updated": 0, "unchanged": 2}


def test_every_bad_row_is_reported_and_nothing_is_written(
    client: Client, tmp_path: Path, areas: dict[str, Area], shangjia: Household, mengshui: Household
) -> None:
    town_officer = make_user("hana", role=Role.SECTOR_OFFICER, area=areas["商家镇"], sector="health")
    people, other = ids(shangjia), ids(mengshui)
    wrong_check = people["王一"][:-1] + ("0" if people["王一"][-1] != "0" else "1")
    path = workbook(
        tmp_path / "bad.xlsx",
        INSURANCE_HEADER,
        [
            ["王一", people["王一"], YEAR, "", "", "", ""],  # fine
            ["李二", people["李二"], "去年", "", "", "", ""],  # year not a number
            ["王一", wrong_check, YEAR, "", "", "", ""],  # check digit
            ["王一", other["王一"], YEAR, "", "", "", ""],  # 萌水镇: outside hana's scope
            ["李三", people["李二"], YEAR, "", "", "", ""],  # name does not match
            ["李二", people["李二"], YEAR, "新农合", "", "", ""],  # unknown kind
            ["王一", people["王一"], YEAR, "", "", "", ""],  # duplicate of row 2
        ],
    )
    plan = check_list(path, kind="insurance", actor=town_officer)
    found = {(e.row, e.column) for e in plan.errors}
    assert found == {(3, "年度"), (4, "证件号码"), (5, "证件号码"), (6, "姓名"), (7, "险种"), (8, "证件号码")}
    assert all("*" in e.value for e in plan.errors if e.column == "证件号码")  # masked
    assert "校验位" in next(e.message for e in plan.errors if e.row == 4)
    applied = apply_list(path, kind="insurance", actor=town_officer)
    assert not applied.ok
    assert not Insurance.objects.exists()  # all or nothing

    client.force_login(town_officer)
    with path.open("rb") as f:
        response = client.post("/healthcare/imports/insurance/", {"file": f})
    assert "有 6 处错误" in response.content.decode()
    report = client.post("/healthcare/imports/insurance/errors/", {"token": response.context["token"]})
    sheet = load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("行号", "列", "值", "问题")
    assert len(rows) == 7
    assert client.post("/healthcare/imports/insurance/confirm/", {"token": "forged"}).status_code == 404


def test_settlement_list_records_expenses_with_their_aid_in_date_order(
    tmp_path: Path, sam: User, shangjia: Household
) -> None:
    people = ids(shangjia)
    rows = [
        # The later settlement comes first in the file: the cap is used up in date order all the same.
        [
            "JS2",
            "王一",
            people["王一"],
            f"{YEAR}-09-01",
            "淄博市中心医院",
            "市级医院",
            20000,
            20000,
            10000,
            0,
            "是",
            "是",
        ],
        [
            "JS1",
            "王一",
            people["王一"],
            f"{YEAR}-03-01",
            "区人民医院",
            "区县级医院",
            40000,
            40000,
            10000,
            0,
            "是",
            "否",
        ],
        ["JS3", "李二", people["李二"], f"{YEAR}-04-01", "镇卫生院", "镇卫生院", 1000, 800, 400, 0, "", ""],
    ]
    path = workbook(tmp_path / "结算.xlsx", SETTLEMENT_HEADER, rows)
    plan = apply_list(path, kind="settlement", actor=sam)
    assert plan.ok, plan.errors
    aid = dict(Expense.objects.values_list("settlement_number", "aid"))
    assert aid == {"JS1": Decimal("12000.00"), "JS2": Decimal("3000.00"), "JS3": Decimal("160.00")}
    js1 = Expense.objects.get(settlement_number="JS1")
    assert (js1.pay_after, js1.one_stop, js1.created_by) == (True, False, sam)
    again = apply_list(path, kind="settlement", actor=sam)
    assert again.counts() == {"created": 0, "updated": 0, "unchanged": 3}
    assert Expense.objects.count() == 3


def test_settlement_errors_write_nothing(tmp_path: Path, sam: User, shangjia: Household) -> None:
    people = ids(shangjia)
    rows = [
        ["JS1", "王一", people["王一"], f"{YEAR}-03-01", "区人民医院", "", 8000, 8000, 4500, 0, "", ""],
        ["JS1", "李二", people["李二"], f"{YEAR}-03-02", "区人民医院", "", 8000, 8000, 4500, 0, "", ""],
        ["JS4", "李二", people["李二"], "2099-01-01", "区人民医院", "", 8000, 9000, 4500, 0, "也许", ""],
    ]
    plan = apply_list(workbook(tmp_path / "x.xlsx", SETTLEMENT_HEADER, rows), kind="settlement", actor=sam)
    assert {(e.row, e.column) for e in plan.errors} == {(3, "结算单号"), (4, "结算日期"), (4, "先诊疗后付费")}
    assert not Expense.objects.exists()


def test_the_command_uses_the_same_service(tmp_path: Path, sam: User, shangjia: Household) -> None:
    people = ids(shangjia)
    good = workbook(tmp_path / "good.xlsx", INSURANCE_HEADER, [["王一", people["王一"], YEAR, "", "", "", ""]])
    out = io.StringIO()
    call_command("import_health_list", str(good), "--kind", "insurance", "--actor", "sam", "--dry-run", stdout=out)
    assert "将新增 1 条" in out.getvalue()
    assert not Insurance.objects.exists()
    call_command("import_health_list", str(good), "--kind", "insurance", "--actor", "sam", stdout=out)
    assert Insurance.objects.count() == 1
    bad = workbook(tmp_path / "bad.xlsx", INSURANCE_HEADER, [["王一", "123", YEAR, "", "", "", ""]])
    report = tmp_path / "errors.xlsx"
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "import_health_list", str(bad), "--kind", "insurance", "--actor", "sam", "--error-report", str(report),
            stderr=io.StringIO(),
        )  # fmt: skip
    assert exit_.value.code == 1
    assert report.exists()
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(SystemExit) as exit_:
        call_command("import_health_list", str(empty), "--kind", "insurance", "--actor", "sam", stderr=io.StringIO())
    assert exit_.value.code == 2


def test_imports_refuse(client: Client, alice: User, sam: User, tmp_path: Path) -> None:
    client.force_login(alice)
    assert client.get("/healthcare/imports/insurance/").status_code == 403
    assert client.get("/healthcare/imports/settlement/").status_code == 403
    client.force_login(sam)
    assert client.get("/healthcare/imports/nonsense/").status_code == 404
    assert client.get("/healthcare/imports/insurance/confirm/").status_code == 405
    assert client.put("/healthcare/imports/insurance/").status_code == 405
    missing = workbook(tmp_path / "no-header.xlsx", ["姓名", "年度"], [["王一", YEAR]])
    with missing.open("rb") as f:
        response = client.post("/healthcare/imports/insurance/", {"file": f})
    assert "没有找到表头行" in response.content.decode()


def test_a_date_cell_is_read_as_a_date(tmp_path: Path, sam: User, shangjia: Household) -> None:
    people = ids(shangjia)
    rows = [["", "王一", people["王一"], date(YEAR, 3, 1), "区人民医院", "", 100, 100, 0, 0, "", ""]]
    plan = apply_list(workbook(tmp_path / "d.xlsx", SETTLEMENT_HEADER, rows), kind="settlement", actor=sam)
    assert plan.ok, plan.errors
    assert Expense.objects.get().visited_on == date(YEAR, 3, 1)
