"""``python -m benchdata`` (with ``bench`` and ``src`` on ``PYTHONPATH``, as ``bench/bench_incoming.py``
runs it): generate the benchmark data set into the database of ``DATABASE_URL``.

Only for a benchmark database, never for real data.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Sequence

DESCRIPTION = (
    "Sinh dữ liệu đo hiệu năng: cơ quan, phòng ban, người dùng có vai trò, văn bản đến với sổ, số đến liên "
    "tục, nội dung tệp để tìm kiếm toàn văn, phân công và lịch sử xử lý. Chỉ dùng cho cơ sở dữ liệu đo hiệu "
    "năng, không dùng cho dữ liệu thật."
)


def main(argv: Sequence[str] | None = None, out: Callable[[str], object] = print) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchdata", description=DESCRIPTION)
    parser.add_argument("--agencies", type=int, default=200)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--body-share", type=float, default=0.30, help="share of documents whose files have text (0 to 1)"
    )
    parser.add_argument(
        "--tasks-per-document", type=float, default=0.10, help="tasks (giao việc) per document of an agency"
    )
    parser.add_argument("--only-tasks", action="store_true", help="only add the tasks to a database generated before")
    options = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")
    import django

    django.setup()
    from benchdata.generator import Generator

    generator = Generator(
        agencies=options.agencies,
        users=options.users,
        documents=options.documents,
        seed=options.seed,
        body_share=options.body_share,
        tasks_per_document=options.tasks_per_document,
        out=out,
    )
    if options.only_tasks:
        s = generator.run_tasks_only()
        out(f"Done in {s.seconds:.1f} s: {s.tasks:,} tasks, {s.assignments:,} assignments")
        return
    s = generator.run()
    out(
        f"Done in {s.seconds:.1f} s: {s.agencies} agencies, {s.departments} departments, {s.users} users, "
        f"{s.documents:,} documents ({s.bodies:,} with a body, "
        f"{s.body_chars / max(s.bodies, 1):,.0f} characters on average, {s.words:,} words), {s.registers} registers, "
        f"{s.assignments:,} assignments, {s.tasks:,} tasks, "
        f"{s.updates:,} updates, {s.events:,} events, {s.notifications:,} notifications"
    )


if __name__ == "__main__":
    main()
