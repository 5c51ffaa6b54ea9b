"""Action pages of the incoming flow: one form, one service call, back to the document page.

Every action is one row of a table (:data:`DOCUMENT_ACTIONS`, :data:`ASSIGNMENT_ACTIONS`): its title, its
form, the service it calls and the message on success. The views named in ``urls.py`` are made from the
rows, so the shape of an action page is written once (:func:`_run_form`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qlvb.assignments.models import Assignment, Extension
from qlvb.core.errors import DomainError, NotFound
from qlvb.directory.models import Unit, User
from qlvb.directory.selectors import acting_user
from qlvb.documents.models import Document
from qlvb.files.intake import file_intake

from . import forms, selectors, services

T = TypeVar("T", Document, Assignment)
Data = dict[str, Any]


@dataclass(frozen=True)
class Action(Generic[T]):
    """One action page: ``form(data, target)`` builds its form, ``run(actor, target, cleaned_data)`` calls
    the service."""

    title: str | Promise
    form: Callable[[Any, T], django_forms.Form]
    run: Callable[[User, T, Data], object]
    done: str | Promise


def _run_form(
    request: HttpRequest, *, action: Action[T], target: T, doc: Document, extra: dict[str, Any]
) -> HttpResponse:
    """The one shape of every action page: a form; on a valid POST, one service call; its domain error
    shown as a message, success back to the document page."""
    form = action.form(request.POST if request.method == "POST" else None, target)
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 422
        else:
            try:
                action.run(acting_user(request), target, form.cleaned_data)
            except DomainError as exc:
                status = exc.status_code
                messages.error(request, exc.message)
            else:
                messages.success(request, str(action.done))
                return redirect("incoming:detail", pk=doc.pk)
    context = {"doc": doc, "form": form, "title": str(action.title), **extra}
    return render(request, "incoming/action.html", context, status=status)


def _document(request: HttpRequest, pk: int) -> Document:
    try:
        return selectors.document_get(acting_user(request), pk=pk)
    except NotFound:
        raise Http404 from None


def _assignment(request: HttpRequest, pk: int) -> Assignment:
    try:
        assignment = selectors.assignment_get(acting_user(request), pk=pk)
    except NotFound:
        raise Http404 from None
    if assignment.document is None:  # a task without a document has no incoming page
        raise Http404
    return assignment


def _document_page(action: Action[Document]) -> Callable[[HttpRequest, int], HttpResponse]:
    @login_required
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        doc = _document(request, pk)
        return _run_form(request, action=action, target=doc, doc=doc, extra={})

    return view


def _assignment_page(action: Action[Assignment]) -> Callable[[HttpRequest, int], HttpResponse]:
    @login_required
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        assignment = _assignment(request, pk)
        assert assignment.document is not None
        return _run_form(
            request, action=action, target=assignment, doc=assignment.document, extra={"assignment": assignment}
        )

    return view


# --- Document actions ------------------------------------------------------------------------------------------------


def _target(value: str, role: str, due: Any) -> services.Target:
    kind, _sep, pk = value.partition(":")
    if kind == "u":
        return services.Target(role=role, unit=Unit.objects.filter(pk=pk).first(), due_date=due)
    return services.Target(role=role, user=User.objects.select_related("unit").filter(pk=pk).first(), due_date=due)


def _direct_form(data: Any, doc: Document) -> forms.DirectForm:
    return forms.DirectForm(
        data,
        agency=doc.agency,
        initial={"lead_due": doc.due_date, "support_due": doc.due_date, "assigns_tasks": doc.assigns_tasks},
    )


def _direction_targets(d: Data) -> list[services.Target]:
    targets = [_target(d["lead"], "lead", d["lead_due"])]
    targets += [_target(v, "support", d["support_due"]) for v in d["supports"]]
    targets += [_target(v, "info", None) for v in d["infos"]]
    return targets


DOCUMENT_ACTIONS: dict[str, Action[Document]] = {
    "register": Action(
        gettext_lazy("Vào sổ văn bản đến"),
        lambda data, doc: forms.ConfirmForm(data),
        lambda actor, doc, d: services.incoming_register(
            actor=actor, document=doc, confirm_duplicate=d["confirm_duplicate"]
        ),
        gettext_lazy("Đã vào sổ văn bản."),
    ),
    "reject": Action(
        gettext_lazy("Từ chối tiếp nhận văn bản"),
        lambda data, doc: forms.ReasonForm(data),
        lambda actor, doc, d: services.incoming_reject(actor=actor, document=doc, reason=d["reason"]),
        gettext_lazy("Đã từ chối tiếp nhận văn bản."),
    ),
    "submit": Action(
        gettext_lazy("Trình lãnh đạo"),
        lambda data, doc: forms.SubmitForm(data, agency=doc.agency),
        lambda actor, doc, d: services.incoming_submit(actor=actor, document=doc, leader=d["leader"], note=d["note"]),
        gettext_lazy("Đã trình lãnh đạo."),
    ),
    "return": Action(
        gettext_lazy("Trả lại văn thư"),
        lambda data, doc: forms.ReasonForm(data),
        lambda actor, doc, d: services.incoming_return_to_clerk(actor=actor, document=doc, reason=d["reason"]),
        gettext_lazy("Đã trả lại văn thư."),
    ),
    "handle_self": Action(
        gettext_lazy("Trực tiếp xử lý"),
        lambda data, doc: forms.NoteForm(data),
        lambda actor, doc, d: services.incoming_handle_self(actor=actor, document=doc, note=d["note"]),
        gettext_lazy("Bạn đã nhận trực tiếp xử lý văn bản."),
    ),
    "correct": Action(
        gettext_lazy("Sửa thông tin văn bản"),
        lambda data, doc: forms.CorrectForm(data, document=doc),
        lambda actor, doc, d: services.incoming_correct(
            actor=actor, document=doc, changes={name: d[name] for name in (*forms.CORRECTABLE, "assigns_tasks")}
        ),
        gettext_lazy("Đã sửa thông tin văn bản; lịch sử xử lý ghi lại giá trị cũ và mới."),
    ),
    "direct": Action(
        gettext_lazy("Cho ý kiến chỉ đạo"),
        _direct_form,
        lambda actor, doc, d: services.incoming_direct(
            actor=actor,
            document=doc,
            directive=d["directive"],
            targets=_direction_targets(d),
            assigns_tasks=d.get("assigns_tasks", False),
        ),
        gettext_lazy("Đã cho ý kiến chỉ đạo."),
    ),
    "route": Action(
        gettext_lazy("Chuyển đơn vị xử lý"),
        _direct_form,
        lambda actor, doc, d: services.incoming_route(
            actor=actor,
            document=doc,
            note=d["directive"],
            targets=_direction_targets(d),
            assigns_tasks=d.get("assigns_tasks", False),
        ),
        gettext_lazy("Đã chuyển văn bản cho đơn vị xử lý."),
    ),
}

register = _document_page(DOCUMENT_ACTIONS["register"])
reject = _document_page(DOCUMENT_ACTIONS["reject"])
submit = _document_page(DOCUMENT_ACTIONS["submit"])
return_to_clerk = _document_page(DOCUMENT_ACTIONS["return"])
handle_self = _document_page(DOCUMENT_ACTIONS["handle_self"])
correct = _document_page(DOCUMENT_ACTIONS["correct"])
direct = _document_page(DOCUMENT_ACTIONS["direct"])
route = _document_page(DOCUMENT_ACTIONS["route"])


@login_required
def files_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a file to a registered document, or a new version of one of its files (the clerk)."""
    doc = _document(request, pk)
    actor = acting_user(request)
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
                    actor=actor, stream=upload, original_name=upload.name, channel="web", declared_size=upload.size
                )
                kind, _sep, replaced = d["target"].partition(":")
                if kind == "replace":
                    services.incoming_file_replace(
                        actor=actor, document=doc, stored_file=stored, attachment=doc.attachments.get(pk=int(replaced))
                    )
                else:
                    services.incoming_files_add(
                        actor=actor, document=doc, files=[services.IncomingFile(stored, kind=kind)]
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


# --- Assignment actions ----------------------------------------------------------------------------------------------


def _assign_targets(d: Data) -> list[services.Target]:
    targets = [_target(d["lead"], "lead", d["due_date"])] if d["lead"] else []
    return targets + [_target(v, "support", d["due_date"]) for v in d["supports"]]


ASSIGNMENT_ACTIONS: dict[str, Action[Assignment]] = {
    "assign": Action(
        gettext_lazy("Phân công xử lý trong phòng"),
        lambda data, a: forms.AssignForm(data, unit=a.unit, initial={"due_date": a.due_date}),
        lambda actor, a, d: services.assignment_assign(
            actor=actor, assignment=a, note=d["note"], targets=_assign_targets(d)
        ),
        gettext_lazy("Đã phân công."),
    ),
    "return": Action(
        gettext_lazy("Trả lại phần việc"),
        lambda data, a: forms.ReasonForm(data),
        lambda actor, a, d: services.assignment_return(actor=actor, assignment=a, reason=d["reason"]),
        gettext_lazy("Đã trả lại."),
    ),
    "report": Action(
        gettext_lazy("Cập nhật tiến độ, ý kiến"),
        lambda data, a: forms.ReportForm(data),
        lambda actor, a, d: services.assignment_report(
            actor=actor, assignment=a, kind=d["kind"], text=d["text"], progress=d["progress"]
        ),
        gettext_lazy("Đã ghi nhận."),
    ),
    "complete": Action(
        gettext_lazy("Hoàn thành xử lý"),
        lambda data, a: forms.CompleteForm(data),
        lambda actor, a, d: services.assignment_complete(actor=actor, assignment=a, result=d["result"]),
        gettext_lazy("Đã hoàn thành."),
    ),
    "accept": Action(
        gettext_lazy("Chấp nhận kết quả xử lý"),
        lambda data, a: forms.AcceptForm(data, assignment=a),
        lambda actor, a, d: services.assignment_accept(actor=actor, assignment=a, note=d["note"]),
        gettext_lazy("Đã chấp nhận kết quả; văn bản đã hoàn thành."),
    ),
    "return_result": Action(
        gettext_lazy("Trả lại kết quả xử lý"),
        lambda data, a: forms.ReasonForm(data),
        lambda actor, a, d: services.assignment_return_result(actor=actor, assignment=a, reason=d["reason"]),
        gettext_lazy("Đã trả lại kết quả để xử lý tiếp."),
    ),
    "extend": Action(
        gettext_lazy("Đề nghị gia hạn"),
        lambda data, a: forms.ExtensionForm(data),
        lambda actor, a, d: services.extension_request(
            actor=actor, assignment=a, new_due_date=d["new_due_date"], reason=d["reason"]
        ),
        gettext_lazy("Đã gửi đề nghị gia hạn."),
    ),
    "remind": Action(
        gettext_lazy("Đôn đốc"),
        lambda data, a: forms.RemindForm(data),
        lambda actor, a, d: services.reminder_send(actor=actor, assignment=a, kind=d["kind"], text=d["text"]),
        gettext_lazy("Đã gửi đôn đốc."),
    ),
}

assign = _assignment_page(ASSIGNMENT_ACTIONS["assign"])
assignment_return = _assignment_page(ASSIGNMENT_ACTIONS["return"])
report = _assignment_page(ASSIGNMENT_ACTIONS["report"])
complete = _assignment_page(ASSIGNMENT_ACTIONS["complete"])
accept = _assignment_page(ASSIGNMENT_ACTIONS["accept"])
return_result = _assignment_page(ASSIGNMENT_ACTIONS["return_result"])
extend = _assignment_page(ASSIGNMENT_ACTIONS["extend"])
remind = _assignment_page(ASSIGNMENT_ACTIONS["remind"])


@login_required
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    ext = Extension.objects.filter(pk=pk).first()
    if ext is None:
        raise Http404
    assignment = _assignment(request, ext.assignment_id)
    assert assignment.document is not None
    action: Action[Assignment] = Action(
        gettext_lazy("Quyết định gia hạn"),
        lambda data, a: forms.DecideForm(data),
        lambda actor, a, d: services.extension_decide(
            actor=actor, extension=ext, grant=d["decision"] == "grant", note=d["note"]
        ),
        gettext_lazy("Đã quyết định gia hạn."),
    )
    return _run_form(
        request, action=action, target=assignment, doc=assignment.document, extra={"assignment": assignment}
    )
