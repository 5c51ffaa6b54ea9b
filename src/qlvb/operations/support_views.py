"""The "Hỗ trợ" pages (thin: ``support`` and ``guide`` decide): contacts, the feedback form, the
person's tickets (every ticket for the system administrator), answering, closing, the user guide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from qlvb.core.errors import DomainError, NotFound, PermissionDenied
from qlvb.directory.selectors import acting_user
from qlvb.files.intake import file_intake
from qlvb.files.models import Channel, StoredFile
from qlvb.files.responses import file_response
from qlvb.files.services import file_open

from . import guide
from .forms import AnswerForm, TicketForm
from .support import (
    support_contact,
    ticket_answer,
    ticket_answer_refusal,
    ticket_close,
    ticket_file,
    ticket_file_refusal,
    ticket_get,
    tickets_visible_to,
)
from .support_models import TicketStatus

PER_PAGE = 25


def _file_ticket(request: HttpRequest, form: TicketForm) -> bool:
    """Take the chosen file in (only once the ticket itself would be accepted), then file the ticket."""
    actor = acting_user(request)
    data = form.cleaned_data
    refusal = ticket_file_refusal(subject=data["subject"], description=data["description"])
    if refusal:
        form.add_error(None, refusal)
        return False
    upload = data.get("attachment")
    try:
        stored: StoredFile | None = None
        if upload:
            stored = file_intake(
                actor=actor, stream=upload, original_name=upload.name, channel=Channel.WEB, declared_size=upload.size
            )
        ticket_file(
            actor=actor, subject=data["subject"], description=data["description"], page=data["page"], attachment=stored
        )
    except DomainError as exc:
        form.add_error("attachment" if upload and exc.status_code in (413, 415, 422) else None, exc.message)
        return False
    return True


@login_required
def support_home(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    initial = {"page": request.GET.get("tu", "")[:500]}
    form = TicketForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid() and _file_ticket(request, form):
        messages.success(request, _("Đã gửi yêu cầu hỗ trợ. Quản trị hệ thống sẽ trả lời trên trang này."))
        return redirect("support:home")
    tickets = tickets_visible_to(actor)
    status = request.GET.get("trang-thai", "")
    if status in TicketStatus.values:
        tickets = tickets.filter(status=status)
    page = Paginator(tickets, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "contact": support_contact(),
        "page": page,
        "status": status,
        "statuses": TicketStatus.choices,
        "sees_all": actor.is_superuser,
    }
    return render(request, "operations/support/home.html", context)


@login_required
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = acting_user(request)
    try:
        ticket = ticket_get(actor=actor, ticket_id=pk)
    except NotFound as exc:
        raise Http404 from exc
    can_answer = not ticket_answer_refusal(actor, ticket)
    context = {"ticket": ticket, "can_answer": can_answer, "answer_form": AnswerForm(initial={"answer": ticket.answer})}
    return render(request, "operations/support/detail.html", context)


def _admin_action(request: HttpRequest, pk: int, done: str, *, answer: str | None = None) -> HttpResponse:
    actor = acting_user(request)
    try:
        if answer is None:
            ticket_close(actor=actor, ticket_id=pk)
        else:
            ticket_answer(actor=actor, ticket_id=pk, answer=answer)
    except NotFound as exc:
        raise Http404 from exc
    except PermissionDenied as exc:
        return HttpResponseForbidden(exc.message)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("support:detail", pk=pk)


@require_POST
@login_required
def ticket_answer_view(request: HttpRequest, pk: int) -> HttpResponse:
    form = AnswerForm(request.POST)
    answer = form.cleaned_data["answer"] if form.is_valid() else ""
    return _admin_action(request, pk, _("Đã trả lời và báo cho người gửi."), answer=answer)


@require_POST
@login_required
def ticket_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _admin_action(request, pk, _("Đã đóng yêu cầu hỗ trợ."))


@require_GET
@login_required
def ticket_file_download(request: HttpRequest, pk: int) -> FileResponse:
    actor = acting_user(request)
    try:
        ticket = ticket_get(actor=actor, ticket_id=pk)  # who may see the ticket may read its file
    except NotFound as exc:
        raise Http404 from exc
    if ticket.attachment is None:
        raise Http404
    return file_response(file_open(actor=actor, stored_file=ticket.attachment, authorised=True, purpose="support"))


@login_required
def guide_view(request: HttpRequest, slug: str = "index") -> HttpResponse:
    page = guide.guide_page(slug)
    if page is None:
        raise Http404
    return render(request, "operations/support/guide.html", {"page": page, "pages": guide.guide_pages()})
