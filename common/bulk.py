"""Inserting many new rows, with their django-simple-history records, fast.

On PostgreSQL the rows go in with COPY: ids are taken from the table's sequence first, so the history rows (and
the caller) know them. Django's own per-value preparation costs about twenty times the COPY itself at ledger
sizes; the import's speed target (DESIGN §8, bench/import_ledger.py) needs this path. On other databases (the
embedded SQLite default) the ORM's bulk_create_with_history does the same job.

Values are plain Python: str, int, Decimal, bool, date, datetime or None; every concrete field of the model
must be given (see `row_defaults`).
"""

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Field, Model
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

BATCH = 2000  # rows per INSERT on the ORM path
COPY_BATCH = 10_000  # rows per COPY: bounds the memory of a large import
ANALYZE_AFTER = 1000  # rows: a bulk write this large refreshes the table's statistics (see `analyze`)
HISTORY_FIELDS = {"history_id", "history_date", "history_change_reason", "history_type", "history_user"}


def row_defaults(model: type[Model]) -> dict[str, Any]:
    """Every concrete field's default, by attname; auto_now fields get the current time."""
    now = timezone.now()
    defaults: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults[field.attname] = now
        elif field.has_default():
            defaults[field.attname] = field.get_default()
        else:
            defaults[field.attname] = None if field.null else ""
    return defaults


def _copy(table: str, fields: list[Field], rows: Iterable[list[Any]]) -> None:
    """COPY in CSV format, written by the C csv module. An unquoted empty field is NULL, except in NOT NULL
    columns (FORCE_NOT_NULL), where it is the empty string that Django stores for a blank text field."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    buffer.seek(0)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    not_null = ", ".join(quote(f.column) for f in fields if not f.null)
    options = f"FORMAT csv, FORCE_NOT_NULL ({not_null})" if not_null else "FORMAT csv"
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {quote(table)} ({columns}) FROM STDIN WITH ({options})", buffer)


def _next_ids(model: type[Model], count: int) -> list[int]:
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, count])
        return [row[0] for row in cursor.fetchall()]


def insert_rows(
    model: type[Model],
    rows: Iterable[dict[str, Any]],
    *,
    history_user_id: int | None = None,
    reason: str = "",
    refresh_statistics: bool = True,
) -> int:
    """Insert `rows` (attname → value) and, if the model keeps history, a '+' history record for each.

    Rows are consumed in batches, so a generator keeps memory flat. Returns the number of rows inserted.
    Runs inside the caller's transaction. A large insert refreshes the table's statistics (`analyze`) unless
    the caller, inserting in many rounds, does it once at the end.
    """
    count = 0
    for batch in _batches(rows, COPY_BATCH):
        _insert_batch(model, batch, history_user_id=history_user_id, reason=reason)
        count += len(batch)
    if refresh_statistics and count >= ANALYZE_AFTER and connection.vendor == "postgresql":
        analyze(model)
    return count


def analyze(*models: type[Model]) -> None:
    """Refresh PostgreSQL's statistics of the tables a bulk write just loaded (and their history tables).

    The queries that follow (the import's reassessment, the recompute) are planned from these statistics;
    autovacuum gathers them minutes later at best, and not at all where it is off. ANALYZE samples a fixed
    number of rows, so it costs well under a second even at a million rows, and it may run in a transaction.
    """
    quote = connection.ops.quote_name
    tables = []
    for model in models:
        tables.append(model._meta.db_table)
        history = getattr(model, "history", None)
        if history is not None:
            tables.append(history.model._meta.db_table)
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {quote(table)}")


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterable[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert_batch(model: type[Model], rows: list[dict[str, Any]], *, history_user_id: int | None, reason: str) -> None:
    history = getattr(model, "history", None)
    if connection.vendor != "postgresql":
        instances = [model(**row) for row in rows]
        if history is None:
            model.objects.bulk_create(instances, batch_size=BATCH)
        else:
            from django.contrib.auth import get_user_model

            user = get_user_model().objects.get(pk=history_user_id) if history_user_id is not None else None
            bulk_create_with_history(
                instances, model, batch_size=BATCH, default_user=user, default_change_reason=reason
            )
        return

    ids = _next_ids(model, len(rows))
    fields = list(model._meta.concrete_fields)
    attnames = [f.attname for f in fields]
    pk_attname = model._meta.pk.attname
    for row, new_id in zip(rows, ids, strict=True):
        row[pk_attname] = new_id
    _copy(model._meta.db_table, fields, ([row[a] for a in attnames] for row in rows))

    if history is not None:
        # The history rows are the new rows themselves plus the history columns: copied inside the database.
        historical = history.model
        plain = [f for f in historical._meta.concrete_fields if f.name not in HISTORY_FIELDS]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in plain)
        # Only table and column names from the models' own metadata are formatted in, quoted; values are parameters.
        sql = (
            f"INSERT INTO {quote(historical._meta.db_table)} ({columns}, history_date, history_change_reason, "  # noqa: S608
            f"history_type, history_user_id) SELECT {columns}, %s, %s, '+', %s FROM {quote(model._meta.db_table)} "
            f"WHERE {quote(model._meta.pk.column)} = ANY(%s)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [timezone.now(), reason or None, history_user_id, ids])
