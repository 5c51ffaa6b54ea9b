"""A realistic data set for the benchmarks (``python -m benchdata``): agencies
with departments, people with roles, and incoming documents across the whole handling flow — registers
with consecutive arrival numbers, assignments (lead / support / for information), updates, events and
notifications.

Fast by construction: every row is built as a tuple in Python with explicit primary keys (so no
round trip is needed to learn an id) and written with PostgreSQL ``COPY`` (psycopg 3 ``cursor.copy``);
on another database with ``bulk_create`` in large batches. On PostgreSQL the large tables' secondary
indexes and foreign keys are dropped for the load and restored from their exact definitions at the end,
inside the same transaction (the way ``pg_restore`` loads data), then the tables are analysed.

Derived columns are computed exactly as the models compute them on ``save()``: ``Unit.name_folded``,
``User.full_name_folded`` use ``qlvb.core.text.fold`` and ``Document.search_folded`` the model's own
``qlvb.documents.models.folded_search_text``. One Argon2 hash is computed once and shared by every
generated account.

The rows are built by subject: ``directory.py`` (agencies, departments, people), ``documents.py`` (the
incoming documents, their registers and their search index entries), ``bodies.py`` (the text of
their files for ``body_share`` of them, and the vocabulary of those texts that corrects a slip in a search),
``flow.py`` (their handling), ``texts.py`` (names and
subjects); ``writers.py`` writes them in the column order of ``tables.py``.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable

from django.core.management.color import no_style
from django.db import connection, transaction

from qlvb.assignments.models import Assignment
from qlvb.direction.models import Task, TaskEvent, TaskPart
from qlvb.directory.models import RoleAssignment, Unit, User
from qlvb.documents.models import DocumentType, Register
from qlvb.documents.searchindex import vocabulary_insert

from . import vocabulary as V  # noqa: N812
from .directory import directory_make
from .documents import TZ, documents_make
from .records import Agency, Summary
from .tables import LOAD_TABLES
from .tasks import tasks_make
from .writers import BulkWriter, CopyWriter, Ids, Writer, pg_unindex

DEFAULT_PASSWORD = "LienMinh@2025"
TASK_TABLES = (Task, TaskPart, TaskEvent, Task.documents.through)  # written by tasks.py, indexes kept


class Generator:
    """One run's state (random source, clock, writer, next ids, summary), passed to the modules that build
    the rows by subject: ``directory``, ``documents`` (and its ``flow``)."""

    def __init__(
        self,
        *,
        agencies: int,
        users: int,
        documents: int,
        seed: int = 1,
        body_share: float = 0.30,
        tasks_per_document: float = 0.10,
        out: Callable[[str], object] = print,
        password: str = DEFAULT_PASSWORD,
    ):
        self.n_agencies, self.n_users, self.n_documents = agencies, users, documents
        self.rng = random.Random(seed)
        self.body_rng = random.Random(seed + 1_000_003)  # the bodies' own source (documents.py)
        self.body_share = body_share
        self.tasks_per_document = tasks_per_document
        self.out = out
        self.password = password
        self.now = dt.datetime.now(TZ).replace(microsecond=0)
        self.summary = Summary()
        self.vocabulary: set[str] = set()  # the folded words of the bodies (documents.py), for SearchWord
        self.started = time.perf_counter()
        self.postgres = connection.vendor == "postgresql"
        self.writer: Writer = CopyWriter() if self.postgres else BulkWriter()
        self.ids = Ids((Unit, User, RoleAssignment, Register, *LOAD_TABLES, *TASK_TABLES))
        self.types = {t.name: t.pk for t in DocumentType.objects.all()}
        self.type_abbr = {t.name: t.abbreviation for t in DocumentType.objects.all()}

    def say(self, text: str) -> None:
        self.out(f"[{time.perf_counter() - self.started:7.1f} s] {text}")

    def make_directory(self) -> list[Agency]:
        return directory_make(self)

    def make_documents(self, agencies: list[Agency]) -> None:
        documents_make(self, agencies)

    def run(self) -> Summary:
        missing = [name for name, _w in V.TYPE_MIX if name not in self.types]
        if missing:
            raise RuntimeError(f"document types missing (run migrate first): {missing}")
        with transaction.atomic():
            restore = pg_unindex(LOAD_TABLES) if self.postgres else []
            if restore:
                self.say(f"dropped {len(restore)} secondary indexes and foreign keys of the large tables for the load")
            agencies = self.make_directory()
            self.make_documents(agencies)
            self.summary.words = vocabulary_insert(self.vocabulary)
            self.say(f"{self.summary.words:,} words in the vocabulary of the bodies")
            if self.tasks_per_document > 0:
                tasks_make(self, self.tasks_per_document)
            if restore:
                self.say("restoring indexes and foreign keys")
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
                    for statement in restore:
                        cursor.execute(statement)
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(
                    no_style(), [Unit, User, RoleAssignment, Register, *LOAD_TABLES, *TASK_TABLES]
                ):
                    cursor.execute(statement)
        if self.postgres:
            self.say("analysing")
            with connection.cursor() as cursor:
                for model in (Unit, User, RoleAssignment, Register, *LOAD_TABLES):
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        self.summary.seconds = time.perf_counter() - self.started
        return self.summary

    def run_tasks_only(self) -> Summary:
        """Add the tasks (``tasks.py``) to a database generated before, in one transaction."""
        with transaction.atomic():
            tasks_make(self, self.tasks_per_document or 0.10)
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), [Assignment, *TASK_TABLES]):
                    cursor.execute(statement)
        if self.postgres:
            with connection.cursor() as cursor:
                for model in (Assignment, *TASK_TABLES):
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        self.summary.seconds = time.perf_counter() - self.started
        return self.summary
