"""The app's plugs into the registry: the fingerprint the nightly job hashes, the change log, the roles, the
demo step, and the import command."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from openpyxl import Workbook, load_workbook

from accounts.models import Area, User
from funds import services
from funds.demo import seed_funds_demo
from funds.models import DividendRun, FundSource, Project
from funds.selectors import household_fund_changes
from households.models import Household
from households.selectors import facts_fingerprints

from .conftest import YEAR, confirm

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the fingerprint is computed in PostgreSQL")
def test_the_fingerprint_changes_with_a_run_and_its_undoing(shared: Project, near_line: Household, dora: User) -> None:
    def fingerprint() -> str:
        return facts_fingerprints([near_line.pk], year=YEAR, salt="s")[near_line.pk]

    before = fingerprint()
    run = confirm(shared, dora)
    paid = fingerprint()
    assert paid != before
    services.dividend_publish(actor=dora, run=run, on=date(YEAR, 12, 28))
    published = fingerprint()
    assert published != paid  # the status is part of it (cheap, and safe)
    other_year = confirm(shared, dora, year=YEAR - 1)
    assert fingerprint() == published  # another year's run does not touch this year's facts
    services.dividend_undo(actor=dora, run=other_year, reason="x")
    assert fingerprint() == published


def test_the_change_log_has_the_benefits_and_payouts(shared: Project, near_line: Household, dora: User) -> None:
    run = confirm(shared, dora)
    services.dividend_undo(actor=dora, run=run, reason="金额录错")
    lines = [(e.what, e.reason) for e in household_fund_changes(near_line)]
    assert ("登记为项目“商家镇光伏电站”的受益户（权重 1.00）", "") in lines
    assert (f"项目“商家镇光伏电站” {YEAR} 年分红 300.00 元，计入财产性收入", "平均分配") in lines
    assert (f"撤销项目“商家镇光伏电站” {YEAR} 年分红 300.00 元", "金额录错") in lines


@pytest.mark.parametrize(
    ("persona", "writes", "reads_sources"),
    [("dora", True, True), ("fiona", True, True), ("eddie", False, True), ("alice", False, False),
     ("vera", False, False), ("audrey", False, False)],
)  # fmt: skip
def test_roles(request: pytest.FixtureRequest, persona: str, writes: bool, reads_sources: bool) -> None:
    user = request.getfixturevalue(persona)
    assert user.has_perm("funds.add_dividendrun") is writes
    assert user.has_perm("funds.export_fundledger") is writes
    assert user.has_perm("funds.view_fundsource") is reads_sources
    assert user.has_perm("funds.view_project") is (persona != "audrey")


def test_the_demo_step_is_the_plans_money_and_idempotent(areas: dict[str, Area], dora: User) -> None:
    from households.tests.factories import make_household

    for village in ("商家村", "李家村", "萌水村", "北沙村"):
        for _ in range(6):
            make_household(village=areas[village], actor=dora)
    line = seed_funds_demo(dora)
    assert "项目 17 个" in line
    from funds.selectors import plan_rows

    rows = plan_rows(dora)
    assert [(r.projects, r.invested) for r in rows] == [(12, Decimal(3000000)), (4, Decimal(3110000))]
    assert all(r.reconciled for r in rows)
    assert DividendRun.objects.count() == 12
    assert seed_funds_demo(dora) == "扶贫资金：演示数据已存在，未重复添加"
    assert FundSource.objects.count() == 7


def _write(path: Path, rows: list[list[object]]) -> Path:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def test_the_import_command(tmp_path: Path, shared: Project, near_line: Household, dora: User) -> None:
    good = _write(tmp_path / "ok.xlsx", [["户编号", "分红金额"], ["SJ-NEAR", 300]])
    args = ["--project", str(shared.pk), "--year", str(YEAR), "--income", "1000", "--paid-on", f"{YEAR}-12-20",
            "--user", "dora"]  # fmt: skip
    out = io.StringIO()
    call_command("import_dividends", str(good), *args, "--dry-run", stdout=out)
    assert "检查通过，将导入" in out.getvalue()
    assert not DividendRun.objects.exists()
    call_command("import_dividends", str(good), *args, stdout=out)
    assert DividendRun.objects.get().payouts.get().amount == Decimal(300)

    bad = _write(tmp_path / "bad.xlsx", [["户编号", "分红金额"], ["NOPE", 300]])
    report = tmp_path / "errors.xlsx"
    with pytest.raises(SystemExit) as exit_code:
        call_command("import_dividends", str(bad), *args, "--year", str(YEAR - 1), "--error-report", str(report),
                     stderr=io.StringIO())  # fmt: skip
    assert exit_code.value.code == 1
    assert [c.value for c in load_workbook(report).active[2]] == [2, "户编号", "NOPE", "在您的辖区内找不到这个户编号。"]
    (tmp_path / "junk.xlsx").write_bytes(b"\x00\x01not a workbook")
    with pytest.raises(SystemExit) as exit_code:
        call_command("import_dividends", str(tmp_path / "junk.xlsx"), *args, stderr=io.StringIO())
    assert exit_code.value.code == 2
