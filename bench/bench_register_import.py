"""Register import throughput and memory (issues 15, 18).

Generates a Sổ đăng ký văn bản đến of ``--rows`` rows (default 50,000) as XLSX (written by openpyxl in
write-only mode), then runs ``operations.register_import``: the dry run (every row read, streamed, and
checked against the file and the database) and the import (check again, then the rows written in batches
of 500, one transaction each: document, search entry, import mark, event; the register's last number).
Prints rows/s of each and the peak memory (tracemalloc peak of Python allocations; growth of VmHWM).

Runs on a temporary data folder with a migrated temporary SQLite database (or ``DATABASE_URL``):

    .venv/bin/python bench/bench_register_import.py [--rows 50000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from procmem import proc_status_kb, reset_peak_rss

ROOT = Path(__file__).resolve().parent.parent
HEADERS = (
    "Ngày đến",
    "Số đến",
    "Tác giả",
    "Số, ký hiệu văn bản",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung văn bản",
    "Đơn vị hoặc người nhận",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
)
ORGANS = ("UBND huyện Hoài Đức", "Sở Tài chính tỉnh", "Sở Nội vụ", "Công an huyện", "Phòng Giáo dục và Đào tạo")
TYPES = ("Công văn", "Quyết định", "Thông báo", "Kế hoạch", "Báo cáo", "Tờ trình")


def make_sheet(path: Path, rows: int, year: int) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("So den")
    ws.append(["SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"])
    ws.append([])
    ws.append(list(HEADERS))
    start = dt.date(year, 1, 1)
    for n in range(1, rows + 1):
        day = start + dt.timedelta(days=n * 360 // rows)
        ws.append(
            [
                day.strftime("%d/%m/%Y"),
                n,
                ORGANS[n % len(ORGANS)],
                f"{n}/{'QĐ' if n % 3 else 'CV'}-UBND",
                day.strftime("%d/%m/%Y"),
                f"{TYPES[n % len(TYPES)]}: Về việc triển khai nhiệm vụ số {n} của năm {year} trên địa bàn xã",
                "Văn phòng",
                day.strftime("%d/%m/%Y"),
                "",
                "",
            ]
        )
    wb.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--trace", action="store_true", help="also the tracemalloc peak of the dry run (slower)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    with tempfile.TemporaryDirectory(prefix="qlvb-bench-import-") as tmp:
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
        from qlvb.documents.models import Document
        from qlvb.operations.register_import import register_import_check, register_import_run

        load_demo()
        clerk = User.objects.get(username="ublienminh_lethuha")
        agency = clerk.unit.agency  # type: ignore[union-attr]
        year = 2024
        sheet = work / "so-den.xlsx"
        t0 = time.perf_counter()
        make_sheet(sheet, args.rows, year)
        print(
            f"sheet: {args.rows} rows, {sheet.stat().st_size / 1e6:.1f} MB, written in {time.perf_counter() - t0:.1f} s"
        )
        print(f"database: {connection.vendor}")

        for label, func in (("dry run", register_import_check), ("import", register_import_run)):
            reset_peak_rss()
            rss_before = proc_status_kb("VmRSS")
            traced = label == "dry run" and args.trace  # tracemalloc slows Python down several times
            if traced:
                tracemalloc.start()
            start = time.perf_counter()
            with open(sheet, "rb") as fh:
                report = func(actor=clerk, agency=agency, sheet=fh, name=sheet.name)
            elapsed = time.perf_counter() - start
            peak = tracemalloc.get_traced_memory()[1] if traced else 0
            if traced:
                tracemalloc.stop()
            hwm = proc_status_kb("VmHWM")
            assert report.errors == 0, report.rows[:5]
            print(
                f"{label}: {report.total} rows in {elapsed:.1f} s = {report.total / elapsed:,.0f} rows/s; "
                + (f"tracemalloc peak {peak / 1e6:.1f} MB; " if traced else "")
                + f"VmHWM {hwm / 1024:.0f} MiB "
                f"(+{(hwm - rss_before) / 1024:.0f} MiB over VmRSS before)"
            )
        imported = Document.objects.filter(agency=agency).count()
        start = time.perf_counter()
        with open(sheet, "rb") as fh:
            again = register_import_check(actor=clerk, agency=agency, sheet=fh, name=sheet.name)
        print(
            f"again (idempotent): {again.skipped} of {again.total} rows already imported, "
            f"checked in {time.perf_counter() - start:.1f} s; documents: {imported}"
        )


if __name__ == "__main__":
    main()
