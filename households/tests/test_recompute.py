"""The recompute (service, command, schedule) and where its results show: the page, the filters, the export."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from openpyxl import load_workbook

from accounts.models import Area, User
from households.models import HouseholdAssessment, HouseholdIncome, RecomputeRun, Relation
from households.selectors import default_year
from households.services import income_set, standard_set
from households.services.assessment import LOCK_KEY, assessments_recompute
from wenchanghu.celery import app as celery_app

from .factories import make_household, member

YEAR = default_year()


@pytest.fixture
def standard(db: None) -> None:
    standard_set(year=YEAR, poverty_line=Decimal(3609), dibao_line=Decimal(4800))


def insured(name: str, relation: str = Relation.HEAD, **fields: object) -> dict:
    return member(name, relation, medical_insurance=True, **fields)


@pytest.fixture
def three(areas: dict[str, Area], dora: User, standard: None) -> dict[str, object]:
    """Three households: one meets the standard, one is poor, one exited and slipping (watched)."""
    good = make_household(
        village=areas["商家村"], actor=dora, number="R1", house_grade="A", safe_water=True,
        members=[insured("甲"), insured("乙", Relation.SPOUSE, male=False)],
    )  # fmt: skip
    income_set(actor=dora, household=good, year=YEAR, data={"wage": Decimal(20000)})
    poor = make_household(
        village=areas["商家村"], actor=dora, number="R2", house_grade="D", safe_water=True,
        members=[insured("丙"), insured("丁", Relation.SON, birth=date(YEAR - 10, 1, 1), school_status="辍学")],
    )  # fmt: skip
    income_set(actor=dora, household=poor, year=YEAR, data={"wage": Decimal(6000)})
    slipping = make_household(
        village=areas["萌水村"], actor=dora, number="R3", house_grade="B", safe_water=True, status="已脱贫", exit_year=2017,
        members=[insured("戊")],
    )  # fmt: skip
    income_set(actor=dora, household=slipping, year=YEAR, data={"wage": Decimal(5000)})
    return {"good": good, "poor": poor, "slipping": slipping}


def stored(number: str) -> HouseholdAssessment:
    return HouseholdAssessment.objects.get(household__number=number, year=YEAR)


def test_recompute_stores_every_verdict(three: dict) -> None:
    result = assessments_recompute(year=YEAR)
    assert (result.assessed, result.created, result.changed) == (3, 3, 0)
    good, poor, slipping = stored("R1"), stored("R2"), stored("R3")
    assert (good.meets_standard, good.gaps, good.per_capita, good.band) == (True, "", Decimal(10000), "一般")
    assert (poor.meets_standard, poor.gaps, poor.per_capita, poor.band) == (
        False,
        "收入、义务教育、住房安全",
        Decimal(3000),
        "低保标准以下",
    )
    assert (slipping.meets_standard, slipping.watch) == (True, True)


def test_recompute_is_idempotent_and_writes_only_what_changed(three: dict, dora: User) -> None:
    assessments_recompute(year=YEAR)
    first = {a.household_id: a.computed_at for a in HouseholdAssessment.objects.all()}
    again = assessments_recompute(year=YEAR)
    assert (again.created, again.changed, again.unchanged) == (0, 0, 3)
    income_set(actor=dora, household=three["poor"], year=YEAR, data={"wage": Decimal(60000)}, reason="入户核实")
    third = assessments_recompute(year=YEAR)
    assert (third.changed, third.unchanged) == (1, 2)
    after = {a.household_id: a.computed_at for a in HouseholdAssessment.objects.all()}
    assert after[three["good"].pk] == first[three["good"].pk]
    assert after[three["poor"].pk] != first[three["poor"].pk]
    assert stored("R2").gaps == "义务教育、住房安全"


def test_recompute_reads_a_fixed_number_of_queries(
    three: dict, django_assert_num_queries: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The registry's own queries, without the sector apps' providers (each pins its own)."""
    from households import providers

    monkeypatch.setattr(providers, "_providers", {})
    assessments_recompute(year=YEAR)
    # Standards, household ids, then per chunk: on PostgreSQL the facts' fingerprints and the stored
    # assessments (nothing changed, so no facts are read); elsewhere the stored assessments and the facts
    # (members, incomes, households).
    with django_assert_num_queries(4 if connection.vendor == "postgresql" else 6):
        assessments_recompute(year=YEAR)


