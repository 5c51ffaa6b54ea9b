"""Pages of the incoming flow. Each view parses input, calls one selector or service, renders."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qlvb.assignments.models import AssignmentRole, ExtensionStatus
from qlvb.core.errors import DomainError, NotFound
from qlvb.core.permissions import has
from qlvb.core.reversing import id_url
from qlvb.core.statements import KeptStatement
from qlvb.directory.models import User
from qlvb.directory.selectors import acting_user, agency_of
from qlvb.documents import seen
from qlvb.documents.events import event_label
from qlvb.documents.models import Attachment, Document, DocumentEvent, SignatureState
from qlvb.documents.secrecy import secrecy_refuse
from qlvb.files.intake import file_intake
from qlvb.files.models import StoredFile
from qlvb.files.photos import photos_intake
from qlvb.files.responses import file_response, gone_when_disposed
from qlvb.files.services import file_open

from . import forms, policies, preconditions, selectors, services, verification
from .fields import INCOMING_FIELDS
from .receiving import DuplicateWarning, is_registration_late
from .rows import assignment_item, document_row, timeline_item

PAGE_SIZE = 20

# The document page's history and files, on every opening: kept compiled (core/statements.py), the same rows
# as ``doc.events.all()`` and ``doc.attachments.select_related(...)``.
_EVENTS: KeptStatement[DocumentEvent] = KeptStatement(
    "incoming.events", lambda document_id: DocumentEvent.objects.filter(document_id=document_id), document_id=int
)
_ATTACHMENTS: KeptStatement[Attachment] = KeptStatement(
    "incoming.attachments",
    lambda document_id: Attachment.objects.filter(document_id=document_id).select_related(
        "stored_file__blob", "added_by"
    ),
    document_id=int,
)


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    keys, counts = selectors.boxes_with_counts(user)
    box = request.GET.get("box") or keys[0]
    if box not in keys:
        box = "all"
    form = forms.FilterForm(request.GET or None)
    filters = None
    if form.is_valid():
        d = form.cleaned_data
        filters = selectors.Filters(
            q=d["q"],
            status=d["status"],
            urgency=d["urgency"],
            date_from=d["date_from"],
            date_to=d["date_to"],
            doc_type=d["doc_type"].pk if d["doc_type"] else None,
            organ=d["organ"],
            assigns_tasks=d["assigns_tasks"],
        )
    sort = request.GET.get("sort", "")
    if sort not in selectors.SORTS:
        sort = ""
    # The box's statement, filtered or not, kept compiled (core/statements.py); unfiltered, its count is the
    # tab's (kept per person, core/person_counts.py): the same documents, so no COUNT of the page's own.
    narrowed = filters is not None and filters.narrows()
    box_rows = selectors.box_rows(
        user, key=box, sort=sort, filters=filters, count=None if narrowed else counts.get(box)
    )
    paginator: Paginator[Document] = Paginator(cast(Any, box_rows), PAGE_SIZE)  # a count and slices, as it reads
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    today = timezone.localdate()
    return render(
        request,
        "incoming/list.html",
        {
            "page": page,
            "rows": [
                document_row(doc, late=is_registration_late(doc, today=today), url=id_url("incoming:detail", doc.pk))
                for doc in page
            ],
            "form": form,
            "box": box,
            "sort": sort,
            "sorts": list(selectors.SORTS.items()),
            "query": params.urlencode(),
            "boxes": [(k, selectors.INBOXES[k][0]) for k in keys],
            "counts": counts,
            "can_receive": has(user, policies.RECEIVE, unit=agency_of(user)),
            "can_report": has(user, policies.REPORT, unit=agency_of(user)),
        },
    )


def _take_in(request: HttpRequest, d: dict[str, Any], files: list[services.IncomingFile]) -> None:
    """Store the chosen files through the one intake (or take back those kept from an earlier submission)."""
    for field, kind in (("main_file", "main"), ("appendix", "appendix")):
        upload = d.get(field)
        if kind == "main" and d.get("photos"):  # pages photographed with the phone: one scanned PDF
            stored = photos_intake(actor=acting_user(request), photos=d["photos"])
        elif upload:
            stored = file_intake(
                actor=acting_user(request),
                stream=upload,
                original_name=upload.name,
                channel="scan" if d["channel"] == "paper" else "web",
                declared_size=upload.size,
            )
        elif kind in d["kept_files"]:  # taken in on the submission that raised the warning or the error
            stored = services.kept_upload_get(actor=acting_user(request), file_id=d["kept_files"][kind])
        else:
            continue
        files.append(services.IncomingFile(stored, kind=kind))


def _form_again(request: HttpRequest, files: list[services.IncomingFile], *, confirm: bool) -> forms.ReceiveForm:
    """The form shown again after a warning or a refusal: the chosen files are already stored, so it carries
    their references (a browser never refills a file input) and the clerk need not choose them again."""
    again = request.POST.copy()
    if confirm:
        again["confirm_duplicate"] = "True"
    again["kept_files"] = ",".join(f"{f.kind}:{f.stored_file.pk}" for f in files)
    form = forms.ReceiveForm(again)
    form.is_valid()
    return form


@login_required
def receive(request: HttpRequest) -> HttpResponse:
    agency = agency_of(acting_user(request))
    if agency is None or not has(acting_user(request), policies.RECEIVE, unit=agency):
        raise Http404
    form = forms.ReceiveForm(request.POST or None, request.FILES or None)
    duplicate = None
    status = 422 if request.method == "POST" and not form.is_valid() else 200
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        files: list[services.IncomingFile] = []
        try:
            secrecy_refuse(d["secrecy"])
            _take_in(request, d, files)
            data = services.IncomingData(**{name: d[name] for name in INCOMING_FIELDS})
            result = services.incoming_receive(
                actor=acting_user(request),
                agency=agency,
                channel=d["channel"],
                data=data,
                files=files,
                confirm_duplicate=d["confirm_duplicate"],
                register=not d["defer_registration"],
                assigns_tasks=d["assigns_tasks"],
            )
        except DuplicateWarning as warning:
            duplicate = warning.earlier
            form = _form_again(request, files, confirm=True)
            messages.warning(request, warning.message)
        except DomainError as exc:
            status = exc.status_code
            form = _form_again(request, files, confirm=False)
            field = str(exc.details.get("field", ""))
            if field in form.fields:
                form.add_error(field, exc.message)
            messages.error(request, exc.message)
        else:
            if result.document.arrival_number:
                messages.success(
                    request, _("Đã vào sổ văn bản đến, số đến %(n)s.") % {"n": result.document.arrival_number}
                )
            else:
                messages.success(request, _("Đã tiếp nhận văn bản; vào sổ sau khi xem kết quả kiểm tra chữ ký số."))
            return redirect("incoming:detail", pk=result.document.pk)
    return render(
        request,
        "incoming/receive.html",
        {"form": form, "duplicate": duplicate, "kept": _kept_names(acting_user(request), form)},
        status=status,
    )


def _kept_names(user: User, form: forms.ReceiveForm) -> list[str]:
    """Names of the files the form carries over (the user's own uploads only), to show them on the page."""
    value = form.data.get("kept_files", "") if form.is_bound else ""
    ids = [int(p.partition(":")[2]) for p in value.split(",") if p.partition(":")[2].isdigit()]
    if not ids:
        return []
    return list(StoredFile.objects.filter(pk__in=ids, uploaded_by=user).values_list("name", flat=True))


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        doc = selectors.document_get(acting_user(request), pk=pk)
    except NotFound:
        raise Http404 from None
    user = acting_user(request)
    seen.document_seen_on_open(actor=user, document=doc)  # when the agency takes receipts on opening
    receipts = {r.user_id: r for r in seen.document_receipts_shown(doc)}  # doc: found visible above
    assignments = selectors.assignments_shown(doc)
    rows: list[dict[str, Any]] = [
        {
            "a": a,
            "actions": preconditions.assignment_actions(acting_user(request), a),
            "pending_extension": next((e for e in a.extensions.all() if e.status == ExtensionStatus.PENDING), None),
            "seen": receipts.get(a.user_id) if a.user_id is not None else None,
        }
        for a in assignments
    ]
    for row in rows:
        ext = row["pending_extension"]
        row["can_decide"] = ext is not None and policies.can_decide_extension(acting_user(request), row["a"])
        row["html"] = assignment_item(row)
    history = _EVENTS.fetch(via=doc, document_id=doc.pk)  # in order (created_at, id): the last rejection is read
    timeline = [timeline_item(e, event_label(e.action)) for e in history]
    return render(
        request,
        "incoming/detail.html",
        {
            **_files_context(acting_user(request), doc),
            "rows": rows,
            "timeline": timeline,
            "actions": preconditions.document_actions(acting_user(request), doc),
            "late": is_registration_late(doc),
            "roles": AssignmentRole,
            "rejection": next((e for e in reversed(history) if e.action == "rejected"), None),
            "my_receipt": receipts.get(user.pk),
            # a receipt of his is already read: no button, no query
            "may_mark_seen": user.pk not in receipts and seen.may_mark_seen(user, doc),
        },
    )


@require_POST
@login_required
def mark_seen(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Đánh dấu đã xem": the recipient's receipt, taken once."""
    try:
        doc = selectors.document_get(acting_user(request), pk=pk)
        seen.document_seen_mark(actor=acting_user(request), document=doc)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã ghi nhận: bạn đã xem văn bản này."))
    return redirect("incoming:detail", pk=pk)


def _files_context(user: User, doc: Document) -> dict[str, Any]:
    attachments = _ATTACHMENTS.fetch(via=doc, document_id=doc.pk)
    current = [a for a in attachments if a.superseded_at is None]
    verdicts = verification.verdicts_for(current)
    return {
        "doc": doc,
        # each file with its verdict and its earlier versions, newest first (kept, downloadable)
        "files": [
            (
                a,
                verdicts.get(a.pk),
                sorted((o for o in attachments if o.ordinal == a.ordinal and o.pk != a.pk), key=lambda o: -o.version),
            )
            for a in current
        ],
        "pending": any(v.state == SignatureState.PENDING for v in verdicts.values()),
        "can_verify": has(user, policies.VERIFY, unit=doc.agency),
    }


@login_required
def files_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    """The files and their signature verdicts (the document page polls it while a check is running)."""
    try:
        doc = selectors.document_get(acting_user(request), pk=pk)
    except NotFound:
        raise Http404 from None
    return render(request, "incoming/_files.html", _files_context(acting_user(request), doc))


@require_POST
@login_required
def verify_again(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    try:
        doc = selectors.document_get(acting_user(request), pk=pk)
    except NotFound:
        raise Http404 from None
    attachment = doc.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    try:
        services.attachment_verify_again(actor=acting_user(request), attachment=attachment)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đang kiểm tra lại chữ ký số của tệp %(name)s.") % {"name": attachment.name})
    return redirect("incoming:detail", pk=doc.pk)


@login_required
@gone_when_disposed
def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    try:
        doc = selectors.document_get(acting_user(request), pk=pk)
    except NotFound:
        raise Http404 from None
    attachment = doc.attachments.select_related("stored_file__blob").filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    opened = file_open(actor=acting_user(request), stored_file=attachment.stored_file, authorised=True, purpose="view")
    return file_response(opened)  # a download with a sandbox policy, never inline (issue 9)
