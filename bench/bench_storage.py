"""File store: the folder against an S3 object store (issue 17).

Uploads of text files (``file_intake``: streamed to a local temporary file while hashing, sniffed, then placed — renamed
into the folder, or sent to the bucket: one PUT under 8 MiB, a multipart upload of 8 MiB parts above) and
downloads (``file_open``: the content verified against its SHA-256 — read in place from the folder, or
streamed from the bucket into a local temporary file — then read out in 1 MiB chunks as the HTTP response
does) of 1 MB and 50 MB files, on each store. Prints the median time and throughput, then the tracemalloc
peak of one 50 MB upload and one 50 MB download on each store.

The S3 store is moto's server (``ThreadedMotoServer``, the tests' local S3-protocol server) in a child
process on loopback: a Python server, far slower than MinIO or a real S3, so the S3 figures are a floor
for the protocol's cost, not a measure of a production store.

    .venv/bin/python bench/bench_storage.py [--repeat 5] [--big-repeat 3]
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
CHUNK = MB


def make_source(path: Path, size: int) -> None:
    """A text file of exactly ``size`` bytes: lines of random hex (a new content each time; a text is taken
    in without the PDF checks, so the figures are the store's)."""
    with open(path, "wb") as fh:
        left = size
        while left > 0:
            n = min(MB, left)
            digits = os.urandom(n // 2).hex().encode()
            fh.write(b"\n".join(digits[i : i + 63] for i in range(0, len(digits), 63))[:n])
            left -= n


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="runs of the 1 MB file per store")
    parser.add_argument("--big-repeat", type=int, default=3, help="runs of the 50 MB file per store")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="qlvb-bench-storage-"))
    os.environ["QLVB_DATA_DIR"] = str(work)
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from qlvb.directory.models import User
    from qlvb.files.intake import file_intake
    from qlvb.files.models import Channel
    from qlvb.files.services import file_open
    from qlvb.files.tests.s3server import CREDENTIALS, MotoProcess, s3_client

    call_command("migrate", verbosity=0)
    logging.getLogger("botocore.credentials").setLevel(logging.WARNING)
    actor = User.objects.create_superuser("bench", "bench@example.vn", "bench-password-1", full_name="Bench")
    server = MotoProcess().start()
    os.environ.update(CREDENTIALS)
    s3_client(server.url).create_bucket(Bucket="qlvb-bench")
    seed = 0

    def use(store: str) -> None:
        settings.QLVB_STORAGE = store
        settings.S3_ENDPOINT_URL, settings.S3_BUCKET, settings.S3_DOWNLOAD = server.url, "qlvb-bench", "stream"

    def source(size: int) -> Path:
        nonlocal seed
        seed += 1
        path = work / f"source-{seed}.txt"
        make_source(path, size)
        return path

    def upload(path: Path) -> tuple[float, object]:
        start = time.perf_counter()
        with path.open("rb") as fh:
            stored = file_intake(
                actor=actor,
                stream=fh,
                original_name=path.name,
                channel=Channel.SYSTEM,
                declared_size=path.stat().st_size,
                extract_text=False,
            )
        return time.perf_counter() - start, stored

    def download(stored: object) -> float:
        start = time.perf_counter()
        opened = file_open(actor=actor, stored_file=stored, authorised=True)  # type: ignore[arg-type]
        total = 0
        with opened.handle as handle:
            while chunk := handle.read(CHUNK):
                total += len(chunk)
        assert total == opened.size
        return time.perf_counter() - start

    try:
        print(f"{'store':6} {'file':>6} {'upload ms':>10} {'MB/s':>7} {'download ms':>12} {'MB/s':>7}   (median)")
        for store in ("folder", "s3"):
            use(store)
            for size, repeat in ((1 * MB, args.repeat), (50 * MB, args.big_repeat)):
                ups, downs = [], []
                for _ in range(repeat):
                    path = source(size)
                    took, stored = upload(path)
                    ups.append(took)
                    downs.append(download(stored))
                    path.unlink()
                up, down, mb = statistics.median(ups), statistics.median(downs), size / MB
                print(f"{store:6} {mb:4.0f}MB {up * 1000:10.0f} {mb / up:7.1f} {down * 1000:12.0f} {mb / down:7.1f}")
        print("peak Python memory (tracemalloc) for one 50 MB file:")
        for store in ("folder", "s3"):
            use(store)
            path = source(50 * MB)
            tracemalloc.start()
            _took, stored = upload(path)
            _now, up_peak = tracemalloc.get_traced_memory()
            tracemalloc.reset_peak()
            download(stored)
            _now, down_peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"  {store:6} upload {up_peak / MB:5.1f} MiB   download {down_peak / MB:5.1f} MiB")
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
