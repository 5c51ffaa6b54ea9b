from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from qlvb.core.errors import DomainError
from qlvb.operations.upgrade import upgrade_plan, upgrade_run


class Command(BaseCommand):
    help = (
        "Nâng cấp hệ thống (docs/operations.md, mục Nâng cấp): sao lưu, bật chế độ chỉ xem, di trú cơ sở dữ "
        "liệu (có giới hạn chờ khóa QLVB_UPGRADE_LOCK_TIMEOUT), collectstatic, ghi lại lần nâng cấp, tắt chế độ "
        "chỉ xem. `--check` chỉ liệt kê những gì sẽ làm."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="chỉ in các bước di trú còn chờ, không thay đổi gì")
        parser.add_argument(
            "--no-backup", action="store_true", help="không sao lưu trước (chỉ khi đã có bản sao lưu khác)"
        )
        parser.add_argument("--dest", type=Path, default=None, help="thư mục sao lưu (QLVB_BACKUP_DIR)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            self._check(no_backup=options["no_backup"])
            return
        secret = os.environ.get("QLVB_BACKUP_PASSPHRASE") or settings.QLVB_BACKUP_PASSPHRASE or None
        try:
            run = upgrade_run(
                no_backup=options["no_backup"], backup_dest=options["dest"], passphrase=secret, say=self.stdout.write
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        applied = len([m for m in run.migrations.splitlines() if m])
        self.stdout.write(
            f"Đã nâng cấp {run.from_version or '(chưa rõ)'} → {run.to_version}: {applied} bước di trú"
            + (f", sao lưu {run.backup}." if run.backup else ", không sao lưu.")
        )

    def _check(self, *, no_backup: bool) -> None:
        plan = upgrade_plan(no_backup=no_backup)
        self.stdout.write(f"Phiên bản đang chạy: {plan.from_version or '(chưa rõ)'}; phiên bản mới: {plan.to_version}.")
        if plan.pending:
            self.stdout.write(f"{len(plan.pending)} bước di trú còn chờ:")
            for name in plan.pending:
                self.stdout.write(f"  {name}")
        else:
            self.stdout.write("Không có bước di trú nào còn chờ.")
        self.stdout.write("Sẽ sao lưu trước khi nâng cấp." if plan.backup else "Sẽ KHÔNG sao lưu (--no-backup).")
