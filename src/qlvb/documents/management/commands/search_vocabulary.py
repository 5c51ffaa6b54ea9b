"""``qlvb search_vocabulary``: (re)build the vocabulary of the files' text from the bodies already indexed, in
batches (docs/search.md, "A slip of the keyboard")."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from qlvb.documents.searchindex import VOCABULARY_BATCH, vocabulary_rebuild


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


class Command(BaseCommand):
    help = (
        "Điền từ điển các từ trong nội dung tệp (dùng để sửa lỗi gõ khi tìm kiếm) từ chỉ mục đã có, "
        "đọc theo từng lô văn bản."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", type=int, default=VOCABULARY_BATCH, help="số nội dung tệp đọc mỗi lô (mặc định 1.000)"
        )
        parser.add_argument(
            "--replace", action="store_true", help="xây lại từ đầu: bỏ cả những từ không còn nội dung tệp nào chứa"
        )
        parser.add_argument("--every", type=int, default=100, help="in tiến độ sau mỗi bấy nhiêu lô (0: không in)")

    def handle(self, *args: Any, **options: Any) -> None:
        batches = [0]
        every = max(0, options["every"])

        def progress(read: int, words: int) -> None:
            batches[0] += 1
            if every and batches[0] % every == 0:
                self.stdout.write(f"Đã đọc {_number(read)} nội dung tệp, {_number(words)} từ.")

        total = vocabulary_rebuild(batch=max(1, options["batch"]), replace=options["replace"], progress=progress)
        self.stdout.write(f"Từ điển nội dung tệp: {_number(total)} từ.")
