"""Backup and restore (issue 15): ``qlvb backup`` / ``backup verify`` / ``restore`` of a PostgreSQL
database made by ``python -m benchdata`` and a file store of random files (incompressible, like PDFs
and scans), each timed with its throughput and the Python process's peak memory; the same data copied
with the plain tools (``pg_dump -Fc`` + ``cp -a`` of the files) in the same run, for the ratio.

    .venv/bin/python bench/bench_backup.py [--documents 100000] [--files-mb 2048] [--reuse]
        [--database qlvb_bench_backup] [--no-encrypted]

Each line also prints the UTC time and the load average when the step ended (the machine is shared), and
the peak resident memory (RSS) of the qlvb process and of its largest child (``pg_dump`` / ``pg_restore``).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
HOST = "/var/run/postgresql"
DB = "qlvb_bench_backup"
TARGET = "qlvb_bench_backup_restore"
PEAK = (
    "import atexit, resource, sys\n"
    "def _peak():\n"
    "    for line in open('/proc/self/status'):\n"
    "        if line.startswith('VmHWM:'):\n"
    "            print('PEAK_KB', line.split()[1], file=sys.stderr)\n"
    "    print('CHILD_PEAK_KB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    "atexit.register(_peak)\n"
    "from qlvb.cli import main\n"
    "sys.argv = ['qlvb', *sys.argv[1:]]\n"
    "main()\n"
)


def env_for(database: str, files: Path, data: Path) -> dict[str, str]:
    path = os.pathsep.join([str(ROOT / "bench"), str(ROOT / "src")])
    return {
        **os.environ,
        "PYTHONPATH": path,
        "DATABASE_URL": f"postgresql:///{database}?host={HOST}",
        "QLVB_FILES_DIR": str(files),
        "QLVB_DATA_DIR": str(data),
        "QLVB_AUDIT_ANCHOR_FILE": str(data / "anchor.jsonl"),
    }


def qlvb(env: dict[str, str], *args: str) -> tuple[float, int, int]:
    """Run ``qlvb ARGS``: wall seconds, peak RSS (KiB) of the qlvb process, of its largest child."""
    started = time.perf_counter()
    done = subprocess.run([PY, "-c", PEAK, *args], env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"qlvb {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")

    def kib(key: str) -> int:
        return next((int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith(key + " ")), 0)

    return seconds, kib("PEAK_KB"), kib("CHILD_PEAK_KB")


def make_files(root: Path, total_mb: int, rng: random.Random) -> tuple[int, int]:
    """Random files of 30 KB–8 MB (log-uniform: many small letters, some large scans), content-addressed
    paths as the file store has them."""
    written = count = 0
    block = os.urandom(1 << 20)
    while written < total_mb << 20:
        size = int(2 ** rng.uniform(15, 23))
        name = f"{rng.getrandbits(256):064x}"
        folder = root / name[:2] / name[2:4]
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / name).open("wb") as out:
            left = size
            while left:
                piece = min(left, len(block))
                out.write(os.urandom(16) + block[16:piece] if piece > 16 else os.urandom(piece))
                left -= piece
        written += size
        count += 1
    return count, written


def prepare(documents: int, env: dict[str, str]) -> None:
    subprocess.run(["dropdb", "--if-exists", "-h", HOST, DB], check=True)
    subprocess.run(["createdb", "-h", HOST, DB], check=True)
    print(f"{stamp()} benchdata {documents} documents into {DB}", flush=True)
    subprocess.run([PY, "-m", "qlvb.cli", "migrate", "--noinput", "-v0"], env=env, check=True)
    started = time.perf_counter()
    subprocess.run([PY, "-m", "benchdata", "--documents", str(documents)], env=env, check=True)
    print(f"benchdata {documents} documents: {time.perf_counter() - started:.0f} s")


def db_size_mb(database: str) -> float:
    out = subprocess.run(
        ["psql", "-h", HOST, "-d", database, "-tAc", f"SELECT pg_database_size('{database}')"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout.strip()) / 1e6


def stamp() -> str:
    """UTC time and the load average (1, 5, 15 min): figures on a shared machine need both."""
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return f"[{datetime.datetime.now(datetime.UTC):%H:%M:%S} UTC, load {load}]"


def line(what: str, seconds: float, mb: float, peak_kb: int = 0, child_kb: int = 0) -> None:
    peak = f", peak RSS {peak_kb / 1024:.0f} MiB" if peak_kb else ""
    child = f" (child {child_kb / 1024:.0f} MiB)" if child_kb else ""
    print(f"{what:<52} {seconds:7.1f} s  {mb / seconds:7.1f} MB/s{peak}{child}  {stamp()}", flush=True)


def main() -> None:
    global DB, TARGET  # the names of the two scratch databases, chosen once at start
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--files-mb", type=int, default=2048)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--database", default=DB, help="scratch database (dropped and made again)")
    parser.add_argument("--no-encrypted", action="store_true", help="skip the encrypted backup")
    args = parser.parse_args()
    DB, TARGET = args.database, args.database + "_restore"
    print(f"{stamp()} start", flush=True)
    work = Path(tempfile.mkdtemp(prefix="qlvb-bench-backup-", dir=ROOT / "var" if (ROOT / "var").is_dir() else None))
    try:
        files, data = work / "files", work / "var"
        data.mkdir()
        env = env_for(DB, files, data)
        if not args.reuse:
            prepare(args.documents, env)
        started = time.perf_counter()
        count, written = make_files(files, args.files_mb, random.Random(7))
        print(f"{stamp()} files written in {time.perf_counter() - started:.0f} s", flush=True)
        size = db_size_mb(DB)
        total = size + written / 1e6
        print(
            f"data: database {size:.0f} MB ({args.documents} documents), {count} files {written / 1e6:.0f} MB",
            flush=True,
        )

        started = time.perf_counter()
        subprocess.run(["pg_dump", "-h", HOST, "-Fc", "-f", str(work / "plain.pgdump"), DB], check=True)
        subprocess.run(["cp", "-a", str(files), str(work / "plain-files")], check=True)
        os.sync()
        peer = time.perf_counter() - started
        line("plain pg_dump -Fc + cp -a (peer)", peer, total)
        shutil.rmtree(work / "plain-files")

        seconds, peak, child = qlvb(env, "backup", "--dest", str(work / "backups"))
        line("qlvb backup", seconds, total, peak, child)
        print(f"  ratio to the plain tools: {seconds / peer:.2f}x (SHA-256 of every byte, fsync per file)")
        (made,) = sorted((work / "backups").glob("qlvb-*"))
        seconds_v, peak_v, child_v = qlvb(env, "backup", "verify", str(made))
        line("qlvb backup verify", seconds_v, total, peak_v, child_v)

        if not args.no_encrypted:
            secret = {**env, "QLVB_BACKUP_PASSPHRASE": "bench passphrase"}
            seconds_e, peak_e, child_e = qlvb(
                secret, "backup", "--dest", str(work / "encrypted"), "create", "--encrypt"
            )
            line("qlvb backup, encrypted (AES-256-GCM)", seconds_e, total, peak_e, child_e)
            (sealed,) = sorted((work / "encrypted").glob("qlvb-*"))
            seconds_ev, peak_ev, child_ev = qlvb(secret, "backup", "verify", str(sealed))
            line("qlvb backup verify, encrypted (decrypts every file)", seconds_ev, total, peak_ev, child_ev)
            shutil.rmtree(work / "encrypted")

        subprocess.run(["dropdb", "--if-exists", "-h", HOST, TARGET], check=True)
        subprocess.run(["createdb", "-h", HOST, TARGET], check=True)
        restored = env_for(TARGET, work / "restored-files", work / "restored-var")
        (work / "restored-var").mkdir()
        seconds_r, peak_r, child_r = qlvb(restored, "restore", str(made))
        line("qlvb restore (verify first, then pg_restore + files)", seconds_r, total, peak_r, child_r)
        subprocess.run(["dropdb", "--if-exists", "-h", HOST, TARGET], check=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        print(f"{stamp()} removed {work}", flush=True)


if __name__ == "__main__":
    main()
