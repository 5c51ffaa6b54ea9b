"""Export and re-import of a dossier batch of 1,000 documents with their files (issue 13).

Builds, in a temporary data folder with a migrated SQLite database and the demo agencies, one closed
dossier of ``--docs`` incoming documents, each with one PDF (a scan: a noise image of about ``--kb`` KB,
so every file is distinct and incompressible) taken in through ``files.intake.file_intake``. Then:

1. export: ``dossiers.package.package_write`` (originals copied, a PDF/A rendition of each by Ghostscript,
   the metadata XML, the SHA-256 manifest), timed, with the process's peak resident memory (VmHWM reset
   before the step, ``bench/procmem.py``) against the package's size;
2. the manifest check alone (``package_import.package_verify``: every entry hashed as a stream);
3. import into another agency (the Trạm Y tế, a fresh file store): ``package_import`` — manifest, metadata,
   1,000 intakes, one transaction — timed, with its peak memory; then a second import (idempotent: nothing
   created) timed.

    .venv/bin/python bench/bench_dossier_package.py [--docs 1000] [--kb 60]
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
    """A one-page image PDF (JPEG noise), about ``kb`` KB, different for each ``n``."""
    from PIL import Image

    rng = random.Random(n)
    side = max(64, int((kb * 1024 / 1.2) ** 0.5))
    image = Image.frombytes("L", (side, side), rng.randbytes(side * side))
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=200.0, quality=90)
    return out.getvalue()


def peak_mb() -> float:
    return proc_status_kb("VmHWM") / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--kb", type=int, default=60)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="qlvb-bench-package-", dir=ROOT / "var" if (ROOT / "var").is_dir() else None))
    os.environ["QLVB_DATA_DIR"] = str(work)
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from qlvb.directory.demo import load_demo
    from qlvb.directory.models import Unit, User
    from qlvb.directory.services import role_grant
    from qlvb.documents.models import Attachment, Document, DocumentType
    from qlvb.dossiers import services
    from qlvb.dossiers.models import DossierItem
    from qlvb.dossiers.package import package_write
    from qlvb.dossiers.package_import import package_import, package_verify
    from qlvb.files.intake import file_intake

    call_command("migrate", verbosity=0)
    load_demo()
    ubnd = Unit.objects.get(short_name="UBND", kind="agency")
    tyt = Unit.objects.get(short_name="TYT", kind="agency")
    clerk = User.objects.get(username="ublienminh_lethuha")
    officer = User.objects.get(username="ublienminh_dothanhhuong")
    keeper = User.objects.get(username="tytlienminh_buithiloan")
    role_grant(actor=None, user=keeper, role="archivist", unit=tyt)
    keeper.roles_forget()
    kind = DocumentType.objects.get(name="Công văn")

    started = time.perf_counter()
    dossier = services.dossier_open(actor=officer, title="Hồ sơ đo hiệu năng", notation="99.BENCH", retention_years=10)
    now = timezone.now()
    total_bytes = 0
    items = []
    for n in range(1, args.docs + 1):
        content = scan_pdf(n, args.kb)
        total_bytes += len(content)
        stored = file_intake(
            actor=clerk, stream=io.BytesIO(content), original_name=f"cv-{n}.pdf", channel="scan", extract_text=False
        )
        doc = Document.objects.create(
            direction="incoming",
            agency=ubnd,
            status="completed",
            channel="email",
            doc_type=kind,
            code_number=str(n),
            code_notation="UBND-VX",
            organ_name="Ủy ban nhân dân huyện Mê Linh",
            subject=f"Về việc triển khai nhiệm vụ số {n}",
            page_amount=1,
            received_at=now,
        )
        Attachment.objects.create(document=doc, stored_file=stored, kind="main", name=stored.name, added_at=now)
        items.append(DossierItem(dossier=dossier, document=doc, ordinal=n, added_by=officer, added_at=now))
    DossierItem.objects.bulk_create(items)
    dossier = services.dossier_close(actor=officer, dossier=dossier)
    print(f"setup: {args.docs} documents, {total_bytes / 2**20:.1f} MiB of PDFs, {time.perf_counter() - started:.1f} s")

    out = work / "goi.zip"
    reset_peak_rss()
    before = peak_mb()
    t0 = time.perf_counter()
    result = package_write([dossier], out)
    export_s = time.perf_counter() - t0
    size = out.stat().st_size
    print(
        f"export: {export_s:.1f} s for {result.file_count} files (+{result.file_count - len(result.problems)}"
        f" PDF/A renditions, {len(result.problems)} refused), package {size / 2**20:.1f} MiB, "
        f"peak RSS {peak_mb():.0f} MiB (before: {before:.0f} MiB)"
    )
    t0 = time.perf_counter()
    checked = package_verify(out)
    print(f"manifest check: {time.perf_counter() - t0:.2f} s over {len(checked.manifest)} entries")

    settings.FILES_DIR = work / "files-of-the-other-deployment"
    reset_peak_rss()
    before = peak_mb()
    t0 = time.perf_counter()
    imported = package_import(actor=keeper, agency=tyt, path=out)
    import_s = time.perf_counter() - t0
    print(
        f"import: {import_s:.1f} s ({imported.documents_created} documents, {imported.files_taken} files; manifest "
        f"check inside: {imported.verify_seconds:.2f} s), peak RSS {peak_mb():.0f} MiB (before: {before:.0f} MiB)"
    )
    t0 = time.perf_counter()
    again = package_import(actor=keeper, agency=tyt, path=out)
    print(
        f"second import (idempotent): {time.perf_counter() - t0:.1f} s, created {len(again.created)}, "
        f"skipped {len(again.skipped)}"
    )
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
