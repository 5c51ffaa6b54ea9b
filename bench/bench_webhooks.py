"""Webhook fan-out (issue 18): ``--events`` document events to ``--subs`` subscriptions through a REAL Celery
worker (its own process, Redis broker) and a local receiver (src/qlvb/integrations/tests/receiver.py, in its
own process: a threaded ``http.server``) that fails a share of the deliveries at first: ``--fail-share``
answer 500 to their first request (half of those 503 to the second as well), ``--hang-share`` hang past the
sender's read timeout (``--read-timeout``) at their first request.

On the PostgreSQL (or SQLite) database of ``DATABASE_URL`` (migrated here; the demo agencies loaded), a
system of UBND xã Liên Minh is registered with ``--subs`` subscriptions to ``document.registered`` on
behalf of the clerk; one incoming document is handed over through the integration service, and its
"registered" event is recorded ``--events`` times (the rows written at once). Then:

1. fan-out: the webhook consumer (``webhooks.document_event``, what Celery's ``dispatch_event`` calls) runs
   for every event on ``--fanout-threads`` threads, each event in its own transaction: the clerk's sight
   checked in SQL, one delivery per subscription, the sending queued to the broker after the commit;
2. sending: the Celery worker (``celery -A qlvb worker --pool --concurrency``) sends while the fan-out
   goes on; the benchmark waits until no delivery is pending;
3. the consumer is run a second time for a tenth of the events: it must queue nothing.

Printed: the times, deliveries per second, attempts and retries, the worker's peak memory, and the checks:
every delivery delivered (none lost), the receiver acknowledged each delivery id once (no duplicates).

    DATABASE_URL=postgresql:///qlvb_h_hooks?host=/var/run/postgresql \\
    .venv/bin/python bench/bench_webhooks.py [--events 10000] [--subs 20] [--concurrency 4]

The broker and the cache (the drain marks) are Redis database ``--redis-db`` (15) at 127.0.0.1:6379,
emptied of this benchmark's keys before the run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--subs", type=int, default=20)
    parser.add_argument("--pool", default="prefork", choices=["prefork", "threads"])
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--fanout-threads", type=int, default=4)
    parser.add_argument("--fail-share", type=float, default=0.1)
    parser.add_argument("--hang-share", type=float, default=0.002)
    parser.add_argument("--read-timeout", type=float, default=1.0)
    parser.add_argument("--backoff", type=float, default=0.5, help="seconds before the first retry")
    parser.add_argument("--redis-db", type=int, default=15)
    parser.add_argument("--deadline", type=float, default=3 * 3600, help="give up after this many seconds")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="qlvb-bench-webhooks-"))
    redis_url = f"redis://127.0.0.1:6379/{args.redis_db}"
    os.environ.setdefault("QLVB_DATA_DIR", str(work))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    os.environ["CELERY_BROKER_URL"] = redis_url
    os.environ["QLVB_CACHE_URL"] = redis_url
    os.environ["QLVB_CELERY_EAGER"] = "0"
    os.environ["QLVB_WEBHOOK_HTTP_HOSTS"] = "127.0.0.1"
    os.environ["QLVB_WEBHOOK_BACKOFF_SECONDS"] = str(args.backoff)
    os.environ["QLVB_WEBHOOK_READ_TIMEOUT"] = str(args.read_timeout)
    os.environ["QLVB_WEBHOOK_PAUSE_AFTER"] = "1000000"  # failures are the point here, not the pause
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")
    sys.path.insert(0, str(ROOT / "src"))
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    subprocess.run(  # this benchmark's own Redis database
        [sys.executable, "-c", f"import redis; redis.Redis.from_url({redis_url!r}).flushdb()"], check=True
    )
    hang = args.read_timeout + 0.5
    receiver = subprocess.Popen(
        [sys.executable, "-m", "qlvb.integrations.tests.receiver"]
        + [str(v) for v in (args.fail_share, 0, args.hang_share, hang)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    worker: subprocess.Popen[str] | None = None
    try:
        assert receiver.stdout is not None
        origin = receiver.stdout.readline().strip()
        worker = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "qlvb", "worker", "-n", f"bench-hooks-{os.getpid()}@%h"),
                *("--queues", "default", "--pool", args.pool, "--concurrency", str(args.concurrency)),
                *("--loglevel", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(work / "worker.log", "w"),  # noqa: SIM115
            text=True,
        )
        return run(args, origin, worker.pid)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=60)
        receiver.terminate()
        receiver.wait(timeout=10)


def tree_peak_kb(pid: int) -> int:
    """The sum of the peak resident sets (VmHWM) of a process and its children (the prefork pool)."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for one in pids:
        try:
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


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