def test_with_every_provider_the_queries_do_not_grow_with_the_households(
    three: dict, areas: dict[str, Area], dora: User
) -> None:
    """With every installed sector app's provider: a run over 13 households reads as many queries as one over 3
    (each compared on a run that finds nothing changed)."""
    from django.test.utils import CaptureQueriesContext

    def quiet_run() -> int:
        assessments_recompute(year=YEAR)  # stores what is new
        with CaptureQueriesContext(connection) as queries:
            assessments_recompute(year=YEAR)
        return len(queries.captured_queries)

    few = quiet_run()
    for i in range(10):
        make_household(village=areas["商家村"], actor=dora, number=f"MORE{i}", members=[insured(f"多{i}")])
    assert quiet_run() == few


@pytest.mark.parametrize(
    ("model", "lookup", "change", "gaps"),
    [
        ("Person", {"name": "丁"}, {"school_status": "初中"}, "收入、住房安全"),
        ("Person", {"name": "丙"}, {"medical_insurance": False}, "收入、义务教育、基本医疗、住房安全"),
        ("Household", {"number": "R2"}, {"house_grade": "B"}, "收入、义务教育"),
        ("Household", {"number": "R2"}, {"safe_water": None}, "收入、义务教育、住房安全、饮水安全"),
        ("HouseholdIncome", {"household__number": "R2"}, {"transfer": Decimal(30000)}, "义务教育、住房安全"),
    ],
)
def test_a_change_to_any_fact_is_found_by_the_next_run(
    three: dict, model: str, lookup: dict, change: dict, gaps: str
) -> None:
    """Facts changed behind the services' back (an admin edit, a fix in the database) are still picked up."""
    from django.apps import apps

    assessments_recompute(year=YEAR)
    apps.get_model("households", model).objects.filter(**lookup).update(**change)
    result = assessments_recompute(year=YEAR)
    assert (result.changed, result.unchanged) == (1, 2)
    assert stored("R2").gaps == gaps


def test_a_new_standard_reassesses_everyone(three: dict) -> None:
    assessments_recompute(year=YEAR)
    standard_set(year=YEAR, poverty_line=Decimal(12000), dibao_line=Decimal(4800))
    result = assessments_recompute(year=YEAR)
    assert result.changed == 2  # R1 and R3 now fall short on income; R2 already did
    assert stored("R1").gaps == "收入"


def test_dry_run_writes_nothing(three: dict) -> None:
    result = assessments_recompute(year=YEAR, dry_run=True)
    assert result.created == 3
    assert not HouseholdAssessment.objects.exists()


def test_command_records_the_run(three: dict) -> None:
    out = io.StringIO()
    call_command("recompute_status", "--year", str(YEAR), stdout=out)
    assert f"{YEAR} 年状态重算完成：评估 3 户，变化 3 户。" in out.getvalue()
    run = RecomputeRun.objects.get()
    assert (run.status, run.assessed, run.changed, run.trigger) == ("done", 3, 3, "command")
    assert run.finished_at is not None
    call_command("recompute_status", "--year", str(YEAR), stdout=out)
    assert RecomputeRun.objects.first().changed == 0


def test_command_refuses_to_overlap(three: dict) -> None:
    cache.add(LOCK_KEY, "another", 60)
    try:
        with pytest.raises(CommandError, match="另一次状态重算正在运行"):
            call_command("recompute_status", "--year", str(YEAR))
    finally:
        cache.delete(LOCK_KEY)
    assert not RecomputeRun.objects.exists()


def test_the_schedule_is_two_in_the_morning_shanghai_time() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["recompute-status-nightly"]
    assert entry["task"] == "households.tasks.recompute_status_task"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({2}, {0})
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"
    assert entry["task"] in celery_app.tasks


