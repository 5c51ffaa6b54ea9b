from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from qlvb.directory.demo import load_demo, load_demo_extras


class Command(BaseCommand):
    help = "Nạp cơ quan mẫu UBND xã Liên Minh (chạy lại không thay đổi gì)."

    def handle(self, *args: Any, **options: Any) -> None:
        created = load_demo()
        self.stdout.write(
            f"Dữ liệu mẫu: thêm {created['units']} đơn vị, {created['users']} người dùng. "
            "Mật khẩu mẫu chỉ dùng cho bản trình diễn."
        )
        for line in load_demo_extras():
            self.stdout.write(line)
