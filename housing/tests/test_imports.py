"""The 住建 department's retrofit ledger: every row checked first, all or nothing, the errors with 行号/列/值/问题;
the browser's upload → preview → confirm and the command share the same check and import."""

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from accounts.models import Area, Role, User
from conftest import make_user
from households.models import Household, HouseholdAssessment
from households.tests.factories import make_household
from housing.imports import COLUMNS, retrofit_ledger_check, retrofit_ledger_import
from housing.models import RetrofitCase, RetrofitStep

from .factories import assess, retrofit

pytestmark = pytest.mark.django_db


def ledger(rows: list[dict[str, object]], *, title: bool = True) -> bytes:
    """An .xlsx as the 住建 department sends it: a title row, the header, one row per household."""
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append(["文昌湖区农村危房改造台账（2018 年）"])
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([row.get(c) for c in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write(tmp_path: Path, rows: list[dict[str, object]]) -> Path:
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(ledger(rows))
    return path


@pytest.fixture(autouse=True)
def _media(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def two(areas: dict[str, Area], alice: User, zoe: User) -> dict[str, Household]:
    """H-NEW has no case yet; H-OLD has a case at 开工."""
    new = make_household(village=areas["商家村"], actor=alice, number="H-NEW")
    old = make_household(village=areas["商家村"], actor=alice, number="H-OLD")
    assess(actor=zoe, household=old, grade="D")
    retrofit(actor=zoe, household=old, stage="开工")
    return {"new": new, "old": old}


def accepted_row(number: str = "H-NEW", **extra: object) -> dict[str, object]:
    return {
        "户编号": number,
        "改造方式": "原址翻建",
        "当前阶段": "验收合格",
        "列入计划日期": date(2017, 9, 1),
        "开工日期": date(2017, 10, 1),
        "竣工日期": "2018/3/1",
        "验收日期": "2018年4月1日",
        "计划补助": 35000,
        "中央补助": "17,500",
        "省级补助": 7000,
        "市级补助": 5250,
        "区级补助": 5250,
        "农户自筹": 3000.5,
        "符合建设标准": "是",
        "符合抗震要求": "是",
        "验收人": "区住建局 王建设",
        **extra,
    }


def test_a_sound_ledger_creates_and_updates_and_reassesses(
    tmp_path: Path, two: dict, zoe: User, eager: None, django_capture_on_commit_callbacks
) -> None:
    old_head = two["old"].members.get().id_number
    rows = [
        accepted_row(),
        {  # found by the head's ID number; moves from 开工 to 竣工
            "证件号码": old_head,
            "改造方式": "原址翻建",
            "当前阶段": "竣工",
            "列入计划日期": date(2017, 9, 1),
            "开工日期": date(2017, 10, 1),
            "竣工日期": date(2018, 1, 15),
            "计划补助": 30000,
        },
    ]
    check = retrofit_ledger_check(write(tmp_path, rows), user=zoe)
    assert check.errors == []
    assert (check.count("create"), check.count("update"), check.count("unchanged")) == (1, 1, 0)
    with django_capture_on_commit_callbacks(execute=True):
        retrofit_ledger_import(check, actor=zoe)
    new = RetrofitCase.objects.get(household=two["new"])
    assert (new.stage, new.accepted_on, new.deadline) == ("验收合格", date(2018, 4, 1), date(2018, 12, 31))
    assert (str(new.subsidy_central), str(new.self_paid), new.subsidy_total) == ("17500.00", "3000.50", 35000)
    assert list(new.steps.values_list("stage", flat=True)) == ["列入计划", "开工", "竣工", "验收合格"]
    old = RetrofitCase.objects.get(household=two["old"])
    assert (old.stage, old.completed_on) == ("竣工", date(2018, 1, 15))
    assert list(old.steps.values_list("stage", flat=True)) == ["列入计划", "开工", "竣工"]
    assert old.history.first().history_change_reason == "住建部门危房改造台账导入"
    assert HouseholdAssessment.objects.filter(household=two["new"]).exists()  # reassessed at once
    # The same ledger again changes nothing.
    again = retrofit_ledger_check(write(tmp_path, rows), user=zoe)
    assert (again.count("create"), again.count("update"), again.count("unchanged")) == (0, 0, 2)


def test_every_bad_row_is_reported_and_nothing_is_written(
    tmp_path: Path, areas: dict[str, Area], two: dict, zoe: User, bob: User
) -> None:
    elsewhere = make_household(village=areas["萌水村"], actor=bob, number="H-MS")
    rows = [
        accepted_row(),  # sound: not written either, since other rows are bad
        {"户编号": "H-OLD", "改造方式": "原址翻建", "当前阶段": "列入计划", "列入计划日期": date(2017, 9, 1)},
        accepted_row("H-NOPE"),
        accepted_row("H-MS", 开工日期=None),
        accepted_row("H-NEW"),
        accepted_row("H-X", 改造方式="推倒重建", 符合抗震要求="否", 验收人="", 中央补助="一万", 当前阶段="已完工"),
        accepted_row("H-OLD", 竣工日期=date(2017, 9, 30), 入住日期=date(2018, 5, 1)),
    ]
    limited = make_user("zed", role=Role.SECTOR_OFFICER, area=areas["商家镇"], sector="housing")
    check = retrofit_ledger_check(write(tmp_path, rows), user=limited)
    found = {(e.row, e.column, e.message) for e in check.errors}
    assert found == {
        (4, "当前阶段", "台账阶段落后于系统：系统中该户已到“开工”，不能退回"),
        (5, "户编号", "未找到该户编号，或该户不在您的管辖范围内"),
        (6, "户编号", "未找到该户编号，或该户不在您的管辖范围内"),  # 萌水镇's household, for a 商家镇 account
        (6, "开工日期", "当前阶段为“验收合格”，请填写开工日期（不能跳过步骤）"),
        (7, "户编号", "该户在第 3 行已出现，每户只能一行"),
        (8, "户编号", "未找到该户编号，或该户不在您的管辖范围内"),
        (8, "改造方式", "改造方式应为原址翻建、修缮加固、集中安置、置换之一"),
        (8, "当前阶段", "当前阶段应为列入计划→开工→竣工→验收合格→入住之一"),
        (8, "中央补助", "金额应为数字，如 20000 或 20000.50"),
        (9, "户编号", "该户在第 4 行已出现，每户只能一行"),
        (9, "竣工日期", "竣工日期不能早于开工日期（2017-10-01）"),
        (9, "入住日期", "当前阶段为“验收合格”，还没有到“入住”，不应填写此日期"),
    }
    assert not check.ok
    with pytest.raises(ValueError, match="未导入任何数据"):
        retrofit_ledger_import(check, actor=limited)
    assert not RetrofitCase.objects.filter(household__in=[two["new"], elsewhere]).exists()
    assert RetrofitCase.objects.get(household=two["old"]).stage == "开工"


def test_acceptance_in_the_ledger_needs_the_standards(tmp_path: Path, two: dict, zoe: User) -> None:
    rows = [accepted_row(符合建设标准="否", 符合抗震要求="", 验收人="")]
    found = {(e.column, e.message) for e in retrofit_ledger_check(write(tmp_path, rows), user=zoe).errors}
    assert found == {
        ("符合建设标准", "已验收的须符合农村危房改造建设标准（填“是”）"),
        ("符合抗震要求", "已验收的须符合抗震设防要求（填“是”）"),
        ("验收人", "已验收的请填写验收人"),
    }


def test_a_file_without_the_header_says_which_columns_it_needs(tmp_path: Path, zoe: User) -> None:
    path = tmp_path / "x.csv"
    path.write_text("姓名,金额\n张三,1\n", encoding="utf-8")
    check = retrofit_ledger_check(path, user=zoe)
    assert [e.message for e in check.errors] == [
        "找不到表头行：台账须有“户编号”（或“证件号码”）、“改造方式”、“当前阶段”列"
    ]


def test_upload_preview_error_report_and_confirm_in_the_browser(client: Client, two: dict, zoe: User) -> None:
    client.force_login(zoe)
    bad = ledger([accepted_row(), accepted_row("H-NOPE")])
    response = client.post(reverse("housing:import"), {"file": SimpleUploadedFile("台账.xlsx", bad)})
    body = response.content.decode()
    assert "共 2 行：将新建 1 户，更新 0 户，0 户未变化。" in body
    assert "未找到该户编号，或该户不在您的管辖范围内" in body
    assert "确认导入" not in body
    token = response.context["token"]
    report = client.post(reverse("housing:import_errors"), {"token": token})
    rows = list(load_workbook(io.BytesIO(b"".join(report.streaming_content))).active.iter_rows(values_only=True))
    assert rows[0] == ("行号", "列", "值", "问题")
    assert rows[1] == (4, "户编号", "H-NOPE", "未找到该户编号，或该户不在您的管辖范围内")
    response = client.post(reverse("housing:import_confirm"), {"token": token}, follow=True)
    assert "台账有错误，未导入任何数据" in response.content.decode()
    assert not RetrofitCase.objects.filter(household=two["new"]).exists()

    good = ledger([accepted_row()])
    response = client.post(reverse("housing:import"), {"file": SimpleUploadedFile("台账.xlsx", good)})
    assert "确认导入" in response.content.decode()
    token = response.context["token"]
    response = client.post(reverse("housing:import_confirm"), {"token": token}, follow=True)
    assert "已导入：新建 1 户，更新 0 户，未变化 0 户。" in response.content.decode()
    assert RetrofitCase.objects.get(household=two["new"]).stage == "验收合格"
    # The token is spent: confirming twice writes nothing twice.
    response = client.post(reverse("housing:import_confirm"), {"token": token}, follow=True)
    assert "找不到待导入的文件" in response.content.decode()
    assert RetrofitStep.objects.filter(case__household=two["new"]).count() == 4


def test_an_unreadable_upload_is_refused_on_the_form(client: Client, zoe: User) -> None:
    client.force_login(zoe)
    response = client.post(
        reverse("housing:import"), {"file": SimpleUploadedFile("台账.xlsx", b"PK\x03\x04 broken zip")}
    )
    assert "文件可能已损坏" in response.content.decode()


def test_the_command_checks_imports_and_reports(tmp_path: Path, two: dict, zoe: User) -> None:
    bad = write(tmp_path, [accepted_row(), accepted_row("H-NOPE")])
    report = tmp_path / "errors.xlsx"
    with pytest.raises(SystemExit) as exit_code:
        call_command("import_retrofits", str(bad), "--user", "zoe", "--error-report", str(report), stderr=io.StringIO())
    assert exit_code.value.code == 1
    assert list(load_workbook(report).active.iter_rows(values_only=True))[1][0] == 4
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(SystemExit) as exit_code:
        call_command("import_retrofits", str(empty), "--user", "zoe", stderr=io.StringIO())
    assert exit_code.value.code == 2
    good = write(tmp_path, [accepted_row()])
    out = io.StringIO()
    call_command("import_retrofits", str(good), "--user", "zoe", "--dry-run", stdout=out)
    assert "检查通过（未写入）：将新建 1 户" in out.getvalue()
    assert not RetrofitCase.objects.filter(household=two["new"]).exists()
    call_command("import_retrofits", str(good), "--user", "zoe", stdout=out)
    assert RetrofitCase.objects.get(household=two["new"]).created_by == zoe


def test_the_template_has_the_columns_the_import_reads(client: Client, zoe: User) -> None:
    client.force_login(zoe)
    response = client.get(reverse("housing:import_template"))
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert rows[1] == COLUMNS
    assert rows[2][COLUMNS.index("当前阶段")] == "竣工"


def test_a_new_upload_replaces_the_unconfirmed_one(client: Client, two: dict, zoe: User, settings: object) -> None:
    client.force_login(zoe)
    for _ in range(2):
        client.post(reverse("housing:import"), {"file": SimpleUploadedFile("台账.xlsx", ledger([accepted_row()]))})
    assert len(list((Path(settings.MEDIA_ROOT) / "housing_imports").iterdir())) == 1
    settings.LEDGER_UPLOAD_MAX_BYTES = 100
    response = client.post(reverse("housing:import"), {"file": SimpleUploadedFile("台账.xlsx", ledger([]))})
    assert "文件太大" in response.content.decode()
