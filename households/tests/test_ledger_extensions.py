"""The ledger extension API, proven by a tiny per-person extension defined here (the shape healthcare's 参保
columns will take): a person-level column is parsed, planned against stored data, written and exported."""

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from openpyxl import load_workbook

from accounts.models import Area, User
from households.ledger.exporter import ledger_header
from households.ledger.extensions import (
    BadValueError,
    ExtensionColumn,
    ExtensionPlan,
    ExtensionRows,
    ExtensionValues,
    LedgerExtension,
    Level,
    RowError,
    WriteIds,
    register_extension,
    unregister_extension,
)
from households.models import Household, Person

from .ledgers import HEADER, head, member, write_xlsx
from .test_import import run

pytestmark = pytest.mark.django_db

KINDS = ("职工", "居民")
stored_kinds: dict[int, str] = {}  # the sector app's table, for this test: person id → 参保类别
writes_seen: list[WriteIds] = []


def parse_kind(text: str) -> str:
    if text not in KINDS:
        raise BadValueError(f"“{text}”不是参保类别的可选值，应为：{'、'.join(KINDS)}。")
    return text


def insurance_plan(rows: ExtensionRows) -> ExtensionPlan:
    plan = ExtensionPlan()
    column = rows.columns["insurance_kind"]
    changes: dict[int, str] = {}  # Excel row → kind
    unchanged = 0
    for person in rows.persons:
        kind = person.values["insurance_kind"]
        if kind is None:
            continue
        stored = stored_kinds.get(person.person_id) if person.person_id is not None else None
        if stored == kind:
            unchanged += 1
        elif stored == "职工":
            message = f"{person.name}已登记为职工医保，不能由台账改为{kind}：请先在医保系统办理转移。"
            plan.errors.append(RowError(person.row, column, kind, message))
        else:
            changes[person.row] = kind
    plan.summary = f"参保类别：登记 {len(changes)} 人，未变 {unchanged} 人。"
    if changes:

        def write(ids: WriteIds, actor: User | None) -> None:
            writes_seen.append(ids)
            for row, kind in changes.items():
                stored_kinds[ids.persons[row]] = kind

        plan.write = write
    return plan


def insurance_export(household_ids: list[int], person_ids: list[int]) -> ExtensionValues:
    return ExtensionValues(
        persons={pk: {"insurance_kind": stored_kinds[pk]} for pk in person_ids if pk in stored_kinds}
    )


INSURANCE = LedgerExtension(
    name="参保登记",
    columns=(ExtensionColumn("参保类别", "insurance_kind", Level.PERSON, parse=parse_kind, aliases=("参保类型",)),),
    plan=insurance_plan,
    export=insurance_export,
)


@pytest.fixture(autouse=True)
def insurance() -> Iterator[None]:
    stored_kinds.clear()
    writes_seen.clear()
    register_extension(INSURANCE)
    yield
    unregister_extension(INSURANCE)


@pytest.fixture
def people() -> list[dict]:
    return [head("P1", "张大山"), member("P1", "李秀英")]


def ledger(tmp_path: Path, people: list[dict], kinds: tuple[str, str], name: str = "ledger.xlsx") -> Path:
    rows = [{**person, "参保类型": kind} for person, kind in zip(people, kinds, strict=True)]
    return write_xlsx(tmp_path / name, rows, header=[*HEADER, "参保类型"])


def test_a_person_level_column_is_parsed_planned_and_written(
    tmp_path: Path, areas: dict[str, Area], people: list[dict]
) -> None:
    code, out, err = run(ledger(tmp_path, people, ("居民", "")))
    assert code == 0, err
    assert "参保类别：登记 1 人，未变 0 人。" in out
    head_person = Person.objects.get(name="张大山")
    assert stored_kinds == {head_person.pk: "居民"}  # the blank cell of 李秀英 says nothing
    assert writes_seen[0].households == {"P1": Household.objects.get().pk}
    assert set(writes_seen[0].persons.values()) == set(Person.objects.values_list("pk", flat=True))

    code, out, err = run(ledger(tmp_path, people, ("居民", "职工"), name="second.xlsx"))
    assert code == 0, err
    assert "参保类别：登记 1 人，未变 1 人。" in out
    assert stored_kinds[Person.objects.get(name="李秀英").pk] == "职工"


def test_a_bad_value_is_a_row_error_with_its_row_and_column(
    tmp_path: Path, areas: dict[str, Area], people: list[dict]
) -> None:
    code, _out, err = run(ledger(tmp_path, people, ("居民", "农保")))
    assert code == 1
    assert "第 3 行 参保类型：“农保”不是参保类别的可选值，应为：职工、居民。（值：农保）" in err
    assert not Household.objects.exists()
    assert stored_kinds == {}


def test_the_plan_checks_against_stored_data(tmp_path: Path, areas: dict[str, Area], people: list[dict]) -> None:
    assert run(ledger(tmp_path, people, ("职工", "居民")))[0] == 0
    code, _out, err = run(ledger(tmp_path, people, ("居民", "居民"), name="second.xlsx"))
    assert code == 1
    assert "第 2 行 参保类型：张大山已登记为职工医保，不能由台账改为居民" in err
    assert stored_kinds[Person.objects.get(name="张大山").pk] == "职工"


def test_the_export_writes_the_column_and_reimports_unchanged(
    tmp_path: Path, areas: dict[str, Area], people: list[dict]
) -> None:
    assert run(ledger(tmp_path, people, ("职工", "居民")))[0] == 0
    path = tmp_path / "export.xlsx"
    call_command("export_ledger", str(path), "--year", "2025", stdout=io.StringIO())
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert list(rows[1]) == ledger_header()
    assert ledger_header().index("参保类别") < ledger_header().index("人均纯收入(计算)")
    exported = {r[rows[1].index("姓名")]: r[rows[1].index("参保类别")] for r in rows[2:]}
    assert exported == {"张大山": "职工", "李秀英": "居民"}
    before = len(writes_seen)
    code, out, err = run(path, "--year", "2025")
    assert code == 0, err
    assert "参保类别：登记 0 人，未变 2 人。" in out
    assert len(writes_seen) == before


def test_an_extension_may_not_take_a_registry_column() -> None:
    clash = LedgerExtension(
        name="冲突",
        columns=(ExtensionColumn("电话", "other_phone", Level.HOUSEHOLD),),
        plan=insurance_plan,
        export=insurance_export,
    )
    with pytest.raises(ImproperlyConfigured, match="taken"):
        register_extension(clash)