def test_an_edit_in_the_browser_is_reassessed_at_once(
    client: Client, three: dict, alice: User, eager: None, django_capture_on_commit_callbacks: object
) -> None:
    assessments_recompute(year=YEAR)
    poor = three["poor"]
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/households/{poor.pk}/income/", {"year": str(YEAR), "wage": "50000", "change_reason": "入户核实"}
        )
    assert response.status_code == 302
    assert stored("R2").gaps == "义务教育、住房安全"


def test_the_household_page_explains_the_verdict(client: Client, three: dict, alice: User) -> None:
    client.force_login(alice)
    body = client.get(f"/households/{three['poor'].pk}/").content.decode()
    assert "未达到脱贫标准：收入（人均 3,000 元，标准 3,609 元）；义务教育（丁，" in body
    assert "辍学）；住房安全（D 级危房，未改造验收）" in body
    assert "达到脱贫标准" in client.get(f"/households/{three['good'].pk}/").content.decode()


def test_list_filters_on_the_stored_assessment(client: Client, three: dict, dora: User) -> None:
    assessments_recompute(year=YEAR)
    client.force_login(dora)

    def numbers(**query: str) -> set[str]:
        return {h.number for h in client.get("/households/", query).context["page"]}

    assert numbers(meets="yes") == {"R1", "R3"}
    assert numbers(meets="no") == {"R2"}
    assert numbers(gap="义务教育") == {"R2"}
    assert numbers(band="一般") == {"R1"}
    assert numbers(watch="yes") == {"R3"}


def test_the_export_adds_the_computed_columns(tmp_path: Path, three: dict) -> None:
    path = tmp_path / "out.xlsx"
    call_command("export_ledger", str(path), "--year", str(YEAR), stdout=io.StringIO())
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    header = rows[1]
    assert header[-4:] == ("人均纯收入(计算)", "收入档次", "未达标项", "达到脱贫标准")
    by_number = {r[header.index("户编号")]: r[-4:] for r in rows[2:]}
    assert by_number["R1"] == (10000, "一般", None, "是")
    assert by_number["R2"] == (3000, "低保标准以下", "收入、义务教育、住房安全", "否")
    # ... and an export still re-imports unchanged, the computed columns skipped without a word.
    out = io.StringIO()
    call_command("import_ledger", str(path), "--year", str(YEAR), stdout=out)
    assert "不认识的列" not in out.getvalue()
    assert "更新 0" in out.getvalue()


def test_the_district_sees_the_runs(client: Client, three: dict, dora: User, alice: User) -> None:
    call_command("recompute_status", "--year", str(YEAR), stdout=io.StringIO())
    client.force_login(dora)
    body = client.get("/households/recompute/").content.decode()
    assert "已评估 3 户，其中达到脱贫标准 2 户，返贫监测 1 户" in body
    assert "command" in body
    client.force_login(alice)
    assert client.get("/households/recompute/").status_code == 403
    assert client.put("/households/recompute/").status_code in (403, 405)


