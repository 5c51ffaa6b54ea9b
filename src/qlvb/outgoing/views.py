"""Pages of the outgoing flow. Each view parses input, calls one selector or service, renders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qlvb.core.errors import DomainError, NotFound
from qlvb.core.permissions import has
from qlvb.directory.models import Unit, User
from qlvb.documents.events import event_label
from qlvb.files.intake import file_intake
from qlvb.files.kept import kept_upload_find
from qlvb.files.models import StoredFile
from qlvb.files.responses import file_response
from qlvb.files.services import file_open

from . import api as outgoing_api
from . import consultation as consult
from . import followup, forms, recipients, selectors, services
from .actions import can_act
from .models import EDITABLE_STATES, FROZEN_STATES, Comment, DraftVersion, Outgoing, ReplyFollowUp

PAGE_SIZE = 20


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # every view here is behind login_required
    return user


def _get(request: HttpRequest, pk: int) -> Outgoing:
    try:
        return selectors.outgoing_get(request.user, pk)
    except NotFound:
        raise Http404 from None


@login_required
def outgoing_list(request: HttpRequest) -> HttpResponse:
    box = request.GET.get("box") or "todo"
    if box not in selectors.BOXES:
        box = "all"
    q = (request.GET.get("q") or "").strip()[:200]
    page = Paginator(selectors.outgoing_box(request.user, box, q), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = {key: selectors.outgoing_box(request.user, key).count() for key in ("todo", "clerk")}
    return render(
        request,
        "outgoing/list.html",
        {
            "page": page,
            "box": box,
            "boxes": selectors.BOXES,
            "counts": counts,
            "q": q,
            "can_add_outside": has(request.user, "directory.outside_agency_manage"),
        },
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    unit = getattr(request.user, "unit", None)
    if unit is None:
        raise Http404
    agency = unit.agency or unit
    form = forms.DraftForm(request.POST or None, request.FILES or None, agency=agency)
    status = 200
    kept = _kept_draft_file(request)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            # the file first: a refused file (too large, wrong type, zip bomb) creates no draft
            if d["file"]:
                kept = None  # a newly chosen file replaces the kept one, even when it is refused
                kept = _intake(request, d["file"])
            stored = kept
            outgoing = services.outgoing_create(
                actor=request.user,
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
                ),
            )
            if stored is not None:
                services.version_upload(actor=request.user, outgoing=outgoing, stored_file=stored, kind="main")
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
    return kept_upload_find(actor=request.user, file_id=int(raw), used=used)


def _intake(request: HttpRequest, uploaded: Any) -> StoredFile:
    return file_intake(
        actor=request.user, stream=uploaded, original_name=uploaded.name, channel="web", declared_size=uploaded.size
    )


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the draft's information (subject, recipients, signer, …) while it may be changed — the same
    rule as a new version of the file; after an approval the chain starts again."""
    outgoing = _get(request, pk)
    if "edit" not in can_act(_actor(request), outgoing):
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
    }
    form = forms.DraftForm(request.POST or None, initial=initial, agency=doc.agency, editing=True)
    if doc.due_date is not None and doc.due_date < timezone.localdate():
        form.fields["due_date"].widget.attrs.pop("min", None)  # an unchanged past date does not block the rest
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        same_signer = d["signer"].pk == outgoing.signer_id
        try:
            services.outgoing_update(
                actor=request.user,
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
                ),
            )
            messages.success(request, _("Đã lưu thông tin dự thảo."))
            return redirect("outgoing:detail", pk)
        except DomainError as exc:
            form.add_error(None, exc.message)
    return render(request, "outgoing/form.html", {"form": form, "title": _("Sửa thông tin dự thảo"), "o": outgoing})


