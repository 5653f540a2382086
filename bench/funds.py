"""Benchmark of the funds app on PostgreSQL: a dividend run over many households, and what the funds facts
provider adds to the nightly recompute. Prints figures measured in one run; asserts nothing (bench/README.md).

    python bench/funds.py [--persons 100000] [--beneficiaries 0.3]

It creates and drops its own database `wenchanghu_bench_funds` on the server of DATABASE_URL, so it never
collides with the other benchmarks' database.
"""

import argparse
import os
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.import_ledger import manage, server_url  # noqa: E402

DB_NAME = "wenchanghu_bench_funds"


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--beneficiaries", type=float, default=0.3, help="share of households in the project")
    args = parser.parse_args()
    env = {**os.environ, "DATABASE_URL": server_url() + DB_NAME, "DJANGO_SETTINGS_MODULE": "wenchanghu.settings"}
    env.pop("REDIS_URL", None)
    fresh_database(env)
    os.environ.update(DATABASE_URL=env["DATABASE_URL"], DJANGO_SETTINGS_MODULE="wenchanghu.settings")
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Area, AreaLevel, Role, User
    from bench.synthetic import generate
    from funds import services
    from funds.models import Beneficiary, Project
    from households.models import Household
    from households.providers import register_provider, unregister_provider
    from households.services import standard_set
    from households.services.assessment import assessments_recompute
    from wenchanghu.celery import app as celery_app

    celery_app.conf.task_always_eager = True
    year = timezone.localdate().year - 1
    standard_set(year=year, poverty_line=Decimal(3609), dibao_line=Decimal(4800))
    t0 = time.perf_counter()
    households = generate(args.persons)
    print(f"generated {args.persons:,} persons in {households:,} households in {time.perf_counter() - t0:.1f} s")

    actor = User.objects.create_user("bench", area=Area.objects.get(level=AreaLevel.DISTRICT))
    from django.contrib.auth.models import Group

    actor.groups.add(Group.objects.get(name=Role.DISTRICT_OFFICER))
    town = Area.objects.filter(level=AreaLevel.TOWN).order_by("code").first()
    project = services.project_create(
        actor=actor,
        data={"name": "光伏电站", "kind": "资产收益", "first_year": 2016, "last_year": 2016, "area": town,
              "implementer": "镇政府"},
    )  # fmt: skip
    services.project_operate(actor=actor, project=project, year=2016, place="公示栏")
    ids = list(Household.objects.filter(village__parent=town).order_by("pk").values_list("pk", flat=True))
    ids = ids[: int(households * args.beneficiaries)]
    Beneficiary.objects.bulk_create(
        Beneficiary(project=project, household_id=pk, weight=Decimal(1) + (pk % 3) / Decimal(2), created_by=actor)
        for pk in ids
    )
    print(f"{len(ids):,} beneficiary households")

    # Each configuration's fingerprint differs (providers are part of it): store once, then time a run that
    # finds nothing changed.
    unregister_provider("funds")
    assessments_recompute(year=year)
    t0 = time.perf_counter()
    assessments_recompute(year=year)
    without = time.perf_counter() - t0
    from funds.providers import PROVIDER

    register_provider(PROVIDER)
    assessments_recompute(year=year)
    t0 = time.perf_counter()
    assessments_recompute(year=year)
    with_funds = time.perf_counter() - t0

    t0 = time.perf_counter()
    with transaction.atomic():
        run = services.dividend_confirm(
            actor=actor, project=Project.objects.get(pk=project.pk), year=year, income=Decimal(10_000_000),
            amount=Decimal("9876543.21"), method="按权重分配", paid_on=date(year, 12, 20), pay_method="银行转账",
        )  # fmt: skip
        confirmed = time.perf_counter() - t0
    at_once = time.perf_counter() - t0  # the households' reassessment runs on commit (in-process here)
    assert sum(run.payouts.values_list("amount", flat=True)) == run.amount
    t0 = time.perf_counter()
    night = assessments_recompute(year=year)
    after = time.perf_counter() - t0
    print()
    print(f"dividend run of {len(ids):,} households, split and written:  {confirmed:6.2f} s")
    print(f"  … and every household reassessed at once:             {at_once:6.2f} s")
    print(f"nightly recompute, nothing changed, without funds:        {without:6.2f} s")
    print(f"nightly recompute, nothing changed, with funds provider:  {with_funds:6.2f} s  "
          f"({with_funds / without:.2f}× — the fingerprint's correlated payout lookup)")  # fmt: skip
    print(f"nightly recompute after the run (already reassessed):     {after:6.2f} s  "
          f"({night.changed:,} changed, {night.unchanged:,} unchanged)")  # fmt: skip


if __name__ == "__main__":
    main()
