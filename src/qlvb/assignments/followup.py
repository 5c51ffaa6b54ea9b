"""Follow-up of a part, whatever started the work: deadline extensions (gia hạn), reminders (đôn đốc)
and the daily deadline sweep (overdue and due-soon notices, once each)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from qlvb.core.errors import Conflict, PermissionDenied, ValidationFailed
from qlvb.core.text import text_clean
from qlvb.directory.models import User

from .handling import handlers_of, on_behalf
from .models import Assignment, Extension, ExtensionStatus, Reminder, ReminderKind
from .notify import notify_after_commit
from .preconditions import OPEN, can_follow, check_extend, check_remind
from .workflows import workflow_of

# A part due within this many days is told once that its deadline is near.
DUE_SOON_DAYS = 2


@transaction.atomic
def extension_request(*, actor: User, assignment: Assignment, new_due_date: dt.date, reason: str) -> Extension:
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    check_extend(actor, assignment)
    reason = text_clean(reason, label="lý do đề nghị gia hạn", limit=4000, required=True)
    if assignment.due_date is not None and new_due_date <= assignment.due_date:
        raise ValidationFailed("Hạn đề nghị phải sau hạn hiện tại.")
    if new_due_date < timezone.localdate():
        raise ValidationFailed("Hạn đề nghị không được ở quá khứ.")
    if assignment.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise Conflict("Đã có một đề nghị gia hạn đang chờ quyết định.")
    ext = Extension.objects.create(
        assignment=assignment,
        requested_by=actor,
        requested_at=timezone.now(),
        reason=reason,
        old_due_date=assignment.due_date,
        new_due_date=new_due_date,
    )
    workflow_of(assignment).record(
        assignment,
        actor=actor,
        action="extension_requested",
        text=f"Đề nghị gia hạn đến {new_due_date:%d/%m/%Y}: {reason}",
        data={"assignment": assignment.pk, "extension": ext.pk},
    )
    notify_after_commit(
        users=[assignment.assigned_by],
        kind="extension",
        assignment_id=assignment.pk,
        document_id=assignment.document_id,
        text=f"{actor.full_name} đề nghị gia hạn đến {new_due_date:%d/%m/%Y}",
    )
    return ext


@transaction.atomic
def extension_decide(*, actor: User, extension: Extension, grant: bool, note: str = "") -> Extension:
    extension = Extension.objects.select_for_update(of=("self",)).select_related("assignment").get(pk=extension.pk)
    assignment = extension.assignment
    if not can_follow(actor, assignment):
        raise PermissionDenied("Chỉ người đã giao việc mới quyết định gia hạn.")
    if extension.status != ExtensionStatus.PENDING:
        raise Conflict("Đề nghị gia hạn đã được quyết định.")
    extension.status = ExtensionStatus.GRANTED if grant else ExtensionStatus.REFUSED
    extension.decided_by = actor
    extension.decided_at = timezone.now()
    extension.decision_note = text_clean(note, label="ý kiến", limit=4000)
    extension.save()
    if grant:
        assignment.due_date = extension.new_due_date
        assignment.overdue_notified_on = None
        assignment.due_soon_notified_on = None
        assignment.save(update_fields=["due_date", "overdue_notified_on", "due_soon_notified_on"])
    action = "extension_granted" if grant else "extension_refused"
    text = f"Hạn mới {extension.new_due_date:%d/%m/%Y}." if grant else "Giữ hạn cũ."
    behalf_text, behalf = on_behalf(actor, assignment, action)
    workflow_of(assignment).record(
        assignment,
        actor=actor,
        action=action,
        text=f"{text}{behalf_text} {extension.decision_note}".strip(),
        data={"assignment": assignment.pk, "extension": extension.pk, **behalf},
    )
    notify_after_commit(
        users=[extension.requested_by],
        kind="extension",
        assignment_id=assignment.pk,
        document_id=assignment.document_id,
        text=("Được gia hạn đến " + f"{extension.new_due_date:%d/%m/%Y}") if grant else "Đề nghị gia hạn bị từ chối",
    )
    return extension


@transaction.atomic
def reminder_send(*, actor: User, assignment: Assignment, kind: str, text: str) -> Reminder:
    """Đôn đốc: numbered per assignment inside this transaction (the assignment row is locked)."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    check_remind(actor, assignment)
    if kind not in ReminderKind.values:
        raise ValidationFailed("Hình thức đôn đốc không hợp lệ.")
    text = text_clean(text, label="nội dung đôn đốc", limit=1000, required=True)
    seq = (assignment.reminders.aggregate(m=Max("seq"))["m"] or 0) + 1
    reminder = Reminder.objects.create(
        assignment=assignment, seq=seq, kind=kind, text=text, sent_by=actor, sent_at=timezone.now()
    )
    label = ReminderKind(kind).label
    behalf_text, behalf = on_behalf(actor, assignment, "reminded", remind=True)
    workflow_of(assignment).record(
        assignment,
        actor=actor,
        action="reminded",
        text=f"Lần {seq} ({label}) — {assignment.assignee_label}{behalf_text}: {text}",
        data={"assignment": assignment.pk, "reminder": reminder.pk, "seq": seq, "kind": kind, **behalf},
    )
    notify_after_commit(
        users=handlers_of(assignment),
        kind="reminder",
        assignment_id=assignment.pk,
        document_id=assignment.document_id,
        text=f"Đôn đốc lần {seq} ({label}): {text[:300]}",
    )
    return reminder


def _subject(a: Assignment) -> str:
    return a.document.subject[:200] if a.document else a.directive[:200]


@transaction.atomic
def deadlines_sweep(*, today: dt.date | None = None) -> dict[str, int]:
    """Daily job: notify once about open assignments (of documents and of tasks) past their due date, and
    once when due within ``DUE_SOON_DAYS`` days. Returns the counts."""
    today = today or timezone.localdate()
    counts = {"overdue": 0, "due_soon": 0}
    overdue = (
        Assignment.objects.select_for_update(of=("self",))
        .filter(status__in=OPEN, due_date__lt=today, overdue_notified_on__isnull=True)
        .select_related("document", "unit")
    )
    for a in overdue:
        notify_after_commit(
            users=[*handlers_of(a), a.assigned_by],
            kind="overdue",
            assignment_id=a.pk,
            document_id=a.document_id,
            text=f"Quá hạn ({a.due_date:%d/%m/%Y}): {_subject(a)}",
        )
        a.overdue_notified_on = today
        a.save(update_fields=["overdue_notified_on"])
        counts["overdue"] += 1
    soon = (
        Assignment.objects.select_for_update(of=("self",))
        .filter(
            status__in=OPEN,
            due_date__gte=today,
            due_date__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
            due_soon_notified_on__isnull=True,
        )
        .select_related("document", "unit")
    )
    for a in soon:
        notify_after_commit(
            users=handlers_of(a),
            kind="due_soon",
            assignment_id=a.pk,
            document_id=a.document_id,
            text=f"Sắp đến hạn ({a.due_date:%d/%m/%Y}): {_subject(a)}",
        )
        a.due_soon_notified_on = today
        a.save(update_fields=["due_soon_notified_on"])
        counts["due_soon"] += 1
    return counts
