"""The system administrator's status page, /quan-tri/tinh-trang/: each part of the deployment and the
queues, probed when the page is opened (the same probes as /healthz and /metrics)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Min
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qlvb.core.probes import broker_probe, cache_probe, database_probe, queue_depths, replica_health
from qlvb.exchange.queue_models import OutboxItem
from qlvb.files.models import FileText, TextState
from qlvb.files.storage import store_health

COMPONENTS = (
    ("database", _("Cơ sở dữ liệu chính"), database_probe),
    ("replica", _("Bản sao chỉ đọc"), replica_health),
    ("broker", _("Hàng đợi việc nền (Celery)"), broker_probe),
    ("cache", _("Bộ nhớ đệm"), cache_probe),
    ("files", _("Kho tệp"), store_health),
)
QUEUE_LABELS = {"default": _("Việc chung"), "ocr": _("Trích xuất nội dung, OCR"), "exchange": _("Liên thông")}


@login_required
def status(request: HttpRequest) -> HttpResponse:
    if not request.user.is_superuser:
        raise Http404  # the page does not exist for anyone else
    parts = []
    for key, label, probe in COMPONENTS:
        answer = probe()
        details = ", ".join(f"{k}: {v}" for k, v in answer.items() if k != "status")
        parts.append({"key": key, "label": label, "status": answer.get("status"), "details": details})
    oldest = OutboxItem.objects.filter(sent_at__isnull=True, failed=False).aggregate(m=Min("created_at"))["m"]
    context = {
        "parts": parts,
        "queues": [(QUEUE_LABELS.get(q, q), n) for q, n in queue_depths().items()],
        "outbox_waiting": OutboxItem.objects.filter(sent_at__isnull=True, failed=False).count(),
        "outbox_oldest_minutes": int((timezone.now() - oldest).total_seconds() // 60) if oldest else None,
        "outbox_failed": OutboxItem.objects.filter(sent_at__isnull=True, failed=True).count(),
        "ocr_backlog": FileText.objects.filter(state=TextState.PENDING).count(),
        "ocr_failed": FileText.objects.filter(state=TextState.FAILED).count(),
        "checked_at": timezone.localtime(),
    }
    return render(request, "web/status.html", context)
