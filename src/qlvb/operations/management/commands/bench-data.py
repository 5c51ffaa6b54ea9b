# ruff: noqa: N999 — the command is `qlvb bench-data`, so its module name has a hyphen
"""``qlvb bench-data``: generate the benchmark data set (see ``qlvb.operations.benchdata``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from qlvb.operations.benchdata import Generator


class Command(BaseCommand):
    help = (
        "Sinh dữ liệu đo hiệu năng: cơ quan, phòng ban, người dùng có vai trò, văn bản đến với sổ, số đến liên "
        "tục, phân công và lịch sử xử lý. Chỉ dùng cho cơ sở dữ liệu đo hiệu năng, không dùng cho dữ liệu thật."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agencies", type=int, default=200)
        parser.add_argument("--users", type=int, default=10_000)
        parser.add_argument("--documents", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        generator = Generator(
            agencies=options["agencies"],
            users=options["users"],
            documents=options["documents"],
            seed=options["seed"],
            out=lambda line: self.stdout.write(line),
        )
        s = generator.run()
        self.stdout.write(
            f"Done in {s.seconds:.1f} s: {s.agencies} agencies, {s.departments} departments, {s.users} users, "
            f"{s.documents:,} documents, {s.registers} registers, {s.assignments:,} assignments, "
            f"{s.updates:,} updates, {s.events:,} events, {s.notifications:,} notifications"
        )
