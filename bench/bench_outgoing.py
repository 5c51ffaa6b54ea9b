"""Outgoing documents (issue 5): three figures.

1. Issue one document to 200 internal recipient agencies: wall time and SQL queries of
   ``outgoing_issue`` (the clerk's wait: it records 200 deliveries and the ``issued`` event), then of the
   exchange carrying them after the commit (``event_dispatch`` of that event, what the Celery worker
   runs: each received through the incoming entry point with its file).
2. Numbering throughput: 32 concurrent clerks (threads, one connection each) take numbers from one
   series in their own transactions; every 5th transaction rolls back. Checks the kept numbers are
   exactly 1..N (no duplicate, no gap) and prints numbers per second.
3. Numbering signed documents (issue 10): one clerk, then 4 clerks (threads), give numbers to
   ``--documents`` personally signed documents each with ``outgoing_number`` (number, notation and date
   written into the signed PDF), while another numbering of the same series is tried every 50 ms and
   given back: prints documents per second and how long that other numbering waited for the series
   row lock; checks the numbers are exactly 1..N, each document with its own PDF.
4. LibreOffice headless: converting a 10-page docx to PDF (private profile, fresh process each time).

Runs on a fresh PostgreSQL database (dropped and created):

    .venv/bin/python bench/bench_outgoing.py [--database qlvb_bench_outgoing] [--recipients 200]
        [--only numbering]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
HOST = "/var/run/postgresql"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="qlvb_bench_outgoing")
    parser.add_argument("--recipients", type=int, default=200)
    parser.add_argument("--clerks", type=int, default=32)
    parser.add_argument("--each", type=int, default=20)
    parser.add_argument("--conversions", type=int, default=3)
    parser.add_argument("--documents", type=int, default=8, help="signed documents numbered by each clerk")
    parser.add_argument("--only", choices=["numbering"], help="run only the numbering figures")
    args = parser.parse_args()

    url = f"postgresql:///{args.database}?host={HOST}"
    files = tempfile.mkdtemp(prefix="qlvb-bench-files-")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "qlvb.settings",
        "QLVB_FILES_DIR": files,
        "FILES_DIR": files,
    }
    subprocess.run(["dropdb", "--if-exists", "-h", HOST, args.database], check=True)
    subprocess.run(["createdb", "-h", HOST, args.database], check=True)
    subprocess.run([PY, "-m", "qlvb.cli", "migrate", "--noinput", "-v0"], env=env, check=True)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.conf import settings

    settings.FILES_DIR = Path(files)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # Intake queues each file's text extraction after commit (issue 12): the broker's folders, as `qlvb serve` makes.
    for folder in ("queue", "processed", "control"):
        (settings.CELERY_DIR / folder).mkdir(parents=True, exist_ok=True)

    from qlvb.directory.demo import load_demo

    load_demo()
    if args.only != "numbering":
        bench_issue(args.recipients)
    bench_numbering(args.clerks, args.each)
    bench_number_documents(4, args.documents)
    if args.only != "numbering":
        bench_conversion(args.conversions)


def bench_issue(recipients: int) -> None:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from qlvb.directory.models import Unit, User
    from qlvb.documents.models import Attachment, AttachmentKind, DocumentType
    from qlvb.files.intake import file_intake
    from qlvb.outgoing import services
    from qlvb.outgoing.models import Outgoing, Recipient, State
    from qlvb.outgoing.tests.conftest import docx_bytes

    parent = Unit.objects.get(short_name="UBND", kind="agency")
    units = [
        Unit(
            kind="agency",
            name=f"Cơ quan nhận {i:03d}",
            short_name=f"CQ{i:03d}",
            parent=parent,
            organ_id=f"000.{i:02d}.99.H42"[:13] if i < 100 else f"{i:03d}.00.98.H42",
        )
        for i in range(recipients)
    ]
    for unit in units:
        unit.save()
    huong = User.objects.get(username="ublienminh_dothanhhuong")
    clerk = User.objects.get(username="ublienminh_lethuha")
    outgoing = services.outgoing_create(
        actor=huong,
        data=services.DraftData(
            doc_type=DocumentType.objects.get(name="Công văn"),
            subject="Bench phát hành",
            signer=User.objects.get(username="ublienminh_nguyenvanhung"),
            recipients=units[:1],
        ),
    )
    Recipient.objects.bulk_create([Recipient(outgoing=outgoing, unit=u) for u in units[1:]])
    # The signed PDF is the LibreOffice conversion of the sample draft (signing is measured by the signing bench).
    from qlvb.outgoing.convert import to_pdf

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
        document.code_number, document.code_notation = "01", "UBND-VHXH"
        document.save()
        Outgoing.objects.filter(pk=outgoing.pk).update(state=State.AGENCY_SIGNED, signed_pdf=pdf)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        services.outgoing_issue(actor=clerk, outgoing=outgoing)
        elapsed = time.perf_counter() - started
    print(
        f"issue to {recipients} internal recipients (records them): {elapsed:.2f} s, {len(queries)} queries "
        f"({len(queries) / recipients:.1f} per recipient)"
    )
    from qlvb.documents.events import event_dispatch

    event = outgoing.document.events.get(action="issued")
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        event_dispatch(event.pk)  # what the worker runs after the commit
        elapsed = time.perf_counter() - started
    deliveries = outgoing.document.deliveries.filter(status="01").count()
    print(
        f"exchange carries them after the commit: {elapsed:.2f} s, {len(queries)} queries "
        f"({len(queries) / recipients:.1f} per recipient), {deliveries} deliveries at status 01"
    )


def bench_numbering(clerks: int, each: int) -> None:
    from django.db import close_old_connections, connection, transaction

    from qlvb.directory.models import Unit
    from qlvb.documents.models import DocumentType
    from qlvb.outgoing import numbering

    agency = Unit.objects.get(short_name="UBND", kind="agency")
    series = numbering.series_for(agency=agency, doc_type=DocumentType.objects.get(name="Tờ trình"))
    barrier = threading.Barrier(clerks)
    kept: list[int] = []
    lock = threading.Lock()

    class RollbackError(Exception):
        pass

    def worker(t: int) -> None:
        barrier.wait()
        for i in range(each):
            try:
                with transaction.atomic():
                    n = numbering.number_take(series, 2030)
                    if (t + i) % 5 == 0:
                        raise RollbackError
                with lock:
                    kept.append(n)
            except RollbackError:
                pass
        close_old_connections()
        connection.close()

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(clerks)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    exact = sorted(kept) == list(range(1, len(kept) + 1))
    print(
        f"numbering: {clerks} clerks x {each} transactions ({clerks * each} total, {len(kept)} kept) in "
        f"{elapsed:.2f} s = {clerks * each / elapsed:.0f} numberings/s; kept numbers exactly 1..{len(kept)}: "
        f"{exact}"
    )
    if not exact:
        raise SystemExit("duplicate or gap in the numbers")


def bench_number_documents(clerks: int, each: int) -> None:
    from django.conf import settings
    from django.db import close_old_connections, connection, transaction

    from qlvb.directory.models import User
    from qlvb.documents.models import DocumentType
    from qlvb.files.intake import file_intake
    from qlvb.outgoing import numbering, services
    from qlvb.outgoing.convert import to_pdf
    from qlvb.outgoing.models import Outgoing, State
    from qlvb.outgoing.tests.conftest import docx_bytes
    from qlvb.signing.keys import Pkcs12Key
    from qlvb.signing.pdfsign import pdf_sign_personal
    from qlvb.signing.tests import samples
    from qlvb.signing.tests.pki import P12_PASSWORD, PERSONAL, start_test_pki

    pki = start_test_pki(Path(tempfile.mkdtemp(prefix="qlvb-bench-pki-")))
    settings.QLVB_TRUST_ANCHORS_DIR = str(pki.anchors_dir())
    settings.QLVB_TSA_URL = pki.tsa_url
    settings.QLVB_PKCS12_DIR = str(pki.workdir)
    try:
        signer = User.objects.get(username="ublienminh_nguyenvanhung")
        huong = User.objects.get(username="ublienminh_dothanhhuong")
        clerk = User.objects.get(username="ublienminh_lethuha")
        signed = pdf_sign_personal(
            pdf=to_pdf(docx_bytes(), ext="docx"),
            key=Pkcs12Key(str(pki.p12(PERSONAL))),
            pin=P12_PASSWORD,
            image_png=samples.signature_png(),
            signer_name=signer.full_name,
            reason="Ký ban hành văn bản",
        ).pdf
        doc_type = DocumentType.objects.get(name="Quyết định")
        ids: list[int] = []
        for i in range((1 + clerks) * each):
            outgoing = services.outgoing_create(
                actor=huong,
                data=services.DraftData(
                    doc_type=doc_type, subject=f"Bench cấp số {i}", signer=signer, free_recipients="Như trên"
                ),
            )
            pdf = file_intake(actor=signer, stream=io.BytesIO(signed), original_name=f"ky-{i}.pdf", channel="system")
            with transaction.atomic():
                Outgoing.objects.filter(pk=outgoing.pk).update(state=State.SIGNED, signed_pdf=pdf)
            ids.append(outgoing.pk)
        all_ids = list(ids)
        series = numbering.series_for(agency=clerk.unit.agency or clerk.unit, doc_type=doc_type)
        errors: list[BaseException] = []
        for n_clerks in (1, clerks):
            batch, ids = ids[: n_clerks * each], ids[n_clerks * each :]
            waits: list[float] = []
            done = threading.Event()

            def worker(t: int, batch: list[int] = batch, n_clerks: int = n_clerks) -> None:
                try:
                    for pk in batch[t::n_clerks]:
                        services.outgoing_number(actor=clerk, outgoing=Outgoing.objects.get(pk=pk))
                except BaseException as exc:
                    errors.append(exc)
                close_old_connections()
                connection.close()

            threads = [threading.Thread(target=worker, args=(t,)) for t in range(n_clerks)]
            prober = threading.Thread(target=_probe_series, args=(series, waits, done))
            started = time.perf_counter()
            prober.start()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
            done.set()
            prober.join()
            waits = sorted(waits) or [0.0]
            print(
                f"numbering signed documents: {n_clerks} clerk(s) x {each} documents in {elapsed:.2f} s = "
                f"{n_clerks * each / elapsed:.2f} documents/s; another numbering of the series waited median "
                f"{1000 * waits[len(waits) // 2]:.0f} ms, max {1000 * waits[-1]:.0f} ms ({len(waits)} probes)"
            )
    finally:
        pki.stop()
    if errors:
        raise SystemExit(f"numbering failed: {errors[0]!r}")

    numbered = list(Outgoing.objects.filter(pk__in=all_ids).select_related("signed_pdf__blob"))
    numbers = sorted(o.number or 0 for o in numbered)
    exact = numbers == list(range(1, len(all_ids) + 1))
    pdfs = len({o.signed_pdf.blob.sha256 for o in numbered if o.signed_pdf})
    print(f"numbers exactly 1..{len(all_ids)}: {exact}; distinct PDFs: {pdfs}")
    if not exact:
        raise SystemExit("duplicate or gap in the numbers")


def _probe_series(series: object, waits: list[float], done: threading.Event) -> None:
    """Another numbering of the same series, every 50 ms, given back (rolled back): how long it waits."""
    from django.db import connection, transaction
    from django.utils import timezone

    from qlvb.outgoing import numbering

    class GiveBackError(Exception):
        pass

    while not done.is_set():
        started = time.perf_counter()
        try:
            with transaction.atomic():
                numbering.number_take(series, timezone.localdate().year)  # type: ignore[arg-type]
                waits.append(time.perf_counter() - started)
                raise GiveBackError
        except GiveBackError:
            pass
        time.sleep(0.05)
    connection.close()


def bench_conversion(repeat: int) -> None:
    from pypdf import PdfReader

    from qlvb.outgoing.convert import to_pdf
    from qlvb.outgoing.tests.conftest import docx_bytes

    data = docx_bytes(pages=10)
    times = []
    pages = 0
    for _ in range(repeat):
        started = time.perf_counter()
        pdf = to_pdf(data, ext="docx")
        times.append(time.perf_counter() - started)
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(
        f"LibreOffice docx → PDF, {pages} pages: median {statistics.median(times):.2f} s, "
        f"min {min(times):.2f} s, max {max(times):.2f} s over {repeat} runs"
    )


if __name__ == "__main__":
    main()
