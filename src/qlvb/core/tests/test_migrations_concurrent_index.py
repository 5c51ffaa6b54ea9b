"""Index builds on the large tables never stop writers during an upgrade (issue 15, docs/deploy.md).

A plain ``CREATE INDEX`` on ``assignments_assignment`` held every write for 11.7 s when a copy of the 1 M
database was upgraded. Every migration on disk is read here: one that builds an index on a large table
that existed before it must do it ``CONCURRENTLY`` (``qlvb.core.concurrent_index``), in a migration with
``atomic = False``. Then the operation itself runs on both databases, and an index left invalid by an
interrupted concurrent build is rebuilt when the migration runs again."""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps as global_apps
from django.db import connection, models
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.migration import Migration
from django.db.migrations.operations import AddConstraint, AddField, AddIndex, CreateModel, RunPython, RunSQL
from django.db.migrations.operations.base import Operation
from django.db.migrations.operations.special import SeparateDatabaseAndState

from qlvb.core.concurrent_index import (
    LARGE_TABLES,
    AddIndexConcurrently,
    create_index_concurrently,
    drop_invalid_index,
)

ADD_FOREIGN_KEY = re.compile(r"\bALTER\s+TABLE\s+(?:ONLY\s+)?\"?(?P<table>\w+)[^;]*?\bFOREIGN\s+KEY\b[^;]*", re.I)
NOT_VALID = re.compile(r"\bNOT\s+VALID\b", re.I)
CREATE_INDEX = re.compile(
    r"\bCREATE\s+(?:UNIQUE\s+)?INDEX\b(?P<concurrently>\s+CONCURRENTLY\b)?[^;]*?\bON\s+(?:ONLY\s+)?\"?(?P<table>\w+)",
    re.I,
)


def _operations(operations: list[object]) -> Iterator[object]:
    for operation in operations:
        yield operation
        if isinstance(operation, SeparateDatabaseAndState):
            yield from operation.database_operations


def _table(app_label: str, model_name: str) -> str:
    try:
        return global_apps.get_model(app_label, model_name)._meta.db_table
    except LookupError:  # a model deleted since
        return f"{app_label}_{model_name.lower()}"


def _strings(migration: Migration) -> list[str]:
    """Every string constant of the migration's module (adjacent literals already joined by the parser)
    and of the functions its RunPython steps call, wherever they live."""
    module = inspect.getmodule(migration)
    sources = [inspect.getsource(module)] if module is not None and ".migrations." in module.__name__ else []
    for operation in _operations(list(migration.operations)):
        if isinstance(operation, RunPython):
            for function in (operation.code, operation.reverse_code):
                if function is not None and getattr(function, "__module__", "") != type(migration).__module__:
                    sources.append(textwrap.dedent(inspect.getsource(function)))
        if isinstance(operation, RunSQL):
            sql = operation.sql if isinstance(operation.sql, list | tuple) else [operation.sql]
            sources.append(repr([str(s) for s in sql]))
    found = []
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.append(node.value)
    return found


def _field_makes_index(field: models.Field[Any, Any]) -> bool:
    return bool(field.unique and not field.primary_key) or bool(getattr(field, "db_index", False))


def _operation_problem(operation: object, table: str) -> str | None:
    if isinstance(operation, AddIndex) and not isinstance(operation, AddIndexConcurrently):
        return f"AddIndex {operation.index.name} on {table}"
    if not isinstance(operation, AddField | AddConstraint):
        return None
    if isinstance(operation, AddConstraint):
        if isinstance(operation.constraint, models.UniqueConstraint):
            return f"AddConstraint {operation.constraint.name} (a unique index) on {table}"
        return None
    if _field_makes_index(operation.field):
        return f"AddField {operation.name} with an index (db_index/unique/ForeignKey) on {table}"
    return None  # a new nullable foreign key's constraint: PostgreSQL checks no row (docs/deploy.md)


def _sql_problems(text: str, large: set[str] | frozenset[str]) -> list[str]:
    found = [
        f"SQL {match.group(0)!r}"
        for match in CREATE_INDEX.finditer(text)
        if match["table"].lower() in large and not match["concurrently"]
    ]
    found += [
        f"SQL {match.group(0)!r} (a foreign key checked under lock: add it NOT VALID, then VALIDATE)"
        for match in ADD_FOREIGN_KEY.finditer(text)
        if match["table"].lower() in large and not NOT_VALID.search(match.group(0))
    ]
    return found


def blocking_index_builds(migration: Migration) -> list[str]:
    """What this migration builds on a large table that existed before it without CONCURRENTLY, or the foreign
    keys it adds in SQL to such a table's existing column without NOT VALID (a scan under lock)."""
    if migration.initial:  # first install: the tables are empty
        return []
    created = {
        _table(migration.app_label, operation.name)
        for operation in _operations(list(migration.operations))
        if isinstance(operation, CreateModel)
    }
    large = LARGE_TABLES - created  # a table made by this same migration is empty and unused yet
    found = []
    for operation in _operations(list(migration.operations)):
        table = _table(migration.app_label, getattr(operation, "model_name", "") or "x")
        if table in large and (problem := _operation_problem(operation, table)):
            found.append(problem)
    for text in _strings(migration):
        found += _sql_problems(text, large)
    return found


def builds_concurrently(migration: Migration) -> bool:
    return any(isinstance(op, AddIndexConcurrently) for op in _operations(list(migration.operations))) or any(
        match["concurrently"] for text in _strings(migration) for match in CREATE_INDEX.finditer(text)
    )


