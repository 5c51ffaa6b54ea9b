"""``qlvb text FILE``: the text of a file exactly as the pipeline reads it for a stored file (type by
content, pdftotext, OCR with Tesseract ``vie``, LibreOffice, plain text; the same limits), so anyone
can check what a document will be found by. A file whose text cannot be had: the Vietnamese reason on
stderr, exit status 1."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from qlvb.core.errors import DomainError
from qlvb.core.errors import ErrorCode as CoreCode
from qlvb.files.errors import ErrorCode
from qlvb.files.extraction import extraction
from qlvb.files.intake import too_large
from qlvb.files.sniffing import ALLOWED_TEXT, ContentRefusedError, sniff
from qlvb.files.zipguard import ZipRefused


class Command(BaseCommand):
    help = "In nội dung chữ của một tệp đúng như hệ thống lấy ra để tìm kiếm (kể cả nhận dạng chữ ảnh quét)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="đường dẫn tệp")
        parser.add_argument("--info", action="store_true", help="in thêm số trang, công cụ, độ tin cậy ra stderr")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            if not path.is_file():
                raise DomainError(f"Không thấy tệp “{path}”.", code=CoreCode.NOT_FOUND)
            if path.stat().st_size > settings.FILE_MAX_BYTES:  # the pipeline never sees a larger file
                raise too_large(path.name)
            try:
                kind = sniff(path).type.ext
            except ZipRefused as bomb:
                raise bomb.named(path.name) from None
            except ContentRefusedError as refused:
                raise DomainError(
                    f"Tệp “{path.name}” không được tiếp nhận: nội dung là {refused.what}. "
                    f"Chỉ nhận các loại tệp ({ALLOWED_TEXT}).",
                    code=ErrorCode.FILE_TYPE_REFUSED,
                ) from None
            with extraction(path, kind=kind, name=path.name) as found:
                self.stdout.write(found.text)
                if options["info"]:
                    confidence = "" if found.ocr_confidence is None else f", độ tin cậy {found.ocr_confidence:g}"
                    sys.stderr.write(
                        f"{found.engine}: {found.page_count or '-'} trang, ngôn ngữ {found.language or '-'}"
                        f"{confidence}, {found.timings.get('total', 0):g} giây\n"
                    )
        except DomainError as exc:
            sys.stderr.write(exc.message + "\n")
            raise SystemExit(1) from None
