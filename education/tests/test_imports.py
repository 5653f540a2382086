"""The schools' lists: every row checked first, all or nothing, an error report with 行号/列/值/问题 (ID numbers
masked), a preview before the write in the browser, and the same service from the command line."""

from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from accounts.models import AuditEvent, User
from education.imports import SchoolListInvalidError, school_list_import, write_report
from education.models import Benefit, Enrolment
from households.idnumber import mask_id_number
from households.models import Household, Person

from .conftest import SCHOOL_YEAR

pytestmark = pytest.mark.django_db

HEADER = ["证件号码", "姓名", "学段", "学校", "年级", "在校状态", "资助项目", "金额", "方式", "日期", "经办单位"]


def workbook(path: Path, rows: list[list[object]], *, title: bool = True) -> Path:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([f"商家中学 {SCHOOL_YEAR}–{SCHOOL_YEAR + 1} 学年建档立卡学生资助名单"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def good_rows(child: Person, other_town: Household) -> list[list[object]]:
    zhao = other_town.members.get(name="赵小")
    on = f"{SCHOOL_YEAR}-09-10"
    return [
        [child.id_number, "李小明", "初中", "商家中学", "七年级", "在校", "作业费", 60, "免除", on, ""],
        [child.id_number, "李小明", "初中", "商家中学", "七年级", "在校", "校服费", "180", "免除", on, ""],
        [
            zhao.id_number,
            "赵小",
            "小学",
            "萌水镇中心小学",
            "四年级",
            "",
            "伙食费",
            600,
            "",
            date(SCHOOL_YEAR, 9, 12),
            "",
        ],
    ]


def run(path: Path, *, dry_run: bool = False, actor: User | None = None) -> object:
    return school_list_import(
        path=path, actor=actor, households=Household.objects.all(), school_year=SCHOOL_YEAR, dry_run=dry_run,
        today=timezone.localdate(),
    )  # fmt: skip


def test_a_good_list_writes_enrolments_and_benefits(tmp_path: Path, good_rows: list, jim: User) -> None:
    result = run(workbook(tmp_path / "ok.xlsx", good_rows), actor=jim)
    assert result.errors == []
    assert (result.enrolments_created, result.benefits_created, result.applied) == (2, 3, True)
    assert Enrolment.objects.count() == 2
    zhao = Benefit.objects.get(item="伙食费")
    assert (zhao.amount, zhao.way, zhao.given_by, zhao.enrolment.status) == (
        Decimal(600),
        "免除",
        "萌水镇中心小学",
        "在校",
    )
    again = run(workbook(tmp_path / "ok.xlsx", good_rows), actor=jim)  # re-importing changes nothing
    assert (again.enrolments_unchanged, again.benefits_unchanged, again.enrolments_created) == (2, 3, 0)


def test_a_list_with_errors_writes_nothing_and_reports_every_row(
    tmp_path: Path, good_rows: list, child: Person
) -> None:
    bad = [
        *good_rows,
        ["370303201301010001", "某某", "初中", "商家中学", "", "", "", "", "", "", ""],  # wrong check digit
        [child.id_number, "李晓明", "初中", "商家中学", "", "", "", "", "", "", ""],  # name does not match
        [
            child.id_number,
            "李小明",
            "初中",
            "商家中学",
            "七年级",
            "在校",
            "学杂费",
            800,
            "免除",
            f"{SCHOOL_YEAR}-09-10",
            "",
        ],
        [
            child.id_number,
            "李小明",
            "初中",
            "商家中学",
            "七年级",
            "在校",
            "伙食费",
            "六百",
            "免除",
            f"{SCHOOL_YEAR}-09-10",
            "",
        ],
        [child.id_number, "李小明", "大学", "某大学", "", "", "", "", "", "", ""],
    ]
    result = run(workbook(tmp_path / "bad.xlsx", bad))
    assert not result.applied
    assert Enrolment.objects.count() == 0  # all or nothing
    assert Benefit.objects.count() == 0
    found = {(e.row, e.column) for e in result.errors}
    assert found == {(6, "证件号码"), (7, "姓名"), (8, "资助项目"), (9, "金额"), (10, "学段")}
    messages = {e.row: e.message for e in result.errors}
    assert "校验位" in messages[6]
    assert "李小明" in messages[7]
    assert "初中阶段没有“学杂费”" in messages[8]
    report = tmp_path / "errors.xlsx"
    write_report(report, result.errors)
    rows = list(load_workbook(report).active.iter_rows(values_only=True))
    assert rows[0] == ("行号", "列", "值", "问题")
    values = {r[2] for r in rows}
    assert "370303********0001" in values
    assert "370303201301010001" not in values


def test_a_student_outside_the_scope_is_unknown(tmp_path: Path, good_rows: list, areas: dict) -> None:
    result = school_list_import(
        path=workbook(tmp_path / "x.xlsx", good_rows), actor=None,
        households=Household.objects.filter(village__parent=areas["商家镇"]), school_year=SCHOOL_YEAR, dry_run=False,
        today=timezone.localdate(),
    )  # fmt: skip
    assert [(e.row, e.message[:7]) for e in result.errors] == [(5, "在您的管辖范围")]
    assert Enrolment.objects.count() == 0


def test_a_file_without_the_header_is_refused(tmp_path: Path, db: None) -> None:
    book = Workbook()
    book.active.append(["姓名", "学校"])
    book.save(tmp_path / "h.xlsx")
    with pytest.raises(SchoolListInvalidError, match="证件号码"):
        run(tmp_path / "h.xlsx")


def test_preview_then_confirm_in_the_browser(
    client: Client, tmp_path: Path, good_rows: list, jim: User, settings: object
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(jim)
    upload = SimpleUploadedFile("名单.xlsx", workbook(tmp_path / "ok.xlsx", good_rows).read_bytes())
    response = client.post(reverse("education:import"), {"school_year": SCHOOL_YEAR, "file": upload})
    assert response.status_code == 200
    body = response.content.decode()
    assert "学籍：新增 2 条，更新 0 条，不变 0 条" in body
    assert "资助记录：新增 3 条" in body
    assert Enrolment.objects.count() == 0  # the preview writes nothing
    token = response.context["token"]
    response = client.post(reverse("education:import_confirm"), {"token": token})
    assert response.status_code == 302
    assert Enrolment.objects.count() == 2
    assert AuditEvent.objects.filter(action="import", actor=jim).exists()
    # the same token cannot be replayed: the file is gone
    response = client.post(reverse("education:import_confirm"), {"token": token})
    assert response.status_code == 302
    assert Enrolment.objects.count() == 2


def test_the_browser_shows_every_bad_row_and_offers_the_report(
    client: Client, tmp_path: Path, good_rows: list, child: Person, jim: User, alice: User, settings: object
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    head = child.household.members.get(name="李强")
    bad = [*good_rows, [head.id_number, "李强", "本科及以上", " ", "", "", "", "", "", "", ""]]
    client.force_login(jim)
    upload = SimpleUploadedFile("名单.xlsx", workbook(tmp_path / "bad.xlsx", bad).read_bytes())
    response = client.post(reverse("education:import"), {"school_year": SCHOOL_YEAR, "file": upload})
    body = response.content.decode()
    assert "有 1 个问题，整个名单都没有写入" in body
    assert "请填写学校名称" in body
    assert "确认导入" not in body
    report = client.get(reverse("education:import_errors"), {"token": response.context["token"]})
    rows = list(load_workbook(BytesIO(b"".join(report.streaming_content))).active.iter_rows(values_only=True))
    assert rows[1][:2] == (6, "学校")
    client.force_login(alice)  # another user cannot fetch it (nor may a clerk import)
    assert client.get(reverse("education:import_errors"), {"token": response.context["token"]}).status_code == 403


def test_an_unreadable_file_is_a_form_error(client: Client, tmp_path: Path, jim: User, settings: object) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(jim)
    upload = SimpleUploadedFile("名单.xlsx", b"PK\x03\x04 not a zip at all")
    response = client.post(reverse("education:import"), {"school_year": SCHOOL_YEAR, "file": upload})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_the_command(tmp_path: Path, good_rows: list, child: Person, jim: User, capsys: pytest.CaptureFixture) -> None:
    path = workbook(tmp_path / "ok.xlsx", good_rows)
    call_command("import_school_list", str(path), "--school-year", str(SCHOOL_YEAR), "--dry-run")
    assert "检查通过，未写入" in capsys.readouterr().out
    assert Enrolment.objects.count() == 0
    bad = workbook(tmp_path / "bad.xlsx", [*good_rows, [child.id_number, "张三", "初中", "商家中学"]])
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "import_school_list",
            str(bad),
            "--school-year",
            str(SCHOOL_YEAR),
            "--error-report",
            str(tmp_path / "r.xlsx"),
        )
    assert exit_.value.code == 1
    assert (tmp_path / "r.xlsx").exists()
    call_command("import_school_list", str(path), "--school-year", str(SCHOOL_YEAR), "--user", "jim")
    assert Enrolment.objects.filter(recorded_by=jim).count() == 2
    assert mask_id_number(child.id_number) not in capsys.readouterr().err


def test_stale_uploads_are_swept(client: Client, tmp_path: Path, good_rows: list, jim: User, settings: object) -> None:
    import os

    settings.MEDIA_ROOT = tmp_path / "media"
    stale = tmp_path / "media" / "education_imports" / "old.upload"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"x")
    os.utime(stale, (0, 0))
    client.force_login(jim)
    upload = SimpleUploadedFile("名单.xlsx", workbook(tmp_path / "ok.xlsx", good_rows).read_bytes())
    client.post(reverse("education:import"), {"school_year": SCHOOL_YEAR, "file": upload})
    assert not stale.exists()
    assert len(list(stale.parent.glob("*.upload"))) == 1  # the new one, kept for the confirmation
