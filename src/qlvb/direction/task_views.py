"""The task pages: the lists (my tasks, tasks I gave, my unit's tasks), giving a task (or a sub-task), the
task page, a document's directive turned into tasks. Thin: parse, call one service or selector, render.
The actions on a task's parts are in ``task_action_views.py``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qlvb.assignments.models import ExtensionStatus
from qlvb.assignments.preconditions import assignment_actions, can_follow
from qlvb.core.errors import DomainError, NotFound, PermissionDenied
from qlvb.core.permissions import has
from qlvb.directory.access import forbidden
from qlvb.directory.models import User
from qlvb.directory.selectors import acting_user
from qlvb.documents.models import Direction, Document
from qlvb.documents.visibility import document_visible_get, dossiers_visible
from qlvb.files.intake import file_intake

from . import task_links as links
from . import task_policies as policies
from . import task_seen
from . import task_selectors as selectors
from . import task_services as services
from .task_forms import (
    FollowOutgoingForm,
    FromDocumentForm,
    TaskFileForm,
    TaskFilterForm,
    TaskForm,
    TaskLinksForm,
    target_of,
)
from .task_models import Task, TaskStatus
from .task_preconditions import check_add_file, check_create

PAGE_SIZE = 25
BOXES = {
    "mine": _("Việc của tôi"),
    "assigned": _("Việc tôi giao"),
    "unit": _("Việc của đơn vị"),
    "all": _("Tất cả"),
}
EVENT_LABELS = {
    "created": "Giao việc",
    "assigned": "Phân công trong phòng",
    "assignment_returned": "Trả lại phần việc",
    "progress": "Cập nhật tiến độ",
    "opinion": "Ý kiến xử lý",
    "assignment_done": "Hoàn thành phần việc",
    "completion_submitted": "Báo cáo hoàn thành, chờ chấp nhận kết quả",
    "completion_accepted": "Chấp nhận kết quả",
    "completion_returned": "Trả lại kết quả",
    "completed": "Hoàn thành công việc",
    "assignments_closed": "Đóng các phần việc còn mở",
    "extension_requested": "Đề nghị gia hạn",
    "extension_granted": "Đồng ý gia hạn",
    "extension_refused": "Từ chối gia hạn",
    "reminded": "Đôn đốc",
    "file_added": "Thêm tệp",
    "documents_changed": "Sửa văn bản, hồ sơ liên quan",
    "handed_over": "Chuyển giao do nghỉ việc, chuyển công tác",  # operations.handover
}


def _boxes(user: User) -> list[str]:
    keys = ["mine", "assigned", "unit"]
    if user.unit is not None and has(user, policies.TASK_SEE_ALL, unit=user.unit.agency):
        keys.append("all")
    return keys


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    keys = _boxes(user)
    box = request.GET.get("box") or keys[0]
    if box not in keys:
        box = keys[0]
    agency = user.unit.agency if user.unit is not None else None
    form = TaskFilterForm(request.GET or None, agency=agency)
    f = selectors.TaskFilter(box=box)
    if form.is_valid():
        d = form.cleaned_data
        f.status, f.due_from, f.due_to = d["status"], d["due_from"], d["due_to"]
        f.assigner = d["assigner"].pk if d["assigner"] else None
    f.sort = "unseen" if request.GET.get("sort") == "unseen" else ""
    page = Paginator(selectors.tasks_list(user, f), PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "direction/tasks/list.html",
        {
            "page": page,
            "form": form,
            "box": box,
            "boxes": [(k, BOXES[k]) for k in keys],
            "query": params.urlencode(),
            "sort": f.sort,
            "sorts": [("", _("Theo trạng thái, hạn")), ("unseen", _("Chưa xem trước"))],
            "can_create": has(user, policies.TASK_CREATE),
        },
    )


def _parent(request: HttpRequest, user: User) -> Task | None:
    pk = request.GET.get("parent") or request.POST.get("parent")
    if not pk:
        return None
    try:
        return selectors.task_get(user, pk)
    except NotFound:
        raise Http404 from None


def _create(request: HttpRequest, user: User, form: TaskForm, parent: Task | None) -> Task:
    d = form.cleaned_data
    files = []
    if d.get("file"):
        upload = d["file"]
        files.append(
            file_intake(actor=user, stream=upload, original_name=upload.name, channel="web", declared_size=upload.size)
        )
    data = services.TaskInput(
        title=d["title"],
        content=d["content"],
        due_date=d["due_date"],
        targets=form.targets(),
        priority=d["priority"],
        recurrence=d["recurrence"] or "",
        document_ids=d["documents"],
        dossier_ids=d["dossiers"],
        files=files,
    )
    return services.task_create(actor=user, data=data, parent=parent)


@login_required
def task_create(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    try:
        check_create(user)
    except PermissionDenied as exc:
        return forbidden(request, exc.message)
    parent = _parent(request, user)
    post = request.method == "POST"
    initial = {"due_date": parent.due_date} if parent else {}
    form = TaskForm(request.POST if post else None, request.FILES if post else None, actor=user, initial=initial)
    status = 200
    if post and _searching(request):
        pass  # "Tìm" of the picker without JavaScript: the same form again, with what was found
    elif post:
        status = 422
        if form.is_valid():
            try:
                task = _create(request, user, form, parent)
            except PermissionDenied as exc:
                return forbidden(request, exc.message)
            except DomainError as exc:
                status = exc.status_code
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Đã giao việc."))
                return redirect("direction:task_detail", pk=task.pk)
    title = _("Giao việc con") if parent else _("Giao việc")
    return render(request, "direction/tasks/form.html", {"form": form, "title": title, "parent": parent}, status=status)


def _searching(request: HttpRequest) -> bool:
    """The picker's "Tìm" pressed with words to find (Enter in another field with nothing to find saves)."""
    return request.POST.get("action") == "search" and bool(request.POST.get("q", "").strip())


