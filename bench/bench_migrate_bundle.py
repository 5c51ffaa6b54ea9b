"""Migration bundle throughput and memory (issue 15, "Chuyển đổi dữ liệu từ hệ thống cũ").

Writes a sample bundle (``operations.migration_sample``) of ``--units`` units (20), ``--accounts`` accounts
(300), ``--rows`` register rows (20,000: half incoming, half outgoing), ``--assignments`` assignments
(20,000) and ``--dossiers`` dossiers (1,000, four documents each), then runs ``operations.migration``: the dry
run (every sheet and row checked, nothing written), the import (check again, then units → accounts →
registers → assignments → dossiers, each sheet in one transaction) and the second run (everything skipped).
Prints rows/s of each and the peak memory (VmHWM growth over the resident size before).

Runs on a temporary data folder with a migrated temporary SQLite database (or ``DATABASE_URL``):

    .venv/bin/python bench/bench_migrate_bundle.py [--rows 20000 --assignments 20000 ...]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from procmem import proc_status_kb, reset_peak_rss

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=20)
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--assignments", type=int, default=20_000)
    parser.add_argument("--dossiers", type=int, default=1_000)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    with tempfile.TemporaryDirectory(prefix="qlvb-bench-bundle-") as tmp:
        work = Path(tmp)
        os.environ["QLVB_DATA_DIR"] = str(work)
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        from qlvb.directory.demo import load_demo
        from qlvb.directory.models import User
        from qlvb.operations.migration import migration_check, migration_run
        from qlvb.operations.migration_sample import Sizes, sample_bundle

        load_demo()
        admin = User.objects.get(username="ublienminh_tranthilan")
        agency = admin.unit.agency  # type: ignore[union-attr]
        incoming = args.rows // 2
        sizes = Sizes(
            units=args.units,
            accounts=args.accounts,
            incoming=incoming,
            outgoing=args.rows - incoming,
            assignments=args.assignments,
            dossiers=args.dossiers,
            files=True,
            edxml=True,
        )
        path = work / "goi.zip"
        start = time.perf_counter()
        with open(path, "wb") as out:
            sample_bundle(out, organ_id=agency.organ_id, sizes=sizes)
        print(
            f"bundle: {args.units} units, {args.accounts} accounts, {args.rows} register rows, {args.assignments} "
            f"assignments, {args.dossiers} dossiers; {path.stat().st_size / 1e6:.1f} MB, written in "
            f"{time.perf_counter() - start:.1f} s"
        )
        print(f"database: {connection.vendor}")
        for label, func in (("dry run", migration_check), ("import", migration_run), ("second run", migration_run)):
            reset_peak_rss()
            rss_before = proc_status_kb("VmRSS")
            start = time.perf_counter()
            with open(path, "rb") as fh:
                report = func(actor=admin, bundle=fh, name=path.name)
            elapsed = time.perf_counter() - start
            hwm = proc_status_kb("VmHWM")
            assert report.errors == 0, [(s.file, s.refusal, s.rows[:3]) for s in report.sheets if s.errors]
            per_sheet = ", ".join(f"{s.file} {s.total} rows {s.seconds:.1f} s" for s in report.sheets)
            print(
                f"{label}: {report.total} rows in {elapsed:.1f} s = {report.total / elapsed:,.0f} rows/s; created "
                f"{report.created}, skipped {report.skipped}; VmHWM {hwm / 1024:.0f} MiB "
                f"(+{(hwm - rss_before) / 1024:.0f} MiB over VmRSS before) [{per_sheet}]"
            )


if __name__ == "__main__":
    main()
