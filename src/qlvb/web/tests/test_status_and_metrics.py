"""Monitoring (web/metrics.py, web/status_views.py): /metrics speaks Prometheus's text format to the
addresses and the token allowed, and is a page that does not exist for anyone else; the system
administrator's status page shows each part and the queues; nobody else finds it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from qlvb.core.probes import queue_depths
from qlvb.directory.models import User

pytestmark = pytest.mark.django_db


def _metric(body: str, name: str) -> list[str]:
    return [line for line in body.splitlines() if line.startswith(name)]


def test_metrics_count_requests_per_route_and_read_the_state(page_as):
    client = page_as("lethuha")
    assert client.get("/van-ban-den/").status_code == 200
    body = Client().get("/metrics").content.decode()
    counted = _metric(body, "qlvb_request_seconds_count")
    # the route's pattern, not the path: one series whatever the id
    assert any('route="van-ban-den/"' in line and 'status="200"' in line for line in counted), counted[:5]
    assert _metric(body, 'qlvb_component_up{component="database"} 1.0')
    assert _metric(body, "qlvb_ocr_backlog ")
    assert _metric(body, "qlvb_axis_outbox_oldest_seconds 0.0")  # nothing waits to be sent
    assert not _metric(body, 'qlvb_component_up{component="replica"')  # no replica configured
    # the CPU the page took, per route and method: a rendered list costs some, never nothing
    cpu = [line for line in _metric(body, "qlvb_request_cpu_seconds_total") if 'route="van-ban-den/"' in line]
    assert cpu and 'method="GET"' in cpu[0] and float(cpu[0].rsplit(" ", 1)[1]) > 0, cpu


def test_metrics_are_refused_like_a_missing_page_outside_the_allowed(settings):
    settings.QLVB_METRICS_ALLOW = ["127.0.0.1"]
    settings.QLVB_METRICS_TOKEN = "s3cret-token-for-the-scraper"
    outsider = Client(REMOTE_ADDR="10.1.2.3")
    assert outsider.get("/metrics").status_code == 404
    assert outsider.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    scraper = outsider.get("/metrics", headers={"Authorization": "Bearer s3cret-token-for-the-scraper"})
    assert scraper.status_code == 200 and scraper["Content-Type"].startswith("text/plain")


def test_queue_depth_counts_the_waiting_messages_of_each_queue():
    folder = Path(str(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]))
    before = queue_depths()
    made = [folder / f"1_test-{i}.ocr.msg" for i in range(3)]
    for path in made:
        path.write_text("{}")
    try:
        after = queue_depths()
    finally:
        for path in made:
            path.unlink()
    assert after["ocr"] == (before["ocr"] or 0) + 3
    assert after["default"] == before["default"]


def test_the_status_page_is_the_administrators_alone(page_as, demo):
    admin = User.objects.get(username="admin")
    page = page_as(admin).get("/quan-tri/tinh-trang/")
    assert page.status_code == 200
    html = page.content.decode()
    for part in ("Cơ sở dữ liệu chính", "Hàng đợi việc nền (Celery)", "Kho tệp", "Bộ nhớ đệm"):
        assert part in html
    assert 'data-qlvb="status-database"' in html and "Hoạt động" in html
    assert "Không dùng" in html  # the replica: none configured
    assert page_as("lethuha").get("/quan-tri/tinh-trang/").status_code == 404
    anonymous = Client().get("/quan-tri/tinh-trang/")
    assert anonymous.status_code == 302 and "/dang-nhap/" in anonymous["Location"]
