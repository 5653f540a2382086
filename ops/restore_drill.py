"""Restore drill: back the database up with pg_dump, restore it into a scratch database with pg_restore, and
check that every table came back with the same number of rows. Exit 0 when it did, 1 when not.

    python ops/restore_drill.py [DATABASE_URL]

DATABASE_URL defaults to the environment's. The scratch database is dropped at the end, whatever happened.
SECURITY.md says when to run it (monthly, and after every change to the backup set-up); the test suite runs
it on CI's PostgreSQL.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2


def _url_for(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


def _counts(url: str) -> dict[str, int]:
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 — names read from pg_tables
            counts[table] = cursor.fetchone()[0]
    connection.close()
    return counts


def drill(url: str) -> list[str]:
    """The problems found; empty when the restore is complete."""
    source = urlsplit(url).path.lstrip("/")
    scratch = f"{source}_restore_drill_{os.getpid()}"
    admin = _url_for(url, "postgres")
    with tempfile.TemporaryDirectory() as folder:
        dump = Path(folder) / "backup.dump"
        subprocess.run(["pg_dump", "--format=custom", "--file", str(dump), url], check=True)  # noqa: S603, S607
        connection = psycopg2.connect(admin)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{scratch}"')
            subprocess.run(  # noqa: S603
                ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", _url_for(url, scratch), str(dump)],  # noqa: S607
                check=True,
            )
            before, after = _counts(url), _counts(_url_for(url, scratch))
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
            connection.close()
    problems = [f"表 {t} 不见了" for t in before if t not in after]
    problems += [
        f"表 {t}：备份前 {n} 行，恢复后 {after[t]} 行" for t, n in before.items() if t in after and after[t] != n
    ]
    if not before.get("django_migrations"):
        problems.append("源数据库是空的：没有可演练的数据")
    return problems


def main() -> int:
    url = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("恢复演练需要 PostgreSQL：请给出 DATABASE_URL（postgres://...）。", file=sys.stderr)
        return 2
    problems = drill(url)
    for problem in problems:
        print(f"恢复演练发现问题：{problem}", file=sys.stderr)
    if problems:
        return 1
    print("恢复演练通过：pg_dump 备份已恢复到临时数据库，每张表的行数一致；临时数据库已删除。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
