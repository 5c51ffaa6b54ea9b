"""The system administrator's incident and maintenance pages (thin: the services decide)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qlvb.core.errors import DomainError, NotFound
from qlvb.directory.selectors import acting_user

from .forms import NoticeEndForm, NoticeForm
from .notice_models import SystemNotice
from .notices import NoticeData, notice_end, notice_manage_refusal, notice_start


def _admin_only(request: HttpRequest) -> None:
    if notice_manage_refusal(request.user):
        raise Http404  # the page does not exist for anyone else


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    form = NoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = NoticeData(**form.cleaned_data)
        try:
            notice_start(actor=acting_user(request), data=data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã thông báo tới mọi người dùng."))
            return redirect("operations:notices")
    notices = SystemNotice.objects.select_related("created_by", "ended_by")[:200]
    return render(request, "operations/notices.html", {"form": form, "notices": notices, "end_form": NoticeEndForm()})


@require_POST
@login_required
def notice_close(request: HttpRequest, pk: int) -> HttpResponse:
    _admin_only(request)
    form = NoticeEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nội dung kết thúc không hợp lệ."))
        return redirect("operations:notices")
    try:
        notice_end(actor=acting_user(request), notice_id=pk, **form.cleaned_data)
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã kết thúc và báo cho mọi người dùng."))
    return redirect("operations:notices")
