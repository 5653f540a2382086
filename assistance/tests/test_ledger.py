"""The ledger's 帮扶责任人 columns: cadres and pairings filled by the import, written back by the export."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from accounts.models import Area, User
from assistance.models import Cadre, Pairing
from households.models import Household
from households.tests.ledgers import HEADER, head, member, write_xlsx
from households.tests.test_import import run

from .factories import make_cadre, pair

pytestmark = pytest.mark.django_db

CADRE_HEADER = [*HEADER, "帮扶责任人", "帮扶责任人联系电话", "帮扶单位"]


def ledger(tmp_path: Path, rows: list[dict], name: str = "ledger.xlsx", header: list[str] = CADRE_HEADER) -> Path:
    return write_xlsx(tmp_path / name, rows, header=header)


def current_cadre(number: str) -> str:
    return Pairing.objects.active().get(household__number=number).cadre.name


def test_an_unknown_cadre_is_created_and_paired(tmp_path: Path, areas: dict[str, Area]) -> None:
    rows = [
        head("H001", "张大山", 帮扶责任人="李志强", 帮扶责任人联系电话="13900001111", 帮扶单位="区财政局"),
        member("H001", "李秀英"),
        head("H002", "王建国", 帮扶责任人="李志强"),  # the same cadre, phone given only once
        head("H003", "赵明"),  # no cadre in the ledger
    ]
    code, out, err = run(ledger(tmp_path, rows))
    assert code == 0, err
    cadre = Cadre.objects.get()
    assert (cadre.name, cadre.phone, cadre.unit, cadre.rank) == ("李志强", "13900001111", "区财政局", "")
    assert current_cadre("H001") == current_cadre("H002") == "李志强"
    assert not Pairing.objects.filter(household__number="H003").exists()
    assert "帮扶结对：新登记干部 1 名，新结对 2 户，更换帮扶责任人 0 户，未变 0 户。" in out


def test_the_same_ledger_imported_again_writes_nothing(tmp_path: Path, areas: dict[str, Area]) -> None:
    path = ledger(tmp_path, [head("H001", "张大山", 帮扶责任人="李志强", 帮扶责任人联系电话="13900001111")])
    assert run(path)[0] == 0
    histories = (Cadre.history.count(), Pairing.history.count())
    code, out, _err = run(path)
    assert code == 0
    assert "新结对 0 户，更换帮扶责任人 0 户，未变 1 户" in out
    assert (Cadre.history.count(), Pairing.history.count()) == histories


def test_a_known_cadre_is_matched_by_name_and_phone(tmp_path: Path, areas: dict[str, Area], dora: User) -> None:
    known = make_cadre(actor=dora, name="王建国", phone="13900002222", rank="科级干部")
    make_cadre(actor=dora, name="王建国", phone="13900003333", rank="一般干部")  # a namesake
    code, _out, err = run(
        ledger(tmp_path, [head("H001", "张大山", 帮扶责任人="王建国", 帮扶责任人联系电话="139 0000 2222")])
    )
    assert code == 0, err
    assert Pairing.objects.active().get().cadre == known
    assert Cadre.objects.count() == 2


def test_a_phone_conflict_is_a_row_error_and_nothing_is_written(
    tmp_path: Path, areas: dict[str, Area], dora: User
) -> None:
    make_cadre(actor=dora, name="李志强", phone="13900001111")
    path = ledger(tmp_path, [head("H001", "张大山", 帮扶责任人="李志强", 帮扶责任人联系电话="13900009999")])
    code, _out, err = run(path, "--error-report", str(tmp_path / "errors.xlsx"))
    assert code == 1
    assert (
        "第 2 行 帮扶责任人联系电话：帮扶责任人“李志强”在干部名册中登记的电话是 139****1111，与本行的电话不一致" in err
    )
    assert not Household.objects.exists()
    assert not Pairing.objects.exists()
    report = [list(r) for r in load_workbook(tmp_path / "errors.xlsx").active.iter_rows(values_only=True)]
    assert report[1][:3] == [2, "帮扶责任人联系电话", "139****9999"]


def test_namesakes_without_a_phone_are_ambiguous(tmp_path: Path, areas: dict[str, Area], dora: User) -> None:
    make_cadre(actor=dora, name="王建国", phone="13900002222")
    make_cadre(actor=dora, name="王建国", phone="13900003333")
    code, _out, err = run(ledger(tmp_path, [head("H001", "张大山", 帮扶责任人="王建国")]))
    assert code == 1
    assert "干部名册中有 2 位名叫“王建国”的干部，请填写帮扶责任人联系电话以区分。" in err


def test_a_phone_without_a_name_is_a_row_error(tmp_path: Path, areas: dict[str, Area]) -> None:
    code, _out, err = run(ledger(tmp_path, [head("H001", "张大山", 帮扶责任人联系电话="13900001111")]))
    assert code == 1
    assert "没有填写帮扶责任人姓名" in err


def test_an_inactive_cadre_is_not_paired_by_the_import(tmp_path: Path, areas: dict[str, Area], dora: User) -> None:
    make_cadre(actor=dora, name="李志强", phone="13900001111", active=False)
    code, _out, err = run(ledger(tmp_path, [head("H001", "张大山", 帮扶责任人="李志强")]))
    assert code == 1
    assert "已设为不在岗" in err


def test_a_new_cadre_in_the_ledger_hands_the_household_over(
    tmp_path: Path, areas: dict[str, Area], alice: User, dora: User
) -> None:
    row = head("H001", "张大山", 帮扶责任人="李志强")
    assert run(ledger(tmp_path, [row]))[0] == 0
    household = Household.objects.get()
    code, out, err = run(ledger(tmp_path, [{**row, "帮扶责任人": "孔明"}], name="second.xlsx"))
    assert code == 0, err
    assert "更换帮扶责任人 1 户" in out
    old, new = household.pairings.order_by("pk")
    assert (old.cadre.name, old.end_reason, old.successor) == ("李志强", "台账更换", new)
    assert (new.cadre.name, new.ended_on) == ("孔明", None)


def test_a_blank_cadre_cell_leaves_the_pairing_alone(tmp_path: Path, areas: dict[str, Area], dora: User) -> None:
    row = head("H001", "张大山", 帮扶责任人="李志强")
    assert run(ledger(tmp_path, [row]))[0] == 0
    assert run(ledger(tmp_path, [{**row, "帮扶责任人": ""}], name="blank.xlsx"))[0] == 0
    assert current_cadre("H001") == "李志强"
    assert run(ledger(tmp_path, [row], name="nocol.xlsx", header=HEADER))[0] == 0
    assert current_cadre("H001") == "李志强"


def test_a_cadre_over_quota_is_a_note_not_an_error(tmp_path: Path, areas: dict[str, Area]) -> None:
    # The district's own sample ledger has a cadre with four households: the import records it and says so.
    rows = [head(f"H00{i}", f"户主{i}", 帮扶责任人="李志强") for i in range(1, 5)]
    code, out, err = run(ledger(tmp_path, rows))
    assert code == 0, err
    assert "注意：帮扶责任人李志强（类别未登记，按一般干部计）导入后结对 4 户，超过上限 2 户" in out
    assert Pairing.objects.active().count() == 4


def test_the_sample_ledger_imports_with_its_cadres(areas: dict[str, Area]) -> None:
    sample = Path(__file__).resolve().parents[2].parent / "shared" / "ledger" / "sample.xlsx"
    if not sample.exists():
        pytest.skip("the shared sample ledger is not beside the repository")
    code, _out, err = run(sample)
    assert code == 0, err
    assert sorted(Cadre.objects.values_list("name", flat=True)) == ["李志强", "王建国"]
    assert Pairing.objects.active().filter(cadre__name="李志强").count() == 4


def test_the_export_writes_the_cadre_and_reimports_unchanged(
    tmp_path: Path, areas: dict[str, Area], dora: User
) -> None:
    from households.tests.factories import make_household

    household = make_household(village=areas["商家村"], actor=dora, number="H001")
    pair(
        actor=dora, household=household, cadre=make_cadre(actor=dora, name="孔明", phone="13900001111", unit="区财政局")
    )
    out = tmp_path / "export.xlsx"
    call_command("export_ledger", str(out), stdout=io.StringIO())
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    header = list(rows[1])
    row = dict(zip(header, rows[2], strict=True))
    assert (row["帮扶责任人"], row["帮扶责任人联系电话"], row["帮扶单位"]) == ("孔明", "13900001111", "区财政局")
    history = Pairing.history.count()
    code, stdout, err = run(out)
    assert code == 0, err
    assert "未变 1 户" in stdout
    assert Pairing.history.count() == history


def test_one_rostered_cadre_given_two_phones_in_the_ledger_is_a_row_error(
    tmp_path: Path, areas: dict[str, Area], dora: User
) -> None:
    make_cadre(actor=dora, name="李志强", phone="")
    rows = [
        head("H001", "张大山", 帮扶责任人="李志强", 帮扶责任人联系电话="13900001111"),
        head("H002", "王建国", 帮扶责任人="李志强", 帮扶责任人联系电话="13900002222"),
    ]
    code, _out, err = run(ledger(tmp_path, rows))
    assert code == 1
    assert "台账中帮扶责任人“李志强”填了不同的电话（另一处为 139****1111），干部名册中只有一位“李志强”" in err
    assert Cadre.objects.get().phone == ""


def test_a_rostered_cadre_without_a_phone_gets_the_ledger_s(tmp_path: Path, areas: dict[str, Area], dora: User) -> None:
    cadre = make_cadre(actor=dora, name="李志强", phone="")
    code, _out, err = run(
        ledger(tmp_path, [head("H001", "张大山", 帮扶责任人="李志强", 帮扶责任人联系电话="13900001111")])
    )
    assert code == 0, err
    cadre.refresh_from_db()
    assert cadre.phone == "13900001111"
    assert Pairing.objects.active().get().cadre == cadre


def test_a_clerks_masked_export_keeps_the_cadre(
    tmp_path: Path, areas: dict[str, Area], alice: User, dora: User, client: object
) -> None:
    from households.tests.factories import make_household

    household = make_household(village=areas["商家村"], actor=dora, number="H001")
    cadre = make_cadre(actor=dora, name="孔明", phone="13900001111", unit="区财政局")
    pair(actor=dora, household=household, cadre=cadre)
    make_cadre(actor=dora, name="孔明", phone="13900002222")  # a namesake: the masked phone tells them apart
    client.force_login(alice)
    content = b"".join(client.get("/households/export/").streaming_content)
    path = tmp_path / "masked.xlsx"
    path.write_bytes(content)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    row = dict(zip(rows[1], rows[2], strict=True))
    assert row["帮扶责任人联系电话"] == "139****1111"
    history = Pairing.history.count(), Cadre.history.count()
    code, stdout, err = run(path)
    assert code == 0, err
    assert "新结对 0 户，更换帮扶责任人 0 户，未变 1 户" in stdout
    assert (Pairing.history.count(), Cadre.history.count()) == history


def test_a_masked_cadre_phone_that_fits_no_rostered_cadre_is_a_row_error(
    tmp_path: Path, areas: dict[str, Area], dora: User
) -> None:
    make_cadre(actor=dora, name="孔明", phone="13900001111")
    path = ledger(tmp_path, [head("H001", "张大山", 帮扶责任人="孔明", 帮扶责任人联系电话="139****9999")])
    code, _out, err = run(path)
    assert code == 1
    assert (
        "第 2 行 帮扶责任人联系电话：帮扶责任人联系电话是脱敏的号码（139****9999），干部名册中没有电话与之相符的“孔明”"
        in err
    )
    assert not Household.objects.exists()
