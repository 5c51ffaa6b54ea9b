"""A connected system (tài khoản hệ thống), its short-lived access tokens, its code tables (its own
codes of people, units and document types mapped to ours), and what it sent: drafts submitted
(idempotent on the system's own id) and incoming documents handed over."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """What a system may do; each call also needs the acting person's own right."""

    SUBMIT_DRAFTS = "submit_drafts", _("Gửi dự thảo văn bản đi của đơn vị")
    READ_ISSUED = "read_issued", _("Đọc văn bản đã phát hành của đơn vị")
    REGISTER_INCOMING = "register_incoming", _("Chuyển văn bản đến để vào sổ")
    RECEIVE_EVENTS = "receive_events", _("Nhận sự kiện (webhook)")


class ConnectedSystem(models.Model):
    agency = models.ForeignKey("directory.Unit", verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+")
    owner_unit = models.ForeignKey(
        "directory.Unit", verbose_name=_("đơn vị chủ quản"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("tên hệ thống"), max_length=200)
    client_id = models.CharField(_("mã ứng dụng (client id)"), max_length=64, unique=True)
    secret_hash = models.CharField(max_length=128)  # Django's password hasher: checks the token request
    # The same secret sealed (Fernet, key derived from SECRET_KEY): the key of HMAC-signed requests
    # (signing.py), which the server must be able to read. Empty for a secret set before signing existed.
    secret_sealed = models.TextField(blank=True, default="")
    secret_set_at = models.DateTimeField()
    scopes = models.JSONField(_("quyền"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    last_call_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("hệ thống kết nối")
        verbose_name_plural = _("hệ thống kết nối")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def scope_labels(self) -> list[str]:
        return [str(Scope(s).label) for s in self.scopes if s in Scope.values]


class SystemToken(models.Model):
    """An OAuth2 access token (RFC 6749 §4.4), bearer, short-lived; only its SHA-256 is kept."""

    system = models.ForeignKey(ConnectedSystem, on_delete=models.CASCADE, related_name="tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.system} · {self.expires_at:%d/%m/%Y %H:%M}"


class CodeKind(models.TextChoices):
    USER = "user", _("Người dùng")
    UNIT = "unit", _("Đơn vị")
    DOC_TYPE = "doc_type", _("Loại văn bản")


class CodeMapping(models.Model):
    """One code of the system's own (a user code, a unit code, a type code) and what it means here."""

    system = models.ForeignKey(ConnectedSystem, on_delete=models.CASCADE, related_name="codes")
    kind = models.CharField(_("loại mã"), max_length=16, choices=CodeKind.choices)
    code = models.CharField(_("mã của hệ thống"), max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    unit = models.ForeignKey("directory.Unit", on_delete=models.CASCADE, related_name="+", null=True, blank=True)
    doc_type = models.ForeignKey(
        "documents.DocumentType", on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["system", "kind", "code"], name="integrations_code_unique"),
        ]
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return f"{self.kind}:{self.code}"


class Submission(models.Model):
    """A draft a system submitted, under the system's own id: the same id again answers the same draft."""

    system = models.ForeignKey(ConnectedSystem, on_delete=models.PROTECT, related_name="submissions")
    external_id = models.CharField(_("mã của hệ thống"), max_length=100)
    outgoing = models.OneToOneField("outgoing.Outgoing", on_delete=models.PROTECT, related_name="+")
    acting_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submit_error = models.CharField(max_length=500, blank=True)  # why the draft could not be put to review
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["system", "external_id"], name="integrations_submission_unique"),
        ]
        indexes = [models.Index(fields=["system", "acknowledged_at"], name="integrations_sub_ack")]

    def __str__(self) -> str:
        return f"{self.system} · {self.external_id}"


class Handover(models.Model):
    """An incoming document a system handed over (idempotent on the system's own id)."""

    system = models.ForeignKey(ConnectedSystem, on_delete=models.PROTECT, related_name="handovers")
    external_id = models.CharField(_("mã của hệ thống"), max_length=100)
    document = models.OneToOneField("documents.Document", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["system", "external_id"], name="integrations_handover_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.system} · {self.external_id}"


class RequestNonce(models.Model):
    """A nonce a system sent (replay protection, ``nonces.py``), when no Redis is configured: the unique key
    makes "keep it if new" one atomic INSERT across every web node; rows past their expiry are swept."""

    system = models.ForeignKey(ConnectedSystem, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64)  # SHA-256 of the nonce
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["system", "digest"], name="integrations_nonce_once")]

    def __str__(self) -> str:
        return f"{self.system_id}:{self.digest[:12]}"


from .webhook_models import (  # noqa: E402  (the webhooks' models, kept in their own module)
    DeliveryState,
    EventKind,
    Subscription,
    WebhookAttempt,
    WebhookDelivery,
)

__all__ = [
    "CodeKind",
    "CodeMapping",
    "ConnectedSystem",
    "DeliveryState",
    "EventKind",
    "Handover",
    "RequestNonce",
    "Scope",
    "Submission",
    "Subscription",
    "SystemToken",
    "WebhookAttempt",
    "WebhookDelivery",
]
