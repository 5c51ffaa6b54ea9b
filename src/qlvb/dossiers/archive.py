"""Nộp lưu (NĐ 30/2020 Điều 30–31): the owner of closed dossiers (or his unit's head) prepares a batch and
submits it; the agency's archivist checks each dossier against the dossier list and accepts it (the dossier
is ``archived``: read-only, visible per its chế độ sử dụng) or returns it with a reason (``closed`` again).
Also the daily reminders: a dossier's transfer deadline 30 days ahead, and each quarter the "chưa lập hồ sơ"
documents. Reads are filtered in the SQL query."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone

from qlvb.assignments.models import Assignment, NotificationKind
from qlvb.assignments.notify import notify_after_commit
from qlvb.core import audit
from qlvb.core.errors import Conflict, NotFound, ValidationFailed
from qlvb.core.locks import row_locked
from qlvb.core.text import text_clean
from qlvb.directory.models import RoleAssignment, User
from qlvb.documents.models import Direction, Document

from . import policies
from .archive_models import (
    Decision,
    DossierKeep,
    Rights,
    TransferBatch,
    TransferItem,
    TransferReminder,
    TransferState,
    UnfiledReminder,
)
from .archive_rules import (
    REMIND_DAYS,
    add_months,
    dossier_terms_check,
    transfer_add_check,
    transfer_decide_check,
    transfer_due,
    transfer_submit_check,
)
from .errors import ErrorCode
from .keeping import keeps_of
from .models import Dossier, DossierState
from .selectors import _int, _signed_in, documents_unfiled, dossiers_visible_to


def _archivists(agency_id: int) -> list[int]:
    return list(
        RoleAssignment.objects.filter(unit_id=agency_id, role="archivist", user__is_active=True).values_list(
            "user_id", flat=True
        )
    )


@transaction.atomic
def dossier_terms_set(*, actor: User, dossier: Dossier, rights: str, capital_construction: bool) -> Dossier:
    """Chế độ sử dụng (Công khai / Hạn chế / Mật) and the capital-construction mark (its transfer deadline)."""
    dossier = row_locked(dossier, related=("agency", "creator"))
    dossier_terms_check(actor, dossier)
    if rights not in Rights.values:
        raise ValidationFailed("Chế độ sử dụng phải là Công khai, Hạn chế hoặc Mật.", code=ErrorCode.BAD_RIGHTS)
    dossier.rights = rights
    dossier.capital_construction = capital_construction
    dossier.save(update_fields=["rights", "capital_construction"])
    audit.record(
        "dossiers.terms_set",
        actor=actor,
        obj=dossier,
        data={"rights": rights, "capital_construction": capital_construction},
    )
    return dossier


# --- The batch ------------------------------------------------------------------------------------------------


@transaction.atomic
def transfer_create(*, actor: User, dossier_ids: Iterable[int], title: str) -> TransferBatch:
    """A batch of closed dossiers, prepared (not yet submitted). Every dossier must pass its check: one refused
    dossier refuses the whole batch, nothing half-done."""
    wanted = sorted({int(pk) for pk in dossier_ids})
    if not wanted:
        raise ValidationFailed("Chưa chọn hồ sơ nào để nộp lưu.", code=ErrorCode.NOT_TRANSFERABLE)
    found = {
        d.pk: d
        for d in dossiers_visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("agency", "creator__unit")
        .filter(pk__in=wanted)
    }
    if len(found) != len(wanted):
        raise NotFound("Không tìm thấy hồ sơ hoặc bạn không có quyền xem hồ sơ này.")
    dossiers = [found[pk] for pk in wanted]
    for dossier in dossiers:
        transfer_add_check(actor, dossier)
    agencies = {d.agency_id for d in dossiers}
    if len(agencies) != 1:
        raise ValidationFailed("Một đợt nộp lưu chỉ gồm hồ sơ của một cơ quan.")
    agency = dossiers[0].agency
    unit = dossiers[0].creator.unit or agency
    title = text_clean(title, label="tên khối tài liệu nộp lưu", limit=500) or (
        f"Tài liệu của {unit.name} năm {min(d.year for d in dossiers)}"
    )
    number = (TransferBatch.objects.filter(agency=agency).aggregate(n=Max("number"))["n"] or 0) + 1
    try:
        with transaction.atomic():
            batch = TransferBatch.objects.create(agency=agency, unit=unit, number=number, title=title, created_by=actor)
            TransferItem.objects.bulk_create(TransferItem(batch=batch, dossier=d) for d in dossiers)
    except IntegrityError:  # another batch took one of them (or the number) at the same moment
        raise Conflict(
            "Một hồ sơ vừa được đưa vào đợt nộp lưu khác; hãy thử lại.", code=ErrorCode.NOT_TRANSFERABLE
        ) from None
    audit.record("dossiers.transfer_created", actor=actor, obj=batch, data={"number": number, "dossiers": wanted})
    return batch


@transaction.atomic
def transfer_submit(*, actor: User, batch: TransferBatch) -> TransferBatch:
    """Hand the batch to the archive: its dossiers become ``submitted``; the archivists are notified."""
    batch = row_locked(batch, related=("agency",))
    transfer_submit_check(actor, batch)
    dossier_ids = list(batch.items.values_list("dossier_id", flat=True))
    locked = Dossier.objects.select_for_update().filter(pk__in=dossier_ids)
    if any(d.state != DossierState.CLOSED for d in locked):  # reopened since the batch was prepared
        raise Conflict("Có hồ sơ trong đợt đã được mở lại; hãy lập lại đợt nộp lưu.", code=ErrorCode.NOT_TRANSFERABLE)
    Dossier.objects.filter(pk__in=dossier_ids).update(state=DossierState.SUBMITTED)
    batch.state = TransferState.SUBMITTED
    batch.submitted_at = timezone.now()
    batch.save(update_fields=["state", "submitted_at"])
    audit.record("dossiers.transfer_submitted", actor=actor, obj=batch, data={"dossiers": dossier_ids})
    notify_after_commit(
        users=_archivists(batch.agency_id),
        kind=NotificationKind.NEW_DOCUMENT,
        text=f"Hồ sơ nộp lưu mới: đợt số {batch.number} — {batch.title} ({len(dossier_ids)} hồ sơ).",
        exclude=actor,
    )
    return batch


def _finish_if_done(batch: TransferBatch, actor: User) -> None:
    if not batch.items.filter(decision=Decision.PENDING).exists():
        batch.state = TransferState.DONE
        batch.received_by = actor
        batch.done_at = timezone.now()
        batch.save(update_fields=["state", "received_by", "done_at"])


@transaction.atomic
def transfer_accept(*, actor: User, item: TransferItem) -> TransferItem:
    """The archivist takes the dossier under the archive's management (``archived``)."""
    item = row_locked(item, related=("batch__agency", "dossier"))
    transfer_decide_check(actor, item)
    item.decision = Decision.ACCEPTED
    item.decided_by, item.decided_at = actor, timezone.now()
    item.save(update_fields=["decision", "decided_by", "decided_at"])
    Dossier.objects.filter(pk=item.dossier_id).update(state=DossierState.ARCHIVED)
    audit.record("dossiers.transfer_accepted", actor=actor, obj=item.dossier, data={"batch": item.batch_id})
    _finish_if_done(item.batch, actor)
    return item


