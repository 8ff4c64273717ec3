"""Many rows written at once, without a model instance per row.

`Model.objects.bulk_create` prepares every field of every object in Python (defaults,
pre_save, get_db_prep_save), which dominates the time when millions of small rows are written
(the trials' background re-match writes up to 25 candidates for each of 100,000 patients). Here
the caller gives rows of values already in database form (`db_value` converts a constant once;
`new_uuids` makes many public ids at once) and they go to the database in one statement per
batch: COPY on PostgreSQL, executemany elsewhere. No signals are sent and no instances made: use
it only for tables whose writes have no side effects (no signals, no audit).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from django.db import connection, models

BATCH = 10_000  # rows per executemany (SQLite, MariaDB)


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.column:
        raise ValueError(f"{model.__name__}.{name} is not a column")
    return field


def _column(model: type[models.Model], name: str) -> str:
    return connection.ops.quote_name(str(_field(model, name).column))


def _table(model: type[models.Model], fields: Sequence[str]) -> tuple[str, list[str]]:
    columns = [_column(model, name) for name in fields]
    return connection.ops.quote_name(model._meta.db_table), columns


def db_value(model: type[models.Model], field: str, value: Any) -> Any:
    """A value as the database stores it in this field (for values shared by many rows)."""
    return _field(model, field).get_db_prep_save(value, connection)


def new_uuids(count: int) -> list[str]:
    """`count` random (version 4) UUIDs as 32 hex digits, which a UUIDField column takes on
    every backend (char(32) on SQLite; PostgreSQL's uuid type reads them too)."""
    if count <= 0:
        return []
    raw = np.frombuffer(os.urandom(16 * count), dtype=np.uint8).reshape(count, 16).copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40  # version 4
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80  # RFC 4122 variant
    text = raw.tobytes().hex()
    return [text[i : i + 32] for i in range(0, 32 * count, 32)]


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert rows (one value per field, in database form) into the model's table."""
    table, columns = _table(model, fields)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
            return written
        sql = (
            f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - names quoted
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
        batch: list[Sequence[Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                written += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written


def update_rows(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]
) -> int:
    """Set `fields` of the rows whose primary key is each row's last value."""
    if not rows:
        return 0
    table, columns = _table(model, fields)
    key = connection.ops.quote_name(model._meta.pk.column)
    assignments = ", ".join(f"{column} = %s" for column in columns)
    sql = f"UPDATE {table} SET {assignments} WHERE {key} = %s"  # noqa: S608 - names quoted
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])
    return len(rows)


def upsert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    unique: str,
    update: Sequence[str],
) -> int:
    """Insert rows, or update `update` where the `unique` column already has the value
    (INSERT … ON CONFLICT, which PostgreSQL and SQLite both have)."""
    if not rows:
        return 0
    table, columns = _table(model, fields)
    conflict = _column(model, unique)
    updated = [_column(model, name) for name in update]
    changes = ", ".join(f"{column} = EXCLUDED.{column}" for column in updated)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - names quoted
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({conflict}) DO UPDATE SET {changes}"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])
    return len(rows)
