"""Is each part of the deployment answering? One probe per part, each a dict with ``status`` "ok" or
"error" (and the error's kind, never its text: the answer may be shown to a load balancer). Used by
``/healthz`` (api/health.py), the administrator's status page and the metrics (web/)."""

from __future__ import annotations

import os
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from kombu import Connection

from .replica import replica_configured, replica_probe


def database_probe() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"status": "ok", "vendor": connection.vendor}
    except Exception as exc:  # health reports every failure, whatever its kind
        return {"status": "error", "error": type(exc).__name__}


def replica_health() -> dict[str, Any]:
    """The replica, probed now (not the router's cached view); "none" when no replica is configured."""
    if not replica_configured():
        return {"status": "none"}
    state = replica_probe()
    answer: dict[str, Any] = {"status": "ok" if state.usable else "error"}
    if state.lag_seconds is not None:
        answer["lag_seconds"] = round(state.lag_seconds, 3)
    if state.error:
        answer["error"] = state.error
    return answer


def broker_probe() -> dict[str, Any]:
    """Connect afresh to the configured broker (not through the Celery app's cached configuration)."""
    url = settings.CELERY_BROKER_URL
    filesystem = url.startswith("filesystem:")
    options = dict(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}) if filesystem else {}
    try:
        with Connection(url, connect_timeout=2, transport_options=options) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
            transport = str(conn.transport.driver_name)
        if filesystem:  # the embedded broker is a folder: it must be there and writable
            for key in ("data_folder_in", "data_folder_out"):
                folder = options.get(key, "")
                if not (os.path.isdir(folder) and os.access(folder, os.W_OK)):
                    return {"status": "error", "transport": transport, "error": "QueueFolderMissing"}
        return {"status": "ok", "transport": transport}
    except Exception as exc:  # health reports every failure, whatever its kind
        return {"status": "error", "error": type(exc).__name__}


def cache_probe() -> dict[str, Any]:
    """Write and read back a key in the configured cache (Redis when QLVB_CACHE_URL is set)."""
    backend = type(cache).__name__
    key, value = "qlvb:probe", f"{time.time():.6f}"
    try:
        cache.set(key, value, 30)
        ok = cache.get(key) == value
    except Exception as exc:  # health reports every failure, whatever its kind
        return {"status": "error", "backend": backend, "error": type(exc).__name__}
    return {"status": "ok" if ok else "error", "backend": backend}


def queue_depths() -> dict[str, int | None]:
    """Messages waiting in each Celery queue (None when the broker cannot say)."""
    queues = ("default", "ocr", "exchange")
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem:"):
        folder = str((getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}).get("data_folder_in", ""))
        try:
            names = os.listdir(folder)
        except OSError:
            return dict.fromkeys(queues)
        # kombu's filesystem transport names each message "<time>_<uuid>.<queue>.msg"
        return {q: sum(1 for n in names if n.endswith(f".{q}.msg")) for q in queues}
    if url.startswith(("redis:", "rediss:")):
        try:
            import redis

            client = redis.Redis.from_url(url, socket_timeout=2)
            return {q: int(client.llen(q)) for q in queues}
        except Exception:  # the broker is down: the depth is unknown
            return dict.fromkeys(queues)
    return dict.fromkeys(queues)
