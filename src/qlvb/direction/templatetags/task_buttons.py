"""``{% load task_buttons %}{% task_document_buttons doc %}``: on a document page, the buttons that turn the
document into tasks — "Giao nhiệm vụ theo văn bản" (a document that gives tasks: its directive, one task a
line, in one step) and, for an issued outgoing document, "Theo dõi việc giao cho cơ quan khác".

The document pages of the workflows load this library by name; direction is never imported by them. Shown
only to whoever may give tasks (a leader, a department head); the pages behind check again."""

from __future__ import annotations

from typing import Any

from django import template

from qlvb.core.permissions import has
from qlvb.documents.models import Direction

from ..task_models import Task
from ..task_policies import TASK_CREATE
from ..task_selectors import tasks_visible_to

register = template.Library()


@register.inclusion_tag("direction/tasks/_document_buttons.html", takes_context=True)
def task_document_buttons(context: dict[str, Any], document: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    may = has(user, TASK_CREATE, unit=document.agency)
    outgoing = document.direction == Direction.OUTGOING
    flagged = bool(getattr(document, "assigns_tasks", False))
    # A "văn bản giao nhiệm vụ" lists the tasks given from it that the viewer may see, for everyone.
    tasks: list[Task] = []
    if flagged and user is not None and user.is_authenticated:
        tasks = list(tasks_visible_to(user).filter(source_document=document).order_by("due_date", "pk")[:50])
    return {
        "document": document,
        "flagged": flagged,
        "tasks": tasks,
        "can_tasks": may and (not outgoing or document.issued_date is not None),
        "can_follow": may and outgoing and document.issued_date is not None,
        "given": Task.objects.filter(source_document=document).count() if may and not flagged else 0,
    }
