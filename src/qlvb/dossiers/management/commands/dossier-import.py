# ruff: noqa: N999 — the command is spelt `qlvb dossier-import`, as the issue names it
"""``qlvb dossier-import FILE --user USERNAME``: import a dossier package (``dossiers/package.py``) made by
another deployment into the agency of USERNAME (its archivist, or an admin with ``--agency ORGANID``). The
manifest is checked first; a package that does not match is refused (exit status 1, the reason on stderr,
nothing written). Importing the same package again creates nothing."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from qlvb.core.errors import DomainError
from qlvb.directory.models import Unit, User
from qlvb.dossiers.package_import import package_import


class Command(BaseCommand):
    help = "Nhập gói hồ sơ (ZIP có bảng kê SHA-256) từ một hệ thống khác."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="đường dẫn tệp gói hồ sơ (.zip)")
        parser.add_argument("--user", required=True, help="tên đăng nhập của lưu trữ viên (hoặc quản trị) nhập gói")
        parser.add_argument("--agency", default="", help="mã định danh cơ quan nhận (mặc định: cơ quan của người nhập)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            user = User.objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise DomainError(f"Không có tài khoản “{options['user']}”.")
            agency = (
                Unit.objects.filter(organ_id=options["agency"]).first()
                if options["agency"]
                else (user.unit.agency or user.unit if user.unit else None)
            )
            if agency is None:
                raise DomainError("Không xác định được cơ quan nhận gói hồ sơ.")
            if not path.is_file():
                raise DomainError(f"Không thấy tệp “{path}”.")
            result = package_import(actor=user, agency=agency, path=path)
        except DomainError as exc:
            sys.stderr.write(exc.message + "\n")
            raise SystemExit(1) from None
        for dossier in result.created:
            self.stdout.write(f"Đã nhập hồ sơ {dossier.file_code}: {dossier.title}")
        for code in result.skipped:
            self.stdout.write(f"Đã có từ lần nhập trước, bỏ qua: {code}")
        self.stdout.write(
            f"{len(result.created)} hồ sơ, {result.documents_created} văn bản, {result.files_taken} tệp; "
            f"kiểm tra bảng kê SHA-256 mất {result.verify_seconds:.2f} giây."
        )