def test_the_district_queues_a_run(
    client: Client, three: dict, dora: User, eager: None, django_capture_on_commit_callbacks: object
) -> None:
    client.force_login(dora)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/households/recompute/").status_code == 302
    run = RecomputeRun.objects.get()
    assert (run.assessed, run.trigger) == (3, "district")
    assert client.delete("/households/recompute/").status_code == 405


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("processes", [1, 2], ids=["one process", "worker processes"])
def test_a_real_run_over_several_chunks(
    areas: dict[str, Area], dora: User, monkeypatch: pytest.MonkeyPatch, settings: object, processes: int
) -> None:
    """Outside a transaction, as in the nightly job. On PostgreSQL, in one process the fingerprints come from a
    second connection; a large run is shared among forked worker processes, each on a connection of its own."""
    from households.services import assessment

    monkeypatch.setattr(assessment, "CHUNK", 2)
    monkeypatch.setattr(assessment, "PARALLEL_CHUNKS", 2)
    settings.RECOMPUTE_PROCESSES = processes
    standard_set(year=YEAR, poverty_line=Decimal(3609), dibao_line=Decimal(4800))
    for i in range(5):
        household = make_household(
            village=areas["商家村"], actor=dora, number=f"C{i}", house_grade="A", safe_water=True,
            members=[insured(f"户主{i}")],
        )  # fmt: skip
        income_set(actor=dora, household=household, year=YEAR, data={"wage": Decimal(2000 + i * 1000)})
    HouseholdAssessment.objects.all().delete()  # whatever the after-commit reassessment already stored
    first = assessments_recompute(year=YEAR)
    assert (first.created, first.changed) == (5, 0)
    assert [stored(f"C{i}").meets_standard for i in range(5)] == [False, False, True, True, True]
    again = assessments_recompute(year=YEAR)
    assert (again.created, again.changed, again.unchanged) == (0, 0, 5)
    # Written behind the services' back (no reassessment after commit): only the next run can find it.
    HouseholdIncome.objects.filter(household__number="C0", year=YEAR).update(wage=Decimal(9000))
    third = assessments_recompute(year=YEAR)
    assert (third.created, third.changed, third.unchanged) == (0, 1, 4)
    assert stored("C0").meets_standard is True


def test_an_import_reassesses_the_households_it_wrote(
    tmp_path: Path, three: dict, eager: None, django_capture_on_commit_callbacks: object
) -> None:
    from households.tests.ledgers import head, write_xlsx

    assessments_recompute(year=YEAR)
    before = {a.household_id: a.computed_at for a in HouseholdAssessment.objects.all()}
    path = write_xlsx(tmp_path / "new.xlsx", [head("N1", "新户", 工资性收入=30000, 转移性收入=0)])
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_ledger", str(path), "--year", str(YEAR), stdout=io.StringIO())
    assert stored("N1").meets_standard is True
    # Only the imported household was assessed; the others were not touched, and no whole run was started.
    after = {a.household_id: a.computed_at for a in HouseholdAssessment.objects.exclude(household__number="N1")}
    assert after == before
    assert not RecomputeRun.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="statistics are PostgreSQL's")
def test_a_bulk_insert_refreshes_the_planners_statistics(areas: dict[str, Area], dora: User) -> None:
    """Issue 16: with autovacuum off (or behind), the reassessment after an import was planned from statistics
    that knew no rows and took minutes. A large bulk insert now ANALYZEs what it loaded."""
    from common.bulk import ANALYZE_AFTER, insert_rows, row_defaults
    from households.models import Household

    village = areas["商家村"]
    defaults = row_defaults(Household)
    rows = (
        {**defaults, "number": f"AN{i:06d}", "village_id": village.pk, "attribute": "一般贫困户", "main_cause": "因病"}
        for i in range(ANALYZE_AFTER)
    )
    insert_rows(Household, rows, history_user_id=dora.pk, reason="测试")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'households_household'")
        (estimate,) = cursor.fetchone()
    assert estimate >= ANALYZE_AFTER


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the fingerprints are computed by PostgreSQL")
def test_a_sparse_and_a_dense_chunk_fingerprint_a_household_alike(three: dict) -> None:
    """A dense chunk (the nightly run's) is read by its id range alone, a scattered one (an import's
    reassessment) by the ids too: the same household hashes the same either way, and a change shows in both."""
    from households.selectors import facts_fingerprints

    good, poor, slipping = (three[k].pk for k in ("good", "poor", "slipping"))
    far = good + 1000  # no such household: the chunk [good, far] is sparse
    dense = facts_fingerprints([good, poor, slipping], year=YEAR, salt="s")
    sparse = facts_fingerprints([good, far], year=YEAR, salt="s")
    assert set(sparse) == {good}
    assert sparse[good] == dense[good]
    HouseholdIncome.objects.filter(household_id=good, year=YEAR).update(wage=Decimal(1))
    assert facts_fingerprints([good, far], year=YEAR, salt="s")[good] != dense[good]
    assert facts_fingerprints([good, poor, slipping], year=YEAR, salt="s")[poor] == dense[poor]
