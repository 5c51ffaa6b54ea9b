"""What the sender of an issued document records about its recipients, in its own transaction: how each
recipient is reached (:func:`route_of`), whether it may receive at all (:func:`recipient_check`), one
:class:`~.deliveries.Delivery` per recipient (:func:`deliveries_record`) and the recall of those deliveries
(:func:`deliveries_recall_record`), and the take-back of one delivery (:func:`delivery_take_back_record`).

Recording is all: nothing here reaches a recipient. The exchange (layer 6) carries the deliveries after
the sender's transaction commits, when it consumes the sender's ``issued`` / ``revoked`` / ``replaced``
events — so a rolled-back issue sends nothing, and the sender never imports the exchange or the incoming
flow.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from qlvb.core.errors import ValidationFailed
from qlvb.directory.models import Unit

from .deliveries import BusinessType, Delivery, Status, StatusChange, TakeBack, Transport
from .models import Direction, Document


def route_of(unit: Unit) -> str:
    """How a recipient of the directory gets the document: an agency of this deployment at once
    (internal); an outside agency with an electronic identifier through the national axis (waits for it);
    one without an identifier on paper."""
    if not unit.external:
        return Transport.INTERNAL
    return Transport.AXIS if unit.organ_id else Transport.PAPER


def recipient_check(unit: Unit, *, sender: Unit) -> None:
    """A recipient is an active agency other than the sender (an outside one without an electronic
    identifier is sent on paper: :func:`route_of`)."""
    if not unit.is_agency:
        raise ValidationFailed(f"{unit.name} không phải là cơ quan, tổ chức nhận văn bản.")
    if unit.pk == sender.pk:
        raise ValidationFailed("Không gửi văn bản đi cho chính cơ quan ban hành.")
    if not unit.is_active:
        raise ValidationFailed(f"{unit.name} đã ngừng hoạt động trong danh bạ.")


def deliveries_record(
    *,
    document: Document,
    units: Iterable[Unit],
    also_paper: bool = False,
    business_type: int = BusinessType.NEW,
    paper: Iterable[str] = (),
    unreachable: Iterable[str] = (),
) -> list[Delivery]:
    """One delivery per recipient of an issued document, in the issuing transaction. Recipients of the
    directory reached electronically (this deployment, or the national axis) wait as ``00`` for the
    exchange; an outside agency without an identifier and the names in ``paper`` are sent on paper
    (``GG``); the names in ``unreachable`` (typed as text, matched to no agency) are recorded as ``KD`` —
    none is left out."""
    if document.direction != Direction.OUTGOING:
        raise ValidationFailed("Chỉ gửi được văn bản đi.")
    now = timezone.now()
    created = []
    for unit in units:
        recipient_check(unit, sender=document.agency)
        route = route_of(unit)
        delivery = Delivery.objects.create(
            document=document,
            unit=unit,
            organ_name=unit.name[:200],
            organ_id=unit.organ_id[:35],
            transport=route,
            business_type=business_type,
            status=Status.PAPER if route == Transport.PAPER else Status.WAITING,
            status_at=now,
            also_paper=also_paper or route == Transport.PAPER,
            created_at=now,
        )
        if route == Transport.AXIS:
            StatusChange.objects.create(
                delivery=delivery, status=Status.WAITING, text="Chờ gửi liên thông", created_at=now
            )
        elif route == Transport.PAPER:
            StatusChange.objects.create(
                delivery=delivery,
                status=Status.PAPER,
                created_at=now,
                text="Chưa có mã định danh điện tử: gửi bản giấy",
            )
        # internal: the exchange records its arrival (01) once the recipient's copy exists
        created.append(delivery)
    for names, transport, status, text in (
        (paper, Transport.PAPER, Status.PAPER, "Gửi bản giấy"),
        (
            unreachable,
            Transport.NONE,
            Status.NO_ADDRESS,
            "Nơi nhận ghi bằng chữ, chưa khớp cơ quan nào trong danh bạ: không gửi điện tử được",
        ),
    ):
        for name in names:
            delivery = Delivery.objects.create(
                document=document,
                unit=None,
                organ_name=name[:200],
                transport=transport,
                business_type=business_type,
                status=status,
                status_at=now,
                also_paper=transport == Transport.PAPER,
                created_at=now,
            )
            StatusChange.objects.create(delivery=delivery, status=status, text=text, created_at=now)
            created.append(delivery)
    return created


def deliveries_recall_record(
    *, document: Document, reason: str, business_type: int = BusinessType.REVOKE
) -> list[Delivery]:
    """Record the recall of an issued document from every recipient (NĐ 30 Điều 18.4), in the sender's
    transaction. Electronic deliveries are marked ``recall_pending`` for the exchange, which withdraws the
    internal copies and sends the recall on the axis after the commit; deliveries on paper (or never
    sent) are recalled outside the system and only noted here."""
    now = timezone.now()
    label = BusinessType(business_type).label
    changed = []
    for delivery in Delivery.objects.filter(document=document, recalled_at__isnull=True):
        delivery.business_type = business_type
        delivery.recalled_at = now
        if delivery.transport in (Transport.INTERNAL, Transport.AXIS):
            delivery.recall_pending = True
            delivery.save(update_fields=["business_type", "recalled_at", "recall_pending"])
            if delivery.transport == Transport.AXIS:
                StatusChange.objects.create(
                    delivery=delivery,
                    status=delivery.status,
                    created_at=now,
                    text=f"{label}: chờ gửi liên thông. {reason}"[:500],
                )
        else:  # sent on paper or not sent: the recall goes the same way, outside the system
            delivery.save(update_fields=["business_type", "recalled_at"])
            how = "thu hồi bản giấy" if delivery.transport == Transport.PAPER else "chưa gửi, không cần thu hồi"
            StatusChange.objects.create(
                delivery=delivery, status=delivery.status, created_at=now, text=f"{label}: {how}. {reason}"[:500]
            )
        changed.append(delivery)
    return changed


def delivery_take_back_record(*, delivery: Delivery, reason: str) -> Delivery:
    """Record the sender's request to take one delivery back ("lấy lại", edXML status 13), in the sender's
    transaction. The exchange carries it after the commit: an internal copy not yet registered is withdrawn
    at once (15), a registered one stays (16); an outside recipient gets a status 13 through the axis and
    answers 15 or 16."""
    delivery.take_back = TakeBack.REQUESTED
    delivery.save(update_fields=["take_back"])
    StatusChange.objects.create(
        delivery=delivery,
        status=delivery.status,
        created_at=timezone.now(),
        text=f"Yêu cầu lấy lại: {reason}"[:500],
    )
    return delivery


ELECTRONIC = (Transport.INTERNAL, Transport.AXIS)


@dataclass(frozen=True)
class IssueProgress:
    """Where an issue's electronic deliveries stand (the outgoing page: "Đã gửi 180/200, 3 lỗi — gửi lại").
    ``sent``: handed over (an internal copy received, an axis package accepted by the axis, or a status
    past 00 already); ``failed``: the tries ran out (or the axis refused the package for good), for the
    clerk's "Gửi lại"; ``pending``: still being carried (a retry may be waiting for its back-off)."""

    total: int
    sent: int
    failed: int
    pending: int
    paper: int

    @property
    def text(self) -> str:
        out = f"Đã gửi {self.sent}/{self.total}"
        if self.failed:
            out += f", {self.failed} lỗi"
        if self.pending:
            out += f", {self.pending} đang gửi"
        return out


