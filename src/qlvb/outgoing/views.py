"""Pages of the outgoing flow. Each view parses input, calls one selector or service, renders."""

from __future__ import annotations

import functools
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from qlvb.core import person_counts
from qlvb.core.errors import DomainError, NotFound
from qlvb.core.permissions import has
from qlvb.core.reversing import id_url
from qlvb.directory import policies as directory_policies
from qlvb.directory.models import Unit, User
from qlvb.directory.selectors import acting_user as actor_of
from qlvb.directory.selectors import agency_of
from qlvb.documents.events import event_label
from qlvb.documents.sending import issue_progress
from qlvb.files.intake import file_intake
from qlvb.files.kept import kept_upload_find
from qlvb.files.models import StoredFile
from qlvb.files.responses import file_response, gone_when_disposed
from qlvb.files.services import file_open

from . import api_registers, forms, page_reads, recipients, selectors, services
from . import consultation as consult
from .actions import can_act, take_back_allowed
from .models import EDITABLE_STATES, FROZEN_STATES, DraftVersion, Outgoing
from .rows import outgoing_row
from .signature_block import outgoing_signature_block

PAGE_SIZE = 20


def outgoing_of(request: HttpRequest, pk: int) -> Outgoing:
    try:
        return selectors.outgoing_get(actor_of(request), pk=pk)
    except NotFound:
        raise Http404 from None


@login_required
def outgoing_list(request: HttpRequest) -> HttpResponse:
    box = request.GET.get("box") or "todo"
    if box not in selectors.BOXES:
        box = "all"
    q = (request.GET.get("q") or "").strip()[:200]
    actor = actor_of(request)
    counts = person_counts.cached(
        actor.pk, "outgoing", lambda: selectors.outgoing_box_counts(actor, boxes=("todo", "clerk"))
    )
    paginator: Paginator[Outgoing]
    if q:
        paginator = Paginator(selectors.outgoing_box(actor, box=box, q=q), PAGE_SIZE)
    else:  # the box's statement kept compiled; the tab's count when it has one (of the same documents)
        box_rows = selectors.box_rows(actor, box=box, count=counts.get(box))
        paginator = Paginator(cast(Any, box_rows), PAGE_SIZE)  # a count and slices: what Paginator reads
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "outgoing/list.html",
        {
            "page": page,
            "rows": [outgoing_row(o, url=id_url("outgoing:detail", o.pk)) for o in page],
            "box": box,
            "boxes": selectors.BOXES,
            "counts": counts,
            "q": q,
            "can_add_outside": has(actor_of(request), directory_policies.OUTSIDE_AGENCY_MANAGE),
        },
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    agency = agency_of(actor_of(request))
    if agency is None:
        raise Http404
    form = forms.DraftForm(request.POST or None, request.FILES or None, agency=agency)
    status = 200
    kept = _kept_draft_file(request)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            # the file first: a refused file (too large, wrong type, zip bomb) creates no draft
            if d["file"]:
                kept = None  # a newly chosen file replaces the kept one, even when it is refused
                kept = intake(request, d["file"])
            stored = kept
            outgoing = services.outgoing_create(
                actor=actor_of(request),
                data=services.DraftData(
                    doc_type=d["doc_type"],
                    subject=d["subject"],
                    signer=d["signer"],
                    competence=d["competence"] or "",
                    urgency=d["urgency"],
                    secrecy=d["secrecy"] or "",
                    due_date=d["due_date"],
                    drafter_initials=d["drafter_initials"],
                    copy_count=d["copy_count"],
                    recipients=list(d["recipients"]),
                    free_recipients=d["free_recipients"],
                    paper_recipients=d["paper_recipients"],
                    description=d["description"],
                    assigns_tasks=d["assigns_tasks"],
                ),
            )
            if stored is not None:
                services.version_upload(actor=actor_of(request), outgoing=outgoing, stored_file=stored, kind="main")
            messages.success(request, _("Đã tạo dự thảo."))
            return redirect("outgoing:detail", outgoing.pk)
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = exc.status_code
    context = {"form": form, "title": _("Soạn văn bản đi"), "kept": kept}
    return render(request, "outgoing/form.html", context, status=status)


def _kept_draft_file(request: HttpRequest) -> StoredFile | None:
    """The file chosen on a submission that was refused (a past "Hạn trả lời"…): the browser forgets a chosen
    file, so the form keeps it (issue 8) — by the one rule of ``files.kept``; "used" means a draft holds it."""
    raw = request.POST.get("kept_file", "") if request.method == "POST" else ""
    if not raw.isdigit() or len(raw) > 12:
        return None
    used = DraftVersion.objects.values("stored_file_id")
    return kept_upload_find(actor=actor_of(request), file_id=int(raw), used=used)


