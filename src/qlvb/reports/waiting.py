"""What waits for the actor (the home page, every role): documents to register, to direct, to assign, to
handle, results to accept, drafts to approve and to sign, tasks — each a count and the link to the list
behind it. The counts come from the workflows' own selectors (the same SQL as their lists). Beside them, the
events of today in the person's calendars (``events_today``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.assignments.models import Assignment, AssignmentStatus
from qlvb.core import person_counts
from qlvb.direction import calendar_selectors as calendar
from qlvb.direction.calendar_models import CalendarEvent, EventState
from qlvb.direction.task_models import TaskStatus
from qlvb.direction.task_selectors import TaskFilter, tasks_list
from qlvb.directory.delegation import grantors_of
from qlvb.directory.models import DelegationScope, User
from qlvb.incoming import selectors as incoming
from qlvb.outgoing import selectors as outgoing
from qlvb.outgoing.models import ApprovalStep, StepKind, StepStatus

INCOMING_KEYS = ("to_register", "returned", "to_direct", "to_assign", "to_handle", "to_accept", "overdue")
OPEN = (AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS, AssignmentStatus.RETURNED)


@dataclass(frozen=True)
class Waiting:
    key: str
    label: str
    count: int
    url: str


def _steps_waiting(actor: User, kind: str | None) -> int:
    held = Q(user_id=actor.pk)
    if kind == StepKind.SIGN:  # also the signatures of the leader he signs for (ủy quyền)
        held |= Q(user_id__in=grantors_of(actor, DelegationScope.SIGN))
    else:  # and the review steps of the leader he approves for
        held |= Q(kind=StepKind.REVIEW, user_id__in=grantors_of(actor, DelegationScope.APPROVE))
    mine = ApprovalStep.objects.filter(
        held, outgoing_id=OuterRef("pk"), round=OuterRef("round"), status=StepStatus.PENDING
    )
    mine = mine.filter(kind=kind) if kind is not None else mine.exclude(kind=StepKind.SIGN)
    return outgoing.outgoing_visible_to(actor).filter(Exists(mine)).count()


def my_tasks(actor: User) -> QuerySet[Assignment]:
    """The actor's own open tasks (assignments no document started)."""
    return Assignment.objects.filter(document__isnull=True, user_id=actor.pk, status__in=OPEN)


def _waiting_counts(actor: User) -> dict[str, int]:
    """The counts behind "Việc chờ tôi", in display order (labels and links are added per request: the
    counts are kept per person in the cache, ``core.person_counts``, the labels follow the language)."""
    keys = [k for k in incoming.inboxes_for(actor) if k in INCOMING_KEYS]
    counts = dict(incoming.inbox_counts(actor, keys=keys))
    counts["approve"] = _steps_waiting(actor, None)
    counts["sign"] = _steps_waiting(actor, StepKind.SIGN)
    if "clerk" in actor.roles_for(None):
        counts["clerk"] = outgoing.outgoing_box(actor, box="clerk").count()
    # Tasks (direction app): the open ones of "Việc của tôi", counted by the list's own query
    counts["tasks"] = tasks_list(actor, TaskFilter(box="mine", status=TaskStatus.OPEN)).count()
    return counts


def waiting_for(actor: User) -> list[Waiting]:
    counts = person_counts.cached(actor.pk, "waiting", lambda: _waiting_counts(actor))
    base = reverse("incoming:list")
    items = [
        Waiting(k, str(incoming.INBOXES[k][0]), n, f"{base}?box={k}") for k, n in counts.items() if k in INCOMING_KEYS
    ]
    todo = reverse("outgoing:list") + "?box=todo"
    items.append(Waiting("approve", _("Dự thảo chờ tôi duyệt"), counts["approve"], todo))
    items.append(Waiting("sign", _("Văn bản chờ tôi ký"), counts["sign"], todo))
    if "clerk" in counts:
        url = reverse("outgoing:list") + "?box=clerk"
        items.append(Waiting("clerk", str(outgoing.BOXES["clerk"]), counts["clerk"], url))
    url = reverse("direction:task_list") + f"?box=mine&status={TaskStatus.OPEN}"
    items.append(Waiting("tasks", _("Nhiệm vụ được giao cho tôi"), counts["tasks"], url))
    return items


@dataclass(frozen=True)
class TodayEvent:
    event: CalendarEvent
    span: str  # "08:00–10:30", "Cả ngày", "Đến 11:30 (ngày 3/3)"


def events_today(actor: User) -> list[TodayEvent]:
    """Today's events of the person's calendars ("Lịch của tôi": his own, the published ones he chairs or
    attends, his unit's), not cancelled, in order."""
    today = timezone.localdate()
    start = dt.datetime.combine(today, dt.time(0), tzinfo=calendar.LOCAL)
    events = calendar.my_week(actor, start, start + dt.timedelta(days=1)).exclude(state=EventState.CANCELLED)
    return [TodayEvent(e, calendar.day_span(e, today)) for e in events]
