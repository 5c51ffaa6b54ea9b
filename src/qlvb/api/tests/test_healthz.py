"""GET /healthz: 200 with the state of the database and the broker; 503 when the broker is unreachable."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/15"


def _redis_is_running() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # free again once closed: nothing listens there


def _filesystem_broker(tmp_path: Path) -> dict[str, object]:
    queue = tmp_path / "queue"
    queue.mkdir()
    return {
        "CELERY_BROKER_URL": "filesystem://",
        "CELERY_BROKER_TRANSPORT_OPTIONS": {
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "processed_folder": str(tmp_path),
        },
    }


def test_embedded_broker_and_database_are_healthy(tmp_path: Path) -> None:
    from django.db import connection

    with override_settings(**_filesystem_broker(tmp_path)):
        response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"status": "ok", "vendor": connection.vendor}
    assert body["broker"] == {"status": "ok", "transport": "filesystem"}


def test_embedded_broker_without_its_queue_folder_is_unhealthy(tmp_path: Path) -> None:
    missing = str(tmp_path / "khong-co")
    with override_settings(
        CELERY_BROKER_URL="filesystem://",
        CELERY_BROKER_TRANSPORT_OPTIONS={"data_folder_in": missing, "data_folder_out": missing},
    ):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"]["status"] == "error"


@pytest.mark.skipif(not _redis_is_running(), reason="Redis không chạy tại 127.0.0.1:6379")
def test_real_redis_broker_is_healthy() -> None:
    with override_settings(CELERY_BROKER_URL=REDIS_URL):
        response = Client().get("/healthz")
    assert response.status_code == 200, response.content
    assert response.json()["broker"] == {"status": "ok", "transport": "redis"}


def test_unreachable_redis_gives_503() -> None:
    with override_settings(CELERY_BROKER_URL=f"redis://127.0.0.1:{_closed_port()}/15"):
        response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"]["status"] == "ok"
    assert body["broker"]["status"] == "error"
    assert body["broker"]["error"]  # the kind of failure, no URL or password


def test_healthz_needs_no_sign_in_and_only_answers_get(tmp_path: Path) -> None:
    with override_settings(**_filesystem_broker(tmp_path)):
        assert Client().get("/healthz").status_code == 200
        assert Client().post("/healthz").status_code == 405
