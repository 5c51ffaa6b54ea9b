"""The cold dashboard with and without the partial covering indexes of ``assignments`` (migration 0006), A/B
in the same minutes: the machine is shared, so a run of ``bench_reports.py`` before and another after cannot
tell a 30 ms gain from the load's swings. For the largest agencies, rounds alternate: the dashboard's figures
computed from nothing (``reports.dashboard._compute``, every figure in SQL) with the indexes, and the same
inside a transaction that drops them first and is rolled back (the indexes are never gone for anyone else;
the DROP takes the table's lock for that moment: **run it on a database of your own**, never on a shared one).

    .venv/bin/python bench/bench_dashboard_index.py --database qlvb_bench_1m_tl [--agencies 10] [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HOST = "/var/run/postgresql"
INDEXES = ("assignment_lead_unit_due_idx", "assignment_lead_user_due_idx")


class RollbackError(Exception):
    pass


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))]


def measure(scope: Any, today: Any, *, without: bool) -> tuple[float, float]:
    """(wall ms, SQL ms) of one cold computation of the dashboard's figures."""
    from django.db import connection, transaction

    from qlvb.reports.dashboard import _compute

    sql = [0.0]

    def timed(execute: Any, query: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(query, params, many, context)
        finally:
            sql[0] += time.perf_counter() - started

    result = (0.0, 0.0)
    try:
        with transaction.atomic():
            if without:
                with connection.cursor() as cursor:
                    for name in INDEXES:
                        cursor.execute(f'DROP INDEX "{name}"')
            with connection.execute_wrapper(timed):
                started = time.perf_counter()
                _compute(scope, today)
                result = ((time.perf_counter() - started) * 1000, sql[0] * 1000)
            raise RollbackError
    except RollbackError:
        pass
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--agencies", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = f"postgresql:///{args.database}?host={HOST}"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")
    django.setup()
    from django.db.models import Count
    from django.utils import timezone

    from qlvb.assignments.models import Assignment
    from qlvb.directory.models import Unit
    from qlvb.reports.scope import Scope

    today = timezone.localdate()
    biggest = Assignment.objects.values("agency_id").annotate(n=Count("id")).order_by("-n")[: args.agencies]
    agencies = [(Unit.objects.get(pk=row["agency_id"]), row["n"]) for row in biggest]
    print(f"{args.database}: {len(agencies)} largest agencies ({agencies[0][1]:,} to {agencies[-1][1]:,} assignments)")
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    runs: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    for round_no in range(args.rounds):
        for agency, _n in agencies:
            scope = Scope(agency=agency, unit_ids=None)
            order = (False, True) if round_no % 2 == 0 else (True, False)
            for without in order:
                runs[without].append(measure(scope, today, without=without))
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    print("| indexes | computations | wall p50 | wall p95 | SQL p50 | SQL p95 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for without, label in ((True, "without (dropped in a rolled-back transaction)"), (False, "with (migration 0006)")):
        wall = [w for w, _s in runs[without]]
        sql = [s for _w, s in runs[without]]
        print(
            f"| {label} | {len(wall)} | {statistics.median(wall):.1f} ms | {pct(wall, 95):.1f} ms "
            f"| {statistics.median(sql):.1f} ms | {pct(sql, 95):.1f} ms |"
        )


if __name__ == "__main__":
    main()
