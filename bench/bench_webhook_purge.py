"""The purge of old webhook deliveries (issue 18, ``integrations/webhook_purge.py``): ``--rows`` deliveries
made ``QLVB_WEBHOOK_KEEP_DAYS`` + 1 days ago with their attempts' log (85 % delivered at the first attempt,
10 % after 2–3 attempts, 5 % failed for good after 8), plus what must stay: a tenth as many recent ones and
``--rows``/100 old but still pending (a paused subscription's). Then ``deliveries_purge()`` as the daily
beat job runs it (batches of 5,000, one transaction each). Printed: the time, deliveries and attempts per
second, the process's peak memory, and the checks (the old ones over are gone with their attempts, the
pending and the recent ones stay).

    DATABASE_URL=postgresql:///qlvb_h_purge?host=/var/run/postgresql \\
    .venv/bin/python bench/bench_webhook_purge.py [--rows 200000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="qlvb-bench-purge-"))
    os.environ.setdefault("QLVB_DATA_DIR", str(work))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from qlvb.directory.demo import load_demo
    from qlvb.directory.models import Unit, User
    from qlvb.integrations.accounts import system_register
    from qlvb.integrations.mapping import code_map
    from qlvb.integrations.models import CodeKind, DeliveryState, EventKind, Scope, WebhookAttempt, WebhookDelivery
    from qlvb.integrations.webhook_purge import deliveries_purge, keep_days
    from qlvb.integrations.webhook_services import subscription_create

    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="ublienminh_lethuha").exists():
        load_demo()
    admin = User.objects.get(username="ublienminh_tranthilan")
    agency = Unit.objects.get(short_name="UBND", kind="agency")
    system = system_register(
        actor=admin, name=f"Bench purge {time.time_ns()}", owner_unit=agency, scopes=[Scope.RECEIVE_EVENTS]
    ).system
    code_map(actor=admin, system=system, kind=CodeKind.USER, code="V01", user=admin)
    sub = subscription_create(
        actor=admin,
        system=system,
        url="https://example.org/hook",
        kinds=[EventKind.DOCUMENT_REGISTERED],
        user_code="V01",
    ).subscription
    print(
        f"database: {connection.vendor}; {args.rows:,} old deliveries over (+ {args.rows // 10:,} recent, "
        f"{args.rows // 100:,} old pending); keep {keep_days()} days; load average "
        f"{Path('/proc/loadavg').read_text().strip()}; {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}",
        flush=True,
    )
    now = timezone.now()
    old = now - dt.timedelta(days=keep_days() + 1)
    body = '{"id":"doc-0","kind":"document.registered","data":{"document":{"subject":"' + "x" * 400 + '"}}}'
    started = time.perf_counter()
    made = attempts_made = 0
    batch: list[WebhookDelivery] = []

    def flush() -> None:
        nonlocal attempts_made
        WebhookDelivery.objects.bulk_create(batch)
        log = [
            WebhookAttempt(delivery=d, number=n, at=d.created_at, status_code=200 if n == d.attempts else 500)
            for d in batch
            for n in range(1, d.attempts + 1)
        ]
        WebhookAttempt.objects.bulk_create(log, batch_size=5000)
        attempts_made += len(log)
        batch.clear()

    plan = [(n, old, "over") for n in range(args.rows)]
    plan += [(args.rows + n, now, "over") for n in range(args.rows // 10)]
    plan += [(args.rows * 2 + n, old, "pending") for n in range(args.rows // 100)]
    for n, at, kind in plan:
        if kind == "pending":
            state, tries = DeliveryState.PENDING, 3
        elif n % 20 == 0:
            state, tries = DeliveryState.FAILED, 8
        else:
            state, tries = DeliveryState.DELIVERED, 1 if n % 20 > 2 else 3
        batch.append(
            WebhookDelivery(
                subscription=sub,
                event_key=f"doc-{n}",
                kind=EventKind.DOCUMENT_REGISTERED,
                body=body,
                state=state,
                attempts=tries,
                tries_left=0 if state != DeliveryState.PENDING else 5,
                next_attempt_at=at,
                created_at=at,
            )
        )
        made += 1
        if len(batch) == 5000:
            flush()
    if batch:
        flush()
    print(
        f"made {made:,} deliveries and {attempts_made:,} attempts in {time.perf_counter() - started:.1f} s", flush=True
    )

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    deleted = deliveries_purge()
    took = time.perf_counter() - started
    left = WebhookDelivery.objects.filter(subscription=sub)
    attempts_left = WebhookAttempt.objects.filter(delivery__subscription=sub).count()
    old_over_left = left.filter(created_at__lt=now - dt.timedelta(days=keep_days())).exclude(
        state=DeliveryState.PENDING
    )
    print(
        f"purge: {deleted:,} deliveries in {took:.1f} s ({deleted / took:,.0f} deliveries/s, with their attempts); "
        f"peak memory {rss_before / 1024:.0f} → {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )
    kept = left.count()
    expected_kept = args.rows // 10 + args.rows // 100
    print(
        f"checks: old ones over left {old_over_left.count()} (must be 0); kept {kept:,} (must be {expected_kept:,}: "
        f"recent + pending); attempts left {attempts_left:,}; load {Path('/proc/loadavg').read_text().strip()}"
    )
    ok = deleted == args.rows and kept == expected_kept and not old_over_left.exists()
    left.delete()
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
