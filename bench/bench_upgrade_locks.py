"""Upgrade of the 1 M-document database under watch (issue 15, "migrations that run on a live PostgreSQL
without long locks"): copy ``--source`` (``CREATE DATABASE … TEMPLATE``, so the source is never migrated),
take the copy back before the newest migrations of some apps (``--back app:migration``, default the
newest ones that touch the largest tables: ``documents`` before ``0015_searchentry_agency`` and
``assignments`` before ``0006_dashboard_lead_indexes``), then migrate it forward again as an upgrade does,
while

- a sampler reads ``pg_locks`` every ``--every`` seconds and keeps, per table and lock mode, how long the
  migrating session held it (first to last sample, contiguous);
- a probe, like a user, reads one row of each watched table and writes one (``UPDATE … SET x = x`` rolled
  back) every 0.1 s, and keeps the longest it waited.

Prints the time of each migration (``migrate -v 2``), the longest lock per mode on each table, which of them
block reads (ACCESS EXCLUSIVE) or writes (SHARE and stronger), and the probes' longest waits. The copy is
dropped at the end unless ``--keep``. Only for a benchmark database: nobody may be connected to ``--source``
while it is copied.

    .venv/bin/python bench/bench_upgrade_locks.py --source qlvb_bench_1m [--copy qlvb_bench_1m_upgrade]
        [--back documents:0013_search_vocabulary --back assignments:0005_alter_notification_kind] [--keep]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
HOST = "/var/run/postgresql"
WATCHED = {  # table -> (key column, a column written back to itself by the write probe)
    "documents_searchentry": ("document_id", "body_updated_at"),
    "documents_document": ("id", "updated_at"),
    "assignments_assignment": ("id", "progress"),
    "direction_task": ("id", "priority"),
}
BLOCKS_READS = {"AccessExclusiveLock"}
BLOCKS_WRITES = {"ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"}
DEFAULT_BACK = ["documents:0013_search_vocabulary", "assignments:0005_alter_notification_kind"]


def conninfo(database: str) -> str:
    return f"host={HOST} dbname={database}"


def sql(database: str, statement: str) -> None:
    with psycopg.connect(conninfo(database), autocommit=True) as conn:
        conn.execute(statement)


def django_env(database: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = f"postgresql:///{database}?host={HOST}"
    env["PYTHONPATH"] = f"{ROOT / 'src'}:{ROOT / 'bench'}"
    env.setdefault("QLVB_DATA_DIR", str(ROOT / "var" / "data"))
    env["DJANGO_SETTINGS_MODULE"] = "qlvb.settings"
    return env


def migrate(database: str, *args: str) -> tuple[float, list[tuple[str, float]]]:
    """``manage migrate ARGS`` on ``database``; the wall time and each migration's own time."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "django", "migrate", "-v", "2", "--no-input", *args],
        env=django_env(database),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"migrate {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    steps = [
        (m.group(2) + " " + m.group(3), float(m.group(4)))
        for m in re.finditer(r"(Applying|Unapplying|Rendering) ?(\S*)\.\.\. ?(OK|DONE)? ?\(([\d.]+)s\)", done.stdout)
        if m.group(1) != "Rendering"
    ]
    return time.perf_counter() - started, steps


class Sampler(threading.Thread):
    """The locks the other sessions of ``database`` hold on its tables, sampled."""

    def __init__(self, database: str, every: float):
        super().__init__(daemon=True)
        self.database, self.every = database, every
        self.stop = threading.Event()
        self.open: dict[tuple[int, str, str], tuple[float, float]] = {}  # (pid, table, mode) -> (first, last)
        self.longest: dict[tuple[str, str], float] = defaultdict(float)
        self.samples = 0

    def _close(self, key: tuple[int, str, str]) -> None:
        first, last = self.open.pop(key)
        table, mode = key[1], key[2]
        self.longest[(table, mode)] = max(self.longest[(table, mode)], last - first + self.every)

    def run(self) -> None:
        with psycopg.connect(conninfo(self.database), autocommit=True) as conn:
            mine = conn.info.backend_pid
            probe = Probe.pids
            while not self.stop.is_set():
                rows = conn.execute(
                    "SELECT l.pid, c.relname, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                    "WHERE l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                    "AND c.relkind IN ('r', 'p') AND c.relnamespace = 'public'::regnamespace "
                    "AND l.pid <> %s AND NOT l.pid = ANY(%s)",
                    [mine, list(probe)],
                ).fetchall()
                now = time.perf_counter()
                self.samples += 1
                seen = {(pid, table, mode) for pid, table, mode in rows}
                for key in seen:
                    first, _last = self.open.get(key, (now, now))
                    self.open[key] = (first, now)
                for key in [k for k in self.open if k not in seen]:
                    self._close(key)
                time.sleep(self.every)
        for key in list(self.open):
            self._close(key)


