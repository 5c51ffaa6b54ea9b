"""``qlvb files_orphans [--grace-hours H] [--delete]``: the stored contents that no row refers to, older than
the grace period (``files/orphans.py``). A dry run by default: it lists them (SHA-256, size, time) and their
total; ``--delete`` removes them. Works on the folder store and on S3 alike."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from qlvb.core.errors import DomainError
from qlvb.files.orphans import orphans_sweep


class Command(BaseCommand):
    help = (
        "Liệt kê (mặc định, không xoá) hoặc xoá (--delete) các tệp trong kho lưu trữ không còn bản ghi nào "
        "tham chiếu, cũ hơn thời gian chờ."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--grace-hours",
            type=float,
            default=None,
            help="chỉ xét tệp cũ hơn số giờ này (mặc định QLVB_ORPHAN_GRACE_HOURS)",
        )
        parser.add_argument("--delete", action="store_true", help="xoá các tệp mồ côi (mặc định chỉ liệt kê)")

    def handle(self, *args: Any, **options: Any) -> None:
        hours = options["grace_hours"] if options["grace_hours"] is not None else settings.QLVB_ORPHAN_GRACE_HOURS
        if hours < 0:
            raise CommandError("Thời gian chờ không được âm.")
        try:
            sweep = orphans_sweep(grace=dt.timedelta(hours=float(hours)), delete=options["delete"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for orphan in sweep.found:
            self.stdout.write(f"{orphan.sha256}\t{orphan.size}\t{orphan.modified:%Y-%m-%d %H:%M:%S}")
        total = sum(o.size for o in sweep.found)
        if options["delete"]:
            self.stdout.write(
                f"Đã xoá {sweep.removed} tệp mồ côi ({sweep.bytes_removed} byte); "
                f"giữ lại {sweep.kept} tệp vừa được dùng lại."
            )
        else:
            self.stdout.write(
                f"{len(sweep.found)} tệp mồ côi ({total} byte) cũ hơn {hours:g} giờ. Chạy thêm --delete để xoá."
            )
