"""Benchmark of the reports dashboard on PostgreSQL (issue 15); prints figures measured in one run.

Generates households and members directly in a database of its own (`wenchanghu_bench_reports`, so it never
collides with the other benchmarks), runs the recompute and the refresh of the stored figures, then times the
server side of the dashboard for the district and for one town, against the registry list's page (which
counts households by status and persons directly) in the same run. Goals (issue 15): the district view
≤ 300 ms and a town ≤ 100 ms at 1,000,000 persons.

    python bench/reports.py [--persons 1000000] [--repeat 15]
"""

import argparse
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.import_ledger import manage, server_url  # noqa: E402

DB_NAME = "wenchanghu_bench_reports"


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


def timed(client: object, url: str, repeat: int) -> float:
    """The median server time of `repeat` GETs (the test client runs the whole request in process)."""
    client.get(url)  # warm caches and the session
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--problems", action="store_true", help="also time the problem run (slow on this data)")
    args = parser.parse_args()
    env = {**os.environ, "DATABASE_URL": server_url() + DB_NAME, "DJANGO_SETTINGS_MODULE": "wenchanghu.settings"}
    env.pop("REDIS_URL", None)
    fresh_database(env)
    os.environ.update(DATABASE_URL=env["DATABASE_URL"], DJANGO_SETTINGS_MODULE="wenchanghu.settings")
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.test import Client
    from django.utils import timezone

    from accounts.models import Area, Role, User
    from bench.synthetic import generate
    from households.services import standard_set
    from households.services.assessment import assessments_recompute
    from reports.services import figures_refresh

    year = timezone.localdate().year - 1
    standard_set(year=year, poverty_line=Decimal(3609), dibao_line=Decimal(4800))
    t0 = time.perf_counter()
    households = generate(args.persons)
    print(f"generated {args.persons:,} persons in {households:,} households in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    assessments_recompute(year=year)
    print(f"recompute:                    {time.perf_counter() - t0:7.1f} s")
    # The synthetic persons' ID numbers are not valid (bench/recompute.py), so every person would be a problem
    # (Q11): the problem run is timed only with --problems; the figures are what the dashboard reads.
    t0 = time.perf_counter()
    run = figures_refresh(year=year, trigger="bench", with_problems=args.problems)
    print(f"refresh of the figures{' + problems' if args.problems else ''}: {time.perf_counter() - t0:7.1f} s "
          f"({run.areas} areas)")  # fmt: skip

    district, town = Area.objects.get(level="district"), Area.objects.get(name="商家镇")
    users = {}
    for name, area, role in (
        ("bench_district", district, Role.DISTRICT_OFFICER),
        ("bench_town", town, Role.TOWN_CLERK),
    ):
        user = User.objects.create_user(username=name, password="Bench-password-9", area=area)  # noqa: S106
        user.groups.add(Group.objects.get(name=role))
        users[name] = user
    results = {}
    for label, username in (("district", "bench_district"), ("town", "bench_town")):
        client = Client()
        client.force_login(users[username])
        dashboard = timed(client, "/reports/", args.repeat)
        direct = timed(client, "/households/", args.repeat)
        results[label] = (dashboard, direct)
        print(f"{label:8} dashboard {dashboard * 1000:7.1f} ms   direct-count list page {direct * 1000:7.1f} ms")
    print()
    d, t = results["district"], results["town"]
    print(f"district dashboard: {d[0] * 1000:6.1f} ms (goal ≤ 300 ms), {d[0] / d[1]:.2f}× the direct-count page")
    print(f"town dashboard:     {t[0] * 1000:6.1f} ms (goal ≤ 100 ms), {t[0] / t[1]:.2f}× the direct-count page")


if __name__ == "__main__":
    main()
