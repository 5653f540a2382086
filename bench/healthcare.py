"""Benchmark of the health app on PostgreSQL (issue 11, "Speed"). Prints figures measured in one run.

    python bench/healthcare.py [--persons 1000000] [--expenses 50000]

In a database of its own (`wch_healthcare_bench` on the server of DATABASE_URL, dropped and made again) it
generates persons as bench/recompute.py does, a basic-insurance record of the year for every person (5% not
insured) and `--expenses` medical expenses with their aid, then prints:
- the full recompute without the health facts provider and with it, in the same run (goal: the provider adds
  ≤ 2 s), and a second run with the provider and nothing changed (the fingerprint);
- the year's medical-aid list for the whole district as the district office opens it (first page, totals)
  and the same list as an xlsx (goal for the page: ≤ 1 s).
"""

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.import_ledger import manage, server_url  # noqa: E402
from bench.synthetic import _copy, generate  # noqa: E402

DB_NAME = "wch_healthcare_bench"


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


def health_records(year: int, expenses: int) -> None:
    """Insurance for every person of the year (5% not insured), and expenses with their aid, by COPY."""
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from healthcare.rules import AidPerson, ExpenseFigures, medical_aid

    actor = User.objects.create_user("bench", password="x")  # noqa: S106 — a throwaway bench database
    rng = random.Random(11)
    now = timezone.now().isoformat()
    with connection.cursor() as c:
        c.execute("SELECT id, household_id FROM households_person ORDER BY id")
        people = c.fetchall()
    insurance = [
        [pk, pk, household, year, "basic", "f" if rng.random() < 0.05 else "t", "finance", "", "f", "", actor.pk, now]
        for pk, household in people
    ]
    rows, granted = [], {}
    registered = AidPerson(attribute="一般贫困户", status="未脱贫")
    for n in range(1, expenses + 1):
        person, household = people[rng.randrange(len(people))]
        total = Decimal(rng.randrange(500, 60000))
        in_scope = (total * Decimal("0.85")).quantize(Decimal(1))
        basic = (in_scope * Decimal("0.55")).quantize(Decimal(1))
        aid = medical_aid(ExpenseFigures(total, in_scope, basic), registered, granted_before=granted.get(person, 0))
        granted[person] = granted.get(person, 0) + aid.amount
        day = date(year, 1, 1) + timedelta(days=rng.randrange(0, 360))
        rows.append([
            n, person, household, day.isoformat(), "区人民医院", "区县级医院", "t", total, in_scope, basic, 0, "t", "t",
            f"B{n:08d}", str(aid.group or ""), aid.rate, aid.base, aid.amount, aid.words, "f", "", actor.pk, now,
        ])  # fmt: skip
    with connection.cursor() as c:
        raw = c.cursor
        _copy(raw, "healthcare_insurance", ["id", "person_id", "household_id", "year", "kind", "insured", "payer",
              "source", "voided", "void_reason", "created_by_id", "created_at"], insurance,
              text=("source", "void_reason"))  # fmt: skip
        _copy(raw, "healthcare_expense", ["id", "person_id", "household_id", "visited_on", "hospital", "level",
              "inpatient", "total", "in_scope", "basic_paid", "critical_paid", "pay_after", "one_stop",
              "settlement_number", "aid_group", "aid_rate", "aid_base", "aid", "aid_words", "voided", "void_reason",
              "created_by_id", "created_at"], rows, text=("aid_group", "void_reason"))  # fmt: skip
        for table in ("healthcare_insurance", "healthcare_expense"):
            c.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608 — fixed table names
        c.execute("ANALYZE")


def recompute_seconds(year: int) -> float:
    from households.models import HouseholdAssessment
    from households.services.assessment import assessments_recompute

    HouseholdAssessment.objects.all().delete()
    start = time.perf_counter()
    assessments_recompute(year=year)
    return time.perf_counter() - start


