"""Benchmark of the recompute on PostgreSQL; see bench/README.md. Prints figures measured in one run.

Generates households, members and incomes directly in a database of its own (not through the importer), with
the sector records the facts providers read (basic-insurance records for every person, housing assessments,
retrofits and water surveys), then times: the recompute of every household (the nightly job's service), a
second run with nothing changed, one hand-written SQL UPDATE that stores the same kind of verdicts (the floor
the issue compares with), and a naive per-household loop on a sample, scaled to the whole.
"""

import argparse
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.import_ledger import fresh_database, server_url  # noqa: E402
from bench.synthetic import generate  # noqa: E402

DB_NAME = "wenchanghu_bench"


def naive(sample: int, year: int) -> float:
    """The same rules the obvious way: load each household and its members, assess, save()."""
    from django.utils import timezone

    from households.models import Household, HouseholdAssessment, PovertyStandard
    from households.rules import HouseholdFacts, IncomeFacts, MemberFacts, Standard, assess, assessment_date

    s = PovertyStandard.objects.get(year=year)
    standard = Standard(year=year, poverty_line=s.poverty_line, dibao_line=s.dibao_line)
    as_of = assessment_date(year, today=timezone.localdate())
    ids = list(Household.objects.order_by("?").values_list("pk", flat=True)[:sample])
    start = time.perf_counter()
    for pk in ids:
        household = Household.objects.get(pk=pk)
        people = [
            MemberFacts(
                p.name, p.birth_date, p.school_status, p.disability_grade, p.taught_at_home, p.medical_insurance
            )
            for p in household.members.active()
        ]
        income = household.incomes.filter(year=year).first()
        facts = HouseholdFacts(
            members=tuple(people),
            income=IncomeFacts(income.wage, income.business, income.property_income, income.transfer,
                               income.business_cost, income.per_capita_given) if income else None,
            enough_food=household.enough_food, enough_clothing=household.enough_clothing,
            house_grade=household.house_grade, dilapidated=household.dilapidated, safe_water=household.safe_water,
            exited=household.status == "已脱贫",
        )  # fmt: skip
        result = assess(facts, standard=standard, as_of=as_of)
        assessment, _ = HouseholdAssessment.objects.get_or_create(
            household=household, year=year, defaults={"computed_at": timezone.now()}
        )
        assessment.per_capita, assessment.band = result.per_capita, str(result.band or "")
        assessment.gaps, assessment.meets_standard, assessment.watch = (
            "、".join(result.gaps),
            result.meets_standard,
            result.watch,
        )
        assessment.computed_at = timezone.now()
        assessment.save()
    return (time.perf_counter() - start) / len(ids)


SQL_VERDICTS = """
WITH m AS (
    SELECT p.household_id, count(*) AS n,
           bool_and(coalesce(ins.insured, p.medical_insurance) IS TRUE) AS insured,
           bool_or(p.school_status IN ('辍学', '非在校生', '')
                   AND p.education NOT IN ('初中', '高中', '中专', '大专及以上')
                   AND p.birth_date > %(as_of)s::date - interval '16 years'
                   AND p.birth_date <= %(as_of)s::date - interval '6 years') AS out_of_school
      FROM households_person p
      LEFT JOIN healthcare_insurance ins
             ON ins.person_id = p.id AND ins.year = %(year)s AND ins.kind = 'basic' AND NOT ins.voided
     WHERE p.birth_date <= %(as_of)s AND (p.left_reason = '' OR p.left_on > %(as_of)s)
     GROUP BY p.household_id
), v AS (
    SELECT h.id, h.status, m.insured, m.out_of_school,
           round((coalesce(i.wage, 0) + coalesce(i.business, 0) + coalesce(i.property_income, 0)
                  + coalesce(i.transfer, 0) - coalesce(i.business_cost, 0)) / nullif(m.n, 0), 2) AS pc,
           concat_ws('、',
               CASE WHEN i.id IS NULL OR m.n IS NULL
                         OR (coalesce(i.wage, 0) + coalesce(i.business, 0) + coalesce(i.property_income, 0)
                             + coalesce(i.transfer, 0) - coalesce(i.business_cost, 0)) / m.n <= %(line)s
                    THEN '收入' END,
               CASE WHEN h.enough_food IS FALSE THEN '不愁吃' END,
               CASE WHEN h.enough_clothing IS FALSE THEN '不愁穿' END,
               CASE WHEN m.out_of_school THEN '义务教育' END,
               CASE WHEN m.insured IS NOT TRUE THEN '基本医疗' END,
               CASE WHEN h.house_grade NOT IN ('A', 'B') AND h.dilapidated IS NOT FALSE THEN '住房安全' END,
               CASE WHEN h.safe_water IS NOT TRUE THEN '饮水安全' END) AS gaps
      FROM households_household h
      LEFT JOIN m ON m.household_id = h.id
      LEFT JOIN households_householdincome i ON i.household_id = h.id AND i.year = %(year)s
)
UPDATE households_householdassessment a
   SET per_capita = v.pc,
       band = CASE WHEN v.pc IS NULL THEN '' WHEN v.pc < %(dibao)s THEN '低保标准以下'
                   WHEN v.pc < %(dibao)s * 1.5 THEN '低保边缘' WHEN v.pc < %(dibao)s * 2 THEN '低收入' ELSE '一般' END,
       gaps = v.gaps,
       meets_standard = v.gaps = '',
       watch = v.status = '已脱贫' AND (v.gaps <> '' OR v.pc < %(line)s * 1.5),
       computed_at = now()
  FROM v
 WHERE a.household_id = v.id AND a.year = %(year)s
"""


