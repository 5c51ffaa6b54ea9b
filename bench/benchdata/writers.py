"""How the benchmark data set reaches the database: rows as tuples written by ``COPY`` on PostgreSQL
(``CopyWriter``) or ``bulk_create`` elsewhere (``BulkWriter``), primary keys handed out in Python
(``Ids``), and the large tables' indexes and foreign keys dropped for the load (``pg_unindex``)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.db.models import Max


def _columns(model: type[models.Model], names: Sequence[str]) -> list[models.Field[Any, Any]]:
    fields = {f.attname: f for f in model._meta.concrete_fields}
    return [fields[n] for n in names]


def _with_defaults(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """COPY does not apply Django's defaults: a NOT NULL column added to a model after its column list was
    written here gets its model default, so a new field never breaks the generator."""
    extra = [
        f
        for f in model._meta.concrete_fields
        if f.attname not in columns
        and not f.null
        and not f.primary_key
        and (f.has_default() or (f.blank and f.empty_strings_allowed))
    ]
    if not extra:
        return list(columns), list(rows)
    values = tuple(f.get_default() for f in extra)
    return [*columns, *(f.attname for f in extra)], [(*row, *values) for row in rows]


class Writer:
    """Writes rows (tuples in the order of ``columns``, which are attribute names like ``unit_id``)."""

    def put(self, model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
        raise NotImplementedError


class CopyWriter(Writer):
    """PostgreSQL: ``COPY table (columns) FROM STDIN`` through psycopg 3."""

    def put(self, model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
        if not rows:
            return
        columns, rows = _with_defaults(model, columns, rows)
        fields = _columns(model, columns)
        quote = connection.ops.quote_name
        sql = f"COPY {quote(str(model._meta.db_table))} ({', '.join(quote(str(f.column)) for f in fields)}) FROM STDIN"
        with connection.cursor() as wrapper:
            raw = wrapper.cursor  # the psycopg cursor
            with raw.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)


class BulkWriter(Writer):
    """Any database: ``bulk_create`` in batches (JSON columns arrive as JSON text and are decoded)."""

    batch_size = 2000

    def put(self, model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
        json_at = [i for i, f in enumerate(_columns(model, columns)) if isinstance(f, models.JSONField)]
        objects = []
        for row in rows:
            values = dict(zip(columns, row, strict=True))
            for i in json_at:
                values[columns[i]] = json.loads(row[i])
            objects.append(model(**values))
        model._default_manager.bulk_create(objects, batch_size=self.batch_size)


class Ids:
    """Next primary key per model, starting after what the database already holds."""

    def __init__(self, models_: Iterable[type[models.Model]]):
        self.next = {m: (m._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1 for m in models_}

    def take(self, model: type[models.Model]) -> int:
        value = self.next[model]
        self.next[model] = value + 1
        return value


def pg_unindex(load_tables: Iterable[type[models.Model]]) -> list[str]:
    """Drop the large tables' secondary indexes and foreign keys; return the statements that restore them
    exactly (``pg_get_indexdef`` / ``pg_get_constraintdef``), foreign keys after indexes."""
    tables = [m._meta.db_table for m in load_tables]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, ic.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid "
            "WHERE c.relname = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT cl.relname, k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k "
            "JOIN pg_class cl ON cl.oid = k.conrelid WHERE k.contype = 'f' AND cl.relname = ANY(%s)",
            [tables],
        )
        foreign = cursor.fetchall()
        quote = connection.ops.quote_name
        for table, name, _definition in foreign:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        for _table, name, _definition in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
    return [d for _t, _n, d in indexes] + [
        f"ALTER TABLE {connection.ops.quote_name(t)} ADD CONSTRAINT {connection.ops.quote_name(n)} {d}"
        for t, n, d in foreign
    ]
