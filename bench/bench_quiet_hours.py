"""Quiet hours (issue 16): ``--held`` pushes held during the quiet hours of ``--people`` officers, then
released as one summary per person when the hours end, through the local push service
(src/qlvb/notifications/tests/pushservice.py, in its own process: it checks every VAPID JWT and decrypts
every payload).

The officers are added to UBND xã Liên Minh, each with one device subscribed at the local push service
and quiet hours that hold now; ``--held`` notifications (announcements, spread evenly) are stored for them.
Timed, each step on its own:

1. hold — the fan-out of those notifications (``push_plan``: settings, quiet hours; ``held_pushes_keep``:
   the HeldPush rows written);
2. the hours end (``release_at`` moved to a minute ago), then release — ``held_pushes_release``: the due
   rows locked, read with their notifications and deleted, one summary payload per person;
3. send — every summary encrypted and posted to the push service (``push_send``, ``--workers`` threads).

Database: ``DATABASE_URL`` if set (PostgreSQL: the bench's rows are deleted at the end), else a migrated
SQLite database in a temporary folder.

    .venv/bin/python bench/bench_quiet_hours.py [--held 10000] [--people 1000] [--workers 16]
    DATABASE_URL=postgresql:///qlvb_h_mobile?host=/var/run/postgresql .venv/bin/python bench/bench_quiet_hours.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "benchquiet_"


def stats(origin: str) -> dict[str, int]:
    with urllib.request.urlopen(f"{origin}/stats", timeout=10) as answer:
        return json.loads(answer.read())


def subscribe(origin: str, server_key: str) -> dict:
    request = urllib.request.Request(
        f"{origin}/subscribe", data=json.dumps({"server_key": server_key}).encode(), method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--held", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=1_000)
    parser.add_argument("--workers", type=int, default=16)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="qlvb-bench-quiet-", dir=ROOT / "var" if (ROOT / "var").is_dir() else None))
    os.environ["QLVB_DATA_DIR"] = str(work)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    os.environ["QLVB_PUSH_ALLOW_LOCAL_HTTP"] = "1"
    os.environ["QLVB_PUSH_WORKERS"] = str(args.workers)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")
    sys.path.insert(0, str(ROOT / "src"))
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    service = subprocess.Popen(
        [sys.executable, "-m", "qlvb.notifications.tests.pushservice", "0"], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert service.stdout is not None
        origin = service.stdout.readline().strip()
        return run(args, origin)
    finally:
        service.terminate()
        service.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


def run(args: argparse.Namespace, origin: str) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.urls import reverse
    from django.utils import timezone

    from qlvb.assignments.models import Notification
    from qlvb.directory.demo import load_demo
    from qlvb.directory.models import Unit, User
    from qlvb.notifications.fanout import held_pushes_keep, push_plan, push_send
    from qlvb.notifications.held import held_pushes_release
    from qlvb.notifications.models import HeldPush, PushPreference, PushSubscription
    from qlvb.notifications.vapid import vapid_key

    call_command("migrate", verbosity=0)
    load_demo()
    User.objects.filter(username__startswith=PREFIX).delete()  # a run stopped half-way
    ubnd = Unit.objects.get(short_name="UBND", kind="agency")
    started = time.perf_counter()
    User.objects.bulk_create(
        [
            User(username=f"{PREFIX}{n:05d}", full_name=f"Cán bộ {n}", unit=ubnd, password="!")
            for n in range(args.people)
        ],
        batch_size=500,
    )
    people = list(User.objects.filter(username__startswith=PREFIX).order_by("pk").values_list("pk", flat=True))
    key = vapid_key().public_key
    with ThreadPoolExecutor(8) as pool:
        infos = list(pool.map(lambda _n: subscribe(origin, key), range(args.people)))
    now = timezone.now()
    PushSubscription.objects.bulk_create(
        [
            PushSubscription(
                user_id=user_id,
                endpoint=info["endpoint"],
                p256dh=info["keys"]["p256dh"],
                auth=info["keys"]["auth"],
                label="bench",
                created_at=now,
            )
            for user_id, info in zip(people, infos, strict=True)
        ],
        batch_size=500,
    )
    local = timezone.localtime(now)
    PushPreference.objects.bulk_create(
        [
            PushPreference(
                user_id=user_id,
                quiet_start=(local - dt.timedelta(hours=1)).time(),
                quiet_end=(local + dt.timedelta(hours=1)).time(),
            )
            for user_id in people
        ],
        batch_size=500,
    )
    Notification.objects.bulk_create(
        [
            Notification(user_id=people[n % len(people)], kind="announcement", text=f"Thông báo {n}", created_at=now)
            for n in range(args.held)
        ],
        batch_size=1000,
    )
    ids = list(Notification.objects.filter(user_id__in=people).values_list("pk", flat=True))
    print(
        f"database: {connection.vendor}; data: {args.people} people with one device each, "
        f"{len(ids)} notifications, in {time.perf_counter() - started:.1f} s"
    )
    reverse("web:home")  # load the URL configuration once, as a running worker has (the payload's links)

    try:
        started = time.perf_counter()
        plan = push_plan(ids)
        kept = held_pushes_keep(plan.held)
        holding = time.perf_counter() - started
        print(
            f"1. hold: {len(ids)} notifications in quiet hours → {kept} held, {len(plan.sends)} sent, "
            f"in {holding:.2f} s"
        )

        HeldPush.objects.filter(user_id__in=people).update(release_at=timezone.now() - dt.timedelta(minutes=1))
        before = stats(origin)
        started = time.perf_counter()
        release = held_pushes_release()
        releasing = time.perf_counter() - started
        started = time.perf_counter()
        report = push_send(release.sends, workers=args.workers)
        sending = time.perf_counter() - started
        delivered = stats(origin)["received"] - before["received"]
        left = HeldPush.objects.filter(user_id__in=people).count()
        print(
            f"2. release: {release.held} held → {release.people} summaries in {releasing:.2f} s "
            f"({release.held / releasing:,.0f} held/s)"
        )
        print(
            f"3. send: {len(release.sends)} summaries encrypted and sent in {sending:.2f} s "
            f"({report.sent / sending:,.0f}/s) on {args.workers} threads; accepted {delivered}, "
            f"to retry {len(report.retry)}, refused {report.refused}; held rows left: {left}"
        )
        print(f"release + send: {releasing + sending:.2f} s for {args.held} held pushes")
        ok = kept == args.held and release.people == args.people == delivered == report.sent and left == 0
    finally:
        User.objects.filter(username__startswith=PREFIX).delete()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
