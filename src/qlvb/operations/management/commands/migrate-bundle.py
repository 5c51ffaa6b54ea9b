# noqa: N999  (the command is `qlvb migrate-bundle`: Django names it by its module)
"""``qlvb migrate-bundle GÓI.zip|THƯ_MỤC [--dry-run] [--user TÀI_KHOẢN]``: an agency's old system migrated
from a bundle (units, accounts, registers, assignments, dossiers, files, edXML; docs/operations.md,
"Chuyển đổi dữ liệu từ hệ thống cũ"), a ZIP or a folder of the same layout (packed into a temporary ZIP).
``--dry-run`` prints the report of every sheet and row and writes nothing; without it the bundle is imported
when no row is in error, and importing it again creates nothing.
``--sample FILE --organ-id MÃ`` writes the sample bundle instead."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qlvb.core.errors import DomainError
from qlvb.directory.models import User
from qlvb.operations.migration import MigrationReport, migration_check, migration_run
from qlvb.operations.migration_bundle import folder_zipped

VERDICTS = {"ok": "tạo mới", "merge": "gộp", "skipped": "bỏ qua", "error": "LỖI"}


class Command(BaseCommand):
    help = (
        "Chuyển đổi dữ liệu từ hệ thống cũ: nhập gói ZIP hoặc thư mục (manifest.json, đơn vị, người dùng, sổ đăng ký, "
        "giao xử lý, hồ sơ, tệp, edXML; bảng XLSX hoặc CSV); --dry-run chỉ kiểm tra và in kết quả từng dòng."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("bundle", type=Path, help="gói chuyển đổi (.zip, hoặc thư mục cùng cấu trúc)")
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi gì")
        parser.add_argument("--user", default=None, help="tài khoản thực hiện (mặc định: một quản trị hệ thống)")
        parser.add_argument("--quiet", action="store_true", help="chỉ in tổng kết, không in từng dòng")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["bundle"]
        if not path.is_file() and not path.is_dir():
            raise CommandError(f"Không có tệp hay thư mục {path}.")
        actor = self._user(options["user"])
        with self._opened(path) as (fh, name):
            try:
                if options["dry_run"]:
                    report = migration_check(actor=actor, bundle=fh, name=name)
                else:
                    report = migration_run(actor=actor, bundle=fh, name=name)
            except DomainError as exc:
                raise CommandError(exc.message) from exc
        self._print(report, quiet=options["quiet"])
        if report.errors:
            raise CommandError(f"{report.errors} lỗi: chưa nhập gì. Sửa gói rồi chạy lại.")

    def _print(self, report: MigrationReport, *, quiet: bool) -> None:
        agency = report.agency.name if report.agency else ""
        self.stdout.write(f"Gói {report.file_name} — {agency}{f' (từ {report.source})' if report.source else ''}")
        for sheet in report.sheets:
            self.stdout.write(
                f"{sheet.file} ({sheet.title}): {sheet.total} dòng, {sheet.ok} tạo mới, {sheet.merged} gộp, "
                f"{sheet.skipped} đã chuyển đổi trước đây, {sheet.errors} lỗi"
                + (f"; đã tạo {sheet.created}" if report.done else "")
            )
            if sheet.refusal:
                self.stdout.write(f"  LỖI: {sheet.refusal}")
            for r in sheet.rows:
                if quiet and r.status != "error":
                    continue
                self.stdout.write(f"  Dòng {r.row}: {VERDICTS.get(r.status, r.status)} — {r.text}")
        if report.done:
            self.stdout.write(f"Đã nhập: {report.created} mục mới, {report.skipped} mục đã có được bỏ qua.")
            if report.accounts:
                self.stdout.write("Tài khoản đã tạo (khóa, chờ quản trị kích hoạt và cấp mật khẩu ban đầu):")
                for old, username, name in report.accounts:
                    self.stdout.write(f"  {old} → {username} ({name})")
        elif not report.errors:
            self.stdout.write(f"Kiểm tra xong: {report.to_create} mục sẽ được tạo hoặc gộp. Chưa ghi gì.")

    @contextmanager
    def _opened(self, path: Path) -> Iterator[tuple[IO[bytes], str]]:
        """The bundle's ZIP, or a folder of the same layout packed into a temporary ZIP (removed after)."""
        if path.is_file():
            with open(path, "rb") as fh:
                yield fh, path.name
            return
        with tempfile.TemporaryFile() as packed:
            try:
                folder_zipped(path, packed)
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            yield packed, f"{path.resolve().name}/"

    def _user(self, username: str | None) -> User:
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"Không có tài khoản “{username}” đang hoạt động.")
            return user
        admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if admin is None:
            raise CommandError("Chưa có tài khoản quản trị hệ thống: dùng --user TÀI_KHOẢN.")
        return admin
