"""Webhooks of a connected system: its subscriptions (an https address, the kinds of events wanted, the
person whose sight filters every payload, a secret that signs them), one delivery per event and
subscription (unique: an event goes at most once to a subscription), and each attempt's log line."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    """The events a system may subscribe to (the values are the ``X-Qlvb-Event`` header: never change one)."""

    DOCUMENT_REGISTERED = "document.registered", _("Văn bản đến được vào sổ")
    DOCUMENT_DIRECTED = "document.directed", _("Lãnh đạo cho ý kiến chỉ đạo văn bản đến")
    DOCUMENT_COMPLETED = "document.completed", _("Hoàn thành xử lý văn bản đến")
    OUTGOING_ISSUED = "outgoing.issued", _("Phát hành văn bản đi")
    DELIVERY_STATUS = "delivery.status_changed", _("Trạng thái nơi nhận văn bản đi thay đổi")
    TASK_CREATED = "task.created", _("Giao công việc")
    TASK_COMPLETED = "task.completed", _("Hoàn thành công việc")


class Subscription(models.Model):
    system = models.ForeignKey("integrations.ConnectedSystem", on_delete=models.CASCADE, related_name="subscriptions")
    url = models.CharField(_("địa chỉ nhận (URL)"), max_length=500)
    kinds = models.JSONField(_("sự kiện"), default=list)
    user_code = models.CharField(_("mã người dùng"), max_length=64)  # whose sight filters the payloads
    secret_sealed = models.TextField()  # Fernet under a key derived from SECRET_KEY: needed to sign
    secret_set_at = models.DateTimeField()
    active = models.BooleanField(_("đang hoạt động"), default=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_reason = models.CharField(max_length=300, blank=True)
    failure_streak = models.PositiveIntegerField(default=0)  # failed attempts in a row
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đăng ký nhận sự kiện")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.system} → {self.url}"

    def kind_labels(self) -> list[str]:
        return [str(EventKind(k).label) for k in self.kinds if k in EventKind.values]


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    DELIVERED = "delivered", _("Đã gửi")
    FAILED = "failed", _("Gửi không thành công")


class WebhookDelivery(models.Model):
    """One event for one subscription; its body (JSON, built once when the event came, after the sight
    check) is sent as is on every attempt, signed anew with the attempt's time."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    event_key = models.CharField(max_length=40)  # "doc-<DocumentEvent id>" / "task-<TaskEvent id>"
    kind = models.CharField(max_length=40, choices=EventKind.choices)
    body = models.TextField()
    state = models.CharField(max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    tries_left = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_until = models.DateTimeField(null=True, blank=True)  # one sender at a time
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event_key"], name="integrations_webhook_once"),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="integrations_webhook_due")]
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.event_key} → {self.subscription_id}"


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    number = models.PositiveIntegerField()
    at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    replay = models.BooleanField(default=False)

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number}"
