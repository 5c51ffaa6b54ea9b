"""Throughput of the transport through the local axis simulator (issue 11).

Starts ``qlvb axis-sim`` as its own process (the server does not share the client's interpreter) on a
temporary folder, then with ``VdxpTransport``:

1. sends N packages of SIZE KB from the demo commune to the simulated district (one at a time, as the
   outbox will: each send is one HTTP request with a streamed multipart upload);
2. at the district: lists what waits, downloads each package to a file and acknowledges it ``done``.

Reports packages per second for each phase and the median / p95 of one send.

Then the whole path (``--only-whole`` skips the transport figures above), once on
SQLite and once on PostgreSQL (its own database ``qlvb_bench_axis``, dropped and created; skipped when
the server is not reachable), each in a child process with the demo data and the simulator served on
127.0.0.1 in that process, as the tests serve it (Celery eager: what the worker runs is timed too):

3. inbox: ``--inbox`` packages (a 1-page PDF each) sent by the simulated district to the demo commune,
   then ``inbox_poll`` downloads, verifies, registers each through ``incoming_receive`` and acknowledges
   it (and answers 01 through the outbox): packages received and registered per second;
4. issue to ``--recipients`` outside agencies (outside units with organ ids, simulated agencies answering
   01 on arrival): ``outgoing_issue``, the outbox's packages (built, signed, sent), then ``inbox_poll``
   until every delivery is at 01: time from issue to all 01, and the outbox's packages per second.

    .venv/bin/python bench/bench_axis.py [--count 300] [--size-kb 100] [--inbox 200] [--recipients 200]
        [--only-whole] [--no-postgres]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from qlvb.exchange.transport import VdxpConfig, VdxpTransport  # noqa: E402

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
COMMUNE, DISTRICT = "000.00.31.H42", "000.00.30.H42"


def package(number: int, size: int) -> bytes:
    head = (
        f'<?xml version="1.0" encoding="UTF-8"?><edXML xmlns="{NS}"><edXML:edXMLEnvelope xmlns:edXML="{NS}">'
        f"<edXML:edXMLHeader><edXML:MessageHeader><edXML:From><edXML:OrganId>{COMMUNE}</edXML:OrganId>"
        f"</edXML:From><edXML:To><edXML:OrganId>{DISTRICT}</edXML:OrganId></edXML:To>"
        f"<edXML:Code><edXML:CodeNumber>{number}</edXML:CodeNumber></edXML:Code></edXML:MessageHeader>"
        f"</edXML:edXMLHeader></edXML:edXMLEnvelope><AttachmentEncoded><Attachment>"
        f'<edXML:ContentTransferEncoded xmlns:edXML="{NS}">'
    ).encode()
    tail = b"</edXML:ContentTransferEncoded></Attachment></AttachmentEncoded></edXML>"
    body = os.urandom((size - len(head) - len(tail)) * 3 // 4 + 3)
    encoded = base64.b64encode(body)[: size - len(head) - len(tail)]
    return head + encoded + tail


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--size-kb", type=int, default=100)
    parser.add_argument("--inbox", type=int, default=200)
    parser.add_argument("--recipients", type=int, default=200)
    parser.add_argument("--only-whole", action="store_true")
    parser.add_argument(
        "--file-kb", type=int, default=0, help="issue to outside: the signed PDF padded to this size (0: one page)"
    )
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--whole-child", help=argparse.SUPPRESS)  # a database URL: run the whole path here
    args = parser.parse_args()
    if args.whole_child:
        whole_path(args.whole_child, inbox=args.inbox, recipients=args.recipients, file_kb=args.file_kb)
        return
    if not args.only_whole:
        transport_only(args)
    whole_path_all(args)


def transport_only(args: argparse.Namespace) -> None:
    size = args.size_kb * 1024
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "axis"
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYTHONUNBUFFERED": "1", "QLVB_DATA_DIR": tmp}
        server = subprocess.Popen(
            [sys.executable, "-m", "qlvb.cli", "axis-sim", "--bind", "127.0.0.1:0", "--data", str(data)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        try:
            assert server.stdout is not None
            url = re.search(r"http://\S+", server.stdout.readline()).group(0)  # type: ignore[union-attr]
            accounts = json.loads((data / "accounts.json").read_text())

            def client(system: str) -> VdxpTransport:
                return VdxpTransport(VdxpConfig(endpoint=url, system_id=system, secret=accounts[system]["secret"]))

            commune, district = client("qlvb-demo"), client("sim-huyen")
            packages = [package(i, size) for i in range(args.count)]
            times = []
            start = time.perf_counter()
            for item in packages:
                t0 = time.perf_counter()
                commune.send(item, sender=COMMUNE)
                times.append(time.perf_counter() - t0)
            send_s = time.perf_counter() - start

            inbox = Path(tmp) / "inbox"
            inbox.mkdir()
            start = time.perf_counter()
            waiting = district.list_received()
            list_s = time.perf_counter() - start
            for message in waiting:
                district.download(message.id, inbox / f"{message.id}.edxml")
                district.acknowledge(message.id, "done")
            receive_s = time.perf_counter() - start
            assert len(waiting) == args.count and district.list_received() == []
            times.sort()
            print(f"{args.count} packages of {args.size_kb} KB, commune → district through qlvb axis-sim")
            print(
                f"send:               {args.count / send_s:7.1f} packages/s ({send_s:.2f} s)"
                f"  median {statistics.median(times) * 1000:.1f} ms, p95 {times[int(len(times) * 0.95)] * 1000:.1f} ms"
            )
            print(f"list (all waiting): {list_s * 1000:7.1f} ms")
            print(f"list+download+ack:  {args.count / receive_s:7.1f} packages/s ({receive_s:.2f} s)")
        finally:
            server.terminate()
            server.wait(timeout=10)


HOST = "/var/run/postgresql"
PG_DATABASE = "qlvb_bench_axis"


def whole_path_all(args: argparse.Namespace) -> None:
    """The whole path on SQLite, then on PostgreSQL when reachable; each run in its own process."""
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        runs.append(("SQLite", f"sqlite:///{tmp}/bench.sqlite3", tmp))
        reachable = (
            not args.no_postgres and subprocess.run(["pg_isready", "-q", "-h", HOST], check=False).returncode == 0
        )
        if reachable:
            subprocess.run(["dropdb", "--if-exists", "-h", HOST, PG_DATABASE], check=True)
            subprocess.run(["createdb", "-h", HOST, PG_DATABASE], check=True)
            runs.append(("PostgreSQL", f"postgresql:///{PG_DATABASE}?host={HOST}", f"{tmp}/pg"))
        else:
            print("PostgreSQL not reachable (or --no-postgres): SQLite only")
        for name, url, data in runs:
            Path(data).mkdir(exist_ok=True)
            env = {
                **os.environ,
                "PYTHONPATH": str(ROOT / "src"),
                "PYTHONUNBUFFERED": "1",
                "DJANGO_SETTINGS_MODULE": "qlvb.settings",
                "DATABASE_URL": url,
                "QLVB_DATA_DIR": data,
                "QLVB_FILES_DIR": f"{data}/files",
                "QLVB_CELERY_EAGER": "1",
            }
            print(f"--- whole path on {name}")
            command = [sys.executable, __file__, "--whole-child", url]
            command += ["--inbox", str(args.inbox), "--recipients", str(args.recipients)]
            command += ["--file-kb", str(args.file_kb)]
            subprocess.run(command, env=env, check=True)
        if reachable:
            subprocess.run(["dropdb", "--if-exists", "-h", HOST, PG_DATABASE], check=True)


def one_page_pdf(path: Path, *, extra_kb: int = 0) -> Path:
    """A one-page PDF; ``extra_kb``: with that many KB of incompressible bytes embedded (a scan's size)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if extra_kb:
        writer.add_attachment("du-lieu.bin", os.urandom(extra_kb * 1024))
    out = io.BytesIO()
    writer.write(out)
    path.write_bytes(out.getvalue())
    return path


def whole_path(url: str, *, inbox: int, recipients: int, file_kb: int = 0) -> None:
    import logging

    import django

    django.setup()
    logging.getLogger("celery").setLevel(logging.WARNING)  # eager tasks log one line each
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from qlvb.directory.demo import load_demo

    load_demo()
    from qlvb.axissim.server import AxisApp, Store, make_axis_server

    work = Path(tempfile.mkdtemp(prefix="qlvb-bench-axis-"))
    outside = [f"{100 + i:03d}.00.77.H42" for i in range(recipients)]
    secrets = {"qlvb-demo": "bench-demo", "sim-huyen": "bench-district", "sim-ngoai": "bench-outside"}
    store = Store(work / "axis")
    store.seed(
        [
            {"code": "000.00.00.H42", "name": "Ủy ban nhân dân tỉnh Mô Phỏng", "system_id": "sim-tinh"},
            {"code": DISTRICT, "name": "Ủy ban nhân dân huyện Mô Phỏng", "system_id": "sim-huyen"},
            {"code": COMMUNE, "name": "Ủy ban nhân dân xã Liên Minh", "pcode": DISTRICT, "system_id": "qlvb-demo"},
            {"code": "000.01.31.H42", "name": "Trạm Y tế xã Liên Minh", "pcode": COMMUNE, "system_id": "qlvb-demo"},
            *({"code": code, "name": f"Cơ quan ngoài {code}", "system_id": "sim-ngoai"} for code in outside),
        ],
        secrets_by_system=secrets,
    )
    server = make_axis_server(AxisApp(store, answer=True))
    url_axis = f"http://127.0.0.1:{server.server_port}"
    import threading

    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    settings.QLVB_AXIS_ENDPOINT = url_axis
    settings.QLVB_AXIS_SYSTEM_ID = "qlvb-demo"
    settings.QLVB_AXIS_SECRET = secrets["qlvb-demo"]
    settings.QLVB_AXIS_TIMEOUT = 30
    try:
        if inbox:
            bench_inbox(work, url_axis, secrets["sim-huyen"], inbox)
        if recipients:
            bench_issue_outside(work, outside, file_kb=file_kb)
    finally:
        server.shutdown()
        server.server_close()


def bench_inbox(work: Path, url_axis: str, secret: str, count: int) -> None:
    from qlvb.documents.models import Channel, Document
    from qlvb.exchange import edxml
    from qlvb.exchange.edxml import model as m
    from qlvb.exchange.inbox import inbox_poll
    from qlvb.exchange.models import InboxItem, InboxState

    district = VdxpTransport(VdxpConfig(endpoint=url_axis, system_id="sim-huyen", secret=secret))
    pdf = one_page_pdf(work / "cong-van.pdf")
    started = time.perf_counter()
    for number in range(1, count + 1):
        package_path = work / f"in-{number}.edxml"
        edxml.build(
            m.Edoc(
                header=m.EdocHeader(
                    from_=m.Organization(organ_id=DISTRICT, organ_name="Ủy ban nhân dân huyện Mô Phỏng"),
                    to=[m.Organization(organ_id=COMMUNE, organ_name="Ủy ban nhân dân xã Liên Minh")],
                    document_id=f"{DISTRICT},2026/12/01,{number}/UBND-VP",
                    code=m.Code(str(number), "UBND-VP"),
                    promulgation_info=m.PromulgationInfo("Mô Phỏng", "2026/12/01"),
                    document_type=m.DocumentType("1", "", "Công văn"),
                    subject=f"V/v rà soát hộ nghèo cuối năm, đợt {number}",
                    signer_info=m.SignerInfo("KT. CHỦ TỊCH", "Phó Chủ tịch", "Trần Văn Nam"),
                ),
                bussiness=m.Bussiness(bussiness_doc_type="0"),
                attachments=[m.Attachment(path=pdf)],
            ),
            package_path,
        )
        district.send(package_path, sender=DISTRICT)
        package_path.unlink()
    prepared = time.perf_counter() - started
    started = time.perf_counter()
    polls = 0
    while inbox_poll():
        polls += 1
    elapsed = time.perf_counter() - started
    registered = Document.objects.filter(channel=Channel.AXIS).count()
    states = InboxItem.objects.filter(state=InboxState.REGISTERED).count()
    assert registered == count == states, (registered, states)
    answered = len(district.list_received(message_type="status"))
    print(f"inbox: {count} packages (1-page PDF) built and sent by the district in {prepared:.1f} s")
    print(
        f"inbox: {registered} received, verified, registered and acknowledged in {elapsed:.2f} s "
        f"({polls} poll(s)): {count / elapsed:.1f} packages/s; {answered} status 01 sent back"
    )


def bench_issue_outside(work: Path, outside: list[str], *, file_kb: int = 0) -> None:
    import io

    from django.db import transaction
    from django.utils import timezone

    from qlvb.directory.models import User
    from qlvb.directory.services import unit_create
    from qlvb.documents.models import Attachment, AttachmentKind, DocumentType
    from qlvb.exchange.inbox import inbox_poll
    from qlvb.exchange.models import Delivery, OutboxItem, Status
    from qlvb.exchange.outbox import outbox_send_due
    from qlvb.exchange.queue_models import OutboxAttempt
    from qlvb.files.intake import file_intake
    from qlvb.outgoing import services
    from qlvb.outgoing.models import Outgoing, Recipient, State
    from qlvb.outgoing.numbering import identifier_for

    units = [
        unit_create(
            actor=None,
            kind="agency",
            name=f"Cơ quan ngoài {code}",
            short_name=f"CQN {code}",
            organ_id=code,
            external=True,
            parent=None,
        )
        for code in outside
    ]
    huong = User.objects.get(username="ublienminh_dothanhhuong")
    clerk = User.objects.get(username="ublienminh_lethuha")
    outgoing = services.outgoing_create(
        actor=huong,
        data=services.DraftData(
            doc_type=DocumentType.objects.get(name="Công văn"),
            subject="Bench phát hành ra ngoài qua trục",
            signer=User.objects.get(username="ublienminh_nguyenvanhung"),
            recipients=units[:1],
        ),
    )
    Recipient.objects.bulk_create([Recipient(outgoing=outgoing, unit=u) for u in units[1:]])
    content = one_page_pdf(work / "issued.pdf", extra_kb=file_kb).read_bytes()
    pdf = file_intake(
        actor=clerk,
        stream=io.BytesIO(content),
        original_name="vb.pdf",
        channel="system",
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
        document.issued_date = timezone.localdate()
        document.document_identifier = identifier_for(  # what numbering writes (not measured here)
            agency=document.agency, issued=document.issued_date, number="01", notation="UBND-VHXH"
        )
        document.save()
        Outgoing.objects.filter(pk=outgoing.pk).update(state=State.AGENCY_SIGNED, signed_pdf=pdf)
    outgoing.refresh_from_db()
    started = time.perf_counter()
    with transaction.atomic():
        services.outgoing_issue(actor=clerk, outgoing=outgoing)
    # after the commit the worker (eager here) carried the ``issued`` event: packages queued and sent
    while outbox_send_due():  # whatever the after-commit send left (none when all went well)
        pass
    sent_s = time.perf_counter() - started
    items = OutboxItem.objects.filter(kind="edoc", delivery__document=outgoing.document)
    sent = items.filter(sent_at__isnull=False).count()
    attempts = OutboxAttempt.objects.filter(item__in=items, ok=True).order_by("at").values_list("at", flat=True)
    polls = 0
    deliveries = Delivery.objects.filter(document=outgoing.document)
    while deliveries.exclude(status=Status.ARRIVED).exists():
        if not inbox_poll():
            break
        polls += 1
    total_s = time.perf_counter() - started
    arrived = deliveries.filter(status=Status.ARRIVED).count()
    assert sent == len(outside) == arrived, (sent, arrived)
    span = (attempts.last() - attempts.first()).total_seconds() if attempts else 0.0
    print(f"issued file: {pdf.blob.size / 1024:.0f} KB")
    print(
        f"issue to {len(outside)} outside agencies: issue + {sent} packages built, signed and sent in "
        f"{sent_s:.2f} s ({sent / sent_s:.1f} packages/s; the sends spread over {span:.2f} s)"
    )
    print(
        f"issue to {len(outside)} outside agencies: all {arrived} deliveries at 01 after {total_s:.2f} s "
        f"({polls} poll(s) applied the answers in {total_s - sent_s:.2f} s)"
    )


if __name__ == "__main__":
    main()
