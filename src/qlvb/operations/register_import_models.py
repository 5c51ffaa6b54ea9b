"""Imports of register rows (Sổ đăng ký văn bản đến / đi kept in spreadsheets, or migrated from another
system): one :class:`RegisterImport` per file checked or imported, one :class:`ImportedRow` per document
it created — the mark that a document came from an import, and from which file and row.

``ImportedRow.fingerprint`` (SHA-256 of the row's identifying values, unique per agency) makes an import
idempotent: a row already imported is skipped, never created twice."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportState(models.TextChoices):
    CHECKED = "checked", _("Đã kiểm tra, chờ nhập")
    IMPORTED = "imported", _("Đã nhập")
    FAILED = "failed", _("Có dòng lỗi, chưa nhập")


class RegisterImport(models.Model):
    agency = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(_("loại sổ"), max_length=16)
    state = models.CharField(_("trạng thái"), max_length=10, choices=ImportState.choices, default=ImportState.CHECKED)
    source = models.CharField(_("nguồn"), max_length=200, blank=True)
    file_name = models.CharField(_("tệp"), max_length=255)
    sha256 = models.CharField(max_length=64)
    archive_name = models.CharField(_("tệp ZIP"), max_length=255, blank=True)
    archive_sha256 = models.CharField(max_length=64, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_ok = models.PositiveIntegerField(default=0)
    rows_error = models.PositiveIntegerField(default=0)
    rows_skipped = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lần nhập sổ đăng ký văn bản")
        verbose_name_plural = _("các lần nhập sổ đăng ký văn bản")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"


class ImportedRow(models.Model):
    batch = models.ForeignKey(RegisterImport, on_delete=models.PROTECT, related_name="documents")
    agency = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="+")
    document = models.OneToOneField("documents.Document", on_delete=models.CASCADE, related_name="imported_from")
    row_number = models.PositiveIntegerField(_("dòng"))
    fingerprint = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "fingerprint"], name="imported_row_once_per_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row_number}"
