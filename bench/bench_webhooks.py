"""Webhook fan-out (issue 18): ``--events`` document events to ``--subs`` subscriptions through a local
receiver (src/qlvb/integrations/tests/receiver.py, in its own process: a threaded ``http.server``), some of
whose deliveries fail at first (``--fail-share`` answer 500 to their first request, half of those 503 to
the second as well).

On the PostgreSQL (or SQLite) database of ``DATABASE_URL`` (migrated here; the demo agencies loaded), a
system of UBND xã Liên Minh is registered with ``--subs`` subscriptions to ``document.registered`` on
behalf of the clerk; one incoming document is handed over through the integration service, and its
"registered" event is recorded ``--events`` times (the rows written at once). Then:

1. fan-out: the webhook consumer runs for every event on ``--workers`` threads (each event in its own
   transaction, as Celery's ``dispatch_event`` does: the clerk's sight checked in SQL, one delivery per
   subscription);
2. sending: ``--workers`` threads play the Celery workers: they take the queued delivery ids, call
   ``delivery_attempt`` (claim, signed POST, log, retry or done) and queue each retry again after its
   back-off (``QLVB_WEBHOOK_BACKOFF_SECONDS`` = ``--backoff``, with jitter);
3. the consumer is run a second time for a tenth of the events: it must send nothing more.

Printed: the times, deliveries per second, attempts and retries, and the checks: every delivery
delivered (none lost), the receiver acknowledged each delivery id once (no duplicates).

    DATABASE_URL=postgresql:///qlvb_h_webhooks?host=/var/run/postgresql \\
    .venv/bin/python bench/bench_webhooks.py [--events 10000] [--subs 20] [--workers 16] [--fail-share 0.1]
"""

from __future__ import annotations

