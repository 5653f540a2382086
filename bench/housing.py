"""Benchmark of what the housing facts provider adds to the nightly recompute, on PostgreSQL.

Generates households, members and incomes as bench/recompute.py does (in a database of its own,
`wenchanghu_bench_housing`), then housing records straight into the database: an assessment for every household,
a retrofit for the C/D ones (a third accepted), a water survey for nine in ten. Prints, in one run:
- the full recompute without the housing provider (the baseline) and with it, and their ratio;
- a second run with nothing changed, with the provider (the fingerprint's correlated subqueries);
- the provider's own `housing_facts` on one chunk of 20,000 households.
Figures only: nothing is asserted (bench/README.md).

    python bench/housing.py [--persons 1000000]
"""

import argparse
import os
import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.import_ledger import manage, server_url  # noqa: E402
from bench.synthetic import _copy, generate  # noqa: E402

DB_NAME = "wenchanghu_bench_housing"  # its own: bench/import_ledger.fresh_database drops the shared one


def fresh_database(env: dict[str, str]) -> None:
    import psycopg2

    connection = psycopg2.connect(server_url() + "postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {DB_NAME}")
    connection.close()
    manage("migrate", "--noinput", env=env)
    manage("load_areas", str(ROOT / "accounts" / "data" / "areas.csv"), env=env)


def generate_housing() -> tuple[int, int, int]:
    """Assessments, retrofits and surveys for the generated households; returns their counts."""
    from django.db import connection
    from django.utils import timezone

    rng = random.Random(11)
    now = timezone.now().isoformat()
    assessments, cases, surveys = [], [], []
    rows = connection.cursor()
    rows.execute("SELECT id, house_grade FROM households_household ORDER BY id")
    for pk, grade in rows.fetchall():
        grade = grade or "B"
        assessments.append([pk, pk, date(2017, 4, 1).isoformat(), "赵工", "区住建局", grade, "", now, ""])
        if grade in "CD":
            planned = date(2017, 9, 1) + timedelta(days=rng.randrange(0, 120))
            accepted = rng.random() < 0.33
            cases.append([
                len(cases) + 1, pk, "原址翻建", "t", "验收合格" if accepted else "开工", planned.isoformat(),
                (planned + timedelta(days=30)).isoformat(), (planned + timedelta(days=90)).isoformat() if accepted else "",
                "2018-12-31", 30000, 0, 0, 0, 0, 0, "t" if accepted else "f", "t" if accepted else "f",
                "王建设" if accepted else "", now, "",
            ])  # fmt: skip
        if rng.random() < 0.9:
            surveys.append(
                [
                    len(surveys) + 1,
                    pk,
                    "2019-05-01",
                    "集中供水",
                    "t",
                    "t" if rng.random() > 0.03 else "f",
                    "t",
                    "t",
                    "",
                    now,
                    "",
                ]
            )
    with connection.cursor() as c:
        raw = c.cursor
        _copy(raw, "housing_safetyassessment", ["id", "household_id", "assessed_on", "assessor", "unit", "grade",
              "note", "created_at", "void_reason"], assessments, text=("note", "unit", "void_reason"))  # fmt: skip
        _copy(raw, "housing_retrofitcase", ["id", "household_id", "kind", "willing", "stage", "planned_on",
              "started_on", "accepted_on", "deadline", "planned_subsidy", "subsidy_central", "subsidy_province",
              "subsidy_city", "subsidy_district", "self_paid", "meets_building_standard", "meets_seismic_standard",
              "inspector", "created_at", "void_reason"], cases, text=("inspector", "void_reason"))  # fmt: skip
        _copy(raw, "housing_watersurvey", ["id", "household_id", "surveyed_on", "source", "quantity_ok",
              "quality_ok", "convenience_ok", "guarantee_ok", "note", "created_at", "void_reason"], surveys,
              text=("note", "void_reason"))  # fmt: skip
        for table in ("housing_safetyassessment", "housing_retrofitcase", "housing_watersurvey"):
            c.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608 — fixed table names
        c.execute("ANALYZE")
    return len(assessments), len(cases), len(surveys)


def timed(function: object, **kwargs: object) -> tuple[float, object]:
    start = time.perf_counter()
    result = function(**kwargs)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    args = parser.parse_args()
    env = {**os.environ, "DATABASE_URL": server_url() + DB_NAME, "DJANGO_SETTINGS_MODULE": "wenchanghu.settings"}
    env.pop("REDIS_URL", None)
    fresh_database(env)
    os.environ.update(DATABASE_URL=env["DATABASE_URL"], DJANGO_SETTINGS_MODULE="wenchanghu.settings")
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.utils import timezone

    from households.models import HouseholdAssessment
    from households.providers import providers, register_provider, unregister_provider
    from households.services import standard_set
    from households.services.assessment import assessments_recompute
    from housing.providers import housing_facts

    year = timezone.localdate().year - 1
    standard_set(year=year, poverty_line=Decimal(3609), dibao_line=Decimal(4800))
    households = generate(args.persons)
    counts = generate_housing()
    print(f"{households} households; {counts[0]} assessments, {counts[1]} retrofits, {counts[2]} water surveys")

    housing = next(p for p in providers() if p.name == "housing")
    others = [p for p in providers() if p.name != "housing"]
    for provider in others:  # the baseline is the registry alone; other sector apps are not measured here
        unregister_provider(provider.name)
    unregister_provider("housing")
    baseline, _ = timed(assessments_recompute, year=year)
    HouseholdAssessment.objects.all().delete()
    register_provider(housing)
    with_housing, _ = timed(assessments_recompute, year=year)
    again, result = timed(assessments_recompute, year=year)
    print(f"full recompute, registry only:        {baseline:7.2f} s")
    print(f"full recompute, with housing:         {with_housing:7.2f} s  ({with_housing / baseline:.2f}× the baseline)")
    print(f"second run, nothing changed:          {again:7.2f} s  (changed {result.changed})")
    ids = list(range(1, min(households, 20_000) + 1))
    as_of = date(year, 12, 31)
    chunk, found = timed(housing_facts, household_ids=ids, year=year, as_of=as_of)
    print(f"housing_facts for one chunk of {len(ids)}: {chunk:7.2f} s ({len(found)} households answered)")


if __name__ == "__main__":
    main()
