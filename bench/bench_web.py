"""Sign-in + home page throughput under gunicorn, on SQLite and on PostgreSQL (issue 2).

Starts a real gunicorn (2 workers x 4 threads, as `qlvb serve`) on a fresh database with the demo
agency, then drives it from client threads in this process over loopback:
  - sign-in cycle: GET /dang-nhap/, POST credentials (Argon2 check), GET / (the home page);
  - home page only: GET / with a signed-in session.
Bounded: a fixed number of requests per phase, a hard time limit. Prints a table.

    .venv/bin/python bench/bench_web.py [--sqlite] [--postgres URL] [--cycles 200] [--pages 2000]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PASSWORD = "LienMinh@2025"
USERS = [
    "ublienminh_lethuha",
    "ublienminh_nguyenvanhung",
    "ublienminh_phamthimai",
    "ublienminh_hoangvannam",
    "ublienminh_dothanhhuong",
    "ublienminh_vuquanghuy",
    "ublienminh_ngothuytrang",
    "ublienminh_tranthilan2",
]
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(env: dict[str, str]) -> None:
    subprocess.run([PY, "-m", "qlvb.cli", "migrate", "--noinput", "-v0"], env=env, check=True)
    subprocess.run([PY, "-m", "qlvb.cli", "demo"], env=env, check=True, stdout=subprocess.DEVNULL)


def sign_in_cycle(base: str, username: str) -> float:
    start = time.perf_counter()
    s = requests.Session()
    page = s.get(f"{base}/dang-nhap/", timeout=30)
    token = CSRF_RE.search(page.text)
    assert token, "no CSRF token on the sign-in page"
    r = s.post(
        f"{base}/dang-nhap/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": f"{base}/dang-nhap/"},
        timeout=30,
    )
    assert r.status_code == 200 and "Đăng xuất" in r.text, f"sign-in failed: {r.status_code}"
    return time.perf_counter() - start


def run_phase(fn, count: int, clients: int, limit_s: float) -> tuple[float, list[float]]:
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + limit_s

    def one(i: int) -> None:
        if time.monotonic() > deadline:
            return
        t = fn(i)
        with lock:
            latencies.append(t)

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, range(count)))
    return time.perf_counter() - start, latencies


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000


def bench(label: str, database_url: str, cycles: int, pages: int, clients: int) -> dict[str, float]:
    data = Path(tempfile.mkdtemp(prefix="qlvb-bench-"))
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "QLVB_DATA_DIR": str(data),
        "QLVB_LOGIN_FAILURE_LIMIT": "1000",
        "PYTHONPATH": str(ROOT / "src"),
    }
    prepare(env)
    port = free_port()
    server = subprocess.Popen(
        [
            PY,
            "-m",
            "gunicorn",
            "qlvb.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if requests.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or too slow to answer on a loaded machine
                time.sleep(0.2)
        sign_in_cycle(base, USERS[0])  # warm up
        wall, lat = run_phase(lambda i: sign_in_cycle(base, USERS[i % len(USERS)]), cycles, clients, 120)
        signin_rps = len(lat) / wall
        signin = (signin_rps, pct(lat, 0.5), pct(lat, 0.95))

        sessions = []
        for u in USERS:
            s = requests.Session()
            page = s.get(f"{base}/dang-nhap/")
            tok = CSRF_RE.search(page.text).group(1)  # type: ignore[union-attr]
            s.post(
                f"{base}/dang-nhap/",
                data={"username": u, "password": PASSWORD, "csrfmiddlewaretoken": tok},
                headers={"Referer": f"{base}/dang-nhap/"},
            )
            sessions.append(s)

        def home(i: int) -> float:
            t0 = time.perf_counter()
            r = sessions[i % len(sessions)].get(f"{base}/", timeout=30)
            assert r.status_code == 200
            return time.perf_counter() - t0

        wall, lat = run_phase(home, pages, clients, 120)
        home_rps = len(lat) / wall
        result = {
            "signin_rps": signin[0],
            "signin_p50": signin[1],
            "signin_p95": signin[2],
            "home_rps": home_rps,
            "home_p50": pct(lat, 0.5),
            "home_p95": pct(lat, 0.95),
            "home_mean": statistics.mean(lat) * 1000,
        }
    finally:
        os.killpg(server.pid, 15)
        server.wait(10)
        shutil.rmtree(data, ignore_errors=True)
    print(
        f"{label:<11} sign-in+home {result['signin_rps']:7.1f}/s  p50 {result['signin_p50']:6.1f} ms  "
        f"p95 {result['signin_p95']:6.1f} ms | home page {result['home_rps']:7.1f} req/s  "
        f"p50 {result['home_p50']:5.1f} ms  p95 {result['home_p95']:5.1f} ms"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default="postgresql:///qlvb_bench_web?host=/var/run/postgresql")
    parser.add_argument("--cycles", type=int, default=200)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    print(
        f"gunicorn 2 workers x 4 threads, {args.clients} client threads on loopback, "
        f"{args.cycles} sign-in cycles, {args.pages} home-page requests"
    )
    with tempfile.TemporaryDirectory() as tmp:
        bench("SQLite", f"sqlite:///{tmp}/bench.sqlite3", args.cycles, args.pages, args.clients)
    name = urlsplit(args.postgres).path.lstrip("/")  # the database --postgres names, not always the default
    subprocess.run(["dropdb", "--if-exists", "-h", "/var/run/postgresql", name], check=False)
    subprocess.run(["createdb", "-h", "/var/run/postgresql", name], check=True)
    try:
        bench("PostgreSQL", args.postgres, args.cycles, args.pages, args.clients)
    finally:
        subprocess.run(["dropdb", "--if-exists", "-h", "/var/run/postgresql", name], check=False)


if __name__ == "__main__":
    main()
