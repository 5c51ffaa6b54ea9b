"""The "Dữ liệu cá nhân" pages (thin: ``personal_export`` decides): the person's requests and the form to
ask; for a head, the requests of his unit's people to approve or refuse; the download of a ready export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from qlvb.core.errors import DomainError, NotFound, PermissionDenied
from qlvb.directory.selectors import acting_user
from qlvb.files.responses import content_disposition

from .personal_export import (
    exports_decidable_by,
    personal_export_approve,
    personal_export_decide_refusal,
    personal_export_download_refusal,
    personal_export_get,
    personal_export_open,
    personal_export_refuse,
    personal_export_request,
    personal_export_request_refusal,
)
from .personal_export_models import ExportState, PersonalExport

LIST_MAX = 50


@login_required
def export_home(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    if request.method == "POST":
        try:
            personal_export_request(actor=actor, note=request.POST.get("note", ""))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Đã gửi yêu cầu xuất dữ liệu cá nhân; lãnh đạo đơn vị sẽ duyệt."))
        return redirect("personal_export:home")
    own = PersonalExport.objects.filter(person_id=actor.pk).select_related("decided_by")[:LIST_MAX]
    waiting = exports_decidable_by(actor).filter(state=ExportState.PENDING)[:LIST_MAX]
    context = {
        "own": [(e, personal_export_download_refusal(e)) for e in own],
        "waiting": waiting,
        "request_refusal": personal_export_request_refusal(actor),
    }
    return render(request, "operations/personal_export/home.html", context)


@login_required
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = acting_user(request)
    try:
        export = personal_export_get(actor=actor, export_id=pk)
    except NotFound as exc:
        raise Http404 from exc
    context = {
        "export": export,
        "mine": export.person_id == actor.pk,
        "can_decide": not personal_export_decide_refusal(actor, export),
        "download_refusal": personal_export_download_refusal(export),
    }
    return render(request, "operations/personal_export/detail.html", context)


def _decide(request: HttpRequest, pk: int, *, approve: bool) -> HttpResponse:
    actor = acting_user(request)
    try:
        if approve:
            personal_export_approve(actor=actor, export_id=pk)
        else:
            personal_export_refuse(actor=actor, export_id=pk, reason=request.POST.get("reason", ""))
    except NotFound as exc:
        raise Http404 from exc
    except PermissionDenied as exc:
        return HttpResponseForbidden(exc.message)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        done = _("Đã duyệt; tệp đang được tạo.") if approve else _("Đã từ chối và báo cho người yêu cầu.")
        messages.success(request, done)
    return redirect("personal_export:detail", pk=pk)


@require_POST
@login_required
def export_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, approve=True)


@require_POST
@login_required
def export_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, approve=False)


@require_GET
@login_required
def export_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    actor = acting_user(request)
    try:
        export, fh = personal_export_open(actor=actor, export_id=pk)
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        page = render(request, "operations/personal_export/refused.html", {"message": exc.message, "pk": pk})
        page.status_code = exc.status_code
        return page
    response = FileResponse(fh, content_type="application/zip")
    response["Content-Disposition"] = content_disposition(export.file_name)
    return response
