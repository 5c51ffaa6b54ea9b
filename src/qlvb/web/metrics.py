"""Prometheus metrics at ``/metrics`` (docs/deploy.md "Giám sát"): request latency and CPU per route, and, read when
scraped, the Celery queue depths, the age of the oldest package waiting in the axis outbox, the OCR backlog
and whether each part answers.

Who may scrape: an address in ``QLVB_METRICS_ALLOW`` (default: this machine) or a bearer token equal to
``QLVB_METRICS_TOKEN``; anyone else gets 404, as for a page that does not exist. Under gunicorn with several
workers, ``PROMETHEUS_MULTIPROC_DIR`` makes every worker's counts add up (gunicorn_conf.py clears a dead
worker's files); without it each process reports its own."""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db.models import Min
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY, Collector

from qlvb.core.probes import broker_probe, cache_probe, database_probe, queue_depths, replica_health
from qlvb.core.request_context import client_ip_from
from qlvb.exchange.queue_models import OutboxItem
from qlvb.files.models import FileText, TextState
from qlvb.files.storage import store_health

REQUEST_SECONDS = Histogram(
    "qlvb_request_seconds",
    "Thời gian trả lời một yêu cầu web, theo tuyến (route) và mã trạng thái",
    ["route", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.35, 0.5, 1.0, 2.5, 5.0, 10.0),
)
# The CPU the request's own thread spent (time.thread_time: a gunicorn thread's, not its neighbours'), from the
# first middleware to the response; a streamed body (a file download) is sent after it and not counted. Divided
# by qlvb_request_seconds_count of the same route and method: the mean CPU per request, which sizes the nodes
# (docs/deploy.md "Sizing") and shows which pages a load spends its cores on (bench/bench_load.py).
REQUEST_CPU_SECONDS = Counter(
    "qlvb_request_cpu_seconds",
    "Thời gian CPU của luồng trả lời yêu cầu web, cộng dồn theo tuyến (route) và phương thức",
    ["route", "method"],
)


def _route(request: HttpRequest) -> str:
    """The URL pattern, not the path: /van-ban-den/<int:pk>/ is one series, whatever the id."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return str(match.route or match.view_name or "unmatched")[:120]


class MetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started, cpu = time.perf_counter(), time.thread_time()
        response = self.get_response(request)
        if request.path != "/metrics":
            route, method = _route(request), request.method or ""
            REQUEST_SECONDS.labels(route, method, str(response.status_code)).observe(time.perf_counter() - started)
            REQUEST_CPU_SECONDS.labels(route, method).inc(time.thread_time() - cpu)
        return response


class StateCollector(Collector):
    """What is read from the database and the services at each scrape (a few cheap queries)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        depth = GaugeMetricFamily("qlvb_queue_depth", "Việc đang chờ trong hàng đợi Celery", labels=["queue"])
        for queue, count in queue_depths().items():
            if count is not None:
                depth.add_metric([queue], count)
        yield depth
        oldest = OutboxItem.objects.filter(sent_at__isnull=True, failed=False).aggregate(m=Min("created_at"))["m"]
        yield GaugeMetricFamily(
            "qlvb_axis_outbox_oldest_seconds",
            "Tuổi của gói liên thông chờ gửi lâu nhất (0 khi không có gói nào chờ)",
            value=(timezone.now() - oldest).total_seconds() if oldest else 0.0,
        )
        yield GaugeMetricFamily(
            "qlvb_axis_outbox_failed",
            "Gói liên thông bị từ chối hẳn, chờ văn thư gửi lại",
            value=OutboxItem.objects.filter(sent_at__isnull=True, failed=True).count(),
        )
        yield GaugeMetricFamily(
            "qlvb_ocr_backlog",
            "Tệp đang chờ trích xuất nội dung (OCR)",
            value=FileText.objects.filter(state=TextState.PENDING).count(),
        )
        up = GaugeMetricFamily("qlvb_component_up", "1 khi thành phần trả lời, 0 khi không", labels=["component"])
        for name, probe in _probes().items():
            if probe.get("status") != "none":
                up.add_metric([name], 1.0 if probe.get("status") == "ok" else 0.0)
        yield up


def _probes() -> dict[str, dict[str, Any]]:
    return {
        "database": database_probe(),
        "replica": replica_health(),
        "broker": broker_probe(),
        "cache": cache_probe(),
        "files": store_health(),
    }


def _allowed(request: HttpRequest) -> bool:
    token = str(getattr(settings, "QLVB_METRICS_TOKEN", "") or "")
    if token:
        given = request.headers.get("Authorization", "")
        if given.startswith("Bearer ") and hmac.compare_digest(given[7:].encode(), token.encode()):
            return True
    return (client_ip_from(request) or "") in set(settings.QLVB_METRICS_ALLOW)


def metrics(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        raise Http404
    registry: CollectorRegistry
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    body = generate_latest(registry)
    state = CollectorRegistry()
    state.register(StateCollector())
    return HttpResponse(body + generate_latest(state), content_type=CONTENT_TYPE_LATEST)
