"""Phát hành, thu hồi, thay thế (NĐ 30 Điều 18): issue to the recipients, revoke, start a replacement.

The outgoing flow only records: the deliveries (``documents.sending``) and the ``issued`` / ``revoked`` /
``replaced`` events, in the action's transaction. The exchange carries them out after the commit (it
consumes those events): the recipients' copies, their recall, the national axis."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from qlvb.assignments.notify import notify_after_commit
from qlvb.core import audit
from qlvb.core.errors import Conflict
from qlvb.core.locks import row_locked
from qlvb.core.text import text_clean
from qlvb.directory.models import User
from qlvb.documents.deliveries import BusinessType
from qlvb.documents.events import event_record
from qlvb.documents.models import (
    DocumentStatus,
)
from qlvb.documents.sending import deliveries_recall_record, deliveries_record, deliveries_retry_record

from .drafting import DraftData, outgoing_create
from .errors import ErrorCode
from .models import (
    Outgoing,
    State,
)
from .preconditions import (
    outgoing_deliveries_retry_check,
    outgoing_issue_check,
    outgoing_replace_check,
    outgoing_revoke_check,
)


@transaction.atomic
def outgoing_issue(*, actor: User, outgoing: Outgoing, accept_unreachable: bool = False) -> Outgoing:
    """Phát hành (NĐ 30 Điều 18): one delivery per recipient — electronic (carried by the exchange once this
    transaction commits: internal at once, outside agencies through the axis), on paper, or recorded as
    not reachable. The clerk has seen the summary
    (``recipients.recipients_summary``): recipients typed as text and matched to nothing are refused
    unless she accepts that they get nothing (``accept_unreachable``)."""
    from .recipients import issue_counts_text, recipients_summary

    outgoing = row_locked(outgoing, related=("document",))
    outgoing_issue_check(actor, outgoing)
    summary = recipients_summary(outgoing)
    groups, counts = summary["groups"], summary["counts"]
    if groups["unreachable"] and not accept_unreachable:
        names = "; ".join(x["name"] for x in groups["unreachable"])
        raise Conflict(
            f"{counts['unreachable']} nơi nhận chưa có địa chỉ liên thông nên sẽ không nhận được văn "
            f"bản: {names}. Hãy chọn cơ quan trong danh bạ, đánh dấu gửi bản giấy hoặc bỏ nơi nhận đó; "
            "hoặc xác nhận vẫn phát hành.",
            code=ErrorCode.UNREACHABLE_RECIPIENTS,
            details={"unreachable": [x["name"] for x in groups["unreachable"]]},
        )
    now = timezone.now()
    document = outgoing.document
    document.status, document.completed_at = DocumentStatus.COMPLETED, now
    document.save(update_fields=["status", "completed_at"])
    outgoing.state, outgoing.issued_at, outgoing.issued_by = State.ISSUED, now, actor
    outgoing.save(update_fields=["state", "issued_at", "issued_by"])
    units = [r.unit for r in outgoing.recipients.select_related("unit").order_by("unit__name")]
    deliveries = deliveries_record(
        document=document,
        units=units,
        also_paper=outgoing.also_paper,
        business_type=outgoing.business_type,
        paper=[x["name"] for x in groups["paper"] if x["typed"]],
        unreachable=[x["name"] for x in groups["unreachable"]],
    )
    sent = {key: counts[key] for key in ("internal", "axis", "paper", "unreachable")}
    event_record(
        document,
        actor=actor,
        action="issued",
        text=f"Phát hành {document.number_notation} tới {issue_counts_text(sent)}.",
        data={"deliveries": len(deliveries), **sent},
    )
    audit.record("outgoing.issued", actor=actor, obj=document, data={"deliveries": len(deliveries), **sent})
    if outgoing.answers_id is not None:  # the incoming document it answers learns its reply's number
        event_record(
            outgoing.answers,  # type: ignore[arg-type]
            actor=actor,
            action="answered",
            text=f"Trả lời bằng văn bản {document.number_notation}.",
            data={
                "notation": document.number_notation,
                "document_id": document.pk,
                "issued_date": document.issued_date.isoformat() if document.issued_date else "",
            },
        )
    if outgoing.replaces_id is not None:
        assert outgoing.replaces is not None  # replaces_id is set
        original = row_locked(outgoing.replaces, related=("document",))
        kind = BusinessType.REPLACE if outgoing.business_type == BusinessType.REPLACE else BusinessType.UPDATE
        if kind == BusinessType.REPLACE:
            original.state = State.REPLACED
            original.frozen_reason = f"Bị thay thế bởi văn bản {document.number_notation}."
            original.save(update_fields=["state", "frozen_reason"])
            deliveries_recall_record(
                document=original.document,
                reason=original.frozen_reason,
                business_type=BusinessType.REPLACE,
            )
        event_record(
            original.document,
            actor=actor,
            action="replaced" if kind == BusinessType.REPLACE else "updated",
            text=f"Văn bản {document.number_notation} ngày {document.issued_date:%d/%m/%Y}.",
            data={"by": document.pk, "reason": original.frozen_reason if kind == BusinessType.REPLACE else ""},
        )
    notify_after_commit(
        users=[outgoing.drafter],
        exclude=actor,
        kind="completed",
        document_id=outgoing.pk,
        text=f"Đã phát hành {document.number_notation}: {document.subject[:200]}",
    )
    return outgoing


@transaction.atomic
def outgoing_deliveries_retry(*, actor: User, outgoing: Outgoing) -> int:
    """The clerk's "Gửi lại" on the issue's state ("Đã gửi 180/200, 3 lỗi — gửi lại"): the deliveries whose
    tries ran out are pending again; the exchange carries them after the commit (one task each, as at the
    issue). Returns how many."""
    outgoing = row_locked(outgoing, related=("document",))
    outgoing_deliveries_retry_check(actor, outgoing)
    retried = deliveries_retry_record(document=outgoing.document)
    names = [d.organ_name for d in retried]
    event_record(
        outgoing.document,
        actor=actor,
        action="deliveries_retried",
        text=f"Gửi lại tới {len(retried)} nơi nhận: {'; '.join(names)}"[:2000],
        data={"deliveries": len(retried)},
    )
    audit.record("outgoing.deliveries_retried", actor=actor, obj=outgoing.document, data={"deliveries": len(retried)})
    return len(retried)


@transaction.atomic
def outgoing_revoke(*, actor: User, outgoing: Outgoing, reason: str) -> Outgoing:
    """Thu hồi (NĐ 30 Điều 18.4): the original is frozen and the recall recorded on its deliveries; after the
    commit the exchange withdraws the copies of recipients in this deployment and sends the recall to
    outside ones through the axis."""
    outgoing = row_locked(outgoing, related=("document",))
    outgoing_revoke_check(actor, outgoing)
    reason = text_clean(reason, limit=500, label="lý do thu hồi", required=True)
    outgoing.state, outgoing.frozen_reason = State.REVOKED, reason
    outgoing.save(update_fields=["state", "frozen_reason"])
    changed = deliveries_recall_record(document=outgoing.document, reason=reason)
    event_record(
        outgoing.document,
        actor=actor,
        action="revoked",
        text=reason,
        data={"deliveries": len(changed), "reason": reason},
    )
    audit.record("outgoing.revoked", actor=actor, obj=outgoing.document, data={"reason": reason})
    return outgoing


@transaction.atomic
def outgoing_replacement_start(*, actor: User, outgoing: Outgoing, update: bool = False) -> Outgoing:
    """Start the document that replaces (or updates) an issued one (NĐ 30 Điều 18.3): a new draft with the
    same metadata and recipients; when it is issued the original is frozen and recalled (replace)."""
    original = Outgoing.objects.select_related("document").get(pk=outgoing.pk)
    outgoing_replace_check(actor, original)
    d = original.document
    verb = "cập nhật" if update else "thay thế"
    data = DraftData(
        doc_type=d.doc_type,
        subject=d.subject,
        signer=original.signer,
        competence=original.competence,
        signer_position=d.signer_position,
        urgency=d.urgency,
        due_date=None,
        drafter_initials=original.drafter_initials,
        copy_count=original.copy_count,
        recipients=[r.unit for r in original.recipients.select_related("unit")],
        free_recipients=original.free_recipients,
        paper_recipients=original.paper_recipients,
        description=f"{verb.capitalize()} văn bản {d.number_notation}",
    )
    new = outgoing_create(actor=actor, data=data)
    new.replaces = original
    new.business_type = BusinessType.UPDATE if update else BusinessType.REPLACE
    new.save(update_fields=["replaces", "business_type"])
    return new
