"""Biên bản bàn giao (Điều 22.1.c, 22.2.b, Điều 31 of the seed): when a person leaves the agency or moves
to another unit, the head hands every piece of work he still holds to a successor; one ``Handover`` is the
record of that act and each ``HandoverLine`` one item and who received it. Both are written once, in the
transaction that moves the work, and never changed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HandoverMode(models.TextChoices):
    LEAVE = "leave", _("Nghỉ việc")
    MOVE = "move", _("Chuyển công tác")


class ItemKind(models.TextChoices):
    ASSIGNMENT = "assignment", _("Văn bản, công việc được giao xử lý")
    ASSIGNED = "assigned", _("Văn bản đã giao cho người khác, đang theo dõi")
    DRAFT = "draft", _("Dự thảo văn bản đi")
    STEP = "step", _("Bước duyệt, kiểm tra dự thảo")
    SIGNATURE = "signature", _("Văn bản chờ ký")
    TASK = "task", _("Công việc đã giao, đang theo dõi")
    DOSSIER = "dossier", _("Hồ sơ đang lập")


class Handover(models.Model):
    agency = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="handovers", verbose_name=_("người bàn giao")
    )
    person_name = models.CharField(_("họ và tên"), max_length=150)
    person_unit = models.CharField(_("đơn vị"), max_length=255)
    mode = models.CharField(_("hình thức"), max_length=8, choices=HandoverMode.choices)
    reason = models.CharField(_("lý do"), max_length=500, blank=True)
    to_unit = models.ForeignKey(
        "directory.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("chuyển đến đơn vị"),
    )
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_by_name = models.CharField(max_length=150)
    made_at = models.DateTimeField(_("lập lúc"))

    class Meta:
        verbose_name = _("biên bản bàn giao")
        verbose_name_plural = _("biên bản bàn giao")
        ordering = ["-made_at", "-id"]
        indexes = [models.Index(fields=["agency", "made_at"], name="handover_agency_idx")]

    def __str__(self) -> str:
        return f"Biên bản bàn giao của {self.person_name}"


class HandoverLine(models.Model):
    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="lines")
    ordinal = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=ItemKind.choices)
    object_id = models.PositiveBigIntegerField()
    label = models.CharField(_("nội dung"), max_length=600)
    successor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người nhận")
    )
    successor_name = models.CharField(_("người nhận"), max_length=150)

    class Meta:
        ordering = ["handover", "ordinal"]
        constraints = [models.UniqueConstraint(fields=["handover", "ordinal"], name="handover_line_unique")]

    def __str__(self) -> str:
        return self.label
