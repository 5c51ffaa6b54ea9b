"""Pages of the consultation rounds (lấy ý kiến) of an outgoing draft: open, answer, extend, close, export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qlvb.core.errors import DomainError, NotFound
from qlvb.files.intake import file_intake

from . import api_consultation, forms, selectors
from . import consultation as consult
from .views import actor_of, as_page, outgoing_of


@login_required
@require_POST
def consultation_open(request: HttpRequest, pk: int) -> HttpResponse:
    outgoing = outgoing_of(request, pk)
    form = forms.ConsultationForm(request.POST, agency=outgoing.document.agency, drafter=outgoing.drafter)
    if not form.is_valid():
        messages.error(request, _("Cần chọn người góp ý và hạn góp ý (dd/mm/yyyy)."))
        return redirect("outgoing:detail", pk)
    try:
        consult.consultation_open(
            actor=actor_of(request),
            outgoing=outgoing,
            people=list(form.cleaned_data["people"]),
            deadline=form.cleaned_data["deadline"],
            message=form.cleaned_data["message"],
        )
        messages.success(request, _("Đã gửi lấy ý kiến."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("outgoing:detail", pk)


@login_required
@require_POST
def consultation_act(request: HttpRequest, pk: int, cid: int, action: str) -> HttpResponse:
    outgoing = outgoing_of(request, pk)
    try:
        found, _full = selectors.consultation_get(actor_of(request), outgoing=outgoing, pk=cid)
    except NotFound:
        raise Http404 from None
    try:
        if action == "tra-loi":
            form = forms.AnswerForm(request.POST, request.FILES)
            if not form.is_valid():
                raise DomainError(_("Hãy chọn Đồng ý, Không đồng ý hoặc Ý kiến khác."))
            uploaded = form.cleaned_data["file"]
            stored = (
                file_intake(
                    actor=actor_of(request),
                    stream=uploaded,
                    original_name=uploaded.name,
                    channel="web",
                    declared_size=uploaded.size,
                )
                if uploaded
                else None
            )
            consult.consultation_answer(
                actor=actor_of(request),
                consultation=found,
                opinion=form.cleaned_data["opinion"],
                comment=form.cleaned_data["comment"],
                stored_file=stored,
            )
            messages.success(request, _("Đã ghi nhận ý kiến."))
        elif action == "gia-han":
            deadline_form = forms.DeadlineForm(request.POST)
            if not deadline_form.is_valid():
                raise DomainError(_("Hạn mới phải là ngày dd/mm/yyyy."))
            consult.consultation_extend(
                actor=actor_of(request), consultation=found, deadline=deadline_form.cleaned_data["deadline"]
            )
            messages.success(request, _("Đã gia hạn."))
        elif action == "ket-thuc":
            consult.consultation_close(actor=actor_of(request), consultation=found)
            messages.success(request, _("Đã kết thúc lấy ý kiến."))
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("outgoing:detail", pk)


@login_required
def consultation_export(request: HttpRequest, pk: int, cid: int, fmt: str) -> HttpResponse:
    outgoing = outgoing_of(request, pk)
    try:
        found, full = selectors.consultation_get(actor_of(request), outgoing=outgoing, pk=cid)
    except NotFound:
        raise Http404 from None
    return as_page(request, lambda: api_consultation.summary_export(actor_of(request), found, full=full, fmt=fmt))
