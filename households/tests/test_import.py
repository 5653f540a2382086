"""The ledger import, through the command, with ledgers as real offices keep them."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from accounts.models import Area, User
from accounts.selectors import areas_in_scope
from households.ledger import importer
from households.ledger.importer import ledger_import
from households.models import Household, HouseholdIncome, HouseholdStatus, Person

from .factories import id_number
from .ledgers import HEADER, head, member, write_csv, write_xls, write_xlsx

pytestmark = pytest.mark.django_db


def run(path: Path, *args: str) -> tuple[int, str, str]:
    """import_ledger as a clerk runs it: exit code, stdout, stderr."""
    import io

    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_ledger", str(path), *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def clean_rows() -> list[dict]:
    return [
        head("H001", "张大山", 人均纯收入=3600),
        member("H001", "李秀英"),
        head("H002", "王建国", village="李家村", 贫困户属性="低保贫困户"),
        head("H003", "赵明", town="萌水镇", village="萌水村", 脱贫属性="已脱贫", 脱贫年度="2017"),
        member(
            "H003",
            "赵小明",
            "之子",
            birth=date(2012, 9, 1),
            male=True,
            town="萌水镇",
            village="萌水村",
            在校生状况="小学",
        ),
    ]


def test_a_clean_ledger_imports(tmp_path: Path, areas: dict[str, Area]) -> None:
    code, out, _err = run(write_xlsx(tmp_path / "clean.xlsx", clean_rows()), "--year", "2025")
    assert code == 0
    assert (
        out.strip().splitlines()[-1]
        == "导入完成（2025 年收入）。农户：新增 3，更新 0，未变 0；人员：新增 5，更新 0，未变 0。"
    )
    h1 = Household.objects.get(number="H001")
    assert (h1.village.name, h1.attribute, h1.registration_year, h1.safe_water) == ("商家村", "一般贫困户", 2015, True)
    assert h1.members.count() == 2
    assert h1.status_changes.get().to_status == HouseholdStatus.IN_POVERTY
    # Blank text is stored as "" and an unknown yes/no as NULL, as the forms store them (the COPY path too).
    wife = h1.members.get(name="李秀英")
    assert (wife.education, wife.critical_illness_insurance, wife.taught_at_home) == ("", None, False)
    assert (h1.natural_village, h1.dilapidated) == ("", None)
    assert wife.history.get().history_type == "+"
    income = h1.incomes.get(year=2025)
    assert (income.wage, income.transfer, income.per_capita_given) == (Decimal(6000), Decimal(1200), None)
    h3 = Household.objects.get(number="H003")
    assert (h3.status, h3.exit_year, h3.village.parent.name) == ("已脱贫", 2017, "萌水镇")
    son = h3.members.get(name="赵小明")
    assert (son.sex, son.birth_date, son.school_status) == ("男", date(2012, 9, 1), "小学")


def test_importing_the_same_file_twice_changes_nothing(tmp_path: Path, areas: dict[str, Area]) -> None:
    path = write_xlsx(tmp_path / "clean.xlsx", clean_rows())
    run(path)
    histories = Person.history.count(), Household.history.count(), HouseholdIncome.history.count()
    code, out, _ = run(path)
    assert code == 0
    assert "农户：新增 0，更新 0，未变 3；人员：新增 0，更新 0，未变 5" in out
    assert (Person.history.count(), Household.history.count(), HouseholdIncome.history.count()) == histories


def test_a_changed_value_updates_the_record_and_its_history(tmp_path: Path, areas: dict[str, Area]) -> None:
    rows = clean_rows()
    run(write_xlsx(tmp_path / "v1.xlsx", rows))
    rows[1]["是否参加城乡居民基本医疗保险"] = "否"
    rows[2]["联系电话"] = "13912345678"
    code, out, _ = run(write_xlsx(tmp_path / "v2.xlsx", rows))
    assert code == 0
    assert "农户：新增 0，更新 1，未变 2；人员：新增 0，更新 1，未变 4" in out
    wife = Person.objects.get(name="李秀英")
    assert wife.medical_insurance is False
    assert wife.history.first().history_change_reason == "台账导入"
    assert Household.objects.get(number="H002").phone == "13912345678"


def test_a_member_missing_from_a_reimport_is_listed_not_deleted(tmp_path: Path, areas: dict[str, Area]) -> None:
    rows = clean_rows()
    run(write_xlsx(tmp_path / "v1.xlsx", rows))
    code, out, _ = run(write_xlsx(tmp_path / "v2.xlsx", [r for r in rows if r["姓名"] != "赵小明"]))
    assert code == 0
    assert "赵小明" in out
    assert "未删除" in out
    assert Person.objects.get(name="赵小明").is_active


def test_a_national_export_xls_with_title_rows_and_aliases(tmp_path: Path, areas: dict[str, Area]) -> None:
    header = ["序号", "乡镇", "村", "户号", "成员姓名", "身份证号", "关系", "户类型", "致贫原因", "首次识别时间",
              "是否脱贫", "脱贫年度", "饮水安全", "参加新农合", "家庭人口数", "备注"]  # fmt: skip
    number_head, number_son = id_number(birth=date(1958, 1, 1)), id_number(birth=date(2009, 5, 5))
    rows = [
        {"序号": 1, "乡镇": "商家镇", "村": "东坡村", "户号": "37039010020000001", "成员姓名": "孙 德 胜",
         "身份证号": number_head[:-1] + number_head[-1].lower(), "关系": "户主", "户类型": "五保贫困户",
         "致贫原因": "因残", "首次识别时间": "2014年", "是否脱贫": "已脱贫", "脱贫年度": 2016.0, "饮水安全": "√",
         "参加新农合": "Y", "家庭人口数": 2},
        {"序号": 2, "乡镇": "商家镇", "村": "东坡村", "户号": "37039010020000001", "成员姓名": "孙小胜",
         "身份证号": "\u3000" + number_son, "关系": "之孙子", "参加新农合": "×"},
    ]  # fmt: skip
    path = write_xls(
        tmp_path / "national.xls",
        rows,
        header=header,
        titles=("贫困人口明细", "填报单位：商家镇  2017年12月"),
        extra=[[], ["合计", "", "", "", "2人"], []],
    )
    code, out, err = run(path)
    assert code == 0, err
    assert "已忽略不认识的列：序号、备注" in out
    assert "合计行 1 行" in out
    household = Household.objects.get(number="37039010020000001")
    assert (household.attribute, household.registration_year, household.exit_year) == ("特困供养贫困户", 2014, 2016)
    assert household.safe_water is True
    head_person = household.members.get(relation="户主")
    assert (head_person.name, head_person.id_number, head_person.medical_insurance) == ("孙德胜", number_head, True)
    assert household.members.get(relation="之孙子").medical_insurance is False


def test_csv_in_gbk(tmp_path: Path, areas: dict[str, Area]) -> None:
    code, out, err = run(write_csv(tmp_path / "gbk.csv", clean_rows(), encoding="gbk"))
    assert code == 0, err
    assert "人员：新增 5" in out
    assert Person.objects.filter(name="李秀英").exists()


def test_csv_in_utf8_with_bom(tmp_path: Path, areas: dict[str, Area]) -> None:
    code, _, err = run(write_csv(tmp_path / "bom.csv", clean_rows(), encoding="utf-8-sig"))
    assert code == 0, err
    assert Household.objects.count() == 3


def bad_ledger() -> tuple[list[dict], dict[int, str]]:
    """A dozen kinds of bad rows, each with the message expected on its Excel row (header on row 1)."""
    rows = [
        head("G1", "好人"),  # row 2: fine
        head(
            "B1",
            "",
        ),  # 3: name missing
        head("B2", "校验错", 证件号码="370303196503030011"),  # 4: check digit (the real one ends in another digit)
        head("B3", "数字格", 证件号码=370303196503031234),  # 5: ID typed as a number
        head("B4", "重复"),  # 6: its ID repeated on row 7
        head("B5", "重复二"),  # 7
        head("B6", "性别错", 性别="女"),  # 8: sex disagrees (male ID)
        head("B7", "无户主", 与户主关系="配偶"),  # 9: no head
        head("B8", "外镇", town="不存在镇"),  # 10: unknown town
        head("B9", "坏值", 贫困户属性="一般户"),  # 11: value outside the list
        head("B10", "无年度", 脱贫属性="已脱贫"),  # 12: exited without year
        head("B11", "人数错", 人数=3),  # 13: 人数 disagrees
        head("B12", "收入错", 人均纯收入=9999),  # 14: per capita disagrees
        head("B13", "不一致"),  # 15
        member("B13", "不一致妻", 贫困户属性="低保贫困户"),  # 16: household value disagrees with row 15
        head("B14", "未来", 证件号码="370303209901010018"),  # 17: birth date in the future
        head("B15", "外村", village="萌水村"),  # 18: village not of that town
    ]
    rows[5]["证件号码"] = rows[4]["证件号码"]
    expected = {
        3: "缺少姓名",
        4: "校验位",
        5: "存成了数字",
        7: "与第 6 行的证件号码重复",
        8: "性别与证件号码不符",
        9: "0 名户主",
        10: "不在系统中",
        11: "不是贫困户属性的可选值",
        12: "必须填写脱贫年度",
        13: "人数填的是 3",
        14: "人均纯收入填的是 9999",
        16: "与本户第 15 行",
        17: "晚于今天",
        18: "不是商家镇的行政村",
    }
    return rows, expected


def test_every_bad_row_is_reported_and_nothing_is_written(tmp_path: Path, areas: dict[str, Area]) -> None:
    rows, expected = bad_ledger()
    header = [*HEADER, "人数"]
    report = tmp_path / "errors.xlsx"
    code, out, err = run(write_xlsx(tmp_path / "bad.xlsx", rows, header=header), "--error-report", str(report))
    assert code == 1
    assert "未写入任何数据" in out
    assert not Household.objects.exists()
    assert not Person.objects.exists()

    sheet = load_workbook(report).active
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0] == ("行号", "列", "值", "问题")
    by_row: dict[int, list[str]] = {}
    for row, _column, _value, message in lines[1:]:
        by_row.setdefault(int(row), []).append(message)
    assert set(by_row) == set(expected)
    for row, fragment in expected.items():
        assert any(fragment in m for m in by_row[row]), (row, by_row[row])
    assert 2 not in by_row  # the good row has no error
    # ID numbers in the report are masked.
    assert rows[0]["证件号码"] not in str(lines)
    assert all(c is None or "********" in str(c) or len(str(c)) < 18 for _, col, c, _ in lines[1:] if col == "证件号码")
    assert "第 4 行 证件号码" in err


def test_an_id_of_a_person_in_another_stored_household(tmp_path: Path, areas: dict[str, Area]) -> None:
    rows = clean_rows()
    run(write_xlsx(tmp_path / "v1.xlsx", rows))
    moved = head("H009", "冒名", 证件号码=rows[1]["证件号码"])
    code, _, err = run(write_xlsx(tmp_path / "v2.xlsx", [moved]))
    assert code == 1
    assert "已登记在另一户（户编号 H001" in err
    assert not Household.objects.filter(number="H009").exists()


def test_a_town_clerk_imports_only_the_towns_rows(tmp_path: Path, areas: dict[str, Area], alice: User) -> None:
    path = write_xlsx(tmp_path / "mixed.xlsx", clean_rows())
    result = ledger_import(path=path, actor=alice, areas=areas_in_scope(alice), year=2025)
    assert not result.written
    assert [(e.row, e.column) for e in result.errors] == [(5, "行政村")]
    assert "不在您的管辖范围内" in result.errors[0].message
    assert not Household.objects.exists()


def test_dry_run_writes_nothing(tmp_path: Path, areas: dict[str, Area]) -> None:
    code, out, _ = run(write_xlsx(tmp_path / "clean.xlsx", clean_rows()), "--dry-run")
    assert code == 0
    assert "未写入" in out
    assert "农户：新增 3" in out
    assert not Household.objects.exists()


def test_a_failure_half_way_leaves_the_database_as_it_was(
    tmp_path: Path, areas: dict[str, Area], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importer.insert_rows

    def fail_on_persons(model: type, rows: list, **kwargs: object) -> list:
        if model is Person:
            raise ConnectionError("lost the database connection")
        return real(model, rows, **kwargs)

    monkeypatch.setattr(importer, "insert_rows", fail_on_persons)
    with pytest.raises(ConnectionError):
        run(write_xlsx(tmp_path / "clean.xlsx", clean_rows()))
    assert not Household.objects.exists()
    assert not HouseholdIncome.objects.exists()


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        pytest.param(b"", 2, "文件是空的", id="empty"),
        pytest.param(b"\x00\x01\x02binary", 2, "无法识别", id="binary"),
        pytest.param(b"PK\x03\x04 not really a zip", 2, "无法打开", id="damaged xlsx"),
        pytest.param("姓名,年龄\n张三,5\n".encode(), 1, "找不到表头", id="no header"),
        pytest.param("姓名,证件号码,户编号\n".encode(), 1, "缺少必填列", id="required column missing"),
    ],
)
def test_unreadable_and_invalid_files(
    tmp_path: Path, areas: dict[str, Area], content: bytes, code: int, message: str
) -> None:
    path = tmp_path / "file.xlsx"
    path.write_bytes(content)
    exit_code, _, err = run(path)
    assert exit_code == code
    assert message in err


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    code, _, err = run(tmp_path / "nope.xlsx")
    assert code == 2
    assert "无法读取" in err


def test_a_head_change_where_the_old_head_is_not_listed(tmp_path: Path, areas: dict[str, Area]) -> None:
    rows = clean_rows()
    run(write_xlsx(tmp_path / "v1.xlsx", rows))
    wife_as_head = {**rows[1], **{k: v for k, v in rows[0].items() if k not in ("姓名", "证件号码", "人均纯收入")}}
    code, _, err = run(write_xlsx(tmp_path / "v2.xlsx", [wife_as_head]))
    assert code == 1
    assert "请先在系统中登记原户主减少" in err
    assert Person.objects.get(name="张大山").relation == "户主"


def test_swapping_the_head_between_two_listed_members(tmp_path: Path, areas: dict[str, Area]) -> None:
    rows = clean_rows()
    run(write_xlsx(tmp_path / "v1.xlsx", rows))
    rows[0]["与户主关系"], rows[1]["与户主关系"] = "配偶", "户主"
    code, _out, err = run(write_xlsx(tmp_path / "v2.xlsx", rows))
    assert code == 0, err
    assert Person.objects.get(name="李秀英").relation == "户主"
    assert Person.objects.get(name="张大山").relation == "配偶"


def test_a_ledger_does_not_exit_a_stored_household(tmp_path: Path, areas: dict[str, Area], alice: User) -> None:
    rows = clean_rows()
    run(write_xlsx(tmp_path / "v1.xlsx", rows))
    rows[0].update(脱贫属性="已脱贫", 脱贫年度="2024", 联系电话="13912345678", 住房安全等级="A")
    rows[1]["是否参加城乡居民基本医疗保险"] = "否"
    path = write_xlsx(tmp_path / "v2.xlsx", rows)
    note = (
        "户编号 H001（户主 张大山）：台账中的脱贫属性为“已脱贫”，系统中为“未脱贫”，未按台账修改。"
        "不能把“未脱贫”直接改为“已脱贫”：脱贫须经退出程序"
    )
    preview = ledger_import(path=path, actor=alice, areas=Area.objects.all(), year=2025, dry_run=True)
    assert preview.ok
    assert any(n.startswith(note) for n in preview.notes)

    code, out, err = run(path)
    assert code == 0, err
    assert f"注意：{note}" in out
    household = Household.objects.get(number="H001")
    assert (household.status, household.exit_year) == ("未脱贫", None)
    assert household.status_changes.count() == 1  # only the filing
    # The rest of the row is imported.
    assert (household.phone, household.house_grade) == ("13912345678", "A")
    assert Person.objects.get(name="李秀英").medical_insurance is False


def test_a_ledger_does_not_return_an_exited_household_to_poverty(tmp_path: Path, areas: dict[str, Area]) -> None:
    rows = clean_rows()
    run(write_xlsx(tmp_path / "v1.xlsx", rows))
    rows[3].update(脱贫属性="返贫", 脱贫年度="")
    code, out, err = run(write_xlsx(tmp_path / "v2.xlsx", rows))
    assert code == 0, err
    assert "户编号 H003（户主 赵明）：台账中的脱贫属性为“返贫”，系统中为“已脱贫”，未按台账修改。" in out
    assert "请由区扶贫办在农户页面办理状态变更并说明原因" in out
    h3 = Household.objects.get(number="H003")
    assert (h3.status, h3.exit_year) == ("已脱贫", 2017)


def test_a_ledger_does_not_move_a_stored_exit_year(tmp_path: Path, areas: dict[str, Area]) -> None:
    """The exit year is what the exit procedure's approval recorded; a re-imported ledger leaves it."""
    rows = clean_rows()
    run(write_xlsx(tmp_path / "v1.xlsx", rows))
    rows[3].update(脱贫年度="2019")
    code, out, err = run(write_xlsx(tmp_path / "v2.xlsx", rows))
    assert code == 0, err
    assert "户编号 H003：台账中的脱贫年度为 2019，系统中为 2017，未按台账修改" in out
    assert Household.objects.get(number="H003").exit_year == 2017