def intake(request: HttpRequest, uploaded: Any) -> StoredFile:
    return file_intake(
        actor=actor_of(request),
        stream=uploaded,
        original_name=uploaded.name,
        channel="web",
        declared_size=uploaded.size,
    )


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the draft's information (subject, recipients, signer, …) while it may be changed — the same
    rule as a new version of the file; after an approval the chain starts again."""
    outgoing = outgoing_of(request, pk)
    if "edit" not in can_act(actor_of(request), outgoing):
        messages.error(request, _("Chỉ người soạn thảo hoặc người đang duyệt mới sửa được dự thảo, trước khi ký."))
        return redirect("outgoing:detail", pk)
    doc = outgoing.document
    initial = {
        "doc_type": doc.doc_type_id,
        "subject": doc.subject,
        "recipients": [r.unit_id for r in outgoing.recipients.all()],
        "free_recipients": outgoing.free_recipients,
        "paper_recipients": outgoing.paper_recipients,
        "signer": outgoing.signer_id,
        "competence": outgoing.competence,
        "urgency": doc.urgency,
        "due_date": doc.due_date,
        "drafter_initials": outgoing.drafter_initials,
        "copy_count": outgoing.copy_count,
        "description": doc.description,
        "assigns_tasks": doc.assigns_tasks,
    }
    form = forms.DraftForm(request.POST or None, initial=initial, agency=doc.agency, editing=True)
    if doc.due_date is not None and doc.due_date < timezone.localdate():
        form.fields["due_date"].widget.attrs.pop("min", None)  # an unchanged past date does not block the rest
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        same_signer = d["signer"].pk == outgoing.signer_id
        try:
            services.outgoing_update(
                actor=actor_of(request),
                outgoing=outgoing,
                data=services.DraftData(
                    doc_type=d["doc_type"],
                    subject=d["subject"],
                    signer=d["signer"],
                    competence=d["competence"] or "",
                    signer_position=doc.signer_position if same_signer else "",
                    urgency=d["urgency"],
                    due_date=d["due_date"],
                    answers=outgoing.answers,
                    drafter_initials=d["drafter_initials"],
                    copy_count=d["copy_count"],
                    recipients=list(d["recipients"]),
                    free_recipients=d["free_recipients"],
                    paper_recipients=d["paper_recipients"],
                    description=d["description"],
                    assigns_tasks=d["assigns_tasks"],
                ),
            )
            messages.success(request, _("Đã lưu thông tin dự thảo."))
            return redirect("outgoing:detail", pk)
        except DomainError as exc:
            form.add_error(None, exc.message)
    return render(request, "outgoing/form.html", {"form": form, "title": _("Sửa thông tin dự thảo"), "o": outgoing})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return detail_page(request, outgoing_of(request, pk))


@functools.lru_cache(maxsize=8)
def _upload_fields(language: str | None) -> SafeString:
    """The upload form's fields, the same for every draft: rendered once per language and process."""
    return mark_safe(render_to_string("web/_form_fields.html", {"form": forms.UploadForm()}))  # noqa: S308


def _version_rows(outgoing: Outgoing) -> list[dict[str, Any]]:
    """Each version with its conversion state and, for the draft's versions, what changed in the metadata
    since the previous one."""
    rows: list[dict[str, Any]] = []
    previous: dict[str, Any] = {}
    for version in page_reads.versions_shown(outgoing):
        changes: dict[str, str] = {}
        if version.kind == "main":
            changes = {
                services.METADATA_LABELS.get(k, k): services.metadata_value(v)
                for k, v in version.metadata.items()
                if previous and previous.get(k) != v
            }
            previous = version.metadata
        rows.append({"version": version, "conversion": services.conversion_status(version), "changes": changes})
    return rows


def _comment_threads(outgoing: Outgoing) -> list[dict[str, Any]]:
    comments = page_reads.comments_shown(outgoing)
    return [
        {"comment": c, "replies": [r for r in comments if r.parent_id == c.pk]} for c in comments if c.parent_id is None
    ]