def _migrations() -> list[Migration]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return [
        migration
        for (app_label, _), migration in sorted(loader.disk_migrations.items())
        if app_label in {config.label for config in global_apps.get_app_configs() if config.name.startswith("qlvb.")}
    ]


def test_no_migration_blocks_writes_to_a_large_table_while_it_builds_an_index_or_checks_a_key() -> None:
    checked = _migrations()
    assert len(checked) > 70  # every app's migrations were read
    offenders = {f"{m.app_label}.{m.name}": found for m in checked if (found := blocking_index_builds(m))}
    assert offenders == {}, (
        "Build indexes on the large tables CONCURRENTLY (qlvb.core.concurrent_index.AddIndexConcurrently or "
        "create_index_concurrently in a migration with atomic = False; a new indexed column as db_index=False "
        "plus AddIndexConcurrently; a constraint on a filled column added NOT VALID, then VALIDATE): docs/deploy.md"
    )


def test_a_concurrent_build_is_in_a_migration_that_is_not_atomic() -> None:
    wrong = [f"{m.app_label}.{m.name}" for m in _migrations() if builds_concurrently(m) and m.atomic]
    assert wrong == []


def test_the_check_sees_a_plain_index_build_on_a_large_table() -> None:
    """The check catches each way of building an index, and lets the concurrent ones and new tables be."""

    def migration(*operations: Operation, atomic: bool = True) -> Migration:
        attributes = {"operations": list(operations), "atomic": atomic, "__module__": "probe.migrations.0099"}
        probe = type("Migration", (Migration,), attributes)
        return probe("0099_probe", "assignments")

    index = models.Index(fields=["agency", "due_date"], name="probe_idx")
    assert blocking_index_builds(migration(AddIndex("assignment", index))) == [
        "AddIndex probe_idx on assignments_assignment"
    ]
    assert blocking_index_builds(migration(AddIndexConcurrently("assignment", index), atomic=False)) == []
    assert blocking_index_builds(migration(AddIndex("extension", index))) == []  # not a large table
    field = models.ForeignKey("directory.Unit", on_delete=models.CASCADE)
    assert len(blocking_index_builds(migration(AddField("assignment", "probe", field)))) == 1
    unindexed = models.ForeignKey("directory.Unit", on_delete=models.CASCADE, db_index=False)
    assert blocking_index_builds(migration(AddField("assignment", "probe", unindexed))) == []
    checked = RunSQL(
        "ALTER TABLE assignments_assignment ADD CONSTRAINT probe_fk FOREIGN KEY (probe_id) "
        "REFERENCES directory_unit (id)"
    )
    assert len(blocking_index_builds(migration(checked))) == 1
    later = RunSQL(
        "ALTER TABLE assignments_assignment ADD CONSTRAINT probe_fk FOREIGN KEY (probe_id) "
        "REFERENCES directory_unit (id) NOT VALID"
    )
    assert blocking_index_builds(migration(later)) == []
    unique = models.UniqueConstraint(fields=["document", "user"], name="probe_unique")
    assert len(blocking_index_builds(migration(AddConstraint("assignment", unique)))) == 1
    plain = RunSQL("CREATE INDEX probe ON assignments_assignment (due_date)")
    assert len(blocking_index_builds(migration(plain))) == 1
    concurrent = RunSQL("CREATE INDEX CONCURRENTLY probe ON assignments_assignment (due_date)")
    assert blocking_index_builds(migration(concurrent, atomic=False)) == []
    assert builds_concurrently(migration(concurrent))  # and atomic: the second test refuses it


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_indexes_are_built_again_by_their_migration() -> None:
    """``assignments.0006`` (now concurrent) goes back and forth on this database."""
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()  # every app: going back unapplies those that depend on it
    names = ("assignment_lead_unit_due_idx", "assignment_lead_user_due_idx")

    def indexes() -> set[str]:
        with connection.cursor() as cursor:
            found = connection.introspection.get_constraints(cursor, "assignments_assignment")
        return {name for name in names if name in found}

    assert indexes() == set(names)
    try:
        executor.migrate([("assignments", "0005_alter_notification_kind")])
        assert indexes() == set()
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    assert indexes() == set(names)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE c.relname = ANY(%s) AND i.indisvalid",
                [list(names)],
            )
            assert cursor.fetchone()[0] == 2


@pytest.mark.django_db(transaction=True)
def test_an_index_left_invalid_by_an_interrupted_build_is_built_again() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("CREATE INDEX CONCURRENTLY and invalid indexes are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE qlvb_probe_cic (n integer)")
        cursor.execute("INSERT INTO qlvb_probe_cic VALUES (1), (1)")
    try:
        # a unique build over duplicates fails half-way: PostgreSQL keeps the index, marked invalid
        with connection.cursor() as cursor, pytest.raises(Exception, match="could not create unique index"):
            cursor.execute("CREATE UNIQUE INDEX CONCURRENTLY qlvb_probe_cic_n ON qlvb_probe_cic (n)")
        with connection.schema_editor(atomic=False) as editor:
            create_index_concurrently(editor, "qlvb_probe_cic_n", "ON qlvb_probe_cic (n)")
            assert drop_invalid_index(editor, "qlvb_probe_cic_n") is False  # the new one is valid
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT i.indisvalid, i.indisunique FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE c.relname = 'qlvb_probe_cic_n'"
            )
            assert cursor.fetchall() == [(True, False)]  # the invalid unique one replaced by the asked one
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS qlvb_probe_cic")
