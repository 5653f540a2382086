"""The problem run's life cycle, a clerk's handling, and the refresh after a recompute."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from accounts.models import User
from households.models import Household
from households.selectors import default_year
from reports.models import AreaFigures, Problem, ProblemState, RefreshRun
from reports.services import figures_refresh, problem_handle, problems_run

pytestmark = pytest.mark.django_db


def q10(household: Household) -> Problem:
    return Problem.objects.get(household=household, rule="Q10", cleared_at=None)


def test_a_problem_marked_fixed_but_not_fixed_comes_back_and_a_fixed_record_leaves_the_list(
    world: dict, alice: User
) -> None:
    poor = world["poor"]
    problem = problem_handle(actor=alice, problem=q10(poor), state=ProblemState.FIXED, note="已补录")
    result = problems_run(year=default_year())
    assert result.reopened == 1
    assert q10(poor).pk == problem.pk
    assert q10(poor).state == ProblemState.OPEN  # the phone is still missing

    Household.objects.filter(pk=poor.pk).update(phone="13800000009")
    result = problems_run(year=default_year())
    assert result.cleared == 1
    cleared = Problem.objects.get(pk=problem.pk)
    assert cleared.cleared_at is not None  # kept, never deleted, and off the list
    assert not Problem.objects.filter(household=poor, rule="Q10", cleared_at=None).exists()
    with pytest.raises(ValidationError, match="已在最近一次核查中消除"):
        problem_handle(actor=alice, problem=cleared, state=ProblemState.FIXED, note="")


def test_an_explained_problem_stays_explained_and_the_run_is_idempotent(world: dict, alice: User) -> None:
    poor = world["poor"]
    problem_handle(actor=alice, problem=q10(poor), state=ProblemState.EXPLAINED, note="户主无手机，联系村委会")
    before = Problem.objects.count()
    again = problems_run(year=default_year())
    assert (again.new, again.reopened, again.cleared) == (0, 0, 0)
    assert Problem.objects.count() == before
    assert q10(poor).state == ProblemState.EXPLAINED


def test_explaining_needs_a_note(world: dict, alice: User) -> None:
    with pytest.raises(ValidationError) as caught:
        problem_handle(actor=alice, problem=q10(world["poor"]), state=ProblemState.EXPLAINED, note="  ")
    assert "note" in caught.value.error_dict


def test_the_refresh_counts_open_problems_per_rule_up_the_tree(world: dict, areas: dict) -> None:
    year = default_year()
    village = AreaFigures.objects.get(year=year, area=areas["商家村"])
    town = AreaFigures.objects.get(year=year, area=areas["商家镇"])
    district = AreaFigures.objects.get(year=year, area=areas["文昌湖区"])
    assert village.households["problem:Q10"] == 1
    assert town.households["problem:Q02"] == 1
    assert district.households["total"] == 4
    assert town.households["total"] == 3
    assert village.persons["total"] == 2


def test_a_finished_recompute_refreshes_the_figures(
    world: dict, eager: None, django_capture_on_commit_callbacks: object
) -> None:
    runs = RefreshRun.objects.count()
    from households.services.assessment import recompute_run

    with django_capture_on_commit_callbacks(execute=True):
        recompute_run(year=default_year(), trigger="测试")
    assert RefreshRun.objects.count() == runs + 1
    assert RefreshRun.objects.first().trigger == "状态重算后"


def test_the_command_refreshes_and_reports_counts(world: dict, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("refresh_reports", "--dry-run")
    assert "（试运行）疑点" in capsys.readouterr().out
    call_command("refresh_reports")
    assert "个区域" in capsys.readouterr().out
    run = figures_refresh(trigger="测试")
    assert run.areas == 13


def test_a_registered_sector_figure_is_summed_up_the_tree_and_shown(
    world: dict, areas: dict, client: object, dora: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reports import figures

    monkeypatch.setattr(figures, "_sector_figures", {})
    by_village = {areas["商家村"].pk: 3, areas["萌水村"].pk: 2}
    figures.register_figure(
        figures.SectorFigure("health:insured", "参保人数", "健康扶贫", lambda year, as_of: by_village)
    )
    figures_refresh(trigger="测试")
    year = default_year()
    assert AreaFigures.objects.get(year=year, area=areas["文昌湖区"]).extra == {"health:insured": 5}
    assert AreaFigures.objects.get(year=year, area=areas["商家镇"]).extra == {"health:insured": 3}
    client.force_login(dora)
    assert "健康扶贫 · 参保人数" in client.get("/reports/").content.decode()