@transaction.atomic
def transfer_return(*, actor: User, item: TransferItem, reason: str) -> TransferItem:
    """The archivist returns the dossier with a reason: it is ``closed`` again with its owner, who is told why."""
    item = row_locked(item, related=("batch__agency", "dossier"))
    transfer_decide_check(actor, item)
    reason = text_clean(reason, label="lý do trả lại", limit=500, required=True)
    item.decision = Decision.RETURNED
    item.reason = reason
    item.decided_by, item.decided_at = actor, timezone.now()
    item.save(update_fields=["decision", "reason", "decided_by", "decided_at"])
    Dossier.objects.filter(pk=item.dossier_id).update(state=DossierState.CLOSED)
    audit.record(
        "dossiers.transfer_returned", actor=actor, obj=item.dossier, data={"batch": item.batch_id, "reason": reason}
    )
    notify_after_commit(
        users=[item.dossier.creator_id, item.batch.created_by_id],
        kind=NotificationKind.RETURNED,
        text=f"Lưu trữ trả lại hồ sơ {item.dossier.notation} — {item.dossier.title}: {reason}",
        exclude=actor,
    )
    _finish_if_done(item.batch, actor)
    return item


# --- Reads ------------------------------------------------------------------------------------------------------


def transfers_visible_to(actor: User) -> QuerySet[TransferBatch]:
    """Batches the actor prepared, and every batch of the agencies where he is the archivist or the head."""
    if not _signed_in(actor):
        return TransferBatch.objects.none()
    wide = actor.units_with_role(*policies.AGENCY_WIDE_ROLES)
    return TransferBatch.objects.filter(Q(created_by_id=actor.pk) | Q(agency_id__in=wide))


