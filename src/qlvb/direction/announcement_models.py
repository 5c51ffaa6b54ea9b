"""Announcements (thông báo nội bộ) to the agency, to units or to chosen people, with files, a validity period
and, when "phải đọc", read receipts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

ANNOUNCEMENT_MAX = {"title": 500, "body": 10000}


class Audience(models.TextChoices):
    AGENCY = "agency", _("Toàn cơ quan")
    UNITS = "units", _("Đơn vị được chọn")
    PEOPLE = "people", _("Người được chọn")


class Announcement(models.Model):
    agency = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="announcements")
    title = models.CharField(_("tiêu đề"), max_length=ANNOUNCEMENT_MAX["title"])
    body = models.TextField(_("nội dung"), max_length=ANNOUNCEMENT_MAX["body"], blank=True)
    audience = models.CharField(_("gửi đến"), max_length=16, choices=Audience.choices, default=Audience.AGENCY)
    target_units = models.ManyToManyField("directory.Unit", blank=True, related_name="+")
    target_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    files = models.ManyToManyField("files.StoredFile", blank=True, related_name="announcements")
    must_read = models.BooleanField(_("phải đọc"), default=False)
    valid_from = models.DateField(_("hiệu lực từ ngày"))
    valid_until = models.DateField(_("hiệu lực đến ngày"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thông báo nội bộ")
        verbose_name_plural = _("thông báo nội bộ")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["agency", "valid_from"], name="announcement_agency_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="announcement_valid_period",
            )
        ]

    def __str__(self) -> str:
        return self.title


class AnnouncementRead(models.Model):
    """A read receipt: ``user`` read (or, for "phải đọc", confirmed reading) the announcement."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["announcement", "user"], name="announcement_read_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.announcement_id}"
