"""Deliveries of issued documents, one per recipient, with the edXML status codes (QCVN 102:2016,
regulations.md §3.6) and their history.

They sit in ``documents`` (layer 3) so that both ends meet here without importing each other: the
outgoing flow records one delivery per recipient (``documents.sending``), the exchange (layer 6) carries
it and moves its status. The tables keep the names they had in the ``exchange`` app (``db_table``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    WAITING = "00", _("Chờ gửi liên thông")
    ARRIVED = "01", _("Đã đến")
    REJECTED = "02", _("Từ chối tiếp nhận")
    REGISTERED = "03", _("Đã tiếp nhận, vào sổ")
    ASSIGNED = "04", _("Lãnh đạo đã phân công xử lý")
    IN_PROGRESS = "05", _("Đang xử lý")
    COMPLETED = "06", _("Hoàn thành xử lý")
    TAKE_BACK = "13", _("Yêu cầu lấy lại")
    CHANGE_AGREED = "15", _("Đồng ý cập nhật, lấy lại")
    CHANGE_REFUSED = "16", _("Từ chối cập nhật, lấy lại")
    # Local codes, never sent on the axis: recipients that get no electronic copy.
    PAPER = "GG", _("Gửi bản giấy")
    NO_ADDRESS = "KD", _("Chưa có địa chỉ liên thông")


# A status only moves forward along 01 → 03 → 04 → 05 → 06; 02 ends it.
RANK = {
    Status.WAITING: 0,
    Status.ARRIVED: 1,
    Status.REGISTERED: 3,
    Status.ASSIGNED: 4,
    Status.IN_PROGRESS: 5,
    Status.COMPLETED: 6,
    Status.REJECTED: 99,
}


class TakeBack(models.TextChoices):
    """The sender's take-back of one delivery (edXML status 13, "lấy lại") and the recipient's answer."""

    NONE = "", _("—")
    REQUESTED = "13", _("Đang yêu cầu lấy lại")
    TAKEN = "15", _("Đã lấy lại")
    REFUSED = "16", _("Bên nhận từ chối (đã vào sổ)")


class Transport(models.TextChoices):
    INTERNAL = "internal", _("Liên thông nội bộ")
    AXIS = "axis", _("Trục liên thông văn bản quốc gia")
    PAPER = "paper", _("Gửi bản giấy")
    NONE = "none", _("Chưa có địa chỉ liên thông")


class BusinessType(models.IntegerChoices):
    """edXML ``BussinessDocType``."""

    NEW = 0, _("Gửi mới")
    REVOKE = 1, _("Thu hồi")
    UPDATE = 2, _("Cập nhật")
    REPLACE = 3, _("Thay thế")


class Delivery(models.Model):
    document = models.ForeignKey("documents.Document", on_delete=models.CASCADE, related_name="deliveries")
    # None for a recipient typed as free text (sent on paper, or not reachable): ``organ_name`` keeps it.
    unit = models.ForeignKey(
        "directory.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("nơi nhận")
    )
    organ_name = models.CharField(max_length=200)
    organ_id = models.CharField(max_length=35, blank=True)
    transport = models.CharField(max_length=10, choices=Transport.choices)
    business_type = models.PositiveSmallIntegerField(choices=BusinessType.choices, default=BusinessType.NEW)
    status = models.CharField(max_length=2, choices=Status.choices, default=Status.WAITING)
    status_at = models.DateTimeField()
    incoming_document = models.OneToOneField(
        "documents.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="delivered_by",
        verbose_name=_("bản nhận"),
    )
    also_paper = models.BooleanField(default=False)
    recalled_at = models.DateTimeField(null=True, blank=True)
    # The sender recalled it (revoke, replace) and the exchange has not carried the recall out yet
    # (internal copies: until the exchange's consumer withdraws them; outside recipients: the axis).
    recall_pending = models.BooleanField(default=False)
    # The sender asked for this copy back (13) and what came of it (15 taken back, 16 refused): TakeBack.
    take_back = models.CharField(max_length=2, choices=TakeBack.choices, blank=True, default="")
    created_at = models.DateTimeField()
    # The exchange's hand-over, one task per electronic delivery (exchange/deliveries.py): when the copy
    # was handed over (an internal copy received, an axis package accepted by the axis), how many tries it
    # took, the last try's error, and whether the tries ran out (the clerk's "Gửi lại" starts them again).
    carried_at = models.DateTimeField(null=True, blank=True)
    carry_attempts = models.PositiveSmallIntegerField(default=0)
    carry_error = models.CharField(max_length=500, blank=True, default="")
    carry_failed = models.BooleanField(default=False)

    class Meta:
        db_table = "exchange_delivery"
        verbose_name = _("gửi văn bản")
        verbose_name_plural = _("gửi văn bản")
        ordering = ["document", "organ_name", "id"]
        constraints = [models.UniqueConstraint(fields=["document", "unit"], name="delivery_unique")]
        indexes = [models.Index(fields=["transport", "status"], name="delivery_queue_idx")]

    def __str__(self) -> str:
        return f"{self.organ_name}: {self.get_status_display()}"


class StatusChange(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="changes")
    status = models.CharField(max_length=2, choices=Status.choices)
    text = models.CharField(max_length=500, blank=True)
    staff = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField()
    # The recipient's event that brought this status (an event is applied once).
    event = models.ForeignKey(
        "documents.DocumentEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "exchange_statuschange"
        ordering = ["delivery", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event"], condition=models.Q(event__isnull=False), name="status_change_event_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.status} {self.created_at:%d/%m/%Y %H:%M}"
