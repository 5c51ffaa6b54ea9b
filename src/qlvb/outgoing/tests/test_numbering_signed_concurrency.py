"""Clerks numbering signed documents of one series at the same moment (issue 10), in real threads with
their own connections: the numbers are exactly 1..N, each document's PDF shows its own number, and each
PDF is written once (the number is taken before the PDF is written, so nobody writes a PDF for a number
another clerk took). On PostgreSQL, and on the embedded default (a SQLite file: WAL, IMMEDIATE
transactions) in a fresh process."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from qlvb.conftest import run_together, sqlite_in_memory
from qlvb.directory.models import User
from qlvb.documents.types_data import document_types_ensure
from qlvb.files.models import StoredFile
from qlvb.outgoing import services
from qlvb.outgoing.models import Outgoing, State
from qlvb.outgoing.tests.conftest import signed_documents
from qlvb.signing import number_fields
from qlvb.signing.tests import pages

CLERKS = 6


def _read(stored: StoredFile | None) -> bytes:
    from qlvb.files.storage import open_verified

    assert stored is not None
    with open_verified(stored.blob.sha256, size=stored.blob.size, name=stored.name) as handle:
        return handle.read()


def assert_parallel_numbering(pdf: bytes, clerks: int) -> None:
    """``clerks`` threads each number one document signed with ``pdf``, all starting together."""
    ids = signed_documents(pdf, clerks)
    clerk_id = User.objects.get(username="ublienminh_lethuha").pk
    given: dict[int, int] = {}
    lock = threading.Lock()

    def worker(t: int, ready: Callable[[], object]) -> None:
        clerk = User.objects.get(pk=clerk_id)
        outgoing = Outgoing.objects.get(pk=ids[t])
        ready()
        numbered = services.outgoing_number(actor=clerk, outgoing=outgoing)
        with lock:
            given[ids[t]] = numbered.number or 0

    errors = run_together(clerks, worker)
    assert not errors, errors
    numbered = list(Outgoing.objects.filter(pk__in=ids).select_related("document", "signed_pdf__blob"))
    assert sorted(o.number or 0 for o in numbered) == list(range(1, clerks + 1))
    for outgoing in numbered:
        assert outgoing.state == State.NUMBERED and given[outgoing.pk] == outgoing.number
        shown = pages.field_values(_read(outgoing.signed_pdf))[number_fields.NUMBER_FIELD]
        assert shown == f"Số: {outgoing.document.number_notation}" == f"Số: {outgoing.number:02d}/UBND-VHXH"
    written = StoredFile.objects.filter(name__endswith="-UBND-VHXH.pdf").count()
    assert written == clerks  # one PDF written per document, none thrown away


@pytest.mark.django_db(transaction=True)
def test_clerks_numbering_one_series_at_once(request):
    if sqlite_in_memory():
        pytest.skip("the in-memory SQLite test database does not wait for a second writer; see the SQLite file test")
    document_types_ensure()  # an earlier transactional test may have flushed the migration's rows
    source = request.getfixturevalue("signed")()
    assert_parallel_numbering(_read(source.signed_pdf), CLERKS)


SCRIPT = """
import sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from qlvb.directory.demo import load_demo
load_demo()
from qlvb.outgoing.tests import test_numbering_signed_concurrency as t
with open(sys.argv[1], "rb") as handle:
    t.assert_parallel_numbering(handle.read(), t.CLERKS)
print("OK")
"""


@pytest.mark.django_db
@pytest.mark.sqlite_file
def test_clerks_numbering_one_series_at_once_on_a_sqlite_file(signed, tmp_path):
    """The embedded default serialises writers: the same check in a fresh process on a real file database."""
    pdf = tmp_path / "signed.pdf"
    pdf.write_bytes(_read(signed().signed_pdf))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'qlvb.sqlite3'}",
        "QLVB_DATA_DIR": str(tmp_path),
        "QLVB_FILES_DIR": str(tmp_path / "files"),
        "DJANGO_SETTINGS_MODULE": "qlvb.settings",
        "PYTHONPATH": str(Path(__file__).resolve().parents[3]),
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(pdf)], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("OK")
