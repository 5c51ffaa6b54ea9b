"""Follow-up of an issued document's reply due date (Điều 14.3.b of the seed regulation: the drafter
follows up the tasks the document gives): the daily job tells the drafter once when the date is near
and once when it has passed, naming the recipients that have not completed it (edXML status below
06); the drafter (or a clerk) ends the follow-up when the replies are in. The consultation rounds'
deadlines are swept by the same job (``consultation.consultations_due_sweep``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from qlvb.assignments.notify import notify_after_commit
from qlvb.core.locks import row_locked
from qlvb.core.text import text_clean
from qlvb.directory.models import User
from qlvb.documents.deliveries import Status
from qlvb.documents.events import event_record

from .consultation import consultations_due_sweep
from .models import Outgoing, ReplyFollowUp, State
from .preconditions import outgoing_followup_close_check


def soon_days() -> int:
    return int(getattr(settings, "QLVB_OUTGOING_REPLY_SOON_DAYS", 2))


def _open_recipients(outgoing: Outgoing) -> list[str]:
    return [
        d.organ_name
        for d in outgoing.document.deliveries.all()
        if d.status not in (Status.COMPLETED, Status.REJECTED) and d.recalled_at is None
    ]


def _candidates(today: dt.date) -> Any:
    return (
        Outgoing.objects.select_for_update(of=("self",))
        .select_related("document", "drafter")
        .prefetch_related("document__deliveries")
        .filter(
            state=State.ISSUED,
            document__due_date__isnull=False,
            document__due_date__lte=today + dt.timedelta(days=soon_days()),
        )
        .filter(Q(follow_up__isnull=True) | Q(follow_up__done_at__isnull=True))
        .order_by("document__due_date", "pk")
    )


@transaction.atomic
def reply_due_sweep(*, today: dt.date | None = None) -> dict[str, int]:
    """Daily: notify the drafter once when the reply due date is within ``QLVB_OUTGOING_REPLY_SOON_DAYS``
    days (default 2) and once when it has passed, while some recipient has not completed it."""
    today = today or timezone.localdate()
    counts = {"due_soon": 0, "overdue": 0}
    for outgoing in _candidates(today):
        follow, _ = ReplyFollowUp.objects.select_for_update().get_or_create(outgoing=outgoing)
        due = outgoing.document.due_date
        assert due is not None
        kind = "overdue" if due < today else "due_soon"
        if (follow.overdue_notified_on if kind == "overdue" else follow.due_soon_notified_on) is not None:
            continue
        if kind == "overdue" and follow.due_soon_notified_on is None:
            follow.due_soon_notified_on = today  # the near-date notice is moot once it has passed
        waiting = _open_recipients(outgoing)
        if outgoing.document.deliveries.exists() and not waiting:
            continue  # every recipient has completed it
        document = outgoing.document
        head = "Quá hạn trả lời" if kind == "overdue" else "Sắp đến hạn trả lời"
        who = f" Chưa hoàn thành: {', '.join(waiting)}." if waiting else ""
        text = f"{head} ({due:%d/%m/%Y}) văn bản {document.number_notation}: {document.subject}.{who}"
        notify_after_commit(users=[outgoing.drafter], kind=kind, document_id=outgoing.pk, text=text[:500])
        event_record(
            document,
            actor=None,
            action="reply_due_reminded",
            text=text[:2000],
            data={"kind": kind, "due_date": due.isoformat(), "waiting": waiting},
        )
        if kind == "overdue":
            follow.overdue_notified_on = today
        else:
            follow.due_soon_notified_on = today
        follow.save()
        counts[kind] += 1
    return counts


def followup_sweep(*, today: dt.date | None = None) -> dict[str, int]:
    """The daily job of the outgoing flow (``CELERY_BEAT_SCHEDULE["outgoing-followup"]``)."""
    counts = reply_due_sweep(today=today)
    counts["consultations_due_soon"] = consultations_due_sweep(today=today)
    return counts


@transaction.atomic
def reply_followup_close(*, actor: User, outgoing: Outgoing, note: str = "") -> ReplyFollowUp:
    """The drafter (or a clerk of the agency) ends the follow-up: the replies are in, or no longer needed."""
    outgoing = row_locked(outgoing, related=("document",))
    outgoing_followup_close_check(actor, outgoing)
    follow, _ = ReplyFollowUp.objects.select_for_update().get_or_create(outgoing=outgoing)
    follow.done_at, follow.done_note = timezone.now(), text_clean(note, label="ghi chú", limit=500)
    follow.save()
    event_record(outgoing.document, actor=actor, action="reply_followed_up", text=follow.done_note)
    return follow
