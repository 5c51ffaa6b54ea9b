"""Web Push (docs/push.md): a person's devices (one subscription each), what each person wants pushed,
and the deployment's VAPID key pair (generated on first need, kept in the database, never in the repo)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PushKind(models.TextChoices):
    """What a push is about, as a person chooses them on the devices page."""

    REGISTER = "register", _("Văn bản mới chờ vào sổ")
    DIRECTIVE = "directive", _("Chỉ đạo, phân công xử lý")
    APPROVAL = "approval", _("Chờ cho ý kiến, duyệt, ký")
    REMINDER = "reminder", _("Đôn đốc")
    DEADLINE = "deadline", _("Sắp đến hạn")
    CALENDAR = "calendar", _("Thay đổi lịch công tác")
    ANNOUNCEMENT = "announcement", _("Thông báo nội bộ")
    REPLY = "reply", _("Phản hồi của cơ quan ngoài")
    OTHER = "other", _("Thông báo khác (tài khoản, hệ thống)")


class PushSubscription(models.Model):
    """One device of one person: the push service's endpoint and the browser's keys (RFC 8291)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.CharField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=100)  # the browser's P-256 public key, base64url (65 bytes)
    auth = models.CharField(max_length=40)  # the authentication secret, base64url (16 bytes)
    label = models.CharField(max_length=200, blank=True)  # the browser, as its User-Agent names it
    created_at = models.DateTimeField()
    last_sent_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)  # failed sends in a row

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user"], name="push_subscription_user_idx")]

    def __str__(self) -> str:
        return self.label or self.endpoint[:60]


class PushPreference(models.Model):
    """What one person wants pushed: the kinds turned off, quiet hours (local time), and whether the lock
    screen may show the subject (trích yếu) or only "Bạn có văn bản mới"."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_preference")
    kinds_off = models.JSONField(default=list, blank=True)
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    show_subject = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"push preference of {self.user_id}"


class VapidKeyPair(models.Model):
    """The application server's key (RFC 8292), one row: made on first need unless QLVB_VAPID_PRIVATE_KEY
    is set."""

    private_pem = models.TextField()
    public_key = models.CharField(max_length=100)  # uncompressed point, base64url (the applicationServerKey)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.public_key


class HeldPush(models.Model):
    """A push kept back during the person's quiet hours (giờ yên lặng): released at ``release_at`` (the end
    of those hours) as one summary per person, by the ``held_pushes_release`` beat job."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="held_pushes")
    notification = models.ForeignKey("assignments.Notification", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=PushKind.choices)
    held_at = models.DateTimeField()
    release_at = models.DateTimeField()

    class Meta:
        ordering = ["release_at", "id"]
        indexes = [models.Index(fields=["release_at"], name="held_push_release_idx")]
        constraints = [models.UniqueConstraint(fields=["notification"], name="held_push_notification_once")]

    def __str__(self) -> str:
        return f"held push {self.notification_id} of {self.user_id} until {self.release_at:%H:%M}"
