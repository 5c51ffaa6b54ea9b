"""Personal data exports (Điều 22.1.d of the seed): a person asks for a copy of what he created and handled;
the head of his unit (or the agency administrator) approves or refuses; the ZIP is built in the background
and can be downloaded by that person only, for 7 days."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ExportState(models.TextChoices):
    PENDING = "pending", _("Chờ duyệt")
    REFUSED = "refused", _("Bị từ chối")
    BUILDING = "building", _("Đang tạo tệp")
    READY = "ready", _("Sẵn sàng tải")
    FAILED = "failed", _("Không tạo được tệp")
    EXPIRED = "expired", _("Đã hết hạn")


# A person has at most one request waiting for a decision or being built.
OPEN_STATES = (ExportState.PENDING, ExportState.BUILDING)


class PersonalExport(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="personal_exports", verbose_name=_("người")
    )
    unit = models.ForeignKey(
        "directory.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    note = models.CharField(_("lý do yêu cầu"), max_length=500, blank=True)
    state = models.CharField(_("trạng thái"), max_length=16, choices=ExportState.choices, default=ExportState.PENDING)
    requested_at = models.DateTimeField(_("yêu cầu lúc"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)
    refusal_reason = models.CharField(_("lý do từ chối"), max_length=500, blank=True)
    finished_at = models.DateTimeField(_("tạo xong lúc"), null=True, blank=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True)
    error = models.CharField(_("lỗi"), max_length=500, blank=True)
    size = models.BigIntegerField(_("kích thước (byte)"), null=True, blank=True)
    sha256 = models.CharField(_("mã SHA-256 của tệp"), max_length=64, blank=True)
    item_count = models.PositiveIntegerField(_("số mục dữ liệu"), default=0)
    file_count = models.PositiveIntegerField(_("số tệp"), default=0)
    download_count = models.PositiveIntegerField(_("số lần tải"), default=0)

    class Meta:
        verbose_name = _("xuất dữ liệu cá nhân")
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["person", "requested_at"], name="pexport_person_idx"),
            models.Index(fields=["state", "expires_at"], name="pexport_state_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(state__in=["pending", "building"]), name="pexport_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"Xuất dữ liệu cá nhân {self.pk} ({self.state})"

    @property
    def file_name(self) -> str:
        return f"du-lieu-ca-nhan-{self.pk}.zip"
