from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from qlvb.core.errors import DomainError
from qlvb.operations.backup import backup_dir, backups_list
from qlvb.operations.backup_manifest import backup_verify
from qlvb.operations.backup_retention import backups_prune
from qlvb.operations.backup_runs import backup_run


def passphrase() -> str | None:
    return os.environ.get("QLVB_BACKUP_PASSPHRASE") or settings.QLVB_BACKUP_PASSPHRASE or None


class Command(BaseCommand):
    help = (
        "Sao lưu cơ sở dữ liệu và kho tệp cùng lúc (docs/operations.md). `qlvb backup` tạo bản mới; "
        "`qlvb backup verify THƯ_MỤC` kiểm tra một bản mà không khôi phục; `qlvb backup list`; `qlvb backup prune`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dest", type=Path, default=None, help="thư mục chứa các bản sao lưu (QLVB_BACKUP_DIR)")
        sub = parser.add_subparsers(dest="action")
        create = sub.add_parser("create", help="tạo một bản sao lưu mới (mặc định)")
        create.add_argument("--encrypt", action="store_true", help="mã hóa bằng QLVB_BACKUP_PASSPHRASE")
        create.add_argument("--verify", action="store_true", help="kiểm tra bản vừa tạo theo danh mục SHA-256")
        verify = sub.add_parser("verify", help="kiểm tra một bản sao lưu theo danh mục SHA-256")
        verify.add_argument("path", type=Path)
        sub.add_parser("list", help="liệt kê các bản sao lưu hoàn chỉnh")
        sub.add_parser("prune", help="xóa các bản cũ theo chính sách giữ (QLVB_BACKUP_KEEP)")
        parser.add_argument("--encrypt", action="store_true", help="mã hóa bằng QLVB_BACKUP_PASSPHRASE")
        parser.add_argument("--verify", action="store_true", help="kiểm tra bản vừa tạo theo danh mục SHA-256")

    def handle(self, *args: Any, **options: Any) -> None:
        dest: Path = options["dest"] or backup_dir()
        action = options.get("action") or "create"
        try:
            getattr(self, f"_{action}")(dest, options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _create(self, dest: Path, options: dict[str, Any]) -> None:
        secret = passphrase()
        if options.get("encrypt") and not secret:
            raise CommandError("--encrypt cần cụm mật khẩu trong biến môi trường QLVB_BACKUP_PASSPHRASE.")
        run = backup_run(
            dest,
            passphrase=secret if options.get("encrypt") or settings.QLVB_BACKUP_PASSPHRASE else None,
            trigger="command",
            verify=bool(options.get("verify")),
        )
        checked = " Đã kiểm tra theo danh mục: hợp lệ." if run.verified else ""
        if run.verified is False:
            raise CommandError(f"Đã sao lưu vào {dest / run.name} nhưng kiểm tra KHÔNG khớp danh mục.")
        self.stdout.write(
            f"Đã sao lưu vào {dest / run.name}: {run.files} tệp, {run.bytes / 1e6:.1f} MB, {run.seconds:.1f} giây."
            + checked
        )

    def _verify(self, dest: Path, options: dict[str, Any]) -> None:
        report = backup_verify(options["path"], passphrase())
        for note in report.notes:
            self.stdout.write(f"Lưu ý: {note}.")
        if not report.ok:
            raise CommandError("Bản sao lưu KHÔNG hợp lệ: " + "; ".join(report.problems[:20]) + ".")
        self.stdout.write(f"Bản sao lưu hợp lệ: {report.checked} tệp khớp danh mục SHA-256.")

    def _list(self, dest: Path, options: dict[str, Any]) -> None:
        found = backups_list(dest)
        if not found:
            self.stdout.write(f"Chưa có bản sao lưu hoàn chỉnh nào trong {dest}.")
        for path in found:
            self.stdout.write(str(path))

    def _prune(self, dest: Path, options: dict[str, Any]) -> None:
        removed = backups_prune(dest, settings.QLVB_BACKUP_KEEP)
        self.stdout.write(f"Đã xóa {len(removed)} bản cũ" + (": " + ", ".join(removed) if removed else "") + ".")
