"""The import and export pages: upload → check → preview → confirm; scope, permissions, methods; downloads."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from accounts.models import Area, User
from households.models import Household, ImportStatus, LedgerImport, Person
from wenchanghu.celery import app as celery_app

from .factories import make_household
from .ledgers import head, member, write_xlsx


@pytest.fixture(autouse=True)
def _media(tmp_path: Path, settings: object) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def ledger_bytes(tmp_path: Path, rows: list[dict]) -> bytes:
    return write_xlsx(tmp_path / "upload.xlsx", rows).read_bytes()


def upload(client: Client, content: bytes, name: str = "台账.xlsx", year: str = "2025") -> object:
    return client.post("/households/import/", {"file": SimpleUploadedFile(name, content), "year": year})


def shangjia_rows() -> list[dict]:
    return [head("W1", "钱一"), member("W1", "钱二"), head("W2", "孙三", village="李家村")]


def test_upload_check_preview_confirm(
    client: Client, tmp_path: Path, alice: User, eager: None, django_capture_on_commit_callbacks: object
) -> None:
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, ledger_bytes(tmp_path, shangjia_rows()))
    job = LedgerImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/households/import/{job.pk}/"
    assert job.status == ImportStatus.CHECKED
    assert not Household.objects.exists()  # the check writes nothing

    page = client.get(f"/households/import/{job.pk}/").content.decode()
    assert "检查通过，等待确认" in page
    assert "确认导入" in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/households/import/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert job.summary["households_created"] == 2
    assert Person.objects.count() == 3
    assert job.stored_file == ""  # the upload is removed when the job ends
    assert not list((Path(settings.MEDIA_ROOT) / "imports").iterdir())
    assert Household.objects.get(number="W1").history.first().history_user == alice
    assert "已导入" in client.get("/households/import/").content.decode()


def test_preview_shows_changed_values_side_by_side(
    client: Client, tmp_path: Path, alice: User, eager: None, django_capture_on_commit_callbacks: object
) -> None:
    rows = shangjia_rows()
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, ledger_bytes(tmp_path, rows))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/households/import/{LedgerImport.objects.get().pk}/confirm/")
    rows[0]["联系电话"] = "13700001111"
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, ledger_bytes(tmp_path, rows))
    job = LedgerImport.objects.first()
    assert job.summary["households_updated"] == 1
    page = client.get(f"/households/import/{job.pk}/").content.decode()
    assert "13800138000" in page
    assert "13700001111" in page


def test_errors_are_listed_and_downloadable(
    client: Client, tmp_path: Path, alice: User, eager: None, django_capture_on_commit_callbacks: object
) -> None:
    rows = [*shangjia_rows(), head("X1", "外镇户", town="萌水镇", village="萌水村")]
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, ledger_bytes(tmp_path, rows))
    job = LedgerImport.objects.get()
    assert job.status == ImportStatus.INVALID
    page = client.get(f"/households/import/{job.pk}/").content.decode()
    assert "不在您的管辖范围内" in page
    assert "确认导入" not in page
    response = client.get(f"/households/import/{job.pk}/errors.xlsx")
    assert response.status_code == 200
    lines = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert lines[0] == ("行号", "列", "值", "问题")
    assert lines[1][:2] == (5, "行政村")
    assert client.post(f"/households/import/{job.pk}/confirm/").status_code == 302
    assert not Household.objects.exists()


def test_cancel_ends_the_job_and_removes_the_file(
    client: Client, tmp_path: Path, alice: User, eager: None, django_capture_on_commit_callbacks: object
) -> None:
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, ledger_bytes(tmp_path, shangjia_rows()))
    job = LedgerImport.objects.get()
    stored = Path(job.stored_file)
    assert stored.exists()
    client.post(f"/households/import/{job.pk}/cancel/")
    job.refresh_from_db()
    assert job.status == ImportStatus.CANCELLED
    assert not stored.exists()
    client.post(f"/households/import/{job.pk}/confirm/")
    assert not Household.objects.exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        pytest.param(b"\x00\x01\x02\x03 binary", "x.xlsx", "无法识别", id="not a spreadsheet by content"),
        pytest.param(b"PK\x03\x04" + b"0" * 64, "big.xlsx", "文件太大", id="too large"),
    ],
)
def test_bad_uploads_are_refused(
    client: Client, alice: User, settings: object, content: bytes, name: str, message: str
) -> None:
    settings.LEDGER_UPLOAD_MAX_BYTES = 32
    client.force_login(alice)
    response = upload(client, content, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not LedgerImport.objects.exists()


def test_import_pages_are_403_without_permission(client: Client, sam: User, vera: User) -> None:
    for user in (sam, vera):
        client.force_login(user)
        assert client.get("/households/import/").status_code == 403
        assert upload(client, b"a,b").status_code == 403


def test_another_clerks_import_is_404(client: Client, alice: User, bob: User, dora: User) -> None:
    job = LedgerImport.objects.create(actor=alice, file_name="a.xlsx", year=2025, status=ImportStatus.CHECKED)
    client.force_login(bob)
    for url in ("", "errors.xlsx"):
        assert client.get(f"/households/import/{job.pk}/{url}").status_code == 404
    assert client.post(f"/households/import/{job.pk}/confirm/").status_code == 404
    assert client.post(f"/households/import/{job.pk}/cancel/").status_code == 404
    client.force_login(dora)  # the district office sees every import, but confirms only its own
    assert client.get(f"/households/import/{job.pk}/").status_code == 200
    client.post(f"/households/import/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED


def test_import_pages_refuse_the_wrong_method(client: Client, alice: User) -> None:
    job = LedgerImport.objects.create(actor=alice, file_name="a.xlsx", year=2025)
    client.force_login(alice)
    assert client.put("/households/import/").status_code == 405
    assert client.post(f"/households/import/{job.pk}/").status_code == 405
    assert client.get(f"/households/import/{job.pk}/confirm/").status_code == 405
    assert client.get(f"/households/import/{job.pk}/cancel/").status_code == 405
    assert client.post(f"/households/import/{job.pk}/errors.xlsx").status_code == 405


def test_a_running_job_page_refreshes_itself(client: Client, alice: User) -> None:
    job = LedgerImport.objects.create(
        actor=alice, file_name="a.xlsx", year=2025, status=ImportStatus.CHECKING, progress=40, stage="检查第 5000 行"
    )
    client.force_login(alice)
    page = client.get(f"/households/import/{job.pk}/").content.decode()
    assert 'http-equiv="refresh"' in page
    assert "40%" in page
    assert "检查第 5000 行" in page


# ---- export download --------------------------------------------------------------------------------------


def test_export_download_follows_filters_and_scope(
    client: Client, areas: dict[str, Area], alice: User, dora: User
) -> None:
    make_household(village=areas["商家村"], actor=dora, number="D1")
    make_household(village=areas["李家村"], actor=dora, number="D2")
    make_household(village=areas["萌水村"], actor=dora, number="D3")
    client.force_login(alice)
    response = client.get("/households/export/", {"village": areas["李家村"].pk})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert [r[4] for r in rows[2:]] == ["D2"]
    response = client.get("/households/export/")
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert sorted(r[4] for r in rows[2:]) == ["D1", "D2"]  # never 萌水镇's


def test_export_download_is_403_without_permission(client: Client, sam: User) -> None:
    client.force_login(sam)
    assert client.get("/households/export/").status_code == 403


def test_export_download_refuses_post(client: Client, alice: User) -> None:
    client.force_login(alice)
    assert client.post("/households/export/").status_code == 405


# ---- a real worker ----------------------------------------------------------------------------------------


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (always set in CI)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_import_runs_in_a_celery_worker_over_redis(
    client: Client, tmp_path: Path, areas: dict[str, Area], alice: User
) -> None:
    """Production's path: the upload queues a task in Redis, a real worker checks, then imports."""
    import time

    from celery.contrib.testing.worker import start_worker

    assert not celery_app.conf.task_always_eager
    client.force_login(alice)
    with start_worker(celery_app, perform_ping_check=False, pool="solo", shutdown_timeout=10):
        upload(client, ledger_bytes(tmp_path, shangjia_rows()))
        job = LedgerImport.objects.get()
        deadline = time.monotonic() + 30
        while job.status != ImportStatus.CHECKED and time.monotonic() < deadline:
            time.sleep(0.2)
            job.refresh_from_db()
        assert job.status == ImportStatus.CHECKED
        client.post(f"/households/import/{job.pk}/confirm/")
        while job.status != ImportStatus.DONE and time.monotonic() < deadline:
            time.sleep(0.2)
            job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Household.objects.filter(number__in=["W1", "W2"]).count() == 2


