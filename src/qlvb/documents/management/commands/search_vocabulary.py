"""``qlvb search_vocabulary``: fill the vocabulary of the files' text from the bodies already indexed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from qlvb.documents.searchindex import vocabulary_rebuild


class Command(BaseCommand):
    help = "Điền từ điển các từ trong nội dung tệp (dùng để sửa lỗi gõ khi tìm kiếm) từ chỉ mục đã có."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Từ điển nội dung tệp: {vocabulary_rebuild():,} từ.".replace(",", "."))
