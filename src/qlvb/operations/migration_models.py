"""Migration from an agency's old system (issue 15, Điều 21.2, 23 of the seed): one :class:`MigrationRun`
per bundle checked or imported; the old → new mapping of what a bundle created or merged, kept for good.

* :class:`MigratedAccount` — an old user code of the agency and the account it became (the list the
  administrator hands out: who is who, accounts created locked until he opens them);
* :class:`MigratedRecord` — every other thing a bundle created, by its kind and key: a unit by its old
  code, an assignment or a dossier by the fingerprint of its row, an edXML package by its SHA-256. A key
  already recorded is skipped: importing a bundle twice creates nothing the second time."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MigrationState(models.TextChoices):
    CHECKING = "checking", _("Đang kiểm tra")  # uploaded: the background dry run is queued or running
    CHECKED = "checked", _("Đã kiểm tra, chờ nhập")
    QUEUED = "queued", _("Đang chờ nhập")  # confirmed: the background import is queued
    RUNNING = "running", _("Đang nhập")  # the background import is writing the sheets
    IMPORTED = "imported", _("Đã nhập")
    FAILED = "failed", _("Có dòng lỗi, chưa nhập")


class RecordKind(models.TextChoices):
    UNIT = "unit", _("Đơn vị")
    ASSIGNMENT = "assignment", _("Giao xử lý")
    DOSSIER = "dossier", _("Hồ sơ")
    EDXML = "edxml", _("Gói tin edXML")


class MigrationRun(models.Model):
    agency = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=MigrationState.choices, default=MigrationState.CHECKED
    )
    source = models.CharField(_("hệ thống cũ"), max_length=200, blank=True)
    file_name = models.CharField(_("tệp"), max_length=255)
    sha256 = models.CharField(max_length=64)
    rows_total = models.PositiveIntegerField(default=0)
    rows_error = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_skipped = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    # the import, run by a Celery task after the confirmation commits (issue 15: a big bundle would outlast
    # the proxy's time-out inside the request)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    started_at = models.DateTimeField(null=True, blank=True)
    report = models.JSONField(default=dict, blank=True)  # the import's report, sheet by sheet and row by row
    message = models.CharField(_("lỗi"), max_length=1000, blank=True)  # why the import stopped, if it did

    class Meta:
        verbose_name = _("lần chuyển đổi dữ liệu")
        verbose_name_plural = _("các lần chuyển đổi dữ liệu")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"


class MigratedAccount(models.Model):
    agency = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="+")
    old_code = models.CharField(_("mã người dùng cũ"), max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(MigrationRun, on_delete=models.PROTECT, related_name="accounts")

    class Meta:
        verbose_name = _("tài khoản chuyển đổi")
        ordering = ["old_code"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "old_code"], name="migrated_account_once"),
        ]

    def __str__(self) -> str:
        return f"{self.old_code} → {self.user_id}"


class MigratedRecord(models.Model):
    agency = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=RecordKind.choices)
    key = models.CharField(max_length=64)
    object_id = models.PositiveBigIntegerField()
    run = models.ForeignKey(MigrationRun, on_delete=models.PROTECT, related_name="records")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "kind", "key"], name="migrated_record_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key} → {self.object_id}"