def transfer_get(actor: User, *, pk: Any) -> TransferBatch:
    found = (
        transfers_visible_to(actor).select_related("agency", "unit", "created_by", "received_by").filter(pk=_int(pk))
    ).first()
    if found is None:
        raise NotFound()
    return found


def transfer_items(batch: TransferBatch) -> QuerySet[TransferItem]:
    return batch.items.select_related("dossier__plan_row__plan", "decided_by").order_by("dossier__notation")


def transfer_item_get(batch: TransferBatch, item_id: Any) -> TransferItem:
    found = batch.items.select_related("batch__agency", "dossier").filter(pk=_int(item_id)).first()
    if found is None:
        raise NotFound()
    return found


def archive_inbox(actor: User) -> QuerySet[TransferBatch]:
    """The archivist's inbox: submitted batches of his agencies, with their counts, oldest first."""
    if not _signed_in(actor):
        return TransferBatch.objects.none()
    return (
        TransferBatch.objects.filter(agency_id__in=actor.units_with_role("archivist"), state=TransferState.SUBMITTED)
        .select_related("unit", "created_by")
        .annotate(
            dossier_count=Count("items"),
            pending_count=Count("items", filter=Q(items__decision=Decision.PENDING)),
        )
        .order_by("submitted_at", "pk")
    )


def dossiers_transferable(actor: User) -> list[tuple[Dossier, dt.date | None]]:
    """Closed dossiers the actor may submit (his own; his unit's as its head), not in a batch, with their due
    dates, the most urgent first."""
    if not _signed_in(actor):
        return []
    waiting = TransferItem.objects.filter(dossier_id=OuterRef("pk"), decision=Decision.PENDING)
    heads = actor.units_with_role("dept_leader", "leader")
    rows = (
        dossiers_visible_to(actor)
        .filter(Q(creator_id=actor.pk) | Q(creator__unit_id__in=heads) | Q(agency_id__in=heads))
        .filter(state=DossierState.CLOSED)
        .filter(~Exists(waiting))
        .select_related("creator__unit", "agency")[:500]
    )
    found = [(d, transfer_due(d)) for d in rows if policies.may_submit(actor, d)]
    keeps = keeps_of(d.pk for d, _due in found)
    for d, _due in found:
        d.keep = keeps.get(d.pk)  # type: ignore[attr-defined]  # Điều 31: kept in the unit until …
    return sorted(found, key=lambda pair: (pair[1] or dt.date.max, pair[0].notation))


def archived_dossiers(actor: User) -> QuerySet[Dossier]:
    """Dossiers under the archive's management that the actor may see."""
    return dossiers_visible_to(actor).filter(state__in=(DossierState.ARCHIVED, DossierState.DISPOSED))


def expiring(actor: User, *, year: int) -> QuerySet[Dossier]:
    """Archived fixed-term dossiers of the archivist's agencies whose retention ends in ``year`` or earlier
    (the retention counted from the year the work ended), not yet disposed of."""
    if not _signed_in(actor):
        return Dossier.objects.none()
    return (
        Dossier.objects.filter(
            agency_id__in=actor.units_with_role("archivist"),
            state=DossierState.ARCHIVED,
            retention_years__isnull=False,
            end_date__isnull=False,
        )
        .annotate(expiry_year=ExtractYear("end_date") + F("retention_years"))
        .filter(expiry_year__lte=year)
        .order_by("expiry_year", "notation")
    )


