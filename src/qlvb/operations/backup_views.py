"""``/quan-tri/sao-luu/``: the system administrator's backups page — the log of runs (``backup-runs.jsonl``)
with their size and verification, the complete backups on disk, and "Sao lưu ngay" (a Celery task).
Thin: :mod:`.backup_runs` decides and records."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qlvb.directory.selectors import acting_user

from .backup import backup_dir, backups_list, lock_wait_timeout
from .backup_runs import backup_manage_refusal, backup_now_request, backup_runs


@login_required
def backup_list(request: HttpRequest) -> HttpResponse:
    if backup_manage_refusal(request.user):
        raise Http404  # the page does not exist for anyone else
    dest = backup_dir()
    context = {
        "runs": backup_runs(dest),
        "backups": [p.name for p in reversed(backups_list(dest))],
        "dest": dest,
        "lock_wait": lock_wait_timeout(),
    }
    return render(request, "operations/backups.html", context)


@require_POST
@login_required
def backup_now(request: HttpRequest) -> HttpResponse:
    if backup_manage_refusal(request.user):
        raise Http404
    backup_now_request(actor=acting_user(request))
    messages.success(request, _("Đã đưa yêu cầu sao lưu vào hàng đợi; tải lại trang sau ít phút để xem kết quả."))
    return redirect("backups:list")