def detail_page(request: HttpRequest, outgoing: Outgoing, *, status: int = 200) -> HttpResponse:
    """The document's page (``status``: 422 when a posted action's input did not parse)."""
    actions = can_act(actor_of(request), outgoing)
    versions = _version_rows(outgoing)
    deliveries = page_reads.deliveries_shown(outgoing)
    receipts: dict[int, list[Any]] = {}
    # "đã xem" on the recipients' copies (the reader sees the document: ``outgoing_of`` found it)
    for r in page_reads.copies_receipts_shown(outgoing) if deliveries else []:
        receipts.setdefault(r.document_id or 0, []).append(r)
    for d in deliveries:
        d.seen_rows = receipts.get(d.incoming_document_id or -1, [])  # type: ignore[attr-defined]
    shown_recipients = page_reads.recipients_shown(outgoing)
    return render(
        request,
        "outgoing/detail.html",
        {
            "o": outgoing,
            "doc": outgoing.document,
            "actions": actions,
            "versions": versions,
            "converting": any(row["conversion"]["conversion"] == "pending" for row in versions),
            "steps": page_reads.steps_shown(outgoing),
            "signature_block": outgoing_signature_block(outgoing),
            "roots": _comment_threads(outgoing),
            "deliveries": deliveries,
            "progress": issue_progress(outgoing.document) if deliveries else None,
            "take_back_ids": take_back_allowed(actor_of(request), outgoing, deliveries)
            if "take_back" in actions
            else set(),
            "events": [(e, event_label(e.action)) for e in page_reads.events_shown(outgoing)],
            # only the forms the page shows (a form copies its fields when it is made)
            "upload_fields": _upload_fields(get_language()) if "upload" in actions else "",
            "format_form": forms.FormatForm() if "format_check" in actions else None,
            "sign_usb": "sign" in actions and services.signs_at_desk(actor_of(request)),
            "recipients": shown_recipients,
            "follow_up": page_reads.follow_up_shown(outgoing),
            "summary": recipients.recipients_summary(outgoing, rows=shown_recipients)
            if outgoing.state not in FROZEN_STATES
            else None,
            "may_fix": "recipient" in actions,
            "fix_units": Unit.objects.filter(kind="agency", is_active=True)
            .exclude(pk=outgoing.document.agency_id)
            .order_by("external", "name"),
            **consultation_context(actor_of(request), outgoing),
        },
        status=status,
    )


def consultation_context(user: User, outgoing: Outgoing) -> dict[str, Any]:
    """The consultation rounds shown on the document's page, and the forms to open, answer and extend one."""
    rounds, full = selectors.consultations_shown(user, outgoing=outgoing)
    shown: list[dict[str, Any]] = []
    for c in rounds:
        answers = list(c.answers.select_related("user__unit", "stored_file").order_by("user__full_name", "id"))
        mine = next((a for a in answers if a.user_id == user.pk), None)
        shown.append(
            {
                "c": c,
                "answers": answers if full else [a for a in answers if a is mine],
                "mine": mine,
                "summary": consult.summary_counts(c) if full else None,
            }
        )
    may_open = (
        user.pk == outgoing.drafter_id and outgoing.state in EDITABLE_STATES and not any(r["c"].is_open for r in shown)
    )
    return {
        "rounds": shown,
        "rounds_full": full,
        "is_drafter": user.pk == outgoing.drafter_id,
        "consult_form": forms.ConsultationForm(agency=outgoing.document.agency, drafter=outgoing.drafter)
        if may_open
        else None,
        "answer_form": forms.AnswerForm() if any(r["mine"] and r["c"].is_open for r in shown) else None,
    }


@login_required
@gone_when_disposed
def file_download(request: HttpRequest, pk: int, file_id: int) -> FileResponse:
    """A file of this document: a version, its PDF, or the signed PDF."""
    outgoing = outgoing_of(request, pk)
    allowed = {outgoing.signed_pdf_id}
    for stored_id, pdf_id in outgoing.versions.values_list("stored_file_id", "pdf_id"):
        allowed.update({stored_id, pdf_id})
    if file_id not in allowed:
        raise Http404
    stored = StoredFile.objects.select_related("blob").get(pk=file_id)
    return file_response(file_open(actor=actor_of(request), stored_file=stored, authorised=True))


def as_page(request: HttpRequest, make: Any) -> HttpResponse:
    try:
        response: HttpResponse = make()
        return response
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(request.META.get("HTTP_REFERER") or "outgoing:list")


# --- Sổ đăng ký văn bản đi ---------------------------------------------------------------------------


@login_required
def register(request: HttpRequest) -> HttpResponse:
    form = forms.RegisterForm(request.GET or None)
    if request.GET.get("format") and form.is_valid():
        d = form.cleaned_data
        return as_page(
            request,
            lambda: api_registers.register_export(
                actor_of(request),
                date_from=d["date_from"],
                date_to=d["date_to"],
                fmt=request.GET["format"],
                book=request.GET.get("book") or "register",
            ),
        )
    return render(request, "outgoing/register.html", {"form": form})
