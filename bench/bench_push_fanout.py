"""Push fan-out (issue 16): one announcement to the whole agency reaching ``--subs`` devices through the
local push service (src/qlvb/notifications/tests/pushservice.py, run in its own process: it checks the
VAPID JWT of every request and decrypts every payload, RFC 8030/8291/8292).

In a temporary data folder with a migrated SQLite database and the demo agencies, ``--people`` officers
are added to UBND xã Liên Minh, each with ``--subs / --people`` devices subscribed at the local push
service as browsers would (their keys made there); ``--gone`` of them are then unsubscribed at the
service (it answers 410, qlvb must remove them). The office then posts one announcement to the agency
with Celery run in-process: the notification task stores one notification per person, then the push
fan-out builds every payload (settings, visibility), encrypts it per device and sends it on
``--workers`` threads. Printed: the whole time from posting to the last push accepted, then the two
steps again on their own (building the sends; encrypting and sending), pushes per second, failures.

    .venv/bin/python bench/bench_push_fanout.py [--subs 10000] [--people 2000] [--workers 16] [--gone 100]
"""

from __future__ import annotations

import argparse
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
    parser.add_argument("--subs", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=2_000)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--gone", type=int, default=100, help="devices unsubscribed at the push service (410)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="qlvb-bench-push-", dir=ROOT / "var" if (ROOT / "var").is_dir() else None))
    os.environ["QLVB_DATA_DIR"] = str(work)
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
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
    from django.utils import timezone

    from qlvb.assignments.models import Notification
    from qlvb.celery_app import app
    from qlvb.direction.announcements import announcement_create
    from qlvb.directory.demo import load_demo
    from qlvb.directory.models import Unit, User
    from qlvb.notifications.fanout import push_send, sends_for
    from qlvb.notifications.models import PushSubscription
    from qlvb.notifications.vapid import vapid_key

    call_command("migrate", verbosity=0)
    load_demo()
    app.conf.task_always_eager = True
    ubnd = Unit.objects.get(short_name="UBND", kind="agency")
    clerk = User.objects.get(username="ublienminh_lethuha")
    started = time.perf_counter()
    User.objects.bulk_create(
        [User(username=f"bench_{n:05d}", full_name=f"Cán bộ {n}", unit=ubnd, password="!") for n in range(args.people)],
        batch_size=500,
    )
    people = list(User.objects.filter(username__startswith="bench_").order_by("pk").values_list("pk", flat=True))
    key = vapid_key().public_key
    with ThreadPoolExecutor(8) as pool:
        infos = list(pool.map(lambda _n: subscribe(origin, key), range(args.subs)))
    now = timezone.now()
    PushSubscription.objects.bulk_create(
        [
            PushSubscription(
                user_id=people[n % len(people)],
                endpoint=info["endpoint"],
                p256dh=info["keys"]["p256dh"],
                auth=info["keys"]["auth"],
                label="bench",
                created_at=now,
            )
            for n, info in enumerate(infos)
        ],
        batch_size=500,
    )
    for info in infos[: args.gone]:  # these browsers unsubscribed: the service answers 410
        urllib.request.urlopen(
            urllib.request.Request(info["endpoint"].replace("/push/", "/remove/"), data=b"", method="POST"), timeout=10
        ).close()
    print(
        f"data: {args.people} people, {args.subs} devices ({args.gone} of them gone) "
        f"in {time.perf_counter() - started:.1f} s"
    )

    from django.urls import reverse

    reverse("web:home")  # load the URL configuration once, as a running worker has (the payload's links)
    before = stats(origin)
    started = time.perf_counter()
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.runcall(announcement_create, actor=clerk, agency=ubnd, title="Lịch trực Tết Nguyên đán 2027")
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    else:
        announcement_create(actor=clerk, agency=ubnd, title="Lịch trực Tết Nguyên đán 2027")
    whole = time.perf_counter() - started
    after = stats(origin)
    delivered = after["received"] - before["received"]
    left = PushSubscription.objects.count()
    print(
        f"announcement → {delivered} pushes accepted in {whole:.2f} s ({delivered / whole:,.0f}/s); "
        f"answered 410 (gone): {after['refused'] - before['refused']}; subscriptions left: {left}"
    )

    ids = list(Notification.objects.filter(kind="announcement").values_list("pk", flat=True))
    started = time.perf_counter()
    sends = sends_for(ids)
    building = time.perf_counter() - started
    started = time.perf_counter()
    report = push_send(sends, workers=args.workers)
    sending = time.perf_counter() - started
    print(
        f"again, step by step: {len(ids)} notifications → {len(sends)} sends built in {building:.2f} s; "
        f"encrypted and sent in {sending:.2f} s ({report.sent / sending:,.0f}/s) on {args.workers} threads; "
        f"sent {report.sent}, gone {report.gone}, to retry {len(report.retry)}, refused {report.refused}"
    )
    expected = args.subs - args.gone
    return 0 if delivered == expected == left == report.sent else 1


if __name__ == "__main__":
    raise SystemExit(main())
