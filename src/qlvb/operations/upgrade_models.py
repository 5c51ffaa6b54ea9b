"""Upgrades of the deployment (Điều 21.6–21.7 of the seed): one row per ``qlvb upgrade``, shown on the
administrator's page /quan-tri/nang-cap/, and who has dismissed the "Có gì mới" notice of a version."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UpgradeResult(models.TextChoices):
    RUNNING = "running", _("Đang chạy")
    DONE = "done", _("Thành công")
    FAILED = "failed", _("Thất bại")


class UpgradeRun(models.Model):
    """One run of ``qlvb upgrade``: versions, times, the backup taken first, the migrations applied and
    the result (a failed run keeps its Vietnamese message)."""

    from_version = models.CharField(_("từ phiên bản"), max_length=40, blank=True)
    to_version = models.CharField(_("lên phiên bản"), max_length=40)
    started_at = models.DateTimeField(_("bắt đầu"))
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    backup = models.CharField(_("bản sao lưu"), max_length=200, blank=True)
    migrations = models.TextField(_("các bước di trú đã chạy"), blank=True)
    result = models.CharField(_("kết quả"), max_length=16, choices=UpgradeResult.choices)
    message = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.from_version or '?'} → {self.to_version}"


class WhatsNewSeen(models.Model):
    """A person has dismissed (or read) the "Có gì mới trong phiên bản X" notice: it never shows again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    version = models.CharField(_("phiên bản"), max_length=40)
    seen_at = models.DateTimeField(_("lúc đã xem"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="whatsnew_once_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.version}"
