"""OCR of Vietnamese scans (issue 12): accuracy (character error rate) and speed of the text pipeline,
with plain ``tesseract`` on the same images in the same run as the peer.

Pages are generated (``files/tests/scans.py``): a Quyết định and a công văn in 13 pt Liberation Serif,
A4, at 300 and 200 dpi, clean or with noise, a skew and a red seal over the signature block. Each page
goes through the pipeline exactly as a stored PNG does (``files.extraction``: OCRmyPDF with Tesseract
``vie``, a PDF/A copy, text read back by pdftotext), then through ``tesseract IMAGE stdout -l vie`` alone.

    .venv/bin/python bench/bench_ocr.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the clean 300 dpi pages and the worst case")
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")
    import django

    django.setup()
    from qlvb.files.extraction import Limits, extraction
    from qlvb.files.tests.scans import TEXTS, Scan, cer, png_bytes, render

    variants = [  # (dpi, noise, skew, stamp)
        (300, 0.0, 0.0, False),
        (200, 0.0, 0.0, False),
        (300, 0.02, 0.0, False),
        (300, 0.0, 2.0, False),
        (300, 0.0, 0.0, True),
        (300, 0.02, 2.0, True),
        (200, 0.02, 2.0, True),
    ]
    if options.quick:
        variants = [variants[0], variants[-1]]
    limits = Limits.from_settings()
    print(f"tesseract: {subprocess.run(['tesseract', '--version'], capture_output=True, text=True).stdout.split()[1]}")
    print("| văn bản | trang | CER pipeline | CER tesseract | pipeline s | tesseract s | tỉ lệ |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    totals = {"pipeline": 0.0, "tesseract": 0.0, "pages": 0}
    with tempfile.TemporaryDirectory(prefix="bench-ocr-") as tmp:
        for key, text in TEXTS.items():
            for dpi, noise, skew, stamp in variants:
                scan = Scan(text, dpi=dpi, noise=noise, skew=skew, stamp=stamp)
                path = Path(tmp) / f"{key}-{scan.dpi}.png"
                path.write_bytes(png_bytes(render(scan), dpi=scan.dpi))
                started = time.perf_counter()
                with extraction(path, kind="png", name=path.name, limits=limits) as found:
                    ours = time.perf_counter() - started
                    our_cer = cer(text, found.text)
                started = time.perf_counter()
                peer = subprocess.run(
                    ["tesseract", str(path), "stdout", "-l", "vie"],
                    capture_output=True,
                    text=True,
                    env={**os.environ, "OMP_THREAD_LIMIT": "1"},
                    check=True,
                )
                theirs = time.perf_counter() - started
                totals["pipeline"] += ours
                totals["tesseract"] += theirs
                totals["pages"] += 1
                print(
                    f"| {key} | {scan.label} | {our_cer:.2%} | {cer(text, peer.stdout):.2%} | {ours:.1f} | "
                    f"{theirs:.1f} | {ours / theirs:.1f} |"
                )
    pages = totals["pages"]
    print(
        f"\npipeline: {pages / totals['pipeline']:.3f} pages/s; tesseract alone: {pages / totals['tesseract']:.3f} "
        f"pages/s; ratio {totals['pipeline'] / totals['tesseract']:.2f}"
    )


if __name__ == "__main__":
    main()
