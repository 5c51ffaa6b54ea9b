"""Arrival numbers under concurrency (NĐ 30 Điều 22.2): many clerks register at once in real threads,
each with its own database connection and transaction, and some registrations fail after taking a
number. The numbers handed out must be exactly 1..N: no duplicate, no gap."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import transaction

from qlvb.conftest import run_together, sqlite_in_memory
from qlvb.directory.models import Unit, User
from qlvb.documents.models import Document, Register
from qlvb.documents.types_data import document_types_ensure
from qlvb.incoming.services import incoming_receive

from .conftest import make_data

THREADS = 16
EACH = 8


class DeliberateError(Exception):
    pass


def _number(value: int | None) -> int:
    """A registered document's arrival number (registering always gives one)."""
    assert value is not None
    return value


@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_have_no_duplicate_and_no_gap(demo):
    document_types_ensure()  # an earlier transactional test may have flushed the migration's rows
    if sqlite_in_memory():
        pytest.skip(
            "SQLite's shared-cache in-memory test database answers 'database table is locked' to a "
            "second writer at once instead of waiting; a SQLite file database (WAL, IMMEDIATE "
            "transactions) is tested in test_parallel_registrations_on_a_sqlite_file"
        )
    assert_parallel_numbering_unique()


def assert_parallel_numbering_unique() -> None:
    agency_id = Unit.objects.get(short_name="UBND", kind="agency").pk
    clerk_id = User.objects.get(username="ublienminh_lethuha").pk
    kept: list[int] = []
    failed_numbers: list[int] = []
    lock = threading.Lock()

    def worker(t: int, ready: Callable[[], object]) -> None:
        agency = Unit.objects.get(pk=agency_id)
        clerk = User.objects.get(pk=clerk_id)
        ready()
        for i in range(EACH):
            fail = (t + i) % 3 == 0
            try:
                with transaction.atomic():
                    doc = incoming_receive(
                        actor=clerk,
                        agency=agency,
                        channel="email",
                        data=make_data(code_number=f"{t}-{i}", subject=f"Luồng {t} lần {i}"),
                    ).document
                    if fail:
                        with lock:
                            failed_numbers.append(_number(doc.arrival_number))
                        raise DeliberateError
            except DeliberateError:
                continue
            with lock:
                kept.append(_number(doc.arrival_number))

    errors = run_together(THREADS, worker)
    assert not errors, errors
    n = len(kept)
    assert n == sum(1 for t in range(THREADS) for i in range(EACH) if (t + i) % 3 != 0)
    assert failed_numbers, "some registrations must have failed after taking a number"
    stored = sorted(_number(n) for n in Document.objects.values_list("arrival_number", flat=True))
    assert sorted(kept) == stored == list(range(1, n + 1))
    assert Register.objects.get().last_number == n


SCRIPT = """
import json, os, sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from qlvb.directory.demo import load_demo
load_demo()
from qlvb.incoming.tests import test_numbering_concurrency as t
t.assert_parallel_numbering_unique()
print("OK")
"""


@pytest.mark.sqlite_file
def test_parallel_registrations_on_a_sqlite_file(tmp_path):
    """The embedded default (SQLite file, WAL, IMMEDIATE transactions) serialises writers: the same
    check runs in a fresh process against a real file database."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'qlvb.sqlite3'}",
        "QLVB_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "qlvb.settings",
        "PYTHONPATH": str(Path(__file__).resolve().parents[3]),
    }
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("OK")
