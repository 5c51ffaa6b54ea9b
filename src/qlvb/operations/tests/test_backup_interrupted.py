"""Issue 15, bad input and faults: ``kill -9`` in the middle of ``qlvb backup`` leaves the previous
backup valid and the half-written one never listed as good; the next backup clears it. Run as an
operator does: the ``qlvb`` command in its own process, on its own SQLite database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qlvb.operations.backup import PARTIAL, backups_list
from qlvb.operations.backup_manifest import backup_verify


def _qlvb(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qlvb.cli", *args], env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    tmp_path = tmp_path_factory.mktemp("deployment")
    env = {
        **os.environ,
        "QLVB_DATA_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'qlvb.sqlite3'}",
        "QLVB_BACKUP_DIR": str(tmp_path / "backups"),
    }
    env.pop("QLVB_BACKUP_PASSPHRASE", None)
    done = _qlvb(env, "migrate", "--noinput")
    assert done.returncode == 0, done.stderr
    files = tmp_path / "var" / "files" / "ab" / "cd"
    files.mkdir(parents=True)
    for index in range(40):  # 160 MB to copy: the backup takes long enough to be killed half-way
        (files / f"abcd{index:060d}").write_bytes(os.urandom(4 << 20))
    return env


def test_kill_9_during_a_backup_keeps_the_previous_one_and_lists_nothing_half_written(
    deployment: dict[str, str],
) -> None:
    dest = Path(deployment["QLVB_BACKUP_DIR"])
    first = _qlvb(deployment, "backup")
    assert first.returncode == 0, first.stderr
    assert "Đã sao lưu" in first.stdout
    (good,) = backups_list(dest)

    running = subprocess.Popen([sys.executable, "-m", "qlvb.cli", "backup"], env=deployment)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not any((p / "files").is_dir() for p in dest.glob(PARTIAL + "*")):
        time.sleep(0.01)
    os.kill(running.pid, signal.SIGKILL)
    running.wait()

    assert list(dest.glob(PARTIAL + "*")), "the second backup was killed before it started copying files"
    assert backups_list(dest) == [good]
    listed = _qlvb(deployment, "backup", "list")
    assert PARTIAL not in listed.stdout and good.name in listed.stdout
    assert backup_verify(good).ok

    third = _qlvb(deployment, "backup")
    assert third.returncode == 0, third.stderr
    assert not list(dest.glob(PARTIAL + "*"))
    assert len(backups_list(dest)) == 2
    verified = _qlvb(deployment, "backup", "verify", str(backups_list(dest)[-1]))
    assert verified.returncode == 0 and "hợp lệ" in verified.stdout


def test_encrypt_without_a_passphrase_is_refused_with_the_reason(deployment: dict[str, str], tmp_path: Path) -> None:
    done = _qlvb(deployment, "backup", "--dest", str(tmp_path), "create", "--encrypt")
    assert done.returncode != 0
    assert "QLVB_BACKUP_PASSPHRASE" in done.stderr
    assert backups_list(tmp_path) == []