@login_required
def task_link_choices(request: HttpRequest) -> HttpResponse:
    """The picker's results (HTMX): documents and dossiers the person may see that match ``q``."""
    query = request.GET.get("q", "")[:200]
    items = links.link_choices(acting_user(request), query)
    return render(
        request,
        "direction/tasks/_link_choices.html",
        {"items": items, "ticked": False, "prefix": "found", "searched": bool(query.strip())},
    )


@login_required
def task_links(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the documents and dossiers of a task after it was given."""
    user = acting_user(request)
    try:
        task = selectors.task_get(user, pk)
        links.check_change_links(user, task)
    except NotFound:
        raise Http404 from None
    except PermissionDenied as exc:
        return forbidden(request, exc.message)
    seen_docs = links.documents_seen(user).filter(pk__in=task.documents.values("pk")).values_list("pk", flat=True)
    initial = {"documents": list(seen_docs), "dossiers": [h.pk for h in _dossiers(user, task)]}
    post = request.method == "POST"
    form = TaskLinksForm(request.POST if post else None, actor=user, initial=initial)
    status = 200
    if post and not _searching(request):
        status = 422
        if form.is_valid():
            try:
                links.task_documents_set(
                    actor=user,
                    task=task,
                    document_ids=form.cleaned_data["documents"],
                    dossier_ids=form.cleaned_data["dossiers"],
                )
            except DomainError as exc:
                status = exc.status_code
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Đã lưu văn bản, hồ sơ liên quan."))
                return redirect("direction:task_detail", pk=task.pk)
    return render(request, "direction/tasks/links.html", {"form": form, "task": task}, status=status)


def _rows(user: User, task: Task) -> list[dict[str, Any]]:
    receipts = {r.user_id: r for r in task_seen.task_receipts(user, task)}
    rows = []
    for a in selectors.task_parts(task):
        pending = next((e for e in a.extensions.all() if e.status == ExtensionStatus.PENDING), None)
        rows.append(
            {
                "a": a,
                "actions": assignment_actions(user, a),
                "pending_extension": pending,
                "can_decide": pending is not None and can_follow(user, a),
                "seen": receipts.get(a.user_id) if a.user_id is not None else None,
            }
        )
    return rows


def _dossiers(user: User, task: Task) -> list[Any]:
    """The task's dossiers this viewer may see (a handler may not see the giver's dossier)."""
    ids = list(task.dossiers.values_list("pk", flat=True))
    visible = dossiers_visible(user)
    return list(visible.filter(pk__in=ids).order_by("pk")) if ids and visible is not None else []


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    try:
        task = selectors.task_get(user, pk)
    except NotFound:
        raise Http404 from None
    task_seen.task_seen_on_open(actor=user, task=task)  # when the agency takes receipts on opening
    events = [(e, EVENT_LABELS.get(e.action, e.action)) for e in task.events.select_related("actor")]
    return render(
        request,
        "direction/tasks/detail.html",
        {
            "task": task,
            "rows": _rows(user, task),
            "subtasks": list(selectors.tasks_visible_to(user).filter(parent=task).order_by("due_date", "id")),
            "files": list(task.files.select_related("stored_file", "added_by")),
            "documents": list(links.documents_seen(user).filter(pk__in=task.documents.values("pk")).order_by("-id")),
            "can_links": links.may_change_links(user, task),
            "dossiers": _dossiers(user, task),
            "events": events,
            "can_subtask": task.status == TaskStatus.OPEN and has(user, policies.TASK_CREATE),
            "can_add_file": task.status == TaskStatus.OPEN,
            "may_mark_seen": task_seen.may_mark_task_seen(user, task),
        },
    )


@require_POST
@login_required
def task_mark_seen(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Đánh dấu đã xem" on a task (its assignees)."""
    user = acting_user(request)
    try:
        task_seen.task_seen_mark(actor=user, task=selectors.task_get(user, pk))
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã ghi nhận: bạn đã xem công việc này."))
    return redirect("direction:task_detail", pk=pk)


@login_required
def task_of_part(request: HttpRequest, pk: int) -> HttpResponse:
    """The task a part belongs to (where a notification about the part leads)."""
    try:
        task, _part = selectors.assignment_of_task(acting_user(request), pk)
    except NotFound:
        raise Http404 from None
    return redirect("direction:task_detail", pk=task.pk)


