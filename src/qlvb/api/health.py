"""GET /healthz: the state of the database and the broker, as JSON (200 when both answer)."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.http import require_GET

from qlvb.celery_app import app as celery_app


def _database() -> dict[str, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"status": "ok", "vendor": connection.vendor}
    except Exception as exc:  # health reports every failure, whatever its kind
        return {"status": "error", "error": type(exc).__name__}


def _broker() -> dict[str, str]:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            return {"status": "ok", "transport": conn.transport_cls if isinstance(conn.transport_cls, str)
                    else conn.transport.driver_name}
    except Exception as exc:
        return {"status": "error", "error": type(exc).__name__}


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    db, broker = _database(), _broker()
    ok = db["status"] == "ok" and broker["status"] == "ok"
    return JsonResponse({"status": "ok" if ok else "error", "database": db, "broker": broker},
                        status=200 if ok else 503)


urlpatterns = [path("healthz", healthz, name="healthz")]