def _upload(request: HttpRequest, outgoing: Outgoing, uploaded: Any, kind: str, note: str) -> None:
    """The draft's file: taken in (zip guard included), checked, stored; its PDF is made by a Celery task
    after the commit (the page shows “Đang chuyển sang PDF…” until then)."""
    services.version_upload(
        actor=request.user, outgoing=outgoing, stored_file=_intake(request, uploaded), kind=kind, note=note
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    outgoing = _get(request, pk)
    actions = can_act(_actor(request), outgoing)
    versions = list(outgoing.versions.select_related("stored_file__blob", "stored_file__conversion", "uploaded_by"))
    previous: dict[str, Any] = {}
    for version in versions:
        version.conversion = services.conversion_status(version)  # type: ignore[attr-defined]  # what changed in the metadata since the previous version
        if version.kind == "main":
            version.changes = {  # type: ignore[attr-defined]
                services.METADATA_LABELS.get(k, k): services.metadata_value(v)
                for k, v in version.metadata.items()
                if previous and previous.get(k) != v
            }
            previous = version.metadata
    comments = list(outgoing.comments.select_related("author"))
    for comment in comments:
        comment.reply_list = [r for r in comments if r.parent_id == comment.pk]  # type: ignore[attr-defined]
    return render(
        request,
        "outgoing/detail.html",
        {
            "o": outgoing,
            "doc": outgoing.document,
            "actions": actions,
            "versions": versions,
            "converting": any(v.conversion["conversion"] == "pending" for v in versions),  # type: ignore[attr-defined]
            "steps": outgoing.steps.select_related("user", "decided_by"),
            "roots": [c for c in comments if c.parent_id is None],
            "deliveries": outgoing.document.deliveries.prefetch_related("changes"),
            "events": [(e, event_label(e.action)) for e in outgoing.document.events.all()],
            "upload_form": forms.UploadForm(),
            "comment_form": forms.CommentForm(),
            "reason_form": forms.ReasonForm(),
            "format_form": forms.FormatForm(),
            "pin_form": forms.PinForm(),
            "sign_usb": "sign" in actions and services.signs_at_desk(request.user),
            "recipients": outgoing.recipients.select_related("unit"),
            "follow_up": ReplyFollowUp.objects.filter(outgoing=outgoing).first(),
            "summary": recipients.recipients_summary(outgoing) if outgoing.state not in FROZEN_STATES else None,
            "may_fix": "recipient" in actions,
            "fix_units": Unit.objects.filter(kind="agency", is_active=True)
            .exclude(pk=outgoing.document.agency_id)
            .order_by("external", "name"),
            **_consultation_context(request, outgoing),
        },
    )


def _consultation_context(request: HttpRequest, outgoing: Outgoing) -> dict[str, Any]:
    user = request.user
    rounds, full = selectors.consultations_for(user, outgoing)
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
        "answer_form": forms.AnswerForm(),
        "deadline_form": forms.DeadlineForm(),
    }


