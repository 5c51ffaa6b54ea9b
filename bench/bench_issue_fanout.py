"""Issuing to many recipients (issue 17): one long transaction before, one task per recipient after.

On a fresh PostgreSQL database (dropped and created), two documents are made ready for the clerk, each with
``--recipients`` internal recipient agencies (each delivery is a copy received through ``incoming_receive``
with the signed PDF). For each it prints the clerk's wait (``outgoing_issue``: it records the deliveries and
the ``issued`` event), then:

- **before** — what the exchange's consumer did until issue 17: every recipient carried in the one
  transaction of the ``issued`` event's dispatch (a savepoint each): the longest transaction is all of them;
- **after** — the dispatch only fans out (one ``qlvb.exchange.delivery_carry`` task per recipient, queued
  after its commit), and ``--workers`` threads (one connection each, as the Celery pool processes) run the
  tasks, each recipient in its own transaction: the longest transaction is one recipient. It also prints the
  time until the page shows every delivery sent (the issue's state, ``issue_progress``).

    .venv/bin/python bench/bench_issue_fanout.py [--database qlvb_h_fanout_bench] [--recipients 200] [--workers 2]
"""

from __future__ import annotations

import argparse
import io
import os
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
HOST = "/var/run/postgresql"


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="qlvb_h_fanout_bench")
    parser.add_argument("--recipients", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    url = f"postgresql:///{args.database}?host={HOST}&user=postgres"
    files = tempfile.mkdtemp(prefix="qlvb-bench-files-")
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "qlvb.settings", "QLVB_FILES_DIR": files}
    subprocess.run(["dropdb", "--if-exists", "-h", HOST, "-U", "postgres", args.database], check=True)
    subprocess.run(["createdb", "-h", HOST, "-U", "postgres", args.database], check=True)
    subprocess.run([PY, "-m", "qlvb.cli", "migrate", "--noinput", "-v0"], env=env, check=True)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.conf import settings

    settings.FILES_DIR = Path(files)
    for folder in ("queue", "processed", "control"):
        (settings.CELERY_DIR / folder).mkdir(parents=True, exist_ok=True)
    from qlvb.directory.demo import load_demo

    load_demo()
    print(f"{time.strftime('%d/%m/%Y %H:%M:%S %Z')}, load average {loadavg()}, {args.recipients} recipients")
    units = make_units(args.recipients)
    before, after = ready(units, "trước"), ready(units, "sau")
    run_before(before, args.recipients)
    run_after(after, args.recipients, args.workers)
    print(f"load average at the end {loadavg()}")


def make_units(count: int) -> list[Any]:
    from qlvb.directory.models import Unit

    parent = Unit.objects.get(short_name="UBND", kind="agency")
    units = [
        Unit(
            kind="agency",
            name=f"Cơ quan nhận {i:03d}",
            short_name=f"CQ{i:03d}",
            parent=parent,
            organ_id=f"{i:03d}.00.98.H42",
        )
        for i in range(count)
    ]
    for unit in units:
        unit.save()
    return units


def ready(units: list[Any], label: str) -> Any:
    """A document signed by the agency, waiting to be issued to ``units``."""
    from django.db import transaction
    from django.utils import timezone

    from qlvb.directory.models import User
    from qlvb.documents.models import Attachment, AttachmentKind, DocumentType
    from qlvb.files.intake import file_intake
    from qlvb.outgoing import services
    from qlvb.outgoing.convert import to_pdf
    from qlvb.outgoing.models import Outgoing, Recipient, State
    from qlvb.outgoing.tests.conftest import docx_bytes

    clerk = User.objects.get(username="ublienminh_lethuha")
    outgoing = services.outgoing_create(
        actor=User.objects.get(username="ublienminh_dothanhhuong"),
        data=services.DraftData(
            doc_type=DocumentType.objects.get(name="Công văn"),
            subject=f"Bench phát hành ({label})",
            signer=User.objects.get(username="ublienminh_nguyenvanhung"),
            recipients=units[:1],
        ),
    )
    Recipient.objects.bulk_create([Recipient(outgoing=outgoing, unit=u) for u in units[1:]])
    pdf = file_intake(
        actor=clerk, stream=io.BytesIO(to_pdf(docx_bytes(), ext="docx")), original_name="vb.pdf", channel="system"
    )
    with transaction.atomic():
        Attachment.objects.create(
            document=outgoing.document,
            stored_file=pdf,
            kind=AttachmentKind.SIGNED,
            ordinal=1,
            name=pdf.name,
            added_by=clerk,
            added_at=timezone.now(),
        )
        document = outgoing.document
        document.code_number, document.code_notation = ("01" if label == "trước" else "02"), "UBND-VHXH"
        document.save()
        Outgoing.objects.filter(pk=outgoing.pk).update(state=State.AGENCY_SIGNED, signed_pdf=pdf)
    return outgoing


