"""load_areas: the sample tree loads, reloads unchanged, and a bad file writes nothing."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Area
from conftest import AREAS_CSV

pytestmark = pytest.mark.django_db


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "areas.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_loads_the_sample_tree_and_is_idempotent(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("load_areas", str(AREAS_CSV))
    assert "新增 13" in capsys.readouterr().out
    assert Area.objects.get(name="商家村").parent.name == "商家镇"
    assert Area.objects.get(name="商家镇").parent.name == "文昌湖区"
    call_command("load_areas", str(AREAS_CSV))
    assert "新增 0，更新 0，未变 13" in capsys.readouterr().out
    assert Area.objects.count() == 13


def test_a_changed_name_updates_the_area(tmp_path: Path) -> None:
    call_command("load_areas", str(AREAS_CSV))
    text = AREAS_CSV.read_text(encoding="utf-8").replace("李家村", "李家庄村")
    call_command("load_areas", str(write(tmp_path, text)))
    assert Area.objects.get(code="370390100202").name == "李家庄村"


def test_reads_gbk(tmp_path: Path) -> None:
    call_command("load_areas", str(write(tmp_path, AREAS_CSV.read_text(encoding="utf-8"), "gbk")))
    assert Area.objects.filter(name="萌水镇").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "code,name,level,parent_code\n370390000000,文昌湖区,district,\n370390100201,商家村,village,370390100000\n",
            "上级区划代码 370390100000 不存在",
            id="unknown parent",
        ),
        pytest.param(
            "code,name,level,parent_code\n370390000000,文昌湖区,district,\n370390100201,商家村,village,370390000000\n",
            "行政村的上级应是镇",
            id="village directly under the district",
        ),
        pytest.param(
            "code,name,level,parent_code\n370390000000,文昌湖区,county,\n",
            "级别“county”无效",
            id="unknown level",
        ),
        pytest.param(
            "code,name,level,parent_code\n370390000000,文昌湖区,district,\n370390100000,商家镇,town,\n",
            "必须填写上级区划代码",
            id="town without parent",
        ),
        pytest.param("code,name\n370390000000,文昌湖区\n", "缺少列 level、parent_code", id="missing columns"),
        pytest.param(
            "code,name,level,parent_code\n370390000000,文昌湖区,district,\n370390000000,又一个区,district,\n",
            "与第 2 行重复",
            id="duplicate code",
        ),
    ],
)
def test_bad_files_are_refused_whole(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("load_areas", str(write(tmp_path, text)))
    assert Area.objects.count() == 0


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = "code,name,level,parent_code\n370390000000,文昌湖区,district,\n1,甲村,village,9\n2,,town,\n"
    with pytest.raises(CommandError) as exc:
        call_command("load_areas", str(write(tmp_path, text)))
    assert "第 3 行" in str(exc.value)
    assert "第 4 行" in str(exc.value)


def test_missing_file() -> None:
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("load_areas", "/nonexistent/areas.csv")
