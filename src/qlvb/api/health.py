"""GET /healthz: the state of the database, the broker and the file store, as JSON (200 when all answer)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.http import require_GET

from qlvb.core.probes import broker_probe, database_probe
from qlvb.files.storage import store_health


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    db, broker, files = database_probe(), broker_probe(), store_health()
    ok = db["status"] == "ok" and broker["status"] == "ok" and files["status"] == "ok"
    return JsonResponse(
        {"status": "ok" if ok else "error", "database": db, "broker": broker, "files": files},
        status=200 if ok else 503,
    )


urlpatterns = [path("healthz", healthz, name="healthz")]
