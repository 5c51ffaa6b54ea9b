"""Precision and recall of the fields read from a document's text (``documents/fieldread.py``, issue 12),
per field, on the corpus of ``bench/fields_corpus.py`` (42 văn bản of seven types; 12 of them scans read
by the project's OCR pipeline at 300 or 200 dpi, the others texts as pdftotext or an OCR hands them,
some without diacritics).

A value is *right* when it equals the truth after NFC and white space (``exact``); the ``folded`` columns
also accept a value equal but for case and diacritics (what a text without diacritics can give at best).
precision = right / values given; recall = right / values in the truth.

    .venv/bin/python bench/bench_fields.py [--corpus DIR] [--regenerate] [--show]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIELDS = (
    "code_number",
    "code_notation",
    "issued_date",
    "organ_name",
    "doc_type",
    "subject",
    "signer_position",
    "signer_name",
    "urgency",
)


def _norm(value: object) -> str:
    import unicodedata

    if value is None:
        return ""
    if isinstance(value, dt.date):
        value = value.isoformat()
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "bench" / "fields-corpus")
    parser.add_argument("--regenerate", action="store_true", help="write the corpus again first")
    parser.add_argument("--show", action="store_true", help="print every wrong value")
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")
    import django

    django.setup()
    import fields_corpus

    from qlvb.core.text import fold
    from qlvb.documents.fieldread import fields_read
    from qlvb.files.extraction import Limits, extraction

    truth_path = options.corpus / "truth.json"
    if options.regenerate or not truth_path.exists():
        fields_corpus.write(options.corpus)
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    if not all((options.corpus / row["file"]).exists() for row in truth):  # the scans are not kept in git
        truth = fields_corpus.write(options.corpus)
    counts = {f: {"given": 0, "expected": 0, "exact": 0, "folded": 0} for f in FIELDS}
    by_form: dict[str, list[int]] = {}
    ocr_seconds, read_seconds = 0.0, 0.0
    limits = Limits.from_settings()
    for row in truth:
        path = options.corpus / row["file"]
        if path.suffix == ".pdf":
            started = time.perf_counter()
            with extraction(path, kind="pdf", name=path.name, limits=limits) as found:
                text = found.text
            ocr_seconds += time.perf_counter() - started
        else:
            text = path.read_text(encoding="utf-8")
        started = time.perf_counter()
        read = fields_read(text)
        read_seconds += time.perf_counter() - started
        right = 0
        for name in FIELDS:
            got, want = _norm(getattr(read, name)), _norm(row[name])
            c = counts[name]
            c["given"] += bool(got)
            c["expected"] += bool(want)
            right += got == want
            if got and got == want:
                c["exact"] += 1
            if got and fold(got) == fold(want):
                c["folded"] += 1
            if options.show and got != want:
                print(f"  {row['file']} ({row['form']}) {name}: {got!r} ≠ {want!r}")
        by_form.setdefault(row["form"], []).append(right)
    print(
        f"{len(truth)} văn bản; OCR {ocr_seconds:.1f} s in all; reading the fields {read_seconds * 1000:.1f} ms in all"
    )
    print("| trường | có giá trị | cần có | precision | recall | precision (bỏ dấu) | recall (bỏ dấu) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, c in counts.items():
        p = c["exact"] / c["given"] if c["given"] else 0.0
        r = c["exact"] / c["expected"] if c["expected"] else 0.0
        pf = c["folded"] / c["given"] if c["given"] else 0.0
        rf = c["folded"] / c["expected"] if c["expected"] else 0.0
        print(f"| {name} | {c['given']} | {c['expected']} | {p:.0%} | {r:.0%} | {pf:.0%} | {rf:.0%} |")
    print("| dạng | văn bản | trường đúng (exact) |")
    print("| --- | ---: | ---: |")
    for form, rights in sorted(by_form.items()):
        print(f"| {form} | {len(rights)} | {sum(rights)}/{len(rights) * len(FIELDS)} |")


if __name__ == "__main__":
    main()
