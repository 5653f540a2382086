"""The inspection pack's PDF renders Chinese (page 1 rendered to PNG is not blank, its text is Chinese), and
the household file (户档) has the district's title, masked IDs and page numbers."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from accounts.models import Area, User
from households.selectors import default_year
from reports import pack as pack_module
from reports.models import InspectionPack, PackStatus
from reports.pack import household_file_pdf, pack_build, pack_sections, write_pdf

pytestmark = pytest.mark.django_db
PDFTOPPM = shutil.which("pdftoppm")
needs_poppler = pytest.mark.skipif(
    PDFTOPPM is None and os.environ.get("CI", "").lower() not in ("1", "true", "yes"),
    reason="poppler-utils (pdftoppm) is not installed",
)


def page_one(pdf: bytes, tmp_path: Path) -> tuple[Image.Image, str]:
    source = tmp_path / "pack.pdf"
    source.write_bytes(pdf)
    subprocess.run(  # noqa: S603 — fixed tools on files this test wrote
        [PDFTOPPM or "pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", source, tmp_path / "p"], check=True
    )
    pdftotext = shutil.which("pdftotext") or "pdftotext"
    text = subprocess.run([pdftotext, "-l", "1", source, "-"], check=True, capture_output=True, text=True).stdout  # noqa: S603
    return Image.open(next(tmp_path.glob("p*.png"))).convert("L"), text


@needs_poppler
def test_the_pack_pdf_page_one_shows_chinese(world: dict, areas: dict[str, Area], tmp_path: Path) -> None:
    sections = pack_sections(areas["商家镇"], default_year())
    pdf = write_pdf(sections, title="商家镇 迎检资料", subtitle="商家镇 迎检资料")
    image, text = page_one(pdf, tmp_path)
    dark = sum(image.histogram()[:128])
    assert dark > 2000  # glyphs drawn, not a blank page
    assert "文昌湖省级旅游度假区" in text
    assert "汇总" in text
    assert "第 1 页 / 共" in text


@needs_poppler
def test_the_household_file_masks_ids_and_numbers_pages(world: dict, tmp_path: Path) -> None:
    pdf = household_file_pdf(world["poor"], year=default_year(), title="文昌湖区扶贫办")
    image, text = page_one(pdf, tmp_path)
    assert "SJ-1" in text
    assert "王大" in text
    assert "********" in text
    assert image.getextrema()[0] < 100


def test_a_pdf_pack_is_built_with_progress_and_a_missing_font_says_what_to_install(
    world: dict, alice: User, areas: dict[str, Area], monkeypatch: pytest.MonkeyPatch, settings: object, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    pack = InspectionPack.objects.create(actor=alice, area=areas["商家村"], year=default_year(), format="pdf")
    built = pack_build(pack_id=pack.pk)
    assert (built.status, built.progress) == (PackStatus.DONE, 100)
    assert (tmp_path / built.stored_file).read_bytes().startswith(b"%PDF")

    def no_font() -> tuple[str, int]:
        raise RuntimeError(pack_module.NO_FONT)

    monkeypatch.setattr(pack_module, "cjk_font", no_font)
    failed = pack_build(
        pack_id=InspectionPack.objects.create(actor=alice, area=areas["商家村"], year=2024, format="pdf").pk
    )
    assert failed.status == PackStatus.FAILED
    assert "fonts-noto-cjk" in failed.error
