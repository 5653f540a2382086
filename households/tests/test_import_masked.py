"""A clerk's own export (ID numbers and phones masked) imported again: members are matched by 户编号, 姓名 and the
visible digits of the ID number, and nothing stored is overwritten by a masked value."""

import io
import itertools
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from accounts.models import Area, User
from households.idnumber import check_digit, mask_id_number
from households.models import Household, HouseholdIncome, ImportStatus, LedgerImport, Person, Relation
from households.selectors import default_year
from households.services import income_set

from .factories import make_household, member
from .ledgers import head, write_xlsx
from .ledgers import member as member_row
from .test_import import run

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(tmp_path: Path, settings: object) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def shangjia(areas: dict[str, Area], dora: User) -> Household:
    household = make_household(
        village=areas["商家村"],
        actor=dora,
        number="M1",
        phone="13800138000",
        members=[member("钱一"), member("钱二", Relation.SPOUSE, male=False, birth=date(1962, 2, 2))],
    )
    income_set(actor=dora, household=household, year=default_year(), data={"wage": Decimal(7000)})
    make_household(village=areas["李家村"], actor=dora, number="M2", phone="0533-1234567")
    return household


def snapshot() -> tuple:
    """Everything a re-import could change, history included."""
    return (
        sorted(Household.objects.values_list("number", "phone", "status", "exit_year", "attribute")),
        sorted(Person.objects.values_list("id_number", "name", "birth_date", "sex", "relation", "medical_insurance")),
        sorted(HouseholdIncome.objects.values_list("household__number", "year", "wage")),
        Household.history.count(),
        Person.history.count(),
        HouseholdIncome.history.count(),
    )


def test_a_clerks_masked_export_reimports_unchanged(
    client: Client,
    tmp_path: Path,
    alice: User,
    shangjia: Household,
    eager: None,
    django_capture_on_commit_callbacks: object,
) -> None:
    client.force_login(alice)
    response = client.get("/households/export/")
    content = b"".join(response.streaming_content)
    cells = [c for r in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True) for c in r]
    assert mask_id_number(shangjia.members.get(name="钱一").id_number) in cells  # the clerk's export is masked
    assert "138****8000" in cells
    before = snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/households/import/",
            {"file": SimpleUploadedFile("导出.xlsx", content), "year": str(default_year())},
        )
    assert response.status_code == 302
    job = LedgerImport.objects.get()
    assert job.status == ImportStatus.CHECKED, job.errors
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/households/import/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, (job.stage, job.errors)
    counts = {k: job.summary[k] for k in ("households_unchanged", "persons_unchanged", "incomes_written")}
    assert counts == {"households_unchanged": 2, "persons_unchanged": 3, "incomes_written": 0}
    assert snapshot() == before

    path = tmp_path / "export.xlsx"
    path.write_bytes(content)
    code, out, err = run(path, "--year", str(default_year()))
    assert code == 0, err
    assert "农户：新增 0，更新 0，未变 2；人员：新增 0，更新 0，未变 3" in out
    assert snapshot() == before


def test_a_masked_export_with_a_change_updates_only_that_value(
    tmp_path: Path, shangjia: Household, alice: User, client: Client
) -> None:
    client.force_login(alice)
    content = b"".join(client.get("/households/export/").streaming_content)
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.active
    header = [c.value for c in sheet[2]]
    for row in sheet.iter_rows(min_row=3):
        if row[header.index("姓名")].value == "钱二":
            row[header.index("民族")].value = "回族"
    path = tmp_path / "changed.xlsx"
    workbook.save(path)
    stored_id = shangjia.members.get(name="钱二").id_number
    code, out, err = run(path, "--year", str(default_year()))
    assert code == 0, err
    assert "人员：新增 0，更新 1，未变 2" in out
    wife = Person.objects.get(name="钱二")
    assert (wife.ethnicity, wife.id_number, wife.birth_date) == ("回族", stored_id, date(1962, 2, 2))


def test_a_new_member_with_a_masked_id_is_a_row_error(tmp_path: Path, shangjia: Household) -> None:
    head_id = shangjia.members.get(name="钱一").id_number
    rows = [
        head("M1", "钱一", 证件号码=mask_id_number(head_id), 联系电话="138****8000"),
        member_row("M1", "钱三", "之子", 证件号码="370303********0011"),
    ]
    code, _out, err = run(write_xlsx(tmp_path / "new.xlsx", rows), "--year", str(default_year()))
    assert code == 1
    assert "第 3 行 证件号码：本户没有姓名为“钱三”、证件号码为 370303********0011 的成员" in err
    assert "新增成员须填写完整的 18 位证件号码" in err
    assert not Person.objects.filter(name="钱三").exists()


def test_a_masked_phone_that_differs_from_the_stored_one_is_a_row_error(tmp_path: Path, shangjia: Household) -> None:
    head_id = shangjia.members.get(name="钱一").id_number
    rows = [head("M1", "钱一", 证件号码=mask_id_number(head_id), 联系电话="139****8000")]
    code, _out, err = run(write_xlsx(tmp_path / "phone.xlsx", rows), "--year", str(default_year()))
    assert code == 1
    assert "联系电话是脱敏的号码（139****8000），与系统中登记的不符" in err
    assert Household.objects.get(number="M1").phone == "13800138000"


def _namesake_ids() -> tuple[str, str]:
    """Two valid ID numbers that look the same once masked: same region, same last four characters."""
    first = "37030319600501" + "123"
    first += check_digit(first)
    for day in itertools.count(1):
        other = f"370303{date(1960, 5, 1) + timedelta(days=day):%Y%m%d}123"
        if check_digit(other) == first[-1]:
            return first, other + first[-1]
    raise AssertionError  # unreachable: itertools.count never ends


def test_namesakes_that_look_alike_when_masked_are_refused(tmp_path: Path, areas: dict[str, Area], dora: User) -> None:
    one, two = _namesake_ids()
    make_household(
        village=areas["商家村"],
        actor=dora,
        number="M3",
        members=[
            {**member("孙同"), "id_number": one, "birth_date": date(int(one[6:10]), int(one[10:12]), int(one[12:14]))},
            {
                **member("孙同", Relation.SON),
                "id_number": two,
                "birth_date": date(int(two[6:10]), int(two[10:12]), int(two[12:14])),
            },
        ],
    )
    rows = [
        head("M3", "孙同", 证件号码=mask_id_number(one)),
        member_row("M3", "孙同", "之子", 证件号码=mask_id_number(two)),
    ]
    code, _out, err = run(write_xlsx(tmp_path / "twins.xlsx", rows), "--year", str(default_year()))
    assert code == 1
    assert "本户有 2 名成员姓名为“孙同”且证件号码脱敏后相同，无法确定是哪一位：请填写完整的证件号码" in err
