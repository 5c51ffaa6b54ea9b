"""Stored files: a :class:`Blob` per distinct content (SHA-256), a :class:`StoredFile` per upload."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """Where a file came from. Every channel calls the same ``file_intake``."""

    WEB = "web", _("Giao diện web")
    API = "api", _("API")
    EMAIL = "email", _("Thư điện tử")
    AXIS = "axis", _("Trục liên thông")
    SCAN = "scan", _("Máy quét")
    SYSTEM = "system", _("Hệ thống")


class Blob(models.Model):
    """One distinct content, stored once under ``FILES_DIR/ab/cd/<sha256>``. Never changed."""

    sha256 = models.CharField(_("mã SHA-256"), max_length=64, unique=True)
    size = models.BigIntegerField(_("kích thước (byte)"))
    kind = models.CharField(_("loại"), max_length=8)  # canonical extension of the sniffed type
    content_type = models.CharField(_("kiểu nội dung"), max_length=100)
    created_at = models.DateTimeField(_("lưu lúc"), auto_now_add=True)
    # Active content found at intake in a PDF (pdfscripts.py): "JavaScript,OpenAction,…"; empty: none.
    scripts = models.CharField(_("mã lệnh trong tệp"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("nội dung tệp")
        verbose_name_plural = _("nội dung tệp")
        constraints = [
            models.CheckConstraint(condition=models.Q(size__gt=0), name="files_blob_size_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.sha256[:12]} ({self.kind}, {self.size} B)"

    @property
    def has_scripts(self) -> bool:
        return bool(self.scripts)


class StoredFile(models.Model):
    """One upload: the name offered (safe, seed Điều 8.4), the name as sent, who, when, how."""

    blob = models.ForeignKey(Blob, verbose_name=_("nội dung"), on_delete=models.PROTECT, related_name="files")
    name = models.CharField(_("tên tệp"), max_length=50)
    original_name = models.CharField(_("tên gốc"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="uploaded_files",
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True, db_index=True)
    channel = models.CharField(_("kênh"), max_length=16, choices=Channel.choices)
    # Set when the content was destroyed by a disposal (hủy tài liệu hết giá trị): what a download answers
    # instead ("Tài liệu đã bị hủy theo Biên bản hủy số … ngày …"); empty while the file is kept.
    disposed_note = models.CharField(_("đã hủy"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("tệp tin")
        verbose_name_plural = _("tệp tin")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def sha256(self) -> str:
        return self.blob.sha256

    @property
    def size(self) -> int:
        return self.blob.size

    @property
    def content_type(self) -> str:
        return self.blob.content_type

    @property
    def has_scripts(self) -> bool:
        return self.blob.has_scripts


class ConversionState(models.TextChoices):
    PENDING = "pending", _("Đang chuyển sang PDF")
    DONE = "done", _("Đã chuyển sang PDF")
    FAILED = "failed", _("Không chuyển được sang PDF")


class Conversion(models.Model):
    """The PDF of an office file, made by LibreOffice in a Celery task (never in the web request):
    pending until the task ends, then done (``pdf``) or failed (``error``, Vietnamese, shown to the
    person who may retry)."""

    source = models.OneToOneField(
        StoredFile, verbose_name=_("tệp gốc"), on_delete=models.CASCADE, related_name="conversion"
    )
    state = models.CharField(
        _("trạng thái"), max_length=8, choices=ConversionState.choices, default=ConversionState.PENDING
    )
    pdf = models.ForeignKey(
        StoredFile, verbose_name=_("bản PDF"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    error = models.CharField(_("lý do"), max_length=500, blank=True)
    code = models.CharField(max_length=32, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_at = models.DateTimeField(_("yêu cầu lúc"))
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("chuyển đổi PDF")
        verbose_name_plural = _("chuyển đổi PDF")

    def __str__(self) -> str:
        return f"{self.source_id} → PDF ({self.state})"


class TextState(models.TextChoices):
    PENDING = "pending", _("Đang lấy nội dung")
    DONE = "done", _("Đã lấy nội dung")
    FAILED = "failed", _("Không lấy được nội dung")


class FileText(models.Model):
    """The text of a stored file (issue 12), read in the background (Celery queue ``ocr``) by
    ``texts.file_text_extract``: pending until then, done (``text``) or failed (``reason``, Vietnamese).
    A scan's OCR also gives a searchable PDF/A copy (``searchable_pdf``), stored beside the original,
    which is never rewritten."""

    stored_file = models.OneToOneField(
        StoredFile, verbose_name=_("tệp tin"), on_delete=models.CASCADE, related_name="extracted_text"
    )
    state = models.CharField(_("trạng thái"), max_length=8, choices=TextState.choices, default=TextState.PENDING)
    reason = models.CharField(_("lý do"), max_length=500, blank=True)
    code = models.CharField(max_length=32, blank=True)
    text = models.TextField(_("nội dung"), blank=True)
    language = models.CharField(_("ngôn ngữ"), max_length=8, blank=True)
    page_count = models.PositiveIntegerField(_("số trang"), null=True, blank=True)
    pages_failed = models.PositiveIntegerField(_("số trang không đọc được"), default=0)
    ocr_confidence = models.FloatField(_("độ tin cậy nhận dạng chữ"), null=True, blank=True)
    engine = models.CharField(_("công cụ"), max_length=32, blank=True)
    searchable_pdf = models.ForeignKey(
        StoredFile,
        verbose_name=_("bản PDF/A tìm kiếm được"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    timings = models.JSONField(_("thời gian xử lý (giây)"), default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_at = models.DateTimeField(_("yêu cầu lúc"))
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("nội dung tệp tin")
        verbose_name_plural = _("nội dung tệp tin")
        indexes = [models.Index(fields=["state"], name="files_text_state")]

    def __str__(self) -> str:
        return f"{self.stored_file_id}: {self.state}"
