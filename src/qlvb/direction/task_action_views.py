"""Action pages on a task's parts: one form, one call of the assignments' shared handling, back to the task
page. Every action is one row of :data:`ACTIONS` (its title, form, service and message); the button is
shown exactly when ``qlvb.assignments.preconditions`` lets the service accept it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from qlvb.assignments import followup, handling
from qlvb.assignments import forms as f
from qlvb.assignments.assigning import Target
from qlvb.assignments.models import Assignment, Extension
from qlvb.core.errors import DomainError, NotFound
from qlvb.directory.models import User
from qlvb.directory.selectors import acting_user

from . import task_selectors as selectors
from .task_models import Task

Data = dict[str, Any]


@dataclass(frozen=True)
class Action:
    title: str | Promise
    form: Callable[[Any, Assignment], django_forms.Form]
    run: Callable[[User, Assignment, Data], object]
    done: str | Promise


def _targets(d: Data) -> list[Target]:
    def person(value: str, role: str) -> Target:
        _kind, _sep, pk = value.partition(":")
        return Target(role=role, user=User.objects.select_related("unit").filter(pk=pk).first(), due_date=d["due_date"])

    targets = [person(d["lead"], "lead")] if d["lead"] else []
    return targets + [person(v, "support") for v in d["supports"]]


ACTIONS: dict[str, Action] = {
    "assign": Action(
        gettext_lazy("Phân công trong phòng"),
        lambda data, a: f.AssignForm(data, unit=a.unit, initial={"due_date": a.due_date}),
        lambda actor, a, d: handling.assignment_assign(actor=actor, assignment=a, note=d["note"], targets=_targets(d)),
        gettext_lazy("Đã phân công."),
    ),
    "return": Action(
        gettext_lazy("Trả lại phần việc"),
        lambda data, a: f.ReasonForm(data),
        lambda actor, a, d: handling.assignment_return(actor=actor, assignment=a, reason=d["reason"]),
        gettext_lazy("Đã trả lại."),
    ),
    "report": Action(
        gettext_lazy("Cập nhật tiến độ, ý kiến"),
        lambda data, a: f.ReportForm(data),
        lambda actor, a, d: handling.assignment_report(
            actor=actor, assignment=a, kind=d["kind"], text=d["text"], progress=d["progress"]
        ),
        gettext_lazy("Đã ghi nhận."),
    ),
    "complete": Action(
        gettext_lazy("Hoàn thành"),
        lambda data, a: f.CompleteForm(data),
        lambda actor, a, d: handling.assignment_complete(actor=actor, assignment=a, result=d["result"]),
        gettext_lazy("Đã báo cáo hoàn thành."),
    ),
    "accept": Action(
        gettext_lazy("Chấp nhận kết quả"),
        lambda data, a: f.NoteForm(data),
        lambda actor, a, d: handling.assignment_accept(actor=actor, assignment=a, note=d["note"]),
        gettext_lazy("Đã chấp nhận kết quả; công việc đã hoàn thành."),
    ),
    "return_result": Action(
        gettext_lazy("Trả lại kết quả"),
        lambda data, a: f.ReasonForm(data),
        lambda actor, a, d: handling.assignment_return_result(actor=actor, assignment=a, reason=d["reason"]),
        gettext_lazy("Đã trả lại kết quả để xử lý tiếp."),
    ),
    "extend": Action(
        gettext_lazy("Đề nghị gia hạn"),
        lambda data, a: f.ExtensionForm(data),
        lambda actor, a, d: followup.extension_request(
            actor=actor, assignment=a, new_due_date=d["new_due_date"], reason=d["reason"]
        ),
        gettext_lazy("Đã gửi đề nghị gia hạn."),
    ),
    "remind": Action(
        gettext_lazy("Đôn đốc"),
        lambda data, a: f.RemindForm(data),
        lambda actor, a, d: followup.reminder_send(actor=actor, assignment=a, kind=d["kind"], text=d["text"]),
        gettext_lazy("Đã gửi đôn đốc."),
    ),
}


def _run(request: HttpRequest, *, action: Action, task: Task, assignment: Assignment) -> HttpResponse:
    form = action.form(request.POST if request.method == "POST" else None, assignment)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                action.run(acting_user(request), assignment, form.cleaned_data)
            except DomainError as exc:
                status = exc.status_code
                messages.error(request, exc.message)
            else:
                messages.success(request, str(action.done))
                return redirect("direction:task_detail", pk=task.pk)
    context = {"task": task, "assignment": assignment, "form": form, "title": str(action.title)}
    return render(request, "direction/tasks/action.html", context, status=status)


def _part(request: HttpRequest, pk: int) -> tuple[Task, Assignment]:
    try:
        return selectors.assignment_of_task(acting_user(request), pk)
    except NotFound:
        raise Http404 from None


@login_required
def part_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    task, assignment = _part(request, pk)
    return _run(request, action=ACTIONS[action], task=task, assignment=assignment)


@login_required
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    ext = Extension.objects.filter(pk=pk, assignment__document__isnull=True).first()
    if ext is None:
        raise Http404
    task, assignment = _part(request, ext.assignment_id)
    action = Action(
        gettext_lazy("Quyết định gia hạn"),
        lambda data, a: f.DecideForm(data),
        lambda actor, a, d: followup.extension_decide(
            actor=actor, extension=ext, grant=d["decision"] == "grant", note=d["note"]
        ),
        gettext_lazy("Đã quyết định gia hạn."),
    )
    return _run(request, action=action, task=task, assignment=assignment)
