"""export_ledger: canonical columns, text IDs and phones, formula-safe cells, and a round trip that changes nothing."""

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from accounts.models import Area, User
from households.ledger.exporter import ledger_header
from households.models import Relation
from households.services import income_set

from .factories import make_household, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_towns(areas: dict[str, Area], dora: User) -> None:
    h = make_household(
        village=areas["商家村"],
        actor=dora,
        number="E1",
        phone="13800138000",
        members=[member('=HYPERLINK("http://x","点我")'), member("-妻", Relation.SPOUSE, male=False)],
    )
    income_set(actor=dora, household=h, year=2025, data={"wage": Decimal(7000), "transfer": Decimal(300)})
    make_household(village=areas["萌水村"], actor=dora, number="E2", status="已脱贫", exit_year=2017)


def export(tmp_path: Path, *args: str) -> tuple[list[tuple], Path]:
    path = tmp_path / "out.xlsx"
    out = io.StringIO()
    call_command("export_ledger", str(path), *args, stdout=out)
    return list(load_workbook(path).active.iter_rows(values_only=True)), path


def test_export_columns_and_values(tmp_path: Path, two_towns: None) -> None:
    rows, _ = export(tmp_path, "--year", "2025")
    header_index = next(i for i, r in enumerate(rows) if r[: len(ledger_header())] == tuple(ledger_header()))
    assert header_index == 1  # one title row above the header
    data = [dict(zip(ledger_header(), r, strict=False)) for r in rows[header_index + 1 :]]
    assert len(data) == 3
    head = next(d for d in data if d["与户主关系"] == "户主" and d["户编号"] == "E1")
    assert isinstance(head["证件号码"], str)
    assert len(head["证件号码"]) == 18
    assert head["联系电话"] == "13800138000"
    assert head["人数"] == 2
    assert head["人均纯收入"] == 3650
    assert head["乡(镇)"] == "商家镇"
    e2 = next(d for d in data if d["户编号"] == "E2")
    assert (e2["脱贫属性"], e2["脱贫年度"]) == ("已脱贫", 2017)
    assert e2["联系电话"] is None  # empty is empty, not "None"


def test_export_never_writes_a_formula(tmp_path: Path, two_towns: None) -> None:
    rows, path = export(tmp_path)
    names = [r[6] for r in rows[2:]]
    assert '=HYPERLINK("http://x","点我")' in names  # the text itself, unchanged
    assert "-妻" in names
    with zipfile.ZipFile(path) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    assert 'quotePrefix="1"' in zipfile.ZipFile(path).read("xl/styles.xml").decode()


def test_export_one_town(tmp_path: Path, two_towns: None) -> None:
    rows, _ = export(tmp_path, "--town", "萌水镇")
    assert {r[4] for r in rows[2:]} == {"E2"}
    with pytest.raises(CommandError, match="没有名为“火星镇”的镇"):
        export(tmp_path, "--town", "火星镇")


def test_an_export_reimports_unchanged(tmp_path: Path, two_towns: None) -> None:
    _, path = export(tmp_path, "--year", "2025")
    out = io.StringIO()
    call_command("import_ledger", str(path), "--year", "2025", stdout=out)
    assert (
        out.getvalue().strip().splitlines()[-1].endswith("农户：新增 0，更新 0，未变 2；人员：新增 0，更新 0，未变 3。")
    )
