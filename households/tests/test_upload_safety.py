"""Hostile uploads: a zip bomb and an XML bomb are refused before anything parses them, in the browser and on
the command line; an abandoned upload is swept after 24 hours."""

import io
import os
import time
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.models import User
from households.ledger.jobs import imports_sweep
from households.models import Household, ImportStatus, LedgerImport

from .ledgers import head, write_xlsx

pytestmark = pytest.mark.django_db

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">
<c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>"""


@pytest.fixture(autouse=True)
def _media(tmp_path: Path, settings: object) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def rebuilt(
    source: Path, target: Path, *, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None
) -> Path:
    """A copy of the workbook `source` with some parts replaced or added."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item.filename, (replace or {}).get(item.filename, old.read(item.filename)))
        for name, data in (add or {}).items():
            new.writestr(name, data)
    return target


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return write_xlsx(tmp_path / "good.xlsx", [head("Z1", "张一")])


@pytest.fixture
def zip_bomb(tmp_path: Path, good: Path, settings: object) -> Path:
    # 1 GB of zeros would take a while to build: the limits are lowered instead, the shape is the same.
    settings.LEDGER_XLSX_MAX_UNPACKED_BYTES = 20 * 1024 * 1024
    return rebuilt(good, tmp_path / "bomb.xlsx", add={"xl/media/zeros.bin": b"\0" * (40 * 1024 * 1024)})


@pytest.fixture
def xml_bomb(tmp_path: Path, good: Path) -> Path:
    return rebuilt(good, tmp_path / "laughs.xlsx", replace={"xl/worksheets/sheet1.xml": BILLION_LAUGHS})


def run(path: Path) -> tuple[int, str]:
    err = io.StringIO()
    try:
        call_command("import_ledger", str(path), stdout=io.StringIO(), stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, err.getvalue()


def test_a_zip_bomb_is_refused_before_parsing(zip_bomb: Path, areas: object) -> None:
    code, err = run(zip_bomb)
    assert code == 2
    assert "压缩炸弹" in err
    assert not Household.objects.exists()


def test_a_part_that_compresses_too_well_is_refused(tmp_path: Path, good: Path, areas: object) -> None:
    bomb = rebuilt(good, tmp_path / "ratio.xlsx", add={"xl/media/zeros.bin": b"\0" * (5 * 1024 * 1024)})
    code, err = run(bomb)
    assert code == 2
    assert "压缩比" in err


def test_too_many_parts_are_refused(tmp_path: Path, good: Path, areas: object, settings: object) -> None:
    many = rebuilt(
        good, tmp_path / "many.xlsx", add={f"xl/x{i}.bin": b"x" for i in range(settings.LEDGER_XLSX_MAX_MEMBERS)}
    )
    code, err = run(many)
    assert code == 2
    assert "部件" in err


def test_an_xml_bomb_is_refused(xml_bomb: Path, areas: object) -> None:
    started = time.perf_counter()
    code, err = run(xml_bomb)
    assert code == 2
    assert "XML 炸弹" in err
    assert time.perf_counter() - started < 30  # refused, not expanded (a generous bound: shared machines)


def test_a_sound_workbook_passes_the_checks(good: Path, areas: object) -> None:
    assert run(good)[0] == 0
    assert Household.objects.filter(number="Z1").exists()


@pytest.mark.parametrize("bomb", ["zip_bomb", "xml_bomb"])
def test_the_browser_upload_refuses_a_bomb_and_keeps_no_file(
    client: Client, alice: User, request: pytest.FixtureRequest, bomb: str, settings: object
) -> None:
    path = request.getfixturevalue(bomb)
    settings.LEDGER_UPLOAD_MAX_BYTES = 100 * 1024 * 1024
    client.force_login(alice)
    response = client.post(
        "/households/import/", {"file": SimpleUploadedFile("台账.xlsx", path.read_bytes()), "year": "2025"}
    )
    assert response.status_code == 200
    assert "炸弹" in response.content.decode()
    assert not LedgerImport.objects.exists()
    folder = Path(settings.MEDIA_ROOT) / "imports"
    assert not folder.exists() or not any(folder.iterdir())


def test_an_abandoned_upload_is_swept_after_24_hours(alice: User, settings: object) -> None:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True)
    kept, abandoned, stray = folder / "kept.xlsx", folder / "abandoned.xlsx", folder / "stray.csv"
    for path in (kept, abandoned, stray):
        path.write_bytes(b"x")
    day_ago = time.time() - 25 * 3600
    os.utime(stray, (day_ago, day_ago))
    old = LedgerImport.objects.create(
        actor=alice, file_name="a.xlsx", year=2025, stored_file=str(abandoned), status=ImportStatus.CHECKED
    )
    LedgerImport.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    recent = LedgerImport.objects.create(
        actor=alice, file_name="b.xlsx", year=2025, stored_file=str(kept), status=ImportStatus.CHECKED
    )
    assert imports_sweep() == 2
    assert kept.exists()
    assert not abandoned.exists()
    assert not stray.exists()
    old.refresh_from_db()
    assert (old.status, old.stored_file) == (ImportStatus.CANCELLED, "")
    assert "已自动取消" in old.stage
    recent.refresh_from_db()
    assert recent.status == ImportStatus.CHECKED


def test_the_sweep_runs_every_hour(settings: object) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-abandoned-uploads"]
    assert entry["task"] == "households.tasks.sweep_uploads_task"
    assert entry["schedule"].hour == set(range(24))