@login_required
def task_file_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    try:
        task = selectors.task_get(user, pk)
    except NotFound:
        raise Http404 from None
    post = request.method == "POST"
    form = TaskFileForm(request.POST if post else None, request.FILES if post else None)
    status = 200
    if post:
        status = 422
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                check_add_file(user, task, kind=form.cleaned_data["kind"])  # before the file is taken in
                stored = file_intake(
                    actor=user, stream=upload, original_name=upload.name, channel="web", declared_size=upload.size
                )
                services.task_file_add(actor=user, task=task, stored_file=stored, kind=form.cleaned_data["kind"])
            except DomainError as exc:
                status = exc.status_code
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Đã lưu tệp %(name)s.") % {"name": stored.name})
                return redirect("direction:task_detail", pk=task.pk)
    return render(
        request,
        "direction/tasks/action.html",
        {"task": task, "form": form, "title": _("Thêm tệp")},
        status=status,
    )


def _document(request: HttpRequest, pk: int) -> Document:
    user = acting_user(request)
    for direction in (Direction.INCOMING, Direction.OUTGOING):
        try:
            return document_visible_get(user, direction, pk)
        except NotFound:
            continue
    raise Http404


def _from_document_run(user: User, doc: Document, form: FromDocumentForm) -> list[Task]:
    d = form.cleaned_data
    items = [
        services.TaskInput(
            title=title,
            due_date=d["due_date"],
            targets=[target_of(d["lead"], "lead"), *(target_of(v, "support") for v in d["supports"])],
            content=doc.subject,
        )
        for title in form.titles()
    ]
    return services.tasks_from_document(actor=user, document=doc, items=items)


@login_required
def tasks_from_document(request: HttpRequest, pk: int) -> HttpResponse:
    """Văn bản giao nhiệm vụ: the document's directive, one line per task, given in one step."""
    user = acting_user(request)
    try:
        check_create(user)
    except PermissionDenied as exc:
        return forbidden(request, exc.message)
    doc = _document(request, pk)
    directive = doc.assignments.filter(parent__isnull=True).exclude(directive="").values_list("directive", flat=True)
    initial = {"items": "\n".join(dict.fromkeys(directive)) or doc.subject, "due_date": doc.due_date}
    form = FromDocumentForm(request.POST if request.method == "POST" else None, actor=user, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                tasks = _from_document_run(user, doc, form)
            except DomainError as exc:
                status = exc.status_code
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Đã giao %(n)d nhiệm vụ theo văn bản.") % {"n": len(tasks)})
                return redirect(f"{_list_url()}?box=assigned")
    return render(
        request,
        "direction/tasks/action.html",
        {"form": form, "title": _("Giao nhiệm vụ theo văn bản"), "doc": doc},
        status=status,
    )


def _follow(user: User, doc: Document, d: dict[str, Any]) -> list[Task]:
    follower = target_of(d["follower"], "lead").user
    if follower is None:
        raise DomainError(_("Chọn cán bộ theo dõi."))
    if "recipients" in d:
        return services.tasks_follow_recipients(
            actor=user,
            document=doc,
            recipients=d["recipients"],
            follower=follower,
            title=d["title"],
            due_date=d["due_date"],
        )
    task = services.task_follow_outgoing(
        actor=user,
        document=doc,
        outside_lead=d["outside_lead"],
        follower=follower,
        title=d["title"],
        due_date=d["due_date"],
    )
    return [task]


@login_required
def follow_outgoing(request: HttpRequest, pk: int) -> HttpResponse:
    """An issued outgoing document that gives work to another agency, followed as a task by one of ours; a
    "văn bản giao nhiệm vụ" offers every recipient at once (one task each)."""
    user = acting_user(request)
    try:
        check_create(user)
    except PermissionDenied as exc:
        return forbidden(request, exc.message)
    doc = _document(request, pk)
    form = FollowOutgoingForm(
        request.POST if request.method == "POST" else None,
        actor=user,
        recipients=services.outgoing_recipients(doc) if doc.assigns_tasks else None,
        initial={"title": doc.subject, "due_date": doc.due_date},
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                tasks = _follow(user, doc, form.cleaned_data)
            except DomainError as exc:
                status = exc.status_code
                messages.error(request, exc.message)
            else:
                if len(tasks) == 1:
                    messages.success(request, _("Đã đưa văn bản vào theo dõi như một công việc."))
                    return redirect("direction:task_detail", pk=tasks[0].pk)
                messages.success(request, _("Đã theo dõi việc giao cho %(n)d nơi nhận.") % {"n": len(tasks)})
                return redirect(f"{_list_url()}?box=assigned")
    return render(
        request,
        "direction/tasks/action.html",
        {"form": form, "title": _("Theo dõi việc giao cho cơ quan khác"), "doc": doc},
        status=status,
    )


def _list_url() -> str:
    from django.urls import reverse

    return reverse("direction:task_list")
