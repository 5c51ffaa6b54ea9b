"""Seen receipts ("đã xem"): when each recipient first saw a document or a task, and the agency's choice of
how a receipt is taken (on opening, or only by the explicit "Đánh dấu đã xem" button). See ``seen.py``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qlvb.core.appendonly import AppendOnly


class SeenMode(models.TextChoices):
    OPENING = "opening", _("Khi người nhận mở văn bản")
    EXPLICIT = "explicit", _("Khi người nhận bấm “Đánh dấu đã xem”")


class SeenHow(models.TextChoices):
    OPENED = "opened", _("Mở văn bản")
    EXPLICIT = "explicit", _("Đánh dấu đã xem")
    API = "api", _("Qua API")


class SeenSetting(models.Model):
    """Per agency: how seen receipts are taken. No row: ``SeenMode.OPENING``."""

    agency = models.OneToOneField("directory.Unit", on_delete=models.CASCADE, related_name="+")
    mode = models.CharField(_("ghi nhận đã xem"), max_length=16, choices=SeenMode.choices, default=SeenMode.OPENING)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cách ghi nhận đã xem")
        verbose_name_plural = _("cách ghi nhận đã xem")

    def __str__(self) -> str:
        return f"{self.agency_id}: {self.mode}"


class SeenReceipt(AppendOnly):
    """The first time one person saw one document (``document``) or one task (``task_id``: the direction
    app's task, kept by id since that app sits above this one). One row per person and subject, never
    changed: a later opening finds the row and adds nothing."""

    document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.CASCADE, related_name="seen_receipts"
    )
    task_id = models.PositiveBigIntegerField(null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    seen_at = models.DateTimeField(_("xem lúc"))
    how = models.CharField(max_length=16, choices=SeenHow.choices)

    class Meta:
        verbose_name = _("ghi nhận đã xem")
        verbose_name_plural = _("ghi nhận đã xem")
        ordering = ["seen_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "user"], condition=Q(document__isnull=False), name="seen_once_per_document"
            ),
            models.UniqueConstraint(
                fields=["task_id", "user"], condition=Q(task_id__isnull=False), name="seen_once_per_task"
            ),
            models.CheckConstraint(
                condition=Q(document__isnull=False, task_id__isnull=True)
                | Q(document__isnull=True, task_id__isnull=False),
                name="seen_document_or_task",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.seen_at:%d/%m/%Y %H:%M}"
