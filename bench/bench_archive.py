"""The agency archive's lists on the bench data filed by ``bench/bench_archive_data.py`` (issue 13): per
archivist, the inbox page's two queries (``archive.archive_inbox``: submitted batches with their counts; the
first 100 archived dossiers) and the expiring list (``archive.expiring``, every row, as the page shows them).
Read-only on the database. The "chưa lập hồ sơ" box: ``bench/bench_dossiers.py`` on the same database.

    DATABASE_URL=postgresql:///qlvb_archive2_bench?host=/var/run/postgresql \\
        .venv/bin/python bench/bench_archive.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))]


def timed(run: Callable[[], int], into: list[float]) -> int:
    started = time.perf_counter()
    n = run()
    into.append((time.perf_counter() - started) * 1000)
    return n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--default-gc", action="store_true", help="do not freeze the start-up objects (qlvb/wsgi.py)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")
    import django

    django.setup()
    if not args.default_gc:  # the process as gunicorn's workers run it (start-up objects frozen: qlvb/wsgi.py)
        import qlvb.wsgi  # noqa: F401
    from django.db import connection
    from django.utils import timezone

    from qlvb.directory.models import RoleAssignment, User
    from qlvb.dossiers import archive

    ids = RoleAssignment.objects.filter(role="archivist").values_list("user_id", flat=True)
    keepers = list(User.objects.filter(pk__in=ids).order_by("pk"))
    year = timezone.localdate().year
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM documents_document")
        documents = cursor.fetchone()[0]
        cursor.execute("SELECT count(*), count(*) FILTER (WHERE state = 'archived') FROM dossiers_dossier")
        dossiers, archived = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM dossiers_dossieritem")
        items = cursor.fetchone()[0]
    print(
        f"{connection.vendor}: {documents:,} documents, {dossiers:,} dossiers ({archived:,} archived), "
        f"{items:,} filed; {len(keepers)} archivists, {args.rounds} rounds"
    )
    times: dict[str, list[float]] = {"inbox batches": [], "inbox archived (100)": [], "expiring": []}
    sizes: dict[str, list[int]] = {name: [] for name in times}
    queries: dict[str, Callable[[Any], int]] = {
        "inbox batches": lambda who: len(list(archive.archive_inbox(who))),
        "inbox archived (100)": lambda who: len(
            list(archive.archived_dossiers(who).select_related("creator").order_by("-year", "notation")[:100])
        ),
        "expiring": lambda who: len(list(archive.expiring(who, year=year))),
    }
    for _round in range(args.rounds):
        for keeper in keepers:
            keeper.roles_forget()  # each page load asks the roles again
            for name, query in queries.items():
                sizes[name].append(timed(partial(query, keeper), times[name]))
    for name, values in times.items():
        print(
            f"{name:<22} p50 {pct(values, 50):6.1f} ms  p95 {pct(values, 95):6.1f} ms  max {max(values):6.1f} ms  "
            f"({len(values)} runs, rows per archivist {min(sizes[name])}–{max(sizes[name])}; target p95 ≤ 50 ms)"
        )
    sample = keepers[0]
    with connection.cursor() as cursor:
        for query in (
            archive.archived_dossiers(sample).order_by("-year", "notation")[:100],
            archive.expiring(sample, year=year),
        ):
            sql, params = query.query.sql_with_params()
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            print("\n".join(row[0] for row in cursor.fetchall()[:14]))


if __name__ == "__main__":
    main()
