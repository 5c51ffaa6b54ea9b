"""The national-axis queues (docs/axis.md, "Engine"): what waits to be sent (:class:`OutboxItem`, with
each try in :class:`OutboxAttempt`) and what was taken from the axis (:class:`InboxItem`).

Imported at the end of ``exchange/models.py`` so that Django finds the models in the ``exchange`` app.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutboxKind(models.TextChoices):
    EDOC = "edoc", _("Văn bản")
    STATUS = "status", _("Trạng thái")


class OutboxItem(models.Model):
    """One package to hand to the axis: a document package for an outside recipient's
    :class:`~qlvb.exchange.models.Delivery` (new, revoke, update, replace), or a status package answering
    a document received over the axis. Written, with its signed package in the file store, in the
    transaction that decided to send it; sent after commit, retried with back-off until it goes."""

    kind = models.CharField(max_length=8, choices=OutboxKind.choices)
    delivery = models.ForeignKey(
        "documents.Delivery", null=True, blank=True, on_delete=models.CASCADE, related_name="outbox_items"
    )
    business_type = models.PositiveSmallIntegerField(default=0)  # edXML BussinessDocType of an edoc
    inbox_item = models.ForeignKey(
        "exchange.InboxItem", null=True, blank=True, on_delete=models.CASCADE, related_name="answers"
    )
    status_code = models.CharField(max_length=2, blank=True)  # of a status package
    sender = models.CharField(max_length=35)  # From/OrganId
    recipient = models.CharField(max_length=35)  # To/OrganId (a status: the document's sender)
    package = models.ForeignKey("files.Blob", on_delete=models.PROTECT, related_name="+")
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    last_error = models.CharField(max_length=1000, blank=True)
    failed = models.BooleanField(default=False)  # refused for good (not retryable): shown, retried by hand
    sent_at = models.DateTimeField(null=True, blank=True)
    axis_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField()
    # A try in flight (outbox.outbox_send): committed before the package goes to the axis and cleared with
    # its outcome. Still set at the next try: the one before died mid-send (a worker killed), so the axis
    # may have the package already — it is looked up in the axis's sent list before sending again.
    sending_token = models.CharField(max_length=32, blank=True, default="")
    sending_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("gói tin chờ gửi liên thông")
        verbose_name_plural = _("gói tin chờ gửi liên thông")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "business_type"],
                condition=Q(kind="edoc"),
                name="outbox_delivery_once",
            ),
            models.UniqueConstraint(
                fields=["inbox_item", "status_code"],
                condition=Q(kind="status"),
                name="outbox_status_once",
            ),
        ]
        indexes = [models.Index(fields=["sent_at", "failed", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient} ({'đã gửi' if self.sent_at else 'chờ gửi'})"


class OutboxAttempt(models.Model):
    """One try at sending an :class:`OutboxItem`: when, and the axis's answer."""

    item = models.ForeignKey(OutboxItem, on_delete=models.CASCADE, related_name="tries")
    at = models.DateTimeField()
    ok = models.BooleanField()
    error = models.CharField(max_length=1000, blank=True)
    axis_id = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["item", "at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M:%S} {'OK' if self.ok else self.error[:60]}"


class InboxState(models.TextChoices):
    REGISTERED = "registered", _("Đã tiếp nhận")
    DUPLICATE = "duplicate", _("Gói tin trùng: đã tiếp nhận trước đó")
    APPLIED = "applied", _("Đã cập nhật (thu hồi, thay thế, trạng thái)")
    REFUSED = "refused", _("Từ chối")


class InboxItem(models.Model):
    """One package taken from the axis, kept once per axis message id (a second poll of a message
    already taken only acknowledges it). ``key`` is the sender's DocumentId (or the package's SHA-256
    when it has none): a document registers once per sender and recipient however often it arrives."""

    message_id = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=8, choices=OutboxKind.choices)
    sender = models.CharField(max_length=35, blank=True)
    recipient = models.CharField(max_length=35, blank=True)
    key = models.CharField(max_length=200, blank=True)
    business_type = models.PositiveSmallIntegerField(default=0)
    state = models.CharField(max_length=12, choices=InboxState.choices)
    reason = models.CharField(max_length=1000, blank=True)
    signature = models.CharField(max_length=500, blank=True)  # verdict: message of the XML signature
    package = models.ForeignKey("files.Blob", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="axis_packages"
    )
    received_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("gói tin nhận qua trục liên thông")
        verbose_name_plural = _("gói tin nhận qua trục liên thông")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "recipient", "key"],
                condition=Q(state="registered"),
                name="inbox_registered_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.sender} → {self.recipient}: {self.get_state_display()}"