def fan_out(event_ids: list[int], sink: list[tuple[int, int]], workers: int) -> None:
    """The consumer for every event on ``workers`` threads (Celery's workers running ``dispatch_event``),
    each event in its transaction; the sending is queued to the broker after each commit."""
    from django.db import connection, transaction

    from qlvb.documents.models import DocumentEvent
    from qlvb.integrations import webhooks

    def one(chunk: list[int]) -> list[tuple[int, int]]:
        made: list[tuple[int, int]] = []
        try:
            for pk in chunk:
                event = DocumentEvent.objects.select_related("document").get(pk=pk)
                with transaction.atomic():
                    found = webhooks.document_deliveries(event)
                    webhooks._queue_after_commit(found)
                made.extend(found)
        finally:
            connection.close()
        return made

    with ThreadPoolExecutor(workers) as pool:
        for made in pool.map(one, [event_ids[n::workers] for n in range(workers)]):
            sink.extend(made)


def run(args: argparse.Namespace, origin: str, worker_pid: int) -> int:
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count, Q

    from qlvb.integrations.models import DeliveryState, WebhookAttempt, WebhookDelivery

    print(
        f"database: {connection.vendor}; events {args.events} × subscriptions {args.subs}; Celery worker "
        f"--pool {args.pool} --concurrency {args.concurrency}; load average at start: "
        f"{Path('/proc/loadavg').read_text().strip()}; {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}",
        flush=True,
    )
    started = time.perf_counter()
    event_ids = setup(args, origin)
    first_id = WebhookDelivery.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    took = time.perf_counter() - started
    print(f"set-up ({args.subs} subscriptions, {args.events} events): {took:.1f} s", flush=True)
    queued: list[tuple[int, int]] = []
    started = time.perf_counter()
    fan_out(event_ids, queued, args.fanout_threads)
    fan_time = time.perf_counter() - started
    print(f"fan-out: {len(queued)} deliveries in {fan_time:.1f} s ({len(queued) / fan_time:,.0f}/s)", flush=True)
    rows = WebhookDelivery.objects.filter(pk__gt=first_id)
    last_print = 0.0
    while True:
        pending = rows.filter(state=DeliveryState.PENDING).count()
        elapsed = time.perf_counter() - started
        if pending == 0 or elapsed > args.deadline:
            break
        if elapsed - last_print > 60:
            print(f"  {elapsed:.0f} s: {pending} pending; load {Path('/proc/loadavg').read_text().strip()}", flush=True)
            last_print = elapsed
        time.sleep(1)
    total = time.perf_counter() - started
    counts = rows.aggregate(
        delivered=Count("pk", filter=Q(state=DeliveryState.DELIVERED)),
        failed=Count("pk", filter=Q(state=DeliveryState.FAILED)),
    )
    attempts = WebhookAttempt.objects.filter(delivery__in=rows)
    n_attempts = attempts.count()
    timeouts = attempts.filter(error__contains="timeout").count()
    print(
        f"sending: {len(queued)} deliveries done {total:.1f} s after the fan-out began "
        f"({len(queued) / total:,.0f} deliveries/s end to end); {n_attempts} attempts, "
        f"{n_attempts - len(queued)} retries ({timeouts} after a timeout)",
        flush=True,
    )
    print(f"Celery worker peak resident memory (main + pool): {tree_peak_kb(worker_pid) / 1024:.0f} MiB")
    again: list[tuple[int, int]] = []
    fan_out(event_ids[: max(1, len(event_ids) // 10)], again, args.fanout_threads)
    seen = stats(origin)
    made = rows.count()  # also the deliveries of the handed-over document's own event (sent by the worker)
    lost = made - counts["delivered"]
    print(
        f"checks: delivered {counts['delivered']}/{made} (failed {counts['failed']}, lost {lost}); receiver: "
        f"{seen['requests']} requests, {seen['acknowledged']} deliveries acknowledged, {seen['twice']} twice "
        f"(duplicates); consumer run again on {len(event_ids) // 10} events queued {len(again)} (must be 0)"
    )
    print(f"load average at the end: {Path('/proc/loadavg').read_text().strip()}")
    ok = lost == 0 and seen["twice"] == 0 and seen["acknowledged"] == made and not again
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
