"""gunicorn settings shared by `qlvb serve`, scripts/cluster.sh and docs/deploy.md's systemd unit.

With PROMETHEUS_MULTIPROC_DIR set, every worker writes its metrics there (web/metrics.py adds them up);
a worker that ends is marked dead so its live gauges leave the sum. The folder is emptied when the
master starts (stale files of an earlier run would add up too)."""

from __future__ import annotations

import os
import shutil
from typing import Any

# Idle keep-alive connections are closed by nginx first (its upstream ``keepalive_timeout 60s``,
# docs/deploy/nginx-*.conf), never by gunicorn: gunicorn's default (2 s) closed connections nginx was about
# to reuse, the request met "connection reset by peer", and with ``max_fails=1`` nginx marked the node down
# — with both nodes marked at once, 502 "no live upstreams" for 5 s (the cluster's load at 1 M, 03/12/2026).
keepalive = 75


def on_starting(server: Any) -> None:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