def issue(outgoing: Any, queued: list[tuple[int, str]]) -> float:
    """The clerk's wait: ``outgoing_issue`` (its transaction); the tasks its commit queues are collected."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from qlvb.directory.models import User
    from qlvb.exchange import tasks
    from qlvb.outgoing import services

    tasks.delivery_carry_queue = lambda pk, transport, countdown=None: queued.append((pk, transport))  # type: ignore[assignment]
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        services.outgoing_issue(actor=User.objects.get(username="ublienminh_lethuha"), outgoing=outgoing)
        elapsed = time.perf_counter() - started
    print(f"  the clerk's wait (outgoing_issue, one transaction): {elapsed * 1000:.0f} ms, {len(queries)} queries")
    return elapsed


def run_before(outgoing: Any, recipients: int) -> None:
    from django.db import transaction

    from qlvb.documents.sending import issue_progress
    from qlvb.exchange.deliveries import delivery_carry

    print("before (every recipient in the dispatch's one transaction):")
    issue(outgoing, [])
    ids = list(outgoing.document.deliveries.filter(transport="internal").order_by("pk").values_list("pk", flat=True))
    started = time.perf_counter()
    with transaction.atomic():  # event_dispatch's transaction around the old consumer's loop of savepoints
        for pk in ids:
            delivery_carry(pk)
    elapsed = time.perf_counter() - started
    print(
        f"  longest transaction: {elapsed:.2f} s (all {recipients} recipients); "
        f"state: {issue_progress(outgoing.document).text}"
    )


def run_after(outgoing: Any, recipients: int, workers: int) -> None:
    from django.db import connection

    from qlvb.documents.events import event_dispatch
    from qlvb.documents.sending import issue_progress
    from qlvb.exchange.deliveries import delivery_carry

    print(f"after (one task per recipient, {workers} workers):")
    queued: list[tuple[int, str]] = []
    issue_time = issue(outgoing, queued)
    event = outgoing.document.events.get(action="issued")
    started = time.perf_counter()
    event_dispatch(event.pk)  # the dispatch only fans out: the tasks are collected by ``issue``
    fan_out = time.perf_counter() - started
    print(f"  the issued event's dispatch (fan-out, one transaction): {fan_out * 1000:.0f} ms, {len(queued)} tasks")
    work: queue.Queue[tuple[int, str]] = queue.Queue()
    for item in queued:
        work.put(item)
    durations: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        while True:
            try:
                pk, _transport = work.get_nowait()
            except queue.Empty:
                break
            t0 = time.perf_counter()
            delivery_carry(pk)  # the task's one transaction
            with lock:
                durations.append(time.perf_counter() - t0)
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    durations.sort()
    print(
        f"  tasks: {len(durations)} transactions, p50 {statistics.median(durations) * 1000:.0f} ms, "
        f"p95 {durations[int(len(durations) * 0.95) - 1] * 1000:.0f} ms, longest {durations[-1] * 1000:.0f} ms"
    )
    print(
        f"  issue → every recipient carried: {issue_time + fan_out + wall:.2f} s; "
        f"state: {issue_progress(outgoing.document).text}"
    )


if __name__ == "__main__":
    main()
