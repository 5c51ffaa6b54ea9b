"""The zip guard (issue 9): its cost on a normal office file, and a zip bomb's refusal.

1. A normal 5 MB docx (20,000 paragraphs of text plus 4.5 MB of incompressible images, as Word saves
   a report with photos): the type check of intake *without* the guard (open the ZIP, read
   ``[Content_Types].xml``: what ``sniffing._zip`` did before) against *with* it (directory check, then
   every entry inflated as a stream under the caps: ``zip_check``), and the directory check alone.
   Also the secrecy check of the draft: reading ``document.xml`` whole (before) against the streamed
   scan (now).
2. Zip bombs: a docx whose ``document.xml`` unpacks to 200 MiB and one to 400 MiB (the issue's file),
   and one that lies (declares 1,000 bytes, unpacks to 50 MiB): time to refuse, tracemalloc peak of
   Python allocations, growth of the process's peak resident set (VmHWM, reset before each case).

    .venv/bin/python bench/bench_zipguard.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from procmem import proc_status_kb, reset_peak_rss

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024


def median_ms(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def refusal(fn: Callable[[], Any]) -> tuple[float, float, float, str]:
    """(seconds, tracemalloc peak MiB, VmHWM growth MiB, message) of a call that must raise."""
    reset_peak_rss()
    rss_before = proc_status_kb("VmRSS")
    tracemalloc.start()
    start = time.perf_counter()
    message = "NOT REFUSED"
    try:
        fn()
    except Exception as exc:
        message = f"{type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    growth = max(0, proc_status_kb("VmHWM") - rss_before) / 1024
    return seconds, peak / MIB, growth, message


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="qlvb-bench-zip-"))
    os.environ["QLVB_DATA_DIR"] = str(work)
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from qlvb.files.sniffing import sniff
    from qlvb.files.tests import bombs
    from qlvb.files.zipguard import zip_check, zip_inspect
    from qlvb.outgoing.convert import secrecy_mark

    images = {f"word/media/image{i}.png": os.urandom(450 * 1024) for i in range(10)}
    normal = bombs.plain_docx(paragraphs=20_000, extra=images)
    path = work / "bao-cao.docx"
    path.write_bytes(normal)
    info = zipfile.ZipFile(path).getinfo("word/document.xml")
    print(
        f"normal docx: {len(normal) / MIB:.2f} MiB, document.xml {info.file_size / MIB:.2f} MiB unpacked, "
        f"{len(zipfile.ZipFile(path).infolist())} entries"
    )

    def without_guard() -> None:  # sniffing._zip before issue 9
        with zipfile.ZipFile(path) as zf:
            zf.read("[Content_Types].xml")

    def secrecy_before() -> None:  # outgoing/convert.py before issue 9
        with zipfile.ZipFile(io.BytesIO(normal)) as zf:
            xml = zf.read("word/document.xml").decode("utf-8", "replace")
        import re

        for paragraph in re.split(r"</w:p>", xml):
            re.sub(r"<[^>]+>", "", paragraph).strip().upper()

    rows = [
        ("type check without the guard (open ZIP, read [Content_Types].xml)", median_ms(without_guard, args.repeat)),
        ("directory check alone (zip_inspect)", median_ms(lambda: zip_inspect(path), args.repeat)),
        (
            "full guard (zip_check: directory + every entry inflated, counted, CRC)",
            median_ms(lambda: zip_check(path), args.repeat),
        ),
        ("intake type check now (sniff = guard + [Content_Types].xml)", median_ms(lambda: sniff(path), args.repeat)),
        ("secrecy check before (read document.xml whole, split)", median_ms(secrecy_before, args.repeat)),
        (
            "secrecy check now (streamed through the guard)",
            median_ms(lambda: secrecy_mark(normal, ext="docx"), args.repeat),
        ),
    ]
    for label, ms in rows:
        print(f"  {label:<78} {ms:8.1f} ms")

    print("zip bombs (refusal time, tracemalloc peak, VmHWM growth):")
    for unpacked in (200, 400):
        bomb = bombs.bomb_docx(work / f"bomb-{unpacked}.docx", unpacked=unpacked * MIB)
        size_kib = bomb.stat().st_size / 1024
        seconds, peak, growth, message = refusal(lambda b=bomb: sniff(b))  # type: ignore[misc]
        print(
            f"  {unpacked} MiB in {size_kib:.0f} KiB: {seconds * 1000:.1f} ms, {peak:.2f} MiB, {growth:.1f} MiB"
            f" — {message[:140]}"
        )
    liar = bombs.lying_docx(real=50 * MIB, declared=1000)
    seconds, peak, growth, message = refusal(lambda: zip_check(liar))
    print(
        f"  lying entry (declares 1,000 B, unpacks to 50 MiB): {seconds * 1000:.1f} ms, {peak:.2f} MiB, "
        f"{growth:.1f} MiB — {message[:140]}"
    )
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
