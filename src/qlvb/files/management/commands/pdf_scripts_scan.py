"""``qlvb pdf_scripts_scan``: look for scripts in the PDFs stored before intake looked for them.

Intake records the active content of every new PDF (``Blob.scripts``, files/pdfscripts.py); PDFs stored
by earlier releases were never inspected. Run this once after upgrading. It is safe to run again: it
reads the PDFs with no finding recorded (a clean PDF is read again each time); ``--all`` reads every PDF.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from qlvb.files.models import Blob
from qlvb.files.pdfscripts import pdf_scripts
from qlvb.files.storage import blob_exists, blob_local

NOT_SCANNED = ""


class Command(BaseCommand):
    help = "Tìm mã lệnh (JavaScript, hành động tự động) trong các tệp PDF đã lưu trước khi có kiểm tra này."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="đọc lại mọi tệp PDF, kể cả tệp đã quét")

    def handle(self, *args: Any, **options: Any) -> None:
        blobs = Blob.objects.filter(kind="pdf")
        if not options["all"]:
            blobs = blobs.filter(scripts=NOT_SCANNED)
        scanned = flagged = missing = 0
        for blob in blobs.iterator(chunk_size=500):
            if not blob_exists(blob.sha256):
                missing += 1
                continue
            with blob_local(blob.sha256, size=blob.size) as path:
                found = ",".join(pdf_scripts(path))
            scanned += 1
            if found != blob.scripts:
                Blob.objects.filter(pk=blob.pk).update(scripts=found)
            if found:
                flagged += 1
                self.stdout.write(f"{blob.sha256[:12]}: {found}")
        self.stdout.write(f"Đã quét {scanned} tệp PDF: {flagged} tệp có mã lệnh, {missing} tệp không thấy trên đĩa.")