def test_a_crash_ends_the_job_as_failed_and_removes_the_file(
    client: Client, tmp_path: Path, alice: User, eager: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from households.ledger import jobs

    def crash(**kwargs: object) -> None:
        raise RuntimeError("worker killed")

    monkeypatch.setattr(jobs, "ledger_import", crash)
    client.force_login(alice)
    job = jobs.import_upload(
        actor=alice, upload=SimpleUploadedFile("a.xlsx", ledger_bytes(tmp_path, shangjia_rows())), year=2025
    )
    stored = Path(job.stored_file)
    jobs.import_check(job_id=job.pk)  # recorded on the job, never raised (it would be a 500 in the request)
    job.refresh_from_db()
    reason = f"检查时出错：系统内部错误（RuntimeError），未写入任何数据。请把导入编号 {job.pk} 告诉系统管理员。"
    assert (job.status, job.stage) == (ImportStatus.FAILED, reason)
    assert not stored.exists()
    assert not Household.objects.exists()
    page = client.get(f"/households/import/{job.pk}/").content.decode()
    assert "导入失败" in page
    assert reason in page


def test_a_crash_while_importing_is_shown_not_a_500(
    client: Client,
    tmp_path: Path,
    alice: User,
    eager: None,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: object,
) -> None:
    from households.ledger import importer

    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, ledger_bytes(tmp_path, shangjia_rows()))
    job = LedgerImport.objects.get()

    def crash(*args: object, **kwargs: object) -> None:
        raise ConnectionError("lost the database connection")

    monkeypatch.setattr(importer, "insert_rows", crash)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/households/import/{job.pk}/confirm/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.stage.startswith("导入时出错：系统内部错误（ConnectionError），未写入任何数据。")
    assert not Household.objects.exists()
    assert job.stage in client.get(f"/households/import/{job.pk}/").content.decode()


