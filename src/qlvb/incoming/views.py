"""Pages of the incoming flow. Each view parses input, calls one selector or service, renders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qlvb.assignments.models import Assignment, AssignmentRole, AssignmentStatus, Extension, ExtensionStatus
from qlvb.core.errors import DomainError, NotFound
from qlvb.core.permissions import has
from qlvb.directory.models import Unit, User
from qlvb.documents.events import event_label
from qlvb.documents.models import Document, DocumentStatus, SignatureState
from qlvb.files.intake import file_intake
from qlvb.files.models import StoredFile
from qlvb.files.responses import file_response
from qlvb.files.services import file_open

from . import forms, policies, reports, selectors, services, verification
from .handling import can_act
from .receiving import DuplicateWarning, is_registration_late, refuse_secret

PAGE_SIZE = 20


def _target(value: str, role: str, due: Any) -> services.Target:
    kind, _sep, pk = value.partition(":")
    if kind == "u":
        return services.Target(role=role, unit=Unit.objects.filter(pk=pk).first(), due_date=due)
    return services.Target(role=role, user=User.objects.select_related("unit").filter(pk=pk).first(), due_date=due)


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    keys = selectors.inboxes_for(user)
    box = request.GET.get("box") or keys[0]
    if box not in keys:
        box = "all"
    query = selectors.inbox(user, box)
    form = forms.FilterForm(request.GET or None)
    if form.is_valid():
        d = form.cleaned_data
        query = selectors.apply_filters(
            query,
            selectors.Filters(
                q=d["q"],
                status=d["status"],
                urgency=d["urgency"],
                date_from=d["date_from"],
                date_to=d["date_to"],
                doc_type=d["doc_type"].pk if d["doc_type"] else None,
                organ=d["organ"],
            ),
        )
    page = Paginator(selectors.document_list(query, user), PAGE_SIZE).get_page(request.GET.get("page"))
    for doc in page:
        doc.late = is_registration_late(doc)  # type: ignore[attr-defined]
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "incoming/list.html",
        {
            "page": page,
            "form": form,
            "box": box,
            "query": params.urlencode(),
            "boxes": [(k, selectors.INBOXES[k][0]) for k in keys],
            "counts": selectors.inbox_counts(user, keys),
            "can_receive": has(user, "incoming.receive", unit=_agency(user)),
            "can_report": has(user, "incoming.report", unit=_agency(user)),
        },
    )


def _agency(user: Any) -> Unit | None:
    unit = getattr(user, "unit", None)
    return unit.agency if unit is not None else None


def _take_in(request: HttpRequest, d: dict[str, Any], files: list[services.IncomingFile]) -> None:
    """Store the chosen files through the one intake (or take back those kept from an earlier submission)."""
    for field, kind in (("main_file", "main"), ("appendix", "appendix")):
        upload = d.get(field)
        if upload:
            stored = file_intake(
                actor=request.user,
                stream=upload,
                original_name=upload.name,
                channel="scan" if d["channel"] == "paper" else "web",
                declared_size=upload.size,
            )
        elif kind in d["kept_files"]:  # taken in on the submission that raised the warning or the error
            stored = services.kept_upload_get(actor=request.user, file_id=d["kept_files"][kind])
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
    agency = _agency(request.user)
    if agency is None or not has(request.user, "incoming.receive", unit=agency):
        raise Http404
    form = forms.ReceiveForm(request.POST or None, request.FILES or None)
    duplicate = None
    status = 422 if request.method == "POST" and not form.is_valid() else 200
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        files: list[services.IncomingFile] = []
        try:
            refuse_secret(d["secrecy"])
            _take_in(request, d, files)
            data = services.IncomingData(
                **{
                    k: d[k]
                    for k in (
                        "doc_type",
                        "subject",
                        "organ_name",
                        "code_number",
                        "code_notation",
                        "issued_date",
                        "organ_id",
                        "language",
                        "page_amount",
                        "description",
                        "signer_position",
                        "signer_name",
                        "urgency",
                        "secrecy",
                        "to_places",
                        "due_date",
                        "document_identifier",
                    )
                }
            )
            result = services.incoming_receive(
                actor=request.user,
                agency=agency,
                channel=d["channel"],
                data=data,
                files=files,
                confirm_duplicate=d["confirm_duplicate"],
                register=not d["defer_registration"],
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
        {"form": form, "duplicate": duplicate, "kept": _kept_names(request.user, form)},
        status=status,
    )


def _kept_names(user: Any, form: forms.ReceiveForm) -> list[str]:
    """Names of the files the form carries over (the user's own uploads only), to show them on the page."""
    value = form.data.get("kept_files", "") if form.is_bound else ""
    ids = [int(p.partition(":")[2]) for p in value.split(",") if p.partition(":")[2].isdigit()]
    if not ids:
        return []
    return list(StoredFile.objects.filter(pk__in=ids, uploaded_by=user).values_list("name", flat=True))


def _assignment_actions(user: Any, a: Assignment, doc: Document) -> list[str]:
    actions = []
    is_open = a.is_open and doc.status != DocumentStatus.COMPLETED
    # Whoever gave the task follows it up (đôn đốc, gia hạn); the handling buttons are for the assignee
    # and the department's leader, not for the leader who assigned it (the services would allow him).
    assigner = a.assigned_by_id == user.pk and not policies.is_assignee(user, a)
    handler = not assigner and (
        policies.is_assignee(user, a) or (a.user_id is None and policies.can_assign_in(user, a))
    )
    if is_open and handler and a.user_id is None and not a.children.exists():
        actions.append("assign")
    if is_open and handler:
        actions += ["report", "complete", "extend"]
        if a.status == "pending":
            actions.append("return")
    if is_open and policies.can_remind(user, a) and not policies.is_assignee(user, a):
        actions.append("remind")
    if a.status == AssignmentStatus.AWAITING and policies.can_accept(user, a):
        actions += ["accept", "return_result"]
    return actions


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        doc = selectors.document_get(request.user, pk)
    except NotFound:
        raise Http404 from None
    assignments = list(selectors.assignments_of(doc))
    rows: list[dict[str, Any]] = [
        {
            "a": a,
            "actions": _assignment_actions(request.user, a, doc),
            "pending_extension": next((e for e in a.extensions.all() if e.status == ExtensionStatus.PENDING), None),
        }
        for a in assignments
    ]
    for row in rows:
        ext = row["pending_extension"]
        row["can_decide"] = ext is not None and policies.can_decide_extension(request.user, row["a"])
    events = [(e, event_label(e.action)) for e in doc.events.all()]
    return render(
        request,
        "incoming/detail.html",
        {
            **_files_context(request.user, doc),
            "rows": rows,
            "events": events,
            "actions": can_act(request.user, doc),
            "late": is_registration_late(doc),
            "roles": AssignmentRole,
            "rejection": doc.events.filter(action="rejected").last(),
        },
    )


def _files_context(user: Any, doc: Document) -> dict[str, Any]:
    attachments = list(doc.attachments.select_related("stored_file__blob", "added_by"))
    current = [a for a in attachments if a.superseded_at is None]
    verdicts = verification.verdicts_for(current)
    for a in current:  # earlier versions of the same file, newest first (kept, downloadable)
        a.earlier_versions = sorted(  # type: ignore[attr-defined]
            (o for o in attachments if o.ordinal == a.ordinal and o.pk != a.pk),
            key=lambda o: -o.version,
        )
    return {
        "doc": doc,
        "files": [(a, verdicts.get(a.pk)) for a in current],
        "pending": any(v.state == SignatureState.PENDING for v in verdicts.values()),
        "can_verify": has(user, "incoming.verify", unit=doc.agency),
    }


@login_required
def files_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    """The files and their signature verdicts (the document page polls it while a check is running)."""
    try:
        doc = selectors.document_get(request.user, pk)
    except NotFound:
        raise Http404 from None
    return render(request, "incoming/_files.html", _files_context(request.user, doc))


@require_POST
@login_required
def verify_again(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    try:
        doc = selectors.document_get(request.user, pk)
    except NotFound:
        raise Http404 from None
    attachment = doc.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    try:
        services.attachment_verify_again(actor=request.user, attachment=attachment)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đang kiểm tra lại chữ ký số của tệp %(name)s.") % {"name": attachment.name})
    return redirect("incoming:detail", pk=doc.pk)


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    try:
        doc = selectors.document_get(request.user, pk)
    except NotFound:
        raise Http404 from None
    attachment = doc.attachments.select_related("stored_file__blob").filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    opened = file_open(actor=request.user, stored_file=attachment.stored_file, authorised=True, purpose="view")
    return file_response(opened)  # a download with a sandbox policy, never inline (issue 9)


# --- Document actions ------------------------------------------------------------------------------------------------


def _run_form(
    request: HttpRequest,
    *,
    target: Any,
    doc: Document,
    title: str,
    form_factory: Callable[..., Any],
    run: Callable[[Any, dict[str, Any]], Any],
    done: str,
    extra: dict[str, Any],
) -> HttpResponse:
    """The one shape of every action page: a form; on a valid POST, one service call; its domain error
    shown as a message, success back to the document page."""
    form = form_factory(request.POST if request.method == "POST" else None, target)
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 422
        else:
            try:
                run(target, form.cleaned_data)
            except DomainError as exc:
                status = exc.status_code
                messages.error(request, exc.message)
            else:
                messages.success(request, done)
                return redirect("incoming:detail", pk=doc.pk)
    return render(request, "incoming/action.html", {"doc": doc, "form": form, "title": title, **extra}, status=status)


def _document_action(
    request: HttpRequest,
    pk: int,
    *,
    title: str,
    form_factory: Callable[..., Any],
    run: Callable[[Document, dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    try:
        doc = selectors.document_get(request.user, pk)
    except NotFound:
        raise Http404 from None
    return _run_form(request, target=doc, doc=doc, title=title, form_factory=form_factory, run=run, done=done, extra={})


@login_required
def register(request: HttpRequest, pk: int) -> HttpResponse:
    return _document_action(
        request,
        pk,
        title=_("Vào sổ văn bản đến"),
        form_factory=lambda data, doc: forms.ConfirmForm(data),
        run=lambda doc, d: services.incoming_register(
            actor=request.user, document=doc, confirm_duplicate=d["confirm_duplicate"]
        ),
        done=_("Đã vào sổ văn bản."),
    )


@login_required
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _document_action(
        request,
        pk,
        title=_("Từ chối tiếp nhận văn bản"),
        form_factory=lambda data, doc: forms.ReasonForm(data),
        run=lambda doc, d: services.incoming_reject(actor=request.user, document=doc, reason=d["reason"]),
        done=_("Đã từ chối tiếp nhận văn bản."),
    )


@login_required
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _document_action(
        request,
        pk,
        title=_("Trình lãnh đạo"),
        form_factory=lambda data, doc: forms.SubmitForm(data, agency=doc.agency),
        run=lambda doc, d: services.incoming_submit(
            actor=request.user, document=doc, leader=d["leader"], note=d["note"]
        ),
        done=_("Đã trình lãnh đạo."),
    )


@login_required
def return_to_clerk(request: HttpRequest, pk: int) -> HttpResponse:
    return _document_action(
        request,
        pk,
        title=_("Trả lại văn thư"),
        form_factory=lambda data, doc: forms.ReasonForm(data),
        run=lambda doc, d: services.incoming_return_to_clerk(actor=request.user, document=doc, reason=d["reason"]),
        done=_("Đã trả lại văn thư."),
    )


@login_required
def handle_self(request: HttpRequest, pk: int) -> HttpResponse:
    return _document_action(
        request,
        pk,
        title=_("Trực tiếp xử lý"),
        form_factory=lambda data, doc: forms.NoteForm(data),
        run=lambda doc, d: services.incoming_handle_self(actor=request.user, document=doc, note=d["note"]),
        done=_("Bạn đã nhận trực tiếp xử lý văn bản."),
    )


@login_required
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    return _document_action(
        request,
        pk,
        title=_("Sửa thông tin văn bản"),
        form_factory=lambda data, doc: forms.CorrectForm(data, document=doc),
        run=lambda doc, d: services.incoming_correct(
            actor=request.user, document=doc, changes={name: d[name] for name in forms.CORRECTABLE}
        ),
        done=_("Đã sửa thông tin văn bản; lịch sử xử lý ghi lại giá trị cũ và mới."),
    )


@login_required
def files_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a file to a registered document, or a new version of one of its files (the clerk)."""
    try:
        doc = selectors.document_get(request.user, pk)
    except NotFound:
        raise Http404 from None
    form = forms.FileForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        document=doc,
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            d = form.cleaned_data
            try:
                upload = d["file"]
                stored = file_intake(
                    actor=request.user,
                    stream=upload,
                    original_name=upload.name,
                    channel="web",
                    declared_size=upload.size,
                )
                kind, _sep, replaced = d["target"].partition(":")
                if kind == "replace":
                    services.incoming_file_replace(
                        actor=request.user,
                        document=doc,
                        stored_file=stored,
                        attachment=doc.attachments.get(pk=int(replaced)),
                    )
                else:
                    services.incoming_files_add(
                        actor=request.user, document=doc, files=[services.IncomingFile(stored, kind=kind)]
                    )
            except DomainError as exc:
                status = exc.status_code
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Đã lưu tệp %(name)s.") % {"name": stored.name})
                return redirect("incoming:detail", pk=doc.pk)
    return render(
        request, "incoming/action.html", {"doc": doc, "form": form, "title": _("Thêm, thay tệp")}, status=status
    )


def _direct_form(data: Any, doc: Document) -> forms.DirectForm:
    return forms.DirectForm(data, agency=doc.agency, initial={"lead_due": doc.due_date, "support_due": doc.due_date})


def _direction_targets(d: dict[str, Any]) -> list[services.Target]:
    targets = [_target(d["lead"], "lead", d["lead_due"])]
    targets += [_target(v, "support", d["support_due"]) for v in d["supports"]]
    targets += [_target(v, "info", None) for v in d["infos"]]
    return targets


@login_required
def direct(request: HttpRequest, pk: int) -> HttpResponse:
    return _document_action(
        request,
        pk,
        title=_("Cho ý kiến chỉ đạo"),
        form_factory=_direct_form,
        run=lambda doc, d: services.incoming_direct(
            actor=request.user, document=doc, directive=d["directive"], targets=_direction_targets(d)
        ),
        done=_("Đã cho ý kiến chỉ đạo."),
    )


@login_required
def route(request: HttpRequest, pk: int) -> HttpResponse:
    return _document_action(
        request,
        pk,
        title=_("Chuyển đơn vị xử lý"),
        form_factory=_direct_form,
        run=lambda doc, d: services.incoming_route(
            actor=request.user, document=doc, note=d["directive"], targets=_direction_targets(d)
        ),
        done=_("Đã chuyển văn bản cho đơn vị xử lý."),
    )


# --- Assignment actions ----------------------------------------------------------------------------------------------


def _assignment_action(
    request: HttpRequest,
    pk: int,
    *,
    title: str,
    form_factory: Callable[..., Any],
    run: Callable[[Assignment, dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    try:
        assignment = selectors.assignment_get(request.user, pk)
    except NotFound:
        raise Http404 from None
    if assignment.document is None:  # a task without a document has no incoming page
        raise Http404
    return _run_form(
        request,
        target=assignment,
        doc=assignment.document,
        title=title,
        form_factory=form_factory,
        run=run,
        done=done,
        extra={"assignment": assignment},
    )


def _assign_targets(d: dict[str, Any]) -> list[services.Target]:
    targets = [_target(d["lead"], "lead", d["due_date"])] if d["lead"] else []
    return targets + [_target(v, "support", d["due_date"]) for v in d["supports"]]


@login_required
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    return _assignment_action(
        request,
        pk,
        title=_("Phân công xử lý trong phòng"),
        form_factory=lambda data, a: forms.AssignForm(data, unit=a.unit, initial={"due_date": a.due_date}),
        run=lambda a, d: services.assignment_assign(
            actor=request.user, assignment=a, note=d["note"], targets=_assign_targets(d)
        ),
        done=_("Đã phân công."),
    )


@login_required
def assignment_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _assignment_action(
        request,
        pk,
        title=_("Trả lại phần việc"),
        form_factory=lambda data, a: forms.ReasonForm(data),
        run=lambda a, d: services.assignment_return(actor=request.user, assignment=a, reason=d["reason"]),
        done=_("Đã trả lại."),
    )


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    return _assignment_action(
        request,
        pk,
        title=_("Cập nhật tiến độ, ý kiến"),
        form_factory=lambda data, a: forms.ReportForm(data),
        run=lambda a, d: services.assignment_report(
            actor=request.user, assignment=a, kind=d["kind"], text=d["text"], progress=d["progress"]
        ),
        done=_("Đã ghi nhận."),
    )


@login_required
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _assignment_action(
        request,
        pk,
        title=_("Hoàn thành xử lý"),
        form_factory=lambda data, a: forms.CompleteForm(data),
        run=lambda a, d: services.assignment_complete(actor=request.user, assignment=a, result=d["result"]),
        done=_("Đã hoàn thành."),
    )


@login_required
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _assignment_action(
        request,
        pk,
        title=_("Chấp nhận kết quả xử lý"),
        form_factory=lambda data, a: forms.AcceptForm(data, assignment=a),
        run=lambda a, d: services.assignment_accept(actor=request.user, assignment=a, note=d["note"]),
        done=_("Đã chấp nhận kết quả; văn bản đã hoàn thành."),
    )


@login_required
def return_result(request: HttpRequest, pk: int) -> HttpResponse:
    return _assignment_action(
        request,
        pk,
        title=_("Trả lại kết quả xử lý"),
        form_factory=lambda data, a: forms.ReasonForm(data),
        run=lambda a, d: services.assignment_return_result(actor=request.user, assignment=a, reason=d["reason"]),
        done=_("Đã trả lại kết quả để xử lý tiếp."),
    )


@login_required
def extend(request: HttpRequest, pk: int) -> HttpResponse:
    return _assignment_action(
        request,
        pk,
        title=_("Đề nghị gia hạn"),
        form_factory=lambda data, a: forms.ExtensionForm(data),
        run=lambda a, d: services.extension_request(
            actor=request.user, assignment=a, new_due_date=d["new_due_date"], reason=d["reason"]
        ),
        done=_("Đã gửi đề nghị gia hạn."),
    )


@login_required
def remind(request: HttpRequest, pk: int) -> HttpResponse:
    return _assignment_action(
        request,
        pk,
        title=_("Đôn đốc"),
        form_factory=lambda data, a: forms.RemindForm(data),
        run=lambda a, d: services.reminder_send(actor=request.user, assignment=a, kind=d["kind"], text=d["text"]),
        done=_("Đã gửi đôn đốc."),
    )


@login_required
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    ext = Extension.objects.filter(pk=pk).first()
    if ext is None:
        raise Http404
    return _assignment_action(
        request,
        ext.assignment_id,
        title=_("Quyết định gia hạn"),
        form_factory=lambda data, a: forms.DecideForm(data),
        run=lambda a, d: services.extension_decide(
            actor=request.user, extension=ext, grant=d["decision"] == "grant", note=d["note"]
        ),
        done=_("Đã quyết định gia hạn."),
    )


# --- Outputs (Phụ lục IV) -------------------------------------------------------------------------------------

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
    agency = _agency(request.user)
    if kind not in REPORTS or agency is None or not has(request.user, "incoming.report", unit=agency):
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
        content = build(actor=request.user, agency=agency, date_from=d["date_from"], date_to=d["date_to"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('incoming:report_form', args=[kind])}?{request.GET.urlencode()}")
    return _download(content, f"{kind}-{d['date_from']:%Y%m%d}-{d['date_to']:%Y%m%d}", ext)


@login_required
def slip(request: HttpRequest, pk: int, ext: str) -> HttpResponse:
    """Phiếu giải quyết văn bản đến of one document, for whoever may see the document."""
    try:
        doc = selectors.document_get(request.user, pk)
    except NotFound:
        raise Http404 from None
    if ext not in CONTENT_TYPES:
        raise Http404
    build = reports.slip_xlsx if ext == "xlsx" else reports.slip_pdf
    try:
        content = build(actor=request.user, document=doc)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("incoming:detail", pk=doc.pk)
    return _download(content, f"phieu-giai-quyet-{doc.arrival_number or doc.pk}", ext)
