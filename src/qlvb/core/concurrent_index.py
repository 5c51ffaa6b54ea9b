"""Index builds that do not stop writers (docs/deploy.md, "Upgrades"; issue 15).

A plain ``CREATE INDEX`` holds a SHARE lock on its table for the whole build: at 1 M documents
``assignments.0006`` kept every write to ``assignments_assignment`` waiting 11.7 s during an upgrade
(docs/benchmarks.md, "the longest lock"). ``CREATE INDEX CONCURRENTLY`` takes SHARE UPDATE EXCLUSIVE
instead — reads and writes go on — but cannot run inside a transaction, so a migration that uses it says
``atomic = False``.

- :class:`AddIndexConcurrently` — the migration operation for a model's ``Meta.indexes``: Django's own
  operation on PostgreSQL, a plain ``AddIndex`` on SQLite (one writer at a time there anyway; Django's
  operation would fail on SQLite).
- :func:`create_index_concurrently` — the same for an index written in SQL (GIN, trigram) from a
  ``RunPython`` step.

Both first drop an **invalid** index of the same name: a concurrent build that was interrupted (a lock
timeout of ``qlvb upgrade``, a cancelled statement, a node stopped) leaves one behind, and ``CREATE INDEX
… IF NOT EXISTS`` would then keep the broken index for good. So running the migration again finishes the
job. ``tests/test_migrations_concurrent_index.py`` refuses a new migration that builds an index on one of
the large tables (:data:`LARGE_TABLES`) any other way.
"""

from __future__ import annotations

from django.contrib.postgres import operations as postgres_operations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations import AddIndex
from django.db.migrations.state import ProjectState

# The tables that reach millions of rows at a province's size (docs/benchmarks.md, 1 M documents).
LARGE_TABLES = frozenset(
    {"documents_document", "documents_documentevent", "documents_searchentry", "assignments_assignment"}
)


def drop_invalid_index(schema_editor: BaseDatabaseSchemaEditor, name: str) -> bool:
    """Drop the index ``name`` if it is left invalid by an interrupted concurrent build (PostgreSQL only).
    True when one was dropped."""
    if schema_editor.connection.vendor != "postgresql":
        return False
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname = %s AND pg_catalog.pg_table_is_visible(c.oid) AND NOT i.indisvalid",
            [name],
        )
        invalid = cursor.fetchone() is not None
    if invalid:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {schema_editor.quote_name(name)}")
    return invalid


def create_index_concurrently(schema_editor: BaseDatabaseSchemaEditor, name: str, definition: str) -> None:
    """``CREATE INDEX CONCURRENTLY IF NOT EXISTS name definition`` on PostgreSQL, after dropping an invalid
    leftover of the same name. ``definition`` is what follows the name: ``ON table USING gin (…)``.
    Call it from a ``RunPython`` of a migration with ``atomic = False``."""
    if schema_editor.connection.vendor != "postgresql":
        raise ValueError("create_index_concurrently is for PostgreSQL; SQLite builds its indexes plainly")
    drop_invalid_index(schema_editor, name)
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {schema_editor.quote_name(name)} {definition}", params=None
    )


class AddIndexConcurrently(postgres_operations.AddIndexConcurrently):
    """``AddIndex`` that lets writes go on during the build on PostgreSQL (``CREATE INDEX CONCURRENTLY``)
    and is a plain ``AddIndex`` elsewhere. The migration must say ``atomic = False``."""

    def database_forwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        if schema_editor.connection.vendor != "postgresql":
            AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)
            return
        drop_invalid_index(schema_editor, self.index.name)
        super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        if schema_editor.connection.vendor != "postgresql":
            AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)
            return
        super().database_backwards(app_label, schema_editor, from_state, to_state)
