"""Benchmark of the recompute on PostgreSQL; see bench/README.md. Prints figures measured in one run.

Generates households, members and incomes directly in a database of its own (not through the importer), then
times the set-based recompute twice (the second run finds nothing changed) and a naive per-household loop on a
sample, scaled to the whole.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=2000)
    args = parser.parse_args()
    env = {**os.environ, "DATABASE_URL": server_url() + DB_NAME, "DJANGO_SETTINGS_MODULE": "wenchanghu.settings"}
    env.pop("REDIS_URL", None)
    fresh_database(env)
    os.environ.update(DATABASE_URL=env["DATABASE_URL"], DJANGO_SETTINGS_MODULE="wenchanghu.settings")
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.utils import timezone

    from households.services import standard_set
    from households.services.assessment import assessments_recompute

    year = timezone.localdate().year - 1
    standard_set(year=year, poverty_line=Decimal(3609), dibao_line=Decimal(4800))
    t0 = time.perf_counter()
    households = generate(args.persons)
    print(f"generated {args.persons:,} persons in {households:,} households in {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    first = assessments_recompute(year=year)
    full = time.perf_counter() - t0
    print(f"full recompute:              {full:7.2f} s   ({first.created:,} assessments written)")
    t0 = time.perf_counter()
    second = assessments_recompute(year=year)
    again = time.perf_counter() - t0
    print(f"again, nothing changed:      {again:7.2f} s   ({second.unchanged:,} unchanged, {second.changed} changed)")
    per_naive = naive(args.sample, year)
    print(f"naive loop, {args.sample:,} households:  {per_naive * 1000:7.2f} ms a household; "
          f"scaled to {households:,}: {per_naive * households:,.0f} s")  # fmt: skip
    print()
    print(f"full recompute:              {full:6.1f} s  (goal ≤ 30 s)")
    print(f"second run:                  {again:6.1f} s  (goal ≤ 15 s)")
    print(f"naive ÷ set-based, per household: {per_naive / (full / households):6.0f}×  (goal ≥ 50×)")


if __name__ == "__main__":
    main()
