"""Where `make test`'s time went: the JUnit files of its runs (var/test-<db>-<part>.xml), summed by run and
by folder (src/qlvb/<app>), slowest first; with --tests N, the N slowest tests too. Used to rebalance the
runs in scripts/test.sh (TAIL_sqlite, TAIL_postgresql) when one ends much later than the others (docs/development.md).

    .venv/bin/python scripts/test_times.py [--tests 20] [var/test-*.xml ...]
"""

from __future__ import annotations

import argparse
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path


def folder_of(classname: str) -> str:
    """``src.qlvb.incoming.tests.test_api`` → ``src/qlvb/incoming``; ``bench.tests.x`` → ``bench``."""
    parts = classname.split(".")
    if parts[:2] == ["src", "qlvb"] and len(parts) > 2:
        return "/".join(parts[:3])
    if parts[:1] == ["qlvb"] and len(parts) > 1:
        return "src/qlvb/" + parts[1]
    return parts[0]


def node_id(classname: str, name: str) -> str:
    """JUnit's ``src.qlvb.web.tests.test_x`` + ``test_y[a]`` → pytest's ``src/qlvb/web/tests/test_x.py::test_y[a]``
    (a class inside the module stays after the file: ``...test_x.py::Class::test_y``)."""
    parts = classname.split(".")
    for cut in range(len(parts), 0, -1):
        path = Path(*parts[:cut]).with_suffix(".py")
        if path.is_file():
            return "::".join([str(path), *parts[cut:], name])
    return "::".join([str(Path(*parts).with_suffix(".py")), name])


def failed_nodes(files: list[Path]) -> list[str]:
    """The tests that failed or errored in these JUnit files, as pytest node ids."""
    found: list[str] = []
    for path in files:
        for case in ET.parse(path).getroot().iter("testcase"):  # noqa: S314
            if case.find("failure") is not None or case.find("error") is not None:
                node = node_id(case.get("classname", ""), case.get("name", ""))
                if node not in found:
                    found.append(node)
    return found


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--tests", type=int, default=0, help="also list the N slowest tests")
    parser.add_argument("--failed", action="store_true", help="only print the node ids of failed tests")
    args = parser.parse_args(argv)
    if args.failed:
        for node in failed_nodes(args.files):
            print(node)
        return 0
    files = args.files or sorted(Path("var").glob("test-*.xml"))
    if not files:
        print("Không có tệp var/test-*.xml: hãy chạy make test trước.", file=sys.stderr)
        return 1
    slowest: list[tuple[float, str, str]] = []
    for path in files:
        run = path.stem.removeprefix("test-")
        by_folder: dict[str, float] = defaultdict(float)
        count: dict[str, int] = defaultdict(int)
        for case in ET.parse(path).getroot().iter("testcase"):  # noqa: S314
            seconds = float(case.get("time") or 0)
            folder = folder_of(case.get("classname", ""))
            by_folder[folder] += seconds
            count[folder] += 1
            slowest.append((seconds, run, f"{case.get('classname')}::{case.get('name')}"))
        total = sum(by_folder.values())
        print(f"{run}: {total:8.1f} s, {sum(count.values())} tests")
        for folder, seconds in sorted(by_folder.items(), key=lambda item: -item[1]):
            print(f"  {seconds:8.1f} s  {count[folder]:5d}  {folder}")
    if args.tests:
        print(
            f"\n{args.tests} slowest tests (set-up, call and tear-down; a run's first holds its database's creation):"
        )
        for seconds, run, name in sorted(slowest, reverse=True)[: args.tests]:
            print(f"  {seconds:7.1f} s  {run:20s} {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