import argparse
import heapq
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--subs", type=int, default=20)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--fail-share", type=float, default=0.1)
    parser.add_argument("--backoff", type=float, default=0.5, help="seconds before the first retry")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="qlvb-bench-webhooks-"))
    os.environ.setdefault("QLVB_DATA_DIR", str(work))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    os.environ["QLVB_WEBHOOK_HTTP_HOSTS"] = "127.0.0.1"
    os.environ["QLVB_WEBHOOK_BACKOFF_SECONDS"] = str(args.backoff)
    os.environ["QLVB_WEBHOOK_PAUSE_AFTER"] = "1000000"  # failures are the point here, not the pause
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")
    sys.path.insert(0, str(ROOT / "src"))
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    receiver = subprocess.Popen(
        [sys.executable, "-m", "qlvb.integrations.tests.receiver", str(args.fail_share)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert receiver.stdout is not None
        origin = receiver.stdout.readline().strip()
        return run(args, origin)
    finally:
        receiver.terminate()
        receiver.wait(timeout=10)


def stats(origin: str) -> dict[str, int]:
    with urllib.request.urlopen(f"{origin}/stats", timeout=10) as answer:
        return json.loads(answer.read())


def setup(args: argparse.Namespace, origin: str) -> list[int]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.utils import timezone

    from qlvb.directory.demo import load_demo
    from qlvb.directory.models import Unit, User
    from qlvb.documents.models import DocumentEvent, DocumentType
    from qlvb.integrations.accounts import system_register
    from qlvb.integrations.drafts import UploadedFile
    from qlvb.integrations.mapping import code_map
    from qlvb.integrations.models import CodeKind, ConnectedSystem, EventKind, Scope, Subscription
    from qlvb.integrations.receiving import IncomingRequest, incoming_from_system
    from qlvb.integrations.webhook_services import subscription_create
    from qlvb.signing.tests.samples import attachment_pdf

    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="ublienminh_lethuha").exists():
        load_demo()
    Subscription.objects.filter(system__name="Bench webhooks").delete()
    ConnectedSystem.objects.filter(name="Bench webhooks").update(revoked_at=timezone.now(), name="Bench (cũ)")
    admin = User.objects.get(username="ublienminh_tranthilan")
    clerk = User.objects.get(username="ublienminh_lethuha")
    agency = Unit.objects.get(short_name="UBND", kind="agency")
    system = system_register(
        actor=admin,
        name="Bench webhooks",
        owner_unit=agency,
        scopes=[Scope.REGISTER_INCOMING, Scope.RECEIVE_EVENTS],
    ).system
    code_map(actor=admin, system=system, kind=CodeKind.USER, code="V01", user=clerk)
    code_map(
        actor=admin,
        system=system,
        kind=CodeKind.DOC_TYPE,
        code="CV",
        doc_type=DocumentType.objects.get(name="Công văn"),
    )
    for n in range(args.subs):
        subscription_create(
            actor=admin, system=system, url=f"{origin}/s{n}", kinds=[EventKind.DOCUMENT_REGISTERED], user_code="V01"
        )
    pdf = attachment_pdf()
    stamp = str(time.time_ns())
    handover, _ = incoming_from_system(
        system=system,
        person=clerk,
        request=IncomingRequest(
            external_id=f"BENCH-{stamp}",
            type_code="CV",
            subject=f"Văn bản thử tải webhook {stamp}",
            organ_name="Hội Nông dân xã Liên Minh",
            main_file=UploadedFile(name="don.pdf", stream=SimpleUploadedFile("don.pdf", pdf), size=len(pdf)),
            code_number=stamp[-6:],
            code_notation="BENCH",
            confirm_duplicate=True,
        ),
    )
    now = timezone.now()
    events = DocumentEvent.objects.bulk_create(
        [
            DocumentEvent(
                document=handover.document,
                actor=clerk,
                actor_name=clerk.full_name,
                action="registered",
                text=f"bench {n}",
                data={},
                created_at=now,
            )
            for n in range(args.events)
        ],
        batch_size=1000,
    )
    return [e.pk for e in events]


def fan_out(event_ids: list[int], sink: list[int], workers: int) -> None:
    """The consumer for every event on ``workers`` threads (Celery's workers running ``dispatch_event``)."""
    from django.db import connection, transaction

    from qlvb.documents.models import DocumentEvent
    from qlvb.integrations import webhooks

    def one(chunk: list[int]) -> list[int]:
        made: list[int] = []
        try:
            for pk in chunk:
                event = DocumentEvent.objects.select_related("document").get(pk=pk)
                with transaction.atomic():
                    made.extend(webhooks.document_deliveries(event))
        finally:
            connection.close()
        return made

    with ThreadPoolExecutor(workers) as pool:
        for made in pool.map(one, [event_ids[n::workers] for n in range(workers)]):
            sink.extend(made)


class Scheduler:
    """Celery's stand-in: due ids in a queue, retries held in a heap until their countdown ends."""

    def __init__(self) -> None:
        self.due: queue.Queue[int | None] = queue.Queue()
        self.later: list[tuple[float, int]] = []
        self.lock = threading.Lock()
        self.outstanding = 0

    def put(self, pk: int, delay: float = 0.0) -> None:
        with self.lock:
            self.outstanding += 1
            if delay <= 0:
                self.due.put(pk)
            else:
                heapq.heappush(self.later, (time.monotonic() + delay, pk))

    def done(self) -> None:
        with self.lock:
            self.outstanding -= 1

    def release(self) -> None:
        with self.lock:
            now = time.monotonic()
            while self.later and self.later[0][0] <= now:
                self.due.put(heapq.heappop(self.later)[1])


def send_all(ids: list[int], workers: int) -> dict[str, int]:
    from django.db import connection

    from qlvb.integrations.webhook_sending import delivery_attempt

    scheduler = Scheduler()
    for pk in ids:
        scheduler.put(pk)
    counts = {"attempts": 0, "retries": 0}
    counted = threading.Lock()

    def worker() -> None:
        try:
            while True:
                pk = scheduler.due.get()
                if pk is None:
                    return
                delay = delivery_attempt(pk)
                with counted:
                    counts["attempts"] += 1
                    counts["retries"] += delay is not None
                if delay is not None:
                    scheduler.put(pk, delay)
                scheduler.done()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for t in threads:
        t.start()
    while True:
        scheduler.release()
        with scheduler.lock:
            if scheduler.outstanding == 0:
                break
        time.sleep(0.05)
    for _ in threads:
        scheduler.due.put(None)
    for t in threads:
        t.join()
    return counts


def run(args: argparse.Namespace, origin: str) -> int:
    import django

    django.setup()
    from django.db import connection

    from qlvb.integrations.models import DeliveryState, WebhookDelivery

    print(f"database: {connection.vendor}; events {args.events} × subscriptions {args.subs}; workers {args.workers}")
    started = time.perf_counter()
    event_ids = setup(args, origin)
    print(
        f"set-up (migrate, demo, system, {args.subs} subscriptions, {args.events} events): "
        f"{time.perf_counter() - started:.1f} s"
    )
    queued: list[int] = []
    started = time.perf_counter()
    fan_out(event_ids, queued, args.workers)
    fan_time = time.perf_counter() - started
    print(f"fan-out: {len(queued)} deliveries in {fan_time:.1f} s ({len(queued) / fan_time:,.0f}/s)")
    started = time.perf_counter()
    counts = send_all(queued, args.workers)
    send_time = time.perf_counter() - started
    print(
        f"sending: {len(queued)} deliveries in {send_time:.1f} s ({len(queued) / send_time:,.0f} deliveries/s); "
        f"{counts['attempts']} attempts, {counts['retries']} retries"
    )
    again: list[int] = []
    fan_out(event_ids[: max(1, len(event_ids) // 10)], again, args.workers)
    rows = WebhookDelivery.objects.filter(pk__in=queued)
    delivered = rows.filter(state=DeliveryState.DELIVERED).count()
    seen = stats(origin)
    lost = len(queued) - delivered
    print(
        f"checks: delivered {delivered}/{len(queued)} (lost {lost}); receiver: {seen['requests']} requests, "
        f"{seen['acknowledged']} deliveries acknowledged, {seen['twice']} twice (duplicates); "
        f"consumer run again on {len(event_ids) // 10} events queued {len(again)} (must be 0)"
    )
    load = Path("/proc/loadavg").read_text().strip()
    print(f"total (fan-out + sending): {fan_time + send_time:.1f} s; load average: {load}")
    ok = lost == 0 and seen["twice"] == 0 and seen["acknowledged"] == len(queued) and not again
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