def test_the_preview_notes_a_status_the_ledger_may_not_change(
    client: Client, tmp_path: Path, alice: User, eager: None, django_capture_on_commit_callbacks: object
) -> None:
    rows = shangjia_rows()
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, ledger_bytes(tmp_path, rows))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/households/import/{LedgerImport.objects.get().pk}/confirm/")
    rows[0].update(脱贫属性="已脱贫", 脱贫年度="2024")
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, ledger_bytes(tmp_path, rows))
    job = LedgerImport.objects.first()
    assert job.status == ImportStatus.CHECKED
    page = client.get(f"/households/import/{job.pk}/").content.decode()
    assert "户编号 W1（户主 钱一）：台账中的脱贫属性为“已脱贫”，系统中为“未脱贫”，未按台账修改。" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/households/import/{job.pk}/confirm/")
    assert Household.objects.get(number="W1").status == "未脱贫"


def test_the_export_is_named_after_the_area_and_year_with_a_frozen_header_and_fitted_columns(
    client: Client, areas: dict[str, Area], alice: User, dora: User
) -> None:
    """Issue 17: 商家镇-商家村-2025年台账.xlsx, the header stays on screen, columns as wide as their content."""
    from urllib.parse import unquote

    from households.selectors import default_year

    make_household(village=areas["商家村"], actor=dora, number="370303100201010001")
    client.force_login(alice)
    response = client.get("/households/export/", {"village": areas["商家村"].pk})
    assert f"商家镇-商家村-{default_year()}年台账.xlsx" in unquote(response["Content-Disposition"])
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.freeze_panes == "A3"  # the title row and the header row stay
    number_column = next(c.column_letter for c in sheet[2] if c.value == "户编号")
    assert sheet.column_dimensions[number_column].width >= len("370303100201010001")
    response = client.get("/households/export/")
    assert f"商家镇-{default_year()}年台账.xlsx" in unquote(response["Content-Disposition"])
