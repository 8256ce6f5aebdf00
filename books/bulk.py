"""Inserting many rows of one model from plain values, for the bulk actions (`register_members`).

`bulk_create` spends most of its time in Python preparing each field of each instance (≈ 3 µs a
field: 100,000 members are 25 fields each). `insert` takes rows that are already what the model
would save — validated by the caller, every column given — and only adapts the few types the
driver does not write itself: dates and datetimes on SQLite, text choices as plain text.
PostgreSQL: the ids are taken from the table's sequence first, then one `COPY … FROM STDIN`
(as `books.audit` writes big batches of events). SQLite: multi-row `INSERT … RETURNING id`.
Constraints, foreign keys and triggers apply as to any INSERT. No signal is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models


def _text(value: Any) -> Any:
    # a TextChoices member is a str subclass; psycopg would write an Enum by its name
    return value if value is None or type(value) is str else str(value)


def _prepared_by(field: Any, connection: Any) -> Callable[[Any], Any]:
    return lambda value: field.get_db_prep_save(value, connection)


def _converters(model: type[models.Model], attnames: Sequence[str], using: str) -> list[Callable[[Any], Any] | None]:
    connection = connections[using]
    sqlite = connection.vendor == "sqlite"
    fields = {field.attname: field for field in model._meta.concrete_fields}
    out: list[Callable[[Any], Any] | None] = []
    for attname in attnames:
        field = fields[attname]
        internal = field.get_internal_type()
        if field.is_relation or internal in ("AutoField", "BigAutoField", "IntegerField", "PositiveIntegerField"):
            out.append(None)
        elif internal in ("CharField", "TextField", "EmailField", "SlugField"):
            out.append(_text)
        elif internal == "DateField" and not sqlite:
            out.append(None)  # psycopg writes a date
        elif internal == "DateField":
            out.append(connection.ops.adapt_datefield_value)
        elif internal == "DateTimeField":
            out.append(connection.ops.adapt_datetimefield_value)
        else:  # anything else the way the field itself prepares it
            out.append(_prepared_by(field, connection))
    return out


def reserve_ids(cursor: Any, table: str, pk_column: str, count: int) -> list[int]:
    """PostgreSQL: `count` new ids from the table's sequence, increasing (as bulk_create's would be),
    for rows written with COPY (`table` quoted)."""
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk_column, count]
    )
    return sorted(int(pk) for (pk,) in cursor.fetchall())


def insert(
    model: type[models.Model],
    attnames: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    using: str = DEFAULT_DB_ALIAS,
) -> list[int]:
    """Insert `rows` (values in the order of `attnames`, the pk excluded) and return their new
    ids, in order. The caller validates: this writes what it is given."""
    if not rows:
        return []
    connection = connections[using]
    qn = connection.ops.quote_name
    meta = model._meta
    assert meta.pk is not None
    converters = _converters(model, attnames, using)
    by_attname = {field.attname: field for field in meta.concrete_fields}
    columns = [str(by_attname[attname].column) for attname in attnames]
    pk_column = str(meta.pk.column)
    prepared = [
        tuple(value if convert is None else convert(value) for value, convert in zip(row, converters, strict=True))
        for row in rows
    ]
    table = qn(meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            ids = reserve_ids(cursor, table, pk_column, len(prepared))
            names = ", ".join(qn(column) for column in (pk_column, *columns))
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for pk, values in zip(ids, prepared, strict=True):
                    copy.write_row((pk, *values))
            return ids
        names = ", ".join(qn(column) for column in columns)
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        per_statement = max(1, int(connection.features.max_query_params or 999) // len(columns))
        ids = []
        for start in range(0, len(prepared), per_statement):
            batch = prepared[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * len(batch))} RETURNING {qn(pk_column)}",
                [value for values in batch for value in values],
            )
            # AUTOINCREMENT numbers the rows in the order of VALUES, whatever order RETURNING gives
            ids.extend(sorted(int(pk) for (pk,) in cursor.fetchall()))
        return ids