ACTIONS = {
    "upload",
    "convert_retry",
    "comment",
    "submit",
    "approve",
    "return",
    "format_check",
    "sign",
    "number",
    "sign_agency",
    "issue",
    "revoke",
    "replace",
    "followup_close",
    "recipient",
}


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    outgoing = _get(request, pk)
    if action not in ACTIONS:
        raise Http404
    user, post = request.user, request.POST
    target = outgoing.pk
    try:
        if action == "upload":
            upload = forms.UploadForm(post, request.FILES)
            if not upload.is_valid():
                raise DomainError(_("Cần chọn tệp dự thảo."))
            _upload(
                request, outgoing, upload.cleaned_data["file"], upload.cleaned_data["kind"], upload.cleaned_data["note"]
            )
        elif action == "convert_retry":
            version = outgoing.versions.select_related("stored_file").filter(pk=post.get("version") or 0).first()
            if version is None:
                raise Http404
            services.version_convert_retry(actor=user, version=version)
        elif action == "comment":
            parent = Comment.objects.filter(pk=post.get("parent") or 0, outgoing=outgoing).first()
            services.comment_add(actor=user, outgoing=outgoing, text=post.get("text", ""), parent=parent)
        elif action == "submit":
            services.outgoing_submit(actor=user, outgoing=outgoing)
        elif action == "approve":
            services.outgoing_approve(actor=user, outgoing=outgoing, comment=post.get("comment", ""))
        elif action == "return":
            services.outgoing_return(actor=user, outgoing=outgoing, comment=post.get("comment", ""))
        elif action == "format_check":
            checks = {k: post.get(f"check_{k}") == "on" for k in services.FORMAT_CHECKLIST}
            services.outgoing_format_check(
                actor=user, outgoing=outgoing, checks=checks, comment=post.get("comment", "")
            )
        elif action == "sign":
            services.outgoing_sign(
                actor=user,
                outgoing=outgoing,
                pin=post.get("pin", ""),
                version_id=int(post["version"]) if post.get("version") else None,
            )
        elif action == "number":
            services.outgoing_number(actor=user, outgoing=outgoing)
        elif action == "sign_agency":
            services.outgoing_sign_agency(actor=user, outgoing=outgoing, pin=post.get("pin", ""))
        elif action == "issue":
            services.outgoing_issue(
                actor=user, outgoing=outgoing, accept_unreachable=post.get("accept_unreachable") == "on"
            )
        elif action == "recipient":
            unit = Unit.objects.filter(pk=post.get("unit") or 0).first() if post.get("fix") == "match" else None
            if post.get("fix") == "match" and unit is None:
                raise DomainError(_("Hãy chọn cơ quan trong danh bạ."))
            recipients.recipient_fix(
                actor=user, outgoing=outgoing, name=post.get("name", ""), action=post.get("fix", ""), unit=unit
            )
        elif action == "revoke":
            services.outgoing_revoke(actor=user, outgoing=outgoing, reason=post.get("comment", ""))
        elif action == "replace":
            target = services.outgoing_replacement_start(actor=user, outgoing=outgoing).pk
        elif action == "followup_close":
            followup.reply_followup_close(actor=user, outgoing=outgoing, note=post.get("comment", ""))
        messages.success(request, _("Đã thực hiện."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("outgoing:detail", target)


@login_required
def file_download(request: HttpRequest, pk: int, file_id: int) -> FileResponse:
    """A file of this document: a version, its PDF, or the signed PDF."""
    outgoing = _get(request, pk)
    allowed = {outgoing.signed_pdf_id}
    for stored_id, pdf_id in outgoing.versions.values_list("stored_file_id", "pdf_id"):
        allowed.update({stored_id, pdf_id})
    if file_id not in allowed:
        raise Http404
    stored = StoredFile.objects.select_related("blob").get(pk=file_id)
    return file_response(file_open(actor=request.user, stored_file=stored, authorised=True))


# --- consultation (lấy ý kiến) -----------------------------------------------------------------------


@login_required
@require_POST
def consultation_open(request: HttpRequest, pk: int) -> HttpResponse:
    outgoing = _get(request, pk)
    form = forms.ConsultationForm(request.POST, agency=outgoing.document.agency, drafter=outgoing.drafter)
    if not form.is_valid():
        messages.error(request, _("Cần chọn người góp ý và hạn góp ý (dd/mm/yyyy)."))
        return redirect("outgoing:detail", pk)
    try:
        consult.consultation_open(
            actor=request.user,
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
    outgoing = _get(request, pk)
    try:
        found, _full = selectors.consultation_get(request.user, outgoing, cid)
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
                    actor=request.user,
                    stream=uploaded,
                    original_name=uploaded.name,
                    channel="web",
                    declared_size=uploaded.size,
                )
                if uploaded
                else None
            )
            consult.consultation_answer(
                actor=request.user,
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
                actor=request.user, consultation=found, deadline=deadline_form.cleaned_data["deadline"]
            )
            messages.success(request, _("Đã gia hạn."))
        elif action == "ket-thuc":
            consult.consultation_close(actor=request.user, consultation=found)
            messages.success(request, _("Đã kết thúc lấy ý kiến."))
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("outgoing:detail", pk)


def _as_page(request: HttpRequest, make: Any) -> HttpResponse:
    try:
        response: HttpResponse = make()
        return response
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(request.META.get("HTTP_REFERER") or "outgoing:list")


@login_required
def consultation_export(request: HttpRequest, pk: int, cid: int, fmt: str) -> HttpResponse:
    outgoing = _get(request, pk)
    try:
        found, full = selectors.consultation_get(request.user, outgoing, cid)
    except NotFound:
        raise Http404 from None
    return _as_page(request, lambda: outgoing_api.summary_export(request.user, found, full=full, fmt=fmt))


# --- Sổ đăng ký văn bản đi ---------------------------------------------------------------------------


@login_required
def register(request: HttpRequest) -> HttpResponse:
    form = forms.RegisterForm(request.GET or None)
    if request.GET.get("format") and form.is_valid():
        d = form.cleaned_data
        return _as_page(
            request,
            lambda: outgoing_api.register_export(
                request.user,
                date_from=d["date_from"],
                date_to=d["date_to"],
                fmt=request.GET["format"],
                book=request.GET.get("book") or "register",
            ),
        )
    return render(request, "outgoing/register.html", {"form": form})
