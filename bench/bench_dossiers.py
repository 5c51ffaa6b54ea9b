"""The "chưa lập hồ sơ" box at 1 M documents (issue 13): the documents an officer handled that are in no
dossier yet (``dossiers.selectors.documents_unfiled``: the candidates, then the permission filter and "not
filed": two SQL statements, both timed), first page of 20 and its count, for the officers with the most
lead/support assignments — the worst case when the bench data files nothing (every handled document is still
unfiled). Read-only on the database.

    DATABASE_URL=postgresql:///qlvb_bench_1m?host=/var/run/postgresql \\
        .venv/bin/python bench/bench_dossiers.py [--people 30] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--default-gc", action="store_true", help="do not freeze the start-up objects (qlvb/wsgi.py)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")
    import django

    django.setup()
    if not args.default_gc:  # the process as gunicorn's workers run it (start-up objects frozen: qlvb/wsgi.py)
        import qlvb.wsgi  # noqa: F401
    from django.db import connection
    from django.db.models import Count

    from qlvb.assignments.models import Assignment
    from qlvb.directory.models import User
    from qlvb.dossiers.selectors import documents_unfiled

    busiest = (
        Assignment.objects.filter(user__isnull=False, document__isnull=False, role__in=("lead", "support"))
        .values("user_id")
        .annotate(n=Count("id"))
        .order_by("-n")[: args.people]
    )
    people = [(User.objects.get(pk=row["user_id"]), row["n"]) for row in busiest]
    print(f"{connection.vendor}, {len(people)} officers with {people[-1][1]}–{people[0][1]} assignments each")
    page_ms: list[float] = []
    count_ms: list[float] = []
    sizes: list[int] = []
    for _round in range(args.rounds):
        for person, _n in people:
            started = time.perf_counter()
            rows = list(documents_unfiled(person)[:20])
            page_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            sizes.append(documents_unfiled(person).count())
            count_ms.append((time.perf_counter() - started) * 1000)
            assert len(rows) <= 20
    print(f"unfiled documents per officer: median {statistics.median(sizes):.0f}, max {max(sizes)}")
    for name, values in (("first page (20 rows)", page_ms), ("count", count_ms)):
        print(
            f"{name:<22} p50 {pct(values, 50):6.1f} ms  p95 {pct(values, 95):6.1f} ms  "
            f"max {max(values):6.1f} ms  ({len(values)} runs; target p95 ≤ 50 ms)"
        )
    sample = people[0][0]
    with connection.cursor() as cursor:
        sql, params = documents_unfiled(sample)[:20].query.sql_with_params()
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        print("\n".join(row[0] for row in cursor.fetchall()[:25]))


if __name__ == "__main__":
    main()
