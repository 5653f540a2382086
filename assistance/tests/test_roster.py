"""The cadre roster's Excel import/export (django-import-export in the admin) and the demo's pairings."""

import io

import pytest
import tablib
from django.core.management import call_command
from django.test import Client

from accounts.models import Area, User
from assistance.models import Cadre, Pairing
from assistance.resources import CadreResource
from households.models import Household, HouseholdStatus

pytestmark = pytest.mark.django_db

HEADERS = [
    "姓名",
    "性别",
    "帮扶单位",
    "单位类型",
    "干部类别",
    "职务级别",
    "联系电话",
    "第一书记",
    "驻村工作队员",
    "在岗",
    "备注",
]


def dataset(*rows: list) -> tablib.Dataset:
    data = tablib.Dataset(headers=HEADERS)
    for row in rows:
        data.append(row)
    return data


GOOD = ["孔明", "男", "区财政局", "党政机关", "科级干部", "乡科级副职", 13900001111.0, "否", "是", "是", ""]


def test_a_roster_imports_after_a_dry_run(areas: dict[str, Area]) -> None:
    resource = CadreResource()
    preview = resource.import_data(dataset(GOOD), dry_run=True)
    assert not preview.has_errors()
    assert not preview.has_validation_errors()
    assert not Cadre.objects.exists()  # the dry run writes nothing
    resource.import_data(dataset(GOOD), dry_run=False)
    cadre = Cadre.objects.get()
    assert (cadre.name, cadre.rank, cadre.grade, cadre.phone, cadre.work_team) == (
        "孔明", "科级干部", "乡科级副职", "13900001111", True,
    )  # fmt: skip
    again = resource.import_data(dataset(GOOD), dry_run=False)
    assert again.totals["skip"] == 1
    assert Cadre.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({4: "处级干部"}, "处级干部"),  # not a rank of the plan
        ({4: "科级干部", 5: "科员级"}, "属于一般干部"),
        ({6: "12345"}, "11 位手机号"),
        ({7: "也许"}, "不是“是”或“否”"),
        ({0: " "}, "缺少姓名"),
    ],
)
def test_a_bad_roster_row_is_reported_and_nothing_written(areas: dict[str, Area], change: dict, expected: str) -> None:
    row = list(GOOD)
    for index, value in change.items():
        row[index] = value
    good = ["曾静", "女", "区教育局", "", "一般干部", "", "", "", "", "是", ""]
    # As the admin's confirm step calls it: a row with a problem rolls back every row.
    result = CadreResource().import_data(dataset(good, row), dry_run=False, rollback_on_validation_errors=True)
    assert result.has_errors() or result.has_validation_errors()
    messages = [str(e.error) for r in result.rows for e in getattr(r, "errors", [])]
    messages += [str(m) for inv in result.invalid_rows for ms in inv.error_dict.values() for m in ms]
    assert any(expected in m for m in messages), messages
    assert not Cadre.objects.exists()


def test_the_roster_export_has_the_chinese_headings(dora: User) -> None:
    CadreResource().import_data(dataset(GOOD), dry_run=False)
    exported = CadreResource().export()
    assert exported.headers == HEADERS
    assert exported[0][0] == "孔明"
    assert exported[0][8] == "是"


def test_roster_import_is_the_district_offices(client: Client, dora: User, alice: User) -> None:
    client.force_login(dora)
    assert client.get("/admin/assistance/cadre/import/").status_code == 200
    assert client.get("/admin/assistance/cadre/export/").status_code == 200
    client.force_login(alice)  # a town clerk has no admin at all
    assert client.get("/admin/assistance/cadre/import/").status_code in (302, 403)
    assert not Cadre.objects.exists()


def test_every_unexited_demo_household_has_a_cadre() -> None:
    call_command("seed_demo", stdout=io.StringIO())
    unexited = Household.objects.filter(status__in=[HouseholdStatus.IN_POVERTY, HouseholdStatus.RETURNED])
    assert unexited.count() > 30
    assert not unexited.exclude(pairings__in=Pairing.objects.active()).exists()
    # Within the quotas, with room left for new pairings.
    for cadre in Cadre.objects.all():
        limit = 3 if cadre.rank == "科级干部" else 2
        assert cadre.pairings.active().count() <= limit
    assert any(c.pairings.active().count() == 0 for c in Cadre.objects.all())
    assert any(c.rank == "科级干部" and c.pairings.active().count() == 3 for c in Cadre.objects.all())
    before = (Cadre.objects.count(), Pairing.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Cadre.objects.count(), Pairing.objects.count()) == before
