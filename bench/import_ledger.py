"""Benchmark of the ledger import on PostgreSQL; see bench/README.md. Prints ratios measured in one run."""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic import write_ledger  # noqa: E402

DB_NAME = "wenchanghu_bench"


def server_url() -> str:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/")
    if not url.startswith("postgres"):
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")
    return url.rsplit("/", 1)[0] + "/"


def manage(*args: str, env: dict[str, str]) -> tuple[float, str]:
    """Run a management command in a child process; returns its wall time and output."""
    start = time.perf_counter()
    done = subprocess.run(  # noqa: S603 — our own interpreter and manage.py
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return elapsed, done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def fresh_database(env: dict[str, str], name: str = DB_NAME) -> None:
    """Drop and create the benchmark's own database `name`, migrate it and load the sample areas."""
    import psycopg2

    connection = psycopg2.connect(server_url() + "postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {name}")
    connection.close()
    manage("migrate", "--noinput", env=env)
    manage("load_areas", str(ROOT / "accounts" / "data" / "areas.csv"), env=env)


def openpyxl_read(path: Path) -> float:
    from openpyxl import load_workbook

    start = time.perf_counter()
    workbook = load_workbook(path, read_only=True)
    for _ in workbook.active.iter_rows(values_only=True):
        pass
    workbook.close()
    return time.perf_counter() - start


OURS = """
import sys, time, django
django.setup()
from pathlib import Path
from accounts.models import Area
from households.ledger.importer import ledger_import
start = time.perf_counter()
result = ledger_import(path=Path(sys.argv[1]), actor=None, areas=Area.objects.all(), year=2025)
elapsed = time.perf_counter() - start
assert result.written and not result.errors, result.errors[:5]
print(elapsed, result.rows)
"""

# A plain ModelResource with default settings. Both sides are timed from the .xlsx file on disk to persons in
# the database: django-import-export reads it with its own XLSX format (openpyxl), this importer with calamine.
# The households exist before the baseline starts (not timed): it imports persons only, which flatters it.
BASELINE = """
import sys, time, django, tablib, openpyxl
django.setup()
from import_export import fields, resources, widgets
from accounts.models import Area
from households.idnumber import parse_id_number
from households.models import Household, Person
from django.utils import timezone
from python_calamine import CalamineWorkbook

path = sys.argv[1]
villages = {(v.parent.name, v.name): v for v in Area.objects.filter(level="village").select_related("parent")}
households = {}
for r in CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()[2:]:
    households.setdefault(r[2], Household(number=r[2], village=villages[(r[0], r[1])], attribute="一般贫困户", main_cause="因病"))
Household.objects.bulk_create(households.values())

COLUMNS = ["household", "name", "id_number", "relation", "sex", "birth_date", "ethnicity", "education",
           "school_status", "health", "labour_ability", "work_status"]


class PersonResource(resources.ModelResource):
    household = fields.Field(attribute="household", column_name="household", widget=widgets.ForeignKeyWidget(Household, field="number"))

    class Meta:
        model = Person
        import_id_fields = ["id_number"]
        fields = COLUMNS


start = time.perf_counter()
# django-import-export's XLSX format reads with openpyxl in read-only mode but cannot skip the title row above
# the header, so the same reading is done here, one row later.
workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
today = timezone.localdate()
data = tablib.Dataset(headers=COLUMNS)
for r in list(workbook.active.iter_rows(values_only=True))[2:]:
    data.append([r[2], r[3], r[4], r[5], r[6], parse_id_number(r[4], today=today).birth_date, *r[7:13]])
result = PersonResource().import_data(data, dry_run=False, raise_errors=True)
elapsed = time.perf_counter() - start
print(elapsed, len(data))
"""


def child(code: str, path: Path, env: dict[str, str]) -> tuple[float, float]:
    done = subprocess.run(  # noqa: S603 — our own interpreter and code
        [sys.executable, "-c", code, str(path)], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"child failed:\n{done.stderr[-3000:]}")
    seconds, count = done.stdout.split()[-2:]
    return float(seconds), float(count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    args = parser.parse_args()
    # Tasks an import queues (the reassessment) go to Redis for a worker, as in production, rather than
    # running inside the timed import: a spare Redis database, emptied at the end.
    redis_url = "redis://127.0.0.1:6379/15"
    env = {
        **os.environ,
        "DATABASE_URL": server_url() + DB_NAME,
        "DJANGO_SETTINGS_MODULE": "wenchanghu.settings",
        "REDIS_URL": redis_url,
    }

    with tempfile.TemporaryDirectory() as tmp:
        big, small = Path(tmp) / "big.xlsx", Path(tmp) / "small.xlsx"
        t0 = time.perf_counter()
        persons = write_ledger(big, args.persons)
        write_ledger(small, args.small)
        print(f"generated {persons:,} persons ({big.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s")

        read = openpyxl_read(big)
        print(f"openpyxl read-only, read the file:          {read:7.2f} s")

        fresh_database(env)
        rss_before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        first, line = manage("import_ledger", str(big), "--year", "2025", env=env)
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"import_ledger, first import:                {first:7.2f} s   {line}")
        second, line = manage("import_ledger", str(big), "--year", "2025", env=env)
        print(f"import_ledger, same file again:             {second:7.2f} s   {line}")

        fresh_database(env)
        ours, count = child(OURS, small, env)
        fresh_database(env)
        theirs, _ = child(BASELINE, small, env)
        print(
            f"{count:,.0f} persons, from the file to the database: this importer {ours:.2f} s "
            f"({ours / count * 1000:.2f} ms a row); django-import-export {theirs:.2f} s "
            f"({theirs / count * 1000:.1f} ms a row)"
        )

    import redis

    redis.Redis.from_url(redis_url).flushdb()
    print()
    print(f"first import ÷ openpyxl read:      {first / read:6.2f}   (goal ≤ 1.0)")
    print(f"django-import-export ÷ this:       {theirs / ours:6.1f}×  (goal ≥ 30×)")
    print(f"second import ÷ first import:      {second / first:6.2f}   (goal ≤ 0.5)")
    print(
        f"peak memory, first import:         {peak_mb:6.0f} MB (goal ≤ 500 MB; children's max RSS{'' if not rss_before else ', includes earlier children'})"
    )


if __name__ == "__main__":
    main()
