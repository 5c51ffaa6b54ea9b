"""Backup against a table held by an exclusive lock (issue 15): ``qlvb backup`` on PostgreSQL while a
second connection holds ``ACCESS EXCLUSIVE`` on ``directory_unit`` (what a migration or VACUUM FULL
takes). For each ``QLVB_BACKUP_LOCK_WAIT_TIMEOUT`` it prints the time until the command gives up
(``backup_locked``) — without the setting pg_dump would wait as long as the lock is held — and, for the
ratio, the time of the same backup with no lock held.

    .venv/bin/python bench/bench_backup_lock.py [--database qlvb_h_deleg] [--timeouts 1s,5s,15s]

The database is migrated first if it is empty (one ``qlvb migrate``)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
HOST = "/var/run/postgresql"


def _env(database: str, work: Path, timeout: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "bench"), str(ROOT / "src")]),
        "DATABASE_URL": f"postgresql:///{database}?host={HOST}",
        "QLVB_DATA_DIR": str(work),
        "QLVB_FILES_DIR": str(work / "files"),
        "QLVB_BACKUP_DIR": str(work / "backups"),
        "QLVB_AUDIT_ANCHOR_FILE": str(work / "anchor.jsonl"),
        "QLVB_BACKUP_LOCK_WAIT_TIMEOUT": timeout,
    }


def _qlvb(env: dict[str, str], *args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "qlvb.cli", *args], env=env, capture_output=True, text=True, check=False
    )
    return time.monotonic() - started, done


def _timed_backup(dest: Path) -> tuple[float, str]:
    """``backup_run`` in this process (Django set up once): the time the backup itself takes, not the
    command's start-up, and how it ended."""
    from qlvb.core.errors import DomainError
    from qlvb.operations.backup_runs import backup_run

    started = time.monotonic()
    try:
        run = backup_run(dest, passphrase=None, trigger="command", verify=False)
    except DomainError as exc:
        return time.monotonic() - started, str(exc.code)
    return time.monotonic() - started, f"ok, {run.bytes / 1e6:.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="qlvb_h_deleg")
    parser.add_argument("--timeouts", default="1s,5s,15s")
    options = parser.parse_args()
    subprocess.run(["createdb", "-h", HOST, options.database], capture_output=True, check=False)
    with tempfile.TemporaryDirectory(prefix="bench-backup-lock-") as tmp:
        work = Path(tmp)
        env = _env(options.database, work, "60s")
        seconds, done = _qlvb(env, "migrate", "--no-input", "-v", "0")
        if done.returncode != 0:
            raise SystemExit(done.stderr)
        print(f"migrate (if needed): {seconds:.1f} s")
        os.environ.update(env)
        sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]
        os.environ["DJANGO_SETTINGS_MODULE"] = "qlvb.settings"
        import django
        from django.conf import settings

        django.setup()
        dest = work / "backups"
        seconds, how = _timed_backup(dest)
        print(f"backup, no lock held: {seconds:.2f} s ({how})")
        for timeout in options.timeouts.split(","):
            settings.QLVB_BACKUP_LOCK_WAIT_TIMEOUT = timeout
            with psycopg.connect(f"dbname={options.database} host={HOST}") as holder:
                holder.execute("LOCK TABLE directory_unit IN ACCESS EXCLUSIVE MODE")
                seconds, how = _timed_backup(dest)
                holder.rollback()
            print(
                f"backup, directory_unit held ACCESS EXCLUSIVE, QLVB_BACKUP_LOCK_WAIT_TIMEOUT={timeout}: "
                f"ended after {seconds:.2f} s ({how})"
            )
        runs = (dest / "backup-runs.jsonl").read_text(encoding="utf-8").splitlines()
        print(f"backup-runs.jsonl: {len(runs)} lines")


if __name__ == "__main__":
    main()
