from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qlvb.core.audit import verify_chain


class Command(BaseCommand):
    help = "Nhật ký hệ thống: `qlvb audit verify` kiểm tra chuỗi băm."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="kiểm tra toàn bộ chuỗi nhật ký, nêu mục đầu tiên bị sửa")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            report = verify_chain()
            if report.ok:
                self.stdout.write(f"Nhật ký toàn vẹn: {report.checked} mục đã kiểm tra.")
                return
            raise CommandError(
                f"Nhật ký bị can thiệp tại mục số {report.first_bad_seq}: {report.reason} "
                f"({report.checked} mục trước đó toàn vẹn)."
            )