def issue_progress(document: Document) -> IssueProgress:
    """The counts of :class:`IssueProgress` for an issued document (recalled deliveries left out), in one query."""
    from django.db.models import Count

    rows = Delivery.objects.filter(document=document, recalled_at__isnull=True)
    sent = Q(carried_at__isnull=False) | ~Q(status=Status.WAITING)
    counts = rows.aggregate(
        total=Count("pk", filter=Q(transport__in=ELECTRONIC)),
        sent=Count("pk", filter=Q(transport__in=ELECTRONIC) & sent),
        failed=Count("pk", filter=Q(transport__in=ELECTRONIC, carry_failed=True) & ~sent),
        paper=Count("pk", filter=Q(transport=Transport.PAPER)),
    )
    total, done, failed = counts["total"], counts["sent"], counts["failed"]
    return IssueProgress(total=total, sent=done, failed=failed, pending=total - done - failed, paper=counts["paper"])


def deliveries_retry_record(*, document: Document) -> list[Delivery]:
    """The clerk's "Gửi lại" of the deliveries whose tries ran out, in the sender's transaction: each is
    pending again with its tries reset (noted in its history); the exchange carries them after the commit
    when it consumes the ``deliveries_retried`` event. Returns them (none: nothing to retry)."""
    now = timezone.now()
    failed = list(
        Delivery.objects.select_for_update()
        .filter(
            document=document,
            recalled_at__isnull=True,
            transport__in=ELECTRONIC,
            carry_failed=True,
            carried_at__isnull=True,
            status=Status.WAITING,
        )
        .order_by("pk")
    )
    for delivery in failed:
        delivery.carry_failed, delivery.carry_attempts = False, 0
        delivery.save(update_fields=["carry_failed", "carry_attempts"])
        StatusChange.objects.create(
            delivery=delivery, status=delivery.status, created_at=now, text="Văn thư yêu cầu gửi lại"
        )
    return failed