def aid_list_seconds(year: int, *, export_too: bool) -> tuple[float, float, int]:
    """The district's aid list page (first page and totals, rendered) and its xlsx, as the district office."""
    from django.contrib.auth.models import Group
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    from accounts.models import Area, Role, User
    from healthcare.exports import aid_list_export
    from healthcare.selectors import aid_list
    from healthcare.views import aid_list_view

    User.objects.filter(username="bench_district").delete()
    officer = User.objects.create_user("bench_district", password="x", area=Area.objects.get(level="district"))  # noqa: S106
    officer.groups.add(Group.objects.get(name=Role.DISTRICT_OFFICER))
    officer = User.objects.get(pk=officer.pk)
    request = RequestFactory().get("/healthcare/aid/", {"year": str(year)})
    request.user, request.session = officer, SessionStore()
    request._messages = FallbackStorage(request)
    aid_list_view(request)  # warm the templates
    start = time.perf_counter()
    response = aid_list_view(request)
    page = time.perf_counter() - start
    assert response.status_code == 200
    if not export_too:
        return page, 0.0, 0
    path = Path(tempfile.mkstemp(suffix=".xlsx")[1])
    start = time.perf_counter()
    count = aid_list_export(path, aid_list(officer, year=year), year=year, town=None, full=False)
    export = time.perf_counter() - start
    path.unlink()
    return page, export, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--expenses", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=2, help="recomputes without and with the provider, each")
    parser.add_argument("--export", action="store_true", help="also time the list's xlsx (slow)")
    parser.add_argument("--reuse", action="store_true", help="keep the database a previous run generated")
    args = parser.parse_args()
    env = {**os.environ, "DATABASE_URL": server_url() + DB_NAME, "DJANGO_SETTINGS_MODULE": "wenchanghu.settings"}
    env.pop("REDIS_URL", None)
    if not args.reuse:
        fresh_database(env)
    os.environ.update(DATABASE_URL=env["DATABASE_URL"], DJANGO_SETTINGS_MODULE="wenchanghu.settings")
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.urls import reverse
    from django.utils import timezone

    reverse("healthcare:aid")  # import every view now: the code measured is the code at the start

    from healthcare.providers import PROVIDER
    from households.models import Household
    from households.providers import providers, register_provider, unregister_provider
    from households.services import standard_set

    year = timezone.localdate().year - 1
    if not args.reuse:
        standard_set(year=year, poverty_line=Decimal(3609), dibao_line=Decimal(4800))
        t0 = time.perf_counter()
        generate(args.persons)
        health_records(year, args.expenses)
        print(f"generated {args.persons:,} persons, {args.expenses:,} expenses in {time.perf_counter() - t0:.1f} s")
    households = Household.objects.count()
    print(f"{households:,} households", flush=True)

    for provider in providers():  # measure the health provider alone
        if provider.name == "healthcare":
            continue
        unregister_provider(provider.name)
    unregister_provider("healthcare")
    withouts, withs = [], []
    for _ in range(args.rounds):
        unregister_provider("healthcare")
        withouts.append(recompute_seconds(year))
        print(f"recompute without the provider: {withouts[-1]:6.1f} s", flush=True)
        register_provider(PROVIDER)
        withs.append(recompute_seconds(year))
        print(f"recompute with the provider:    {withs[-1]:6.1f} s", flush=True)
    from households.services.assessment import assessments_recompute

    t0 = time.perf_counter()
    unchanged = assessments_recompute(year=year)
    second = time.perf_counter() - t0
    base = sum(withouts) / len(withouts)
    added = sum(withs) / len(withs) - base
    print(f"again, nothing changed:         {second:6.1f} s", flush=True)
    page, export, rows = aid_list_seconds(year, export_too=args.export)
    print()
    print(f"recompute without the provider: {', '.join(f'{t:.1f} s' for t in withouts)}")
    print(f"recompute with the provider:    {', '.join(f'{t:.1f} s' for t in withs)}")
    print(f"the provider adds:              {added:6.1f} s  (ratio {(base + added) / base:4.2f}; goal ≤ 2 s)")
    print(f"again, nothing changed:         {second:6.1f} s  ({unchanged.unchanged:,} unchanged)")
    print(f"aid list page, whole district:  {page:6.2f} s  (goal ≤ 1 s)")
    if args.export:
        print(f"aid list xlsx, {rows:,} rows:   {export:6.1f} s")


if __name__ == "__main__":
    main()
