"""File intake throughput and memory (issue 2).

Takes in a 50 MB file (the seed's maximum, Điều 8.4) through ``qlvb.files.intake.file_intake`` —
streamed in 1 MiB chunks, hashed (SHA-256), probed for text, fsynced, renamed into the
content-addressed store, sniffed, recorded in the database and the audit log — and compares the time
with a plain ``shutil.copyfile`` of the same file on the same disk (+ fsync, which intake also does).
Then measures the process's peak memory while taking the file in (tracemalloc peak of Python
allocations, and the growth of ru_maxrss).

Runs on a temporary data folder with a migrated temporary SQLite database:

    .venv/bin/python bench/bench_intake.py [--size-mb 50] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from procmem import proc_status_kb, reset_peak_rss

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024


def make_source(path: Path, size: int, seed: int) -> None:
    """A well-formed-enough PDF of exactly ``size`` bytes whose body is random (incompressible)."""
    head, tail = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", b"\n%%EOF\n"
    body = size - len(head) - len(tail)
    with open(path, "wb") as fh:
        fh.write(head)
        fh.write(seed.to_bytes(8, "big"))
        left = body - 8
        block = os.urandom(MB)
        while left > 0:
            n = min(MB, left)
            fh.write(block[:n])
            left -= n
        fh.write(tail)


def timed_copy(src: Path, dst: Path) -> float:
    start = time.perf_counter()
    shutil.copyfile(src, dst)
    fd = os.open(dst, os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)
    elapsed = time.perf_counter() - start
    dst.unlink()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=float, default=50.0)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="qlvb-bench-intake-", dir=ROOT / "var" if (ROOT / "var").is_dir() else None))
    os.environ["QLVB_DATA_DIR"] = str(work)
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")
    sys.path.insert(0, str(ROOT / "src"))
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        from qlvb.directory.models import User
        from qlvb.files.intake import file_intake
        from qlvb.files.models import Blob, Channel, StoredFile
        from qlvb.files.storage import blob_path

        call_command("migrate", verbosity=0)
        # Intake queues the file's text extraction after commit (issue 12): the broker's folders, as `qlvb serve` makes.
        for folder in ("queue", "processed", "control"):
            (settings.CELERY_DIR / folder).mkdir(parents=True, exist_ok=True)
        actor = User.objects.create_superuser("bench", "bench@example.vn", "bench-password-1", full_name="Bench")
        size = int(args.size_mb * MB)
        assert size <= settings.FILE_MAX_BYTES, "the benchmark file must be within the limit"
        sources = []
        for i in range(args.repeat + 1):
            src = work / f"source-{i}.pdf"
            make_source(src, size, seed=i)
            sources.append(src)
        for src in sources:  # warm the page cache for both contenders alike
            with open(src, "rb") as fh:
                while fh.read(8 * MB):
                    pass

        def intake(src: Path) -> float:
            start = time.perf_counter()
            with open(src, "rb") as fh:
                stored = file_intake(
                    actor=actor,
                    stream=fh,
                    original_name="Hồ sơ quét 50MB.pdf",
                    channel=Channel.SYSTEM,
                    declared_size=size,
                )
            elapsed = time.perf_counter() - start
            assert blob_path(stored.blob.sha256).stat().st_size == size
            return elapsed

        copies, intakes = [], []
        for i in range(args.repeat):
            copies.append(timed_copy(sources[i], work / "copy.bin"))
            intakes.append(intake(sources[i]))
        # A second upload of content already stored (deduplicated: verified, not written again).
        dedup = intake(sources[0])

        # Memory while taking in a new file (not timed: tracemalloc slows allocation).
        hwm_reset = reset_peak_rss()
        rss_before = proc_status_kb("VmRSS")
        tracemalloc.start()
        intake(sources[-1])
        _cur, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss_peak = proc_status_kb("VmHWM")
        maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

        copy_s, intake_s = statistics.median(copies), statistics.median(intakes)
        mb = size / MB
        print(f"file: {mb:.0f} MB random-content PDF, {args.repeat} runs each (median), files in {work}")
        print(
            f"shutil.copyfile + fsync : {copy_s * 1000:8.0f} ms  {mb / copy_s:7.0f} MB/s  "
            f"(min {min(copies) * 1000:.0f}, max {max(copies) * 1000:.0f} ms)"
        )
        print(
            f"file_intake (new)       : {intake_s * 1000:8.0f} ms  {mb / intake_s:7.0f} MB/s  "
            f"(min {min(intakes) * 1000:.0f}, max {max(intakes) * 1000:.0f} ms)"
        )
        print(f"file_intake (duplicate) : {dedup * 1000:8.0f} ms  {mb / dedup:7.0f} MB/s")
        print(f"ratio intake / copy     : {intake_s / copy_s:8.2f}x median, {min(intakes) / min(copies):.2f}x best-of")
        print(f"peak Python memory (tracemalloc) while taking it in: {peak / MB:.1f} MB")
        if hwm_reset:
            print(
                f"resident memory while taking it in: {rss_before / 1024:.0f} MB before, peak "
                f"{rss_peak / 1024:.0f} MB (+{(rss_peak - rss_before) / 1024:.1f} MB; VmHWM reset first)"
            )
        print(f"process ru_maxrss (whole run, incl. Django and migrations): {maxrss / 1024:.0f} MB")
        print(f"rows: {StoredFile.objects.count()} stored files, {Blob.objects.count()} blobs")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
