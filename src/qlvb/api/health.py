"""GET /healthz: the state of the database, the broker and the file store, as JSON (200 when all answer)."""

from __future__ import annotations

import os

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.http import require_GET
from kombu import Connection

from qlvb.files.storage import store_health


def _database() -> dict[str, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"status": "ok", "vendor": connection.vendor}
    except Exception as exc:  # health reports every failure, whatever its kind
        return {"status": "error", "error": type(exc).__name__}


def _broker() -> dict[str, str]:
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


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    db, broker, files = _database(), _broker(), store_health()
    ok = db["status"] == "ok" and broker["status"] == "ok" and files["status"] == "ok"
    return JsonResponse(
        {"status": "ok" if ok else "error", "database": db, "broker": broker, "files": files},
        status=200 if ok else 503,
    )


urlpatterns = [path("healthz", healthz, name="healthz")]
