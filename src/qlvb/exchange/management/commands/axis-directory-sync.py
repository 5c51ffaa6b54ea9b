# ruff: noqa: N999 — the command is spelt `qlvb axis-directory-sync`, like `qlvb axis-sim`
"""``qlvb axis-directory-sync``: import the axis's agency directory now (what the daily beat job does)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qlvb.core.errors import DomainError
from qlvb.exchange.axis_services import directory_sync


class Command(BaseCommand):
    help = "Đồng bộ danh bạ cơ quan từ trục liên thông (getAgenciesList) vào danh bạ cơ quan ngoài hệ thống."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = directory_sync(actor=None)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(result.summary)
        for line in result.invalid:
            self.stdout.write(f"  bỏ qua mã không hợp lệ: {line}")
