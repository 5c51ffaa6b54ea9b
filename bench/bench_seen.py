"""Seen receipts ("đã xem", issue 18): the inbox with "Chưa xem trước" against its plain order, on PostgreSQL.

Prepares a PostgreSQL database with the benchmark data set (``python -m benchdata``, the same helper
``bench_incoming.py`` uses) unless ``--reuse``, records seen receipts for a share of the assigned people's
documents (``--seen-share``, default 0.6, one ``INSERT … SELECT``), then drives the real Django stack with
the test client (server time, no network) for a random sample of people:

  - officer inbox «Cần xử lý»         /van-ban-den/?box=to_handle              and  …&sort=unseen
  - clerk list «Tất cả»               /van-ban-den/?box=all                    and  …&sort=unseen
  - tasks «Của tôi» is not in the data set (no tasks generated), so it is not measured here

p50/p95/max of the server time and the number of SQL queries per request (the same with and without the
sort: the receipt is a subquery of the list's one statement).

    .venv/bin/python bench/bench_seen.py [--reuse] [--database qlvb_h_seen] [--documents 50000] [--samples 30]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_incoming import HOST, PY, Page, measure, pct, prepare

ROOT = Path(__file__).resolve().parent.parent


def receipts_make(share: float, seed: int) -> int:
    """Seen receipts for ``share`` of the (document, assigned person) pairs, at the assignment's time + 1 h."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM documents_seenreceipt")
        cursor.execute(f"SELECT setseed({(seed % 1000) / 1000.0})")
        cursor.execute(
            """
            INSERT INTO documents_seenreceipt (document_id, task_id, user_id, seen_at, how)
            SELECT DISTINCT ON (a.document_id, a.user_id) a.document_id, NULL, a.user_id,
                   a.assigned_at + interval '1 hour', 'opened'
            FROM assignments_assignment a
            WHERE a.document_id IS NOT NULL AND a.user_id IS NOT NULL AND random() < %s
            ORDER BY a.document_id, a.user_id
            """,
            [share],
        )
        made = cursor.rowcount
        cursor.execute("ANALYZE documents_seenreceipt")
    return made


def row(p: Page) -> None:
    print(
        f"| {p.name} | {len(p.ms)} | {statistics.median(p.ms):.1f} ms | {pct(p.ms, 95):.1f} ms | "
        f"{max(p.ms):.1f} ms | {statistics.median(p.queries):.0f} / {max(p.queries)} |",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="qlvb_h_seen")
    parser.add_argument("--documents", type=int, default=50_000)
    parser.add_argument("--reuse", action="store_true", help="use the database as it is (no regeneration)")
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--seen-share", type=float, default=0.6)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

    url = f"postgresql:///{args.database}?host={HOST}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "qlvb.settings"}
    if not args.reuse:
        prepare(args.database, args.documents, env)
    else:
        subprocess.run([PY, "-m", "qlvb.cli", "migrate", "--noinput", "-v0"], env=env, check=True)
    os.environ.update({"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "qlvb.settings"})
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count

    from qlvb.assignments.models import Assignment
    from qlvb.directory.models import User
    from qlvb.documents.models import Document

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(",")[0]
    made = receipts_make(args.seen_share, args.seed)
    total = Document.objects.count()
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"== {when} — {os.cpu_count()} cores, {version}, {total:,} documents, {made:,} seen receipts ==")
    print(f"load average: {Path('/proc/loadavg').read_text().strip()}")
    rng = random.Random(args.seed)
    open_ids = list(
        Assignment.objects.filter(
            user__isnull=False, role__in=("lead", "support"), status__in=("pending", "in_progress")
        )
        .values("user_id")
        .annotate(n=Count("id"))
        .values_list("user_id", flat=True)
    )
    officers = list(User.objects.filter(pk__in=rng.sample(open_ids, min(args.samples, len(open_ids)))))
    clerk_ids = list(User.objects.filter(role_assignments__role="clerk", is_active=True).values_list("pk", flat=True))
    clerks = list(User.objects.filter(pk__in=rng.sample(clerk_ids, min(args.samples, len(clerk_ids)))))
    n = max(args.samples, 60)

    def cycle(users: list[Any], url: str) -> list[tuple[Any, str]]:
        return [(users[i % len(users)], url) for i in range(n)]

    print("\n| page | requests | p50 | p95 | max | queries (median / max) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, users, url in (
        ("officer «Cần xử lý», plain order", officers, "/van-ban-den/?box=to_handle"),
        ("officer «Cần xử lý», chưa xem trước", officers, "/van-ban-den/?box=to_handle&sort=unseen"),
        ("clerk «Tất cả», plain order", clerks, "/van-ban-den/?box=all"),
        ("clerk «Tất cả», chưa xem trước", clerks, "/van-ban-den/?box=all&sort=unseen"),
    ):
        page = Page(name, "inbox")
        measure(page, cycle(users, url), budget_s=60.0)
        row(page)


if __name__ == "__main__":
    main()
