"""Incident and maintenance notices (Điều 20 and 21.7 of the seed): the banner every user sees, the
optional read-only switch, and the incident log the six-monthly report counts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    INCIDENT = "incident", _("Sự cố")
    MAINTENANCE = "maintenance", _("Bảo trì, nâng cấp")


class SystemNotice(models.Model):
    """One incident or maintenance window of the deployment. Active from ``starts_at`` until ended;
    a maintenance window announced ahead shows as "sắp bảo trì" before it starts (Điều 21.7)."""

    kind = models.CharField(_("loại"), max_length=16, choices=NoticeKind.choices)
    title = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung"), blank=True)
    measures = models.TextField(_("biện pháp tạm thời"), blank=True)
    starts_at = models.DateTimeField(_("bắt đầu"))
    expected_end = models.DateTimeField(_("dự kiến khôi phục"), null=True, blank=True)
    read_only = models.BooleanField(_("chỉ cho xem (tạm dừng ghi)"), default=False)
    ended_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    cause = models.TextField(_("nguyên nhân"), blank=True)
    reenter = models.TextField(_("thông tin cần nhập lại"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["ended_at", "starts_at"], name="notice_open_idx")]

    def __str__(self) -> str:
        return self.title
