from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qlvb.core.audit import AnchorRefused, anchor_path, anchor_write, verify_chain


class Command(BaseCommand):
    help = (
        "Nhật ký hệ thống: `qlvb audit verify` kiểm tra chuỗi HMAC, số mục và các mốc neo ngoài CSDL; "
        "`qlvb audit anchor` ghi đầu chuỗi hiện tại vào tệp neo (chạy trước mỗi lần sao lưu)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="kiểm tra toàn bộ chuỗi nhật ký, nêu mục đầu tiên bị sửa")
        sub.add_parser("anchor", help="ghi thêm đầu chuỗi hiện tại vào tệp neo ngoài CSDL")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "anchor":
            try:
                anchor = anchor_write()
            except AnchorRefused as exc:
                raise CommandError(f"Không neo được đầu chuỗi: {exc}.") from exc
            if anchor is None:
                self.stdout.write("Nhật ký còn trống: chưa có gì để neo.")
            else:
                self.stdout.write(f"Đã neo mục số {anchor.last_seq} ({anchor.count} mục) vào {anchor_path()}.")
            return
        report = verify_chain()
        if report.ok:
            anchored = (
                f"; khớp {report.anchors_checked} mốc neo, mốc cuối ở mục số {report.anchored_seq}"
                if report.anchors_checked
                else ""
            )
            self.stdout.write(f"Nhật ký toàn vẹn: {report.checked} mục đã kiểm tra{anchored}.")
            for note in report.notes:
                self.stdout.write(f"Lưu ý: {note}.")
            return
        raise CommandError(
            f"Nhật ký bị can thiệp tại mục số {report.first_bad_seq}: {report.reason} "
            f"({report.checked} mục trước đó toàn vẹn)."
        )
