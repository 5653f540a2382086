"""The user's path (issue 16): `import_ledger` as a clerk's operator runs it, *including* the reassessment of
every imported household, then `recompute_status` — on PostgreSQL with autovacuum off, so nothing gathers
statistics behind the code's back. Ratios against openpyxl's read-only read of the same file, in one run.

    python bench/user_path.py [--persons 100000]

Two ways, as in production and in the embedded default:
- without Redis: the reassessment runs inside the command (tasks in-process);
- with Redis: the command queues it and a Celery worker (started here) does it; the time runs until the worker
  has stored every household's assessment.
It creates and drops its own database `wenchanghu_userpath` on the server of DATABASE_URL.
"""

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

from bench.import_ledger import fresh_database, openpyxl_read, server_url  # noqa: E402
from bench.synthetic import write_ledger  # noqa: E402

DB_NAME = "wenchanghu_userpath"
YEAR = "2025"


def run(*args: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(  # noqa: S603 — our own interpreter and manage.py
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return time.perf_counter() - start


def counts(env: dict[str, str]) -> tuple[int, int]:
    import psycopg2

    connection = psycopg2.connect(env["DATABASE_URL"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM households_household")
        households = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM households_householdassessment WHERE year = %s", [int(YEAR)])
        assessed = cursor.fetchone()[0]
    connection.close()
    return households, assessed


def with_worker(path: Path, env: dict[str, str]) -> float:
    """The import with Redis: the command, then the worker's reassessment, until every household is assessed."""
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "wenchanghu", "worker", "--pool", "solo", "--loglevel", "WARNING"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(3)  # the worker connects before the clock starts
        start = time.perf_counter()
        run("import_ledger", str(path), "--year", YEAR, env=env)
        deadline = start + 1800
        while time.perf_counter() < deadline:
            households, assessed = counts(env)
            if households and assessed >= households:
                return time.perf_counter() - start
            time.sleep(0.5)
        sys.exit("the worker did not finish the reassessment within 30 minutes")
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=100_000)
    args = parser.parse_args()
    base = {**os.environ, "DJANGO_SETTINGS_MODULE": "wenchanghu.settings", "DATABASE_URL": server_url() + DB_NAME}
    eager = {k: v for k, v in base.items() if k != "REDIS_URL"}
    redis_url = "redis://127.0.0.1:6379/14"
    queued = {**base, "REDIS_URL": redis_url}

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ledger.xlsx"
        persons = write_ledger(path, args.persons)
        read = openpyxl_read(path)
        print(f"{persons:,} persons; openpyxl read-only, read the file: {read:7.2f} s")

        fresh_database(eager, DB_NAME)
        first = run("import_ledger", str(path), "--year", YEAR, env=eager)
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        households, assessed = counts(eager)
        assert assessed == households, (assessed, households)
        print(f"without Redis: import incl. reassessment    {first:7.2f} s  ({households:,} households assessed)")
        again = run("import_ledger", str(path), "--year", YEAR, env=eager)
        print(f"without Redis: the same file again          {again:7.2f} s")
        recompute = run("recompute_status", "--year", YEAR, env=eager)
        print(f"recompute_status after it, nothing changed  {recompute:7.2f} s")

        fresh_database(queued, DB_NAME)
        queued_first = with_worker(path, queued)
        print(f"with Redis and a worker: until all assessed {queued_first:7.2f} s")

    import redis

    redis.Redis.from_url(redis_url).flushdb()
    print()
    print(f"import (no Redis) ÷ openpyxl read:        {first / read:6.2f}   (goal ≤ 1.0)")
    print(f"import (Redis + worker) ÷ openpyxl read:  {queued_first / read:6.2f}   (goal ≤ 1.0)")
    print(f"unchanged re-import ÷ first import:       {again / first:6.2f}   (goal ≤ 0.5)")
    print(f"peak memory of the commands:              {peak_mb:6.0f} MB (goal ≤ 500 MB)")


if __name__ == "__main__":
    main()
