"""A personal data export of an officer who handled ``--docs`` incoming documents, each with one distinct
PDF of about ``--kb`` KB (issue 15, Điều 22.1.d).

In a temporary data folder with a migrated SQLite database and the demo agencies, the clerk Lê Thu Hà
registers each document with its scan, submits it to the Chủ tịch, who gives it to VHXH, whose head assigns
Đỗ Thanh Hương, who reports progress. Then ``personal_export_zip.export_write`` builds her export, timed,
with the process's peak resident memory (VmHWM reset before the step, ``bench/procmem.py``) against the
ZIP's size: the export is streamed, so the peak must not follow the size.

    .venv/bin/python bench/bench_personal_export.py [--docs 200] [--kb 1000]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from procmem import proc_status_kb, reset_peak_rss

ROOT = Path(__file__).resolve().parent.parent


def scan_pdf(n: int, kb: int) -> bytes:
    """A one-page image PDF (greyscale noise), about ``kb`` KB, different for each ``n``."""
    from PIL import Image

    rng = random.Random(n)
    side = max(64, int((kb * 1024 / 1.2) ** 0.5))
    image = Image.frombytes("L", (side, side), rng.randbytes(side * side))
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=200.0, quality=90)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--kb", type=int, default=1000)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="qlvb-bench-pexport-", dir=ROOT / "var" if (ROOT / "var").is_dir() else None))
    os.environ["QLVB_DATA_DIR"] = str(work)
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    from qlvb.directory.demo import load_demo
    from qlvb.directory.models import Unit, User
    from qlvb.documents.models import DocumentType
    from qlvb.files.intake import file_intake
    from qlvb.incoming.services import (
        IncomingData,
        IncomingFile,
        Target,
        assignment_assign,
        assignment_report,
        incoming_direct,
        incoming_receive,
        incoming_submit,
    )
    from qlvb.operations.personal_export_zip import export_write

    call_command("migrate", verbosity=0)
    load_demo()
    people = {
        n: User.objects.get(username=f"ublienminh_{n}")
        for n in ("lethuha", "nguyenvanhung", "hoangvannam", "dothanhhuong")
    }
    ha, hung, nam, huong = (people[n] for n in ("lethuha", "nguyenvanhung", "hoangvannam", "dothanhhuong"))
    ubnd = Unit.objects.get(short_name="UBND", kind="agency")
    vhxh = Unit.objects.get(short_name="VHXH", agency=ubnd)
    cong_van = DocumentType.objects.get(name="Công văn")
    started = time.perf_counter()
    for n in range(args.docs):
        stored = file_intake(
            actor=ha, stream=io.BytesIO(scan_pdf(n, args.kb)), original_name=f"cv-{n}.pdf", channel="scan"
        )
        data = IncomingData(
            doc_type=cong_van,
            subject=f"Về việc số {n} của bộ dữ liệu thử",
            organ_name="Ủy ban nhân dân huyện Mê Linh",
            code_number=str(n + 1),
            code_notation="UBND-VX",
            signer_position="Chủ tịch",
            signer_name="Nguyễn Văn An",
        )
        doc = incoming_receive(actor=ha, agency=ubnd, channel="paper", data=data, files=[IncomingFile(stored)]).document
        incoming_submit(actor=ha, document=doc, leader=hung)
        (lead,) = incoming_direct(actor=hung, document=doc, directive="VHXH", targets=[Target(role="lead", unit=vhxh)])
        (mine,) = assignment_assign(actor=nam, assignment=lead, note="", targets=[Target(role="lead", user=huong)])
        assignment_report(actor=huong, assignment=mine, text=f"Đang xử lý {n}", progress=50)
    print(f"data: {args.docs} documents of ~{args.kb} KB in {time.perf_counter() - started:.1f} s")

    out = work / "export.zip"
    rss_before = proc_status_kb("VmRSS") / 1024
    reset = reset_peak_rss()
    started = time.perf_counter()
    result = export_write(huong, out)
    seconds = time.perf_counter() - started
    peak = proc_status_kb("VmHWM") / 1024
    size_mb = out.stat().st_size / 1024 / 1024
    print(
        f"export: {result.item_count} rows, {result.file_count} files, ZIP {size_mb:.1f} MiB in {seconds:.1f} s "
        f"({size_mb / seconds:.1f} MiB/s); RSS before {rss_before:.0f} MiB, peak {peak:.0f} MiB "
        f"(+{peak - rss_before:.0f} MiB){'' if reset else ' (VmHWM not reset: peak since start)'}"
    )
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