# --- Reminders (Celery beat, tasks.py) ---------------------------------------------------------------------------


def transfer_reminders_send(today: dt.date | None = None) -> int:
    """Closed dossiers whose transfer deadline is within 30 days (or past): their creator is told once. A
    dossier kept in its unit (Điều 31, ``keeping.py``) is not reminded of its deadline but of the end of its
    keeping, once too (also when he had been reminded of the deadline before the keeping)."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=REMIND_DAYS)
    closed_kept = DossierKeep.objects.filter(dossier__state=DossierState.CLOSED).values_list("dossier_id", flat=True)
    kept = {pk: keep.until for pk, keep in keeps_of(set(closed_kept)).items()}
    reminded = TransferReminder.objects.filter(dossier_id=OuterRef("pk"))
    # The shortest term is 3 months: a dossier that ended after horizon - 3 months is not due yet.
    candidates = (
        Dossier.objects.filter(state=DossierState.CLOSED)
        .filter((Q(end_date__lte=add_months(horizon, -3)) & ~Exists(reminded)) | Q(pk__in=list(kept)))
        .exclude(pk__in=TransferItem.objects.filter(decision=Decision.PENDING).values("dossier_id"))
    )
    sent = 0
    for dossier in candidates.iterator():
        due = kept.get(dossier.pk) or transfer_due(dossier)
        if due is not None and due <= horizon and _transfer_remind(dossier, due, kept=dossier.pk in kept):
            sent += 1
    return sent


def _transfer_remind(dossier: Dossier, due: dt.date, *, kept: bool) -> bool:
    """Tell the dossier's creator of ``due`` unless he was told of it (or of a later date) already."""
    with transaction.atomic():
        reminder, created = TransferReminder.objects.select_for_update().get_or_create(
            dossier=dossier, defaults={"due_date": due, "sent_at": timezone.now()}
        )
        if not created:
            if reminder.due_date >= due:
                return False
            reminder.due_date, reminder.sent_at = due, timezone.now()
            reminder.save(update_fields=["due_date", "sent_at"])
        what = "hết thời hạn giữ lại, phải nộp lưu" if kept else "đến hạn nộp lưu"
        notify_after_commit(
            users=[dossier.creator_id],
            kind=NotificationKind.DUE_SOON,
            text=f"Hồ sơ {dossier.notation} — {dossier.title} {what} ngày {due:%d/%m/%Y}.",
        )
    return True


def quarter_of(day: dt.date) -> tuple[int, int, bool]:
    """(year, quarter, is the last day of the quarter)."""
    quarter = (day.month - 1) // 3 + 1
    end = add_months(dt.date(day.year, 3 * quarter, 1), 1) - dt.timedelta(days=1)
    return day.year, quarter, day == end


def unfiled_reminders_send(today: dt.date | None = None) -> int:
    """On the last day of each quarter, once: everyone who handled documents that are in no dossier yet is told
    how many ("chưa lập hồ sơ"). Returns the number of people told (0 on any other day, or on a rerun)."""
    today = today or timezone.localdate()
    year, quarter, last_day = quarter_of(today)
    if not last_day:
        return 0
    with transaction.atomic():
        mark, created = UnfiledReminder.objects.get_or_create(
            year=year, quarter=quarter, defaults={"sent_at": timezone.now()}
        )
        if not created:
            return 0
        handlers = set(Assignment.objects.filter(user__isnull=False).values_list("user_id", flat=True).distinct())
        handlers |= set(
            Document.objects.filter(direction__in=(Direction.OUTGOING, Direction.INTERNAL))
            .values_list("created_by_id", flat=True)
            .distinct()
        )
        told = 0
        for user in User.objects.filter(pk__in=handlers, is_active=True):
            count = documents_unfiled(user).count()
            if count:
                notify_after_commit(
                    users=[user],
                    kind=NotificationKind.REMINDER,
                    text=f"Quý {quarter}/{year}: bạn còn {count} văn bản đã xử lý chưa lập hồ sơ.",
                )
                told += 1
        mark.people = told
        mark.save(update_fields=["people"])
    return told