class Probe(threading.Thread):
    """A user's read and write of one row per watched table, every 0.1 s; the longest waits."""

    pids: set[int] = set()

    def __init__(self, database: str, ids: dict[str, Any]):
        super().__init__(daemon=True)
        self.database, self.ids = database, ids
        self.stop = threading.Event()
        self.read: dict[str, float] = defaultdict(float)
        self.write: dict[str, float] = defaultdict(float)
        self.rounds = 0

    def run(self) -> None:
        with psycopg.connect(conninfo(self.database)) as conn:
            Probe.pids.add(conn.info.backend_pid)
            conn.execute("SET statement_timeout = '10min'")
            conn.commit()
            while not self.stop.is_set():
                for table, (key, column) in WATCHED.items():
                    if self.ids.get(table) is None:
                        continue
                    t = time.perf_counter()
                    conn.execute(f"SELECT 1 FROM {table} WHERE {key} = %s", [self.ids[table]]).fetchall()
                    conn.rollback()
                    self.read[table] = max(self.read[table], time.perf_counter() - t)
                    t = time.perf_counter()
                    conn.execute(f"UPDATE {table} SET {column} = {column} WHERE {key} = %s", [self.ids[table]])
                    conn.rollback()
                    self.write[table] = max(self.write[table], time.perf_counter() - t)
                self.rounds += 1
                time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", default="qlvb_bench_1m")
    parser.add_argument("--copy", default="")
    parser.add_argument("--back", action="append", help="app:migration to take the copy back to (repeatable)")
    parser.add_argument("--every", type=float, default=0.05, help="seconds between samples of pg_locks")
    parser.add_argument("--keep", action="store_true", help="keep the copy")
    options = parser.parse_args()
    copy = options.copy or f"{options.source}_upgrade"
    back = options.back or DEFAULT_BACK
    print(f"load {Path('/proc/loadavg').read_text().strip()}")

    t = time.perf_counter()
    sql("postgres", f'DROP DATABASE IF EXISTS "{copy}"')
    sql("postgres", f'CREATE DATABASE "{copy}" TEMPLATE "{options.source}"')
    print(f"copy {options.source} -> {copy}: {time.perf_counter() - t:.1f} s")
    try:
        for target in back:
            app, name = target.split(":")
            seconds, steps = migrate(copy, app, name)
            print(f"back to {app} {name}: {seconds:.1f} s " + ", ".join(f"{s} {d:.2f} s" for s, d in steps))
        with psycopg.connect(conninfo(copy)) as conn:
            ids = {}
            for table, (key, _c) in WATCHED.items():
                if conn.execute("SELECT to_regclass(%s)", [table]).fetchone() == (None,):
                    continue  # not made yet at the chosen point: the upgrade creates it
                row = conn.execute(f"SELECT min({key}) FROM {table}").fetchone()
                ids[table] = row[0] if row else None
        sampler, probe = Sampler(copy, options.every), Probe(copy, ids)
        probe.start()
        time.sleep(0.3)
        sampler.start()
        seconds, steps = migrate(copy)
        sampler.stop.set()
        probe.stop.set()
        sampler.join()
        probe.join()
        print(
            f"\nforward (the upgrade): {seconds:.1f} s wall, {sampler.samples} samples of pg_locks, "
            f"{probe.rounds} probe rounds"
        )
        for step, duration in steps:
            print(f"  {step:60s} {duration:8.2f} s")
        print(
            f"\nlongest lock held by the migration, per table and mode (sampled every {options.every * 1000:.0f} ms):"
        )
        print(f"  {'table':34s} {'mode':24s} {'held':>9s}  blocks")
        for (table, mode), held in sorted(sampler.longest.items(), key=lambda kv: -kv[1]):
            if held < 0.1 and mode not in BLOCKS_WRITES:
                continue
            blocks = "reads and writes" if mode in BLOCKS_READS else "writes" if mode in BLOCKS_WRITES else "-"
            print(f"  {table:34s} {mode:24s} {held:8.2f}s  {blocks}")
        worst = max(((h, t, m) for (t, m), h in sampler.longest.items() if m in BLOCKS_WRITES), default=(0.0, "-", "-"))
        print(f"\nlongest lock that blocks writes: {worst[0]:.2f} s ({worst[2]} on {worst[1]})")
        print("probe, longest wait (read / write of one row):")
        for table in ids:
            print(f"  {table:34s} {probe.read[table] * 1000:9.1f} ms / {probe.write[table] * 1000:9.1f} ms")
    finally:
        if not options.keep:
            time.sleep(0.5)
            sql("postgres", f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
            print(f"dropped {copy}")


if __name__ == "__main__":
    main()
