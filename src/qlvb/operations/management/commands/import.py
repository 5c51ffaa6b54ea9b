# noqa: N999  (the command is `qlvb import`: Django names it by its module)
"""``qlvb import SỔ.xlsx [--zip TỆP.zip] --agency MÃ [--direction incoming|outgoing] [--dry-run]``: the
registers of an agency (Phụ lục IV, XLSX or CSV) imported from the command line — the migration path from
another system. The same checks and import as the page (``operations.register_import``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from qlvb.core.errors import DomainError
from qlvb.directory.models import Unit, User
from qlvb.operations.register_import import ImportReport, register_import_check, register_import_run


class Command(BaseCommand):
    help = (
        "Nhập sổ đăng ký văn bản đến/đi (Phụ lục IV, .xlsx hoặc .csv UTF-8) của một cơ quan, kèm tệp ZIP các tệp "
        "đính kèm; --dry-run chỉ kiểm tra và in kết quả từng dòng (docs/import.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("sheet", type=Path, help="tệp sổ đăng ký (.xlsx hoặc .csv)")
        parser.add_argument("--zip", type=Path, default=None, help="tệp ZIP chứa các tệp đính kèm")
        parser.add_argument("--agency", required=True, help="cơ quan: mã định danh, mã số hoặc tên viết tắt")
        parser.add_argument("--direction", choices=("incoming", "outgoing"), default=None, help="loại sổ")
        parser.add_argument("--user", default=None, help="tài khoản thực hiện (mặc định: một quản trị hệ thống)")
        parser.add_argument("--source", default="", help="nguồn ghi vào lịch sử văn bản, ví dụ tên hệ thống cũ")
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không nhập")
        parser.add_argument("--batch-size", type=int, default=500, help="số dòng mỗi giao dịch")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = self._agency(options["agency"])
        actor = self._user(options["user"])
        sheet_path: Path = options["sheet"]
        if not sheet_path.is_file():
            raise CommandError(f"Không có tệp {sheet_path}.")
        zip_path: Path | None = options["zip"]
        if zip_path is not None and not zip_path.is_file():
            raise CommandError(f"Không có tệp {zip_path}.")
        common: dict[str, Any] = {
            "actor": actor,
            "agency": agency,
            "name": sheet_path.name,
            "direction": options["direction"],
            "archive_name": zip_path.name if zip_path else "",
            "source": options["source"],
        }
        with open(sheet_path, "rb") as sheet:
            archive = open(zip_path, "rb") if zip_path else None  # noqa: SIM115
            try:
                if options["dry_run"]:
                    report = register_import_check(sheet=sheet, archive=archive, **common)
                else:
                    report = register_import_run(
                        sheet=sheet, archive=archive, batch_size=options["batch_size"], **common
                    )
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            finally:
                if archive is not None:
                    archive.close()
        self._print(report, dry_run=options["dry_run"])
        if report.errors:
            raise CommandError(f"{report.errors} dòng lỗi: chưa nhập gì. Sửa tệp rồi chạy lại.")

    def _print(self, report: ImportReport, *, dry_run: bool) -> None:
        for r in report.rows:
            verdict = {"ok": "hợp lệ", "error": "LỖI", "skipped": "bỏ qua"}[r.status]
            self.stdout.write(f"Dòng {r.row}: {verdict} — {r.text}")
        self.stdout.write(
            f"{report.direction_label}, tệp {report.file_name}: {report.total} dòng, {report.ok} hợp lệ, "
            f"{report.errors} lỗi, {report.skipped} đã nhập trước đây."
        )
        if not dry_run and report.done:
            self.stdout.write(f"Đã nhập {report.imported} văn bản.")

    def _agency(self, ref: str) -> Unit:
        query = Q(organ_id=ref) | Q(short_name=ref) | Q(username_prefix=ref)
        if ref.isdigit():
            query |= Q(pk=int(ref))
        found = list(Unit.objects.filter(query, kind="agency", external=False)[:2])
        if len(found) != 1:
            raise CommandError(f"Không xác định được cơ quan “{ref}” (mã định danh, mã số hoặc tên viết tắt).")
        return found[0]

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
