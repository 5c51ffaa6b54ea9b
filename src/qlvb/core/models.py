"""Core data: the append-only audit log, chained by HMAC under a key kept outside the database."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .appendonly import AppendOnly


class AuditChainHead(models.Model):
    """One row holding the hash of the newest entry; locked while appending so the chain is linear."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    # Public fingerprint of the HMAC key the chain was written with (audit.key_id), never the key.
    key_id = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        verbose_name = _("đầu chuỗi nhật ký")

    def __str__(self) -> str:
        return f"#{self.last_seq}"


class AuditEntry(AppendOnly):
    """One audited action. Never updated or deleted; ``hash`` (HMAC-SHA256 under the audit key) chains
    it to the previous entry."""

    seq = models.BigIntegerField(primary_key=True)
    created_at = models.DateTimeField(_("thời điểm"), db_index=True)
    action = models.CharField(_("hành động"), max_length=64, db_index=True)
    actor_id = models.BigIntegerField(_("mã người thực hiện"), null=True, blank=True, db_index=True)
    actor_username = models.CharField(_("tài khoản"), max_length=150, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    object_type = models.CharField(_("loại đối tượng"), max_length=64, blank=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True)
    object_repr = models.CharField(_("đối tượng"), max_length=255, blank=True)
    data = models.JSONField(_("chi tiết"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("mục nhật ký")
        verbose_name_plural = _("nhật ký hệ thống")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.actor_username}"
