from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from qlvb.core.audit import verify_chain
from qlvb.core.errors import DomainError
from qlvb.operations.restore import backup_restore, default_target

from .backup import passphrase


class Command(BaseCommand):
    help = (
        "Khôi phục một bản sao lưu vào cơ sở dữ liệu và kho tệp TRỐNG của máy này (docs/operations.md), "
        "rồi kiểm tra nhật ký hệ thống."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="thư mục của bản sao lưu (qlvb-YYYYMMDDTHHMMSSZ)")

    def handle(self, *args: Any, **options: Any) -> None:
        connections.close_all()
        try:
            result = backup_restore(options["path"], default_target(), passphrase=passphrase())
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Đã khôi phục bản sao lưu lúc {result.manifest.created_at}: cơ sở dữ liệu và {result.files} tệp."
        )
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                "Đã khôi phục nhưng nhật ký hệ thống không toàn vẹn "
                f"tại mục số {report.first_bad_seq}: {report.reason}."
            )
        self.stdout.write(f"Nhật ký hệ thống toàn vẹn: {report.checked} mục.")
