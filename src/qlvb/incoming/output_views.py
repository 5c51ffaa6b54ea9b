"""Printed outputs of the incoming flow (Phụ lục IV): the registers for a period and the Phiếu giải quyết
of one document, as XLSX or PDF."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qlvb.core.errors import DomainError, NotFound
from qlvb.core.permissions import has
from qlvb.directory.models import Unit
from qlvb.directory.selectors import acting_user, agency_of

from . import forms, policies, reports, selectors
from .slip import slip_pdf, slip_xlsx

REPORTS = {
    "so-dang-ky": (_("Sổ đăng ký văn bản đến"), reports.register_xlsx, reports.register_pdf),
    "so-theo-doi": (_("Sổ theo dõi giải quyết văn bản đến"), reports.followup_xlsx, reports.followup_pdf),
}
CONTENT_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": "application/pdf"}


def _download(content: bytes, name: str, ext: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[ext])
    response["Content-Disposition"] = f'{"inline" if ext == "pdf" else "attachment"}; filename="{name}.{ext}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _report_agency(request: HttpRequest, kind: str) -> Unit:
    agency = agency_of(acting_user(request))
    if kind not in REPORTS or agency is None or not has(acting_user(request), policies.REPORT, unit=agency):
        raise Http404
    return agency


@login_required
def report_form(request: HttpRequest, kind: str) -> HttpResponse:
    """Choose the period, then download the register as XLSX or PDF (Phụ lục IV)."""
    _report_agency(request, kind)
    today = timezone.localdate()
    form = forms.RangeForm(request.GET or None, initial={"date_from": today.replace(day=1), "date_to": today})
    return render(request, "incoming/report.html", {"form": form, "kind": kind, "title": REPORTS[kind][0]})


@login_required
def report_file(request: HttpRequest, kind: str, ext: str) -> HttpResponse:
    agency = _report_agency(request, kind)
    if ext not in CONTENT_TYPES:
        raise Http404
    form = forms.RangeForm(request.GET or None)
    if not form.is_valid():
        return render(request, "incoming/report.html", {"form": form, "kind": kind, "title": REPORTS[kind][0]})
    d = form.cleaned_data
    build = REPORTS[kind][1] if ext == "xlsx" else REPORTS[kind][2]
    try:
        content = build(actor=acting_user(request), agency=agency, date_from=d["date_from"], date_to=d["date_to"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('incoming:report_form', args=[kind])}?{request.GET.urlencode()}")
    return _download(content, f"{kind}-{d['date_from']:%Y%m%d}-{d['date_to']:%Y%m%d}", ext)


@login_required
def slip(request: HttpRequest, pk: int, ext: str) -> HttpResponse:
    """Phiếu giải quyết văn bản đến of one document, for whoever may see the document."""
    try:
        doc = selectors.document_get(acting_user(request), pk=pk)
    except NotFound:
        raise Http404 from None
    if ext not in CONTENT_TYPES:
        raise Http404
    build = slip_xlsx if ext == "xlsx" else slip_pdf
    try:
        content = build(actor=acting_user(request), document=doc)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("incoming:detail", pk=doc.pk)
    return _download(content, f"phieu-giai-quyet-{doc.arrival_number or doc.pk}", ext)