def sql_update(year: int) -> tuple[float, int]:
    """The verdicts by one hand-written UPDATE (the registry's inputs and the insurance records; the housing
    and education records left out, so it does less than the service). Rolled back: the stored verdicts stay
    the service's. Returns its time and the rows it updated."""
    from django.db import connection, transaction
    from django.utils import timezone

    from households.models import PovertyStandard
    from households.rules import assessment_date

    standard = PovertyStandard.objects.get(year=year)
    params = {
        "year": year,
        "as_of": assessment_date(year, today=timezone.localdate()),
        "line": standard.poverty_line,
        "dibao": standard.dibao_line,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        start = time.perf_counter()
        cursor.execute(SQL_VERDICTS, params)
        elapsed, updated = time.perf_counter() - start, cursor.rowcount
        transaction.set_rollback(True)
    return elapsed, updated


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--reuse", action="store_true", help="keep the database of an earlier run (same --persons)")
    args = parser.parse_args()
    env = {**os.environ, "DATABASE_URL": server_url() + DB_NAME, "DJANGO_SETTINGS_MODULE": "wenchanghu.settings"}
    env.pop("REDIS_URL", None)
    if not args.reuse:
        fresh_database(env)
    os.environ.update(DATABASE_URL=env["DATABASE_URL"], DJANGO_SETTINGS_MODULE="wenchanghu.settings")
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from bench.healthcare import health_records
    from bench.housing import generate_housing
    from households.models import Household, HouseholdAssessment
    from households.services import standard_set
    from households.services.assessment import _processes, assessments_recompute

    year = timezone.localdate().year - 1
    if not args.reuse:
        standard_set(year=year, poverty_line=Decimal(3609), dibao_line=Decimal(4800))
        t0 = time.perf_counter()
        generate(args.persons)
        health_records(year, expenses=0)
        sectors = generate_housing()
        print(f"generated {args.persons:,} persons with their insurance records, {sectors[0]:,} house assessments, "
              f"{sectors[1]:,} retrofits, {sectors[2]:,} water surveys in {time.perf_counter() - t0:.1f} s")  # fmt: skip
    households = Household.objects.count()
    HouseholdAssessment.objects.filter(year=year).delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE households_householdassessment")
    connection.close()

    print(f"{households:,} households; {_processes()} worker processes; load average {os.getloadavg()[0]:.2f}")
    t0 = time.perf_counter()
    first = assessments_recompute(year=year)
    full = time.perf_counter() - t0
    print(f"full recompute:              {full:7.2f} s   ({first.created:,} assessments written)")
    t0 = time.perf_counter()
    second = assessments_recompute(year=year)
    again = time.perf_counter() - t0
    print(f"again, nothing changed:      {again:7.2f} s   ({second.unchanged:,} unchanged, {second.changed} changed)")
    floor, updated = sql_update(year)
    print(f"one SQL UPDATE:              {floor:7.2f} s   ({updated:,} rows)")
    per_naive = naive(args.sample, year)
    print(f"naive loop, {args.sample:,} households:  {per_naive * 1000:7.2f} ms a household; "
          f"scaled to {households:,}: {per_naive * households:,.0f} s")  # fmt: skip
    print()
    print(f"full recompute:              {full:6.1f} s  (goal ≤ 10 s)")
    print(f"  ÷ one SQL UPDATE:          {full / floor:6.2f}×  (goal ≤ 2×)")
    print(f"second run, nothing changed: {again:6.1f} s  (goal ≤ 3 s)")
    print(f"naive ÷ set-based, per household: {per_naive / (full / households):6.0f}×  (goal ≥ 50×)")


if __name__ == "__main__":
    main()
