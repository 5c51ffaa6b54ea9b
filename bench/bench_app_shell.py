"""First load of the app shell on a phone over simulated 3G (issue 16): time to interactive and bytes
transferred (compressed, as on the wire), aim ≤ 2 s and ≤ 300 KB.

A fresh deployment (migrate, demo agency, collectstatic so WhiteNoise serves Brotli/gzip files) under
gunicorn on loopback; the system's Chromium as a phone (375 × 812, mobile, touch), throttled by the
DevTools protocol (Network.emulateNetworkConditions: 1.6 Mbps down, 750 kbps up, 150 ms round trip).
The person is signed in beforehand (unthrottled); then, with an empty browser cache and no service
worker, the home page is opened. Measured:
  - interactive: navigation start → DOMContentLoaded handlers done (deferred scripts — Bootstrap, HTMX,
    app.js — have run, so every button works);
  - load: the load event; idle: the home widgets loaded by HTMX have arrived (network idle);
  - bytes: the sum of encodedDataLength of every response (headers + compressed bodies) until idle.
Then the same page again, now with the service worker controlling it (static files from its cache).

    .venv/bin/python bench/bench_app_shell.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
CHROMIUM = "/usr/bin/chromium"
USER = "ublienminh_nguyenvanhung"
PASSWORD = "LienMinh@2025"
THREE_G = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
}
PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True, "locale": "vi-VN"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(data: Path) -> tuple[subprocess.Popen[bytes], str]:
    # as deployed: collectstatic, then STATIC_ROOT served with its Brotli/gzip copies (settings.py)
    env = {**os.environ, "QLVB_DATA_DIR": str(data), "PYTHONPATH": str(ROOT / "src"), "QLVB_STATIC_FROM_APPS": "0"}
    env.pop("DATABASE_URL", None)
    for command in (["migrate", "--noinput", "-v0"], ["demo"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([PY, "-m", "qlvb.cli", *command], env=env, check=True, stdout=subprocess.DEVNULL)
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
    for _ in range(150):
        try:
            if requests.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.2)
    return server, base


def measure(page: Any, cdp: Any, url: str) -> dict[str, float]:
    sizes: dict[str, int] = {}
    urls: dict[str, str] = {}
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])))
    cdp.on("Network.responseReceived", lambda e: urls.__setitem__(e["requestId"], e["response"]["url"]))
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    timing = page.evaluate(
        """() => { const n = performance.getEntriesByType('navigation')[0];
                  return {interactive: n.domContentLoadedEventEnd, load: n.loadEventEnd}; }"""
    )
    idle = page.evaluate("performance.now()") - 500  # networkidle = 500 ms without a request
    return {
        "interactive_ms": timing["interactive"],
        "load_ms": timing["load"],
        "idle_ms": idle,
        "kb": sum(sizes.values()) / 1024,
        "requests": len(sizes),
        "each": sorted(((sizes[r] / 1024, urls.get(r, "?")) for r in sizes), reverse=True),  # type: ignore[dict-item]
    }


def one_run(chromium: Any, base: str) -> tuple[dict[str, float], dict[str, float]]:
    context = chromium.new_context(**PHONE)
    page = context.new_page()
    # sign in, unthrottled, then forget everything but the session cookie
    page.goto(f"{base}/dang-nhap/")
    page.get_by_label("Tên tài khoản").fill(USER)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")
    cookies = context.cookies()
    context.close()

    context = chromium.new_context(**PHONE)
    context.add_cookies(cookies)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
    cdp.send("Network.emulateNetworkConditions", THREE_G)
    first = measure(page, cdp, f"{base}/")
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=60_000)
    page2 = context.new_page()
    cdp2 = context.new_cdp_session(page2)
    cdp2.send("Network.enable")
    cdp2.send("Network.emulateNetworkConditions", THREE_G)
    again = measure(page2, cdp2, f"{base}/")
    context.close()
    return first, again


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    data = Path(tempfile.mkdtemp(prefix="qlvb-bench-shell-"))
    server, base = start(data)
    try:
        with sync_playwright() as p:
            chromium = p.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-quic"], headless=True
            )
            firsts, agains = [], []
            for _ in range(args.runs):
                first, again = one_run(chromium, base)
                firsts.append(first)
                agains.append(again)
            chromium.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(data, ignore_errors=True)

    def row(label: str, runs: list[dict[str, float]]) -> None:
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0] if k != "each"}
        print(
            f"| {label} | {med['interactive_ms']:.0f} ms | {med['load_ms']:.0f} ms | {med['idle_ms']:.0f} ms | "
            f"{med['kb']:.0f} KB | {med['requests']:.0f} |"
        )

    print(f"app shell over simulated 3G (1.6 Mbps / 750 kbps / 150 ms), phone 375x812, median of {args.runs} runs")
    print("| load | interactive (DOMContentLoaded) | load event | network idle | bytes (compressed) | requests |")
    print("|---|---|---|---|---|---|")
    row("first load, empty cache, no service worker", firsts)
    row("next load, service worker controls (*)", agains)
    print("(*) bytes the page itself fetched; what the worker fetched for it (the page, fragments) is not counted")
    print("first load, each response (KB on the wire):")
    for kb, url in firsts[0]["each"]:  # type: ignore[union-attr]
        print(f"  {kb:6.1f}  {url.replace(base, '')}")


if __name__ == "__main__":
    main()
