"""Documents (one table for incoming, outgoing and internal), their types, registers, attachments and
history. Field names and maximum lengths follow Nghị định 30/2020 Phụ lục VI (regulations.md §1.7)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qlvb.core.appendonly import AppendOnly
from qlvb.core.text import fold, nfc


class Direction(models.TextChoices):
    INCOMING = "incoming", _("Văn bản đến")
    OUTGOING = "outgoing", _("Văn bản đi")
    INTERNAL = "internal", _("Văn bản nội bộ")


class Urgency(models.IntegerChoices):
    """Mức độ khẩn (Phụ lục I.III.2.b); the value is Phụ lục VI ``Priority`` (Number 1). Higher first."""

    NORMAL = 0, _("Thường")
    URGENT = 1, _("Khẩn")
    VERY_URGENT = 2, _("Thượng khẩn")
    FLASH = 3, _("Hỏa tốc")


class Secrecy(models.TextChoices):
    """Độ mật. Only ``NONE`` can be stored: secret documents are refused (seed Điều 1.2)."""

    NONE = "", _("Không mật")
    SECRET = "mat", _("Mật")
    TOP_SECRET = "toi_mat", _("Tối mật")
    ULTRA_SECRET = "tuyet_mat", _("Tuyệt mật")


SECRECY_REFUSED_MESSAGE = _(
    "Hệ thống không tiếp nhận, đăng ký hay lưu trữ văn bản mật (Mật, Tối mật, Tuyệt mật): văn bản chứa bí mật "
    "nhà nước được xử lý theo Luật Bảo vệ bí mật nhà nước, ngoài Hệ thống QLVB&ĐH (Quy chế, Điều 1 khoản 2)."
)


class Channel(models.TextChoices):
    """How a received document reached the agency; every channel enters through one service."""

    EMAIL = "email", _("Thư điện tử")
    MEDIUM = "medium", _("Vật mang tin (USB, đĩa)")
    PAPER = "paper", _("Bản giấy (số hóa)")
    INTERNAL = "internal", _("Liên thông nội bộ")
    AXIS = "axis", _("Trục liên thông văn bản quốc gia")
    OTHER = "other", _("Khác")


class DocumentStatus(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận, chờ vào sổ")
    REGISTERED = "registered", _("Đã vào sổ")
    SUBMITTED = "submitted", _("Đã trình, chờ cho ý kiến")
    RETURNED = "returned", _("Bị trả lại văn thư")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    COMPLETED = "completed", _("Đã hoàn thành")
    REJECTED = "rejected", _("Đã từ chối tiếp nhận")
    WITHDRAWN = "withdrawn", _("Đã thu hồi")  # NĐ 30 Điều 18.4: the sender revoked or replaced it


# Phụ lục VI maximum lengths (§1.7.1–1.7.2); ``document_identifier`` per regulations.md §4.2.
MAX = {
    "organ_id": 13,
    "type_name": 100,
    "code_number": 11,
    "code_notation": 30,
    "organ_name": 200,
    "subject": 500,
    "language": 30,
    "page_amount": 999,
    "description": 500,
    "arrival_number": 9_999_999_999,
    "signer_position": 100,
    "signer_name": 50,
    "to_places": 1000,
    "document_identifier": 100,
}


class DocumentType(models.Model):
    """One of the 29 types of Nghị định 30 Điều 7 (editable data, seeded by a migration)."""

    name = models.CharField(_("tên loại"), max_length=100, unique=True)
    abbreviation = models.CharField(_("viết tắt"), max_length=10, blank=True)
    ordinal = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("loại văn bản")
        verbose_name_plural = _("loại văn bản")
        ordering = ["ordinal", "name"]

    def __str__(self) -> str:
        return self.name


class Register(models.Model):
    """Sổ văn bản: per agency, direction and year. ``last_number`` is only ever changed under a row lock
    inside the registering transaction (see ``numbering.py``), so numbers have no duplicate and no gap."""

    agency = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="registers")
    direction = models.CharField(_("loại sổ"), max_length=16, choices=Direction.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    name = models.CharField(_("tên sổ"), max_length=200)
    last_number = models.PositiveBigIntegerField(_("số cuối đã cấp"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sổ văn bản")
        verbose_name_plural = _("sổ văn bản")
        constraints = [
            models.UniqueConstraint(fields=["agency", "direction", "year"], name="register_unique_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}"


def folded_search_text(
    number_notation: str, organ_name: str, subject: str, signer_name: str, *, fold_part: Callable[[str], str] = fold
) -> str:
    """``Document.search_folded``: the folded text a document is found by (``core.text.fold`` of the
    number and notation, issuing organ, subject and signer, joined by one space).

    Folded part by part, which equals folding the parts joined (``fold`` works character by character,
    collapses white space and strips it), so that the benchmark data generator, which builds a million
    documents from a few thousand phrases, can pass a cached ``fold`` as ``fold_part``."""
    folded = (fold_part(p) for p in (number_notation, organ_name, subject, signer_name) if p)
    return " ".join(f for f in folded if f)


class Document(models.Model):
    direction = models.CharField(_("loại"), max_length=16, choices=Direction.choices)
    agency = models.ForeignKey(
        "directory.Unit",
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        related_name="documents",
        help_text=_("Cơ quan quản lý văn bản (cơ quan nhận với văn bản đến)."),
    )
    status = models.CharField(_("trạng thái"), max_length=16, choices=DocumentStatus.choices)
    channel = models.CharField(_("kênh tiếp nhận"), max_length=16, choices=Channel.choices, blank=True)

    # Phụ lục VI fields
    doc_type = models.ForeignKey(
        DocumentType, verbose_name=_("loại văn bản"), on_delete=models.PROTECT, related_name="documents"
    )
    code_number = models.CharField(_("số"), max_length=MAX["code_number"], blank=True)
    code_notation = models.CharField(_("ký hiệu"), max_length=MAX["code_notation"], blank=True)
    issued_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    organ_name = models.CharField(_("cơ quan ban hành"), max_length=MAX["organ_name"])
    organ_id = models.CharField(_("mã định danh cơ quan ban hành"), max_length=MAX["organ_id"], blank=True)
    subject = models.CharField(_("trích yếu"), max_length=MAX["subject"])
    language = models.CharField(_("ngôn ngữ"), max_length=MAX["language"], default="Tiếng Việt")
    page_amount = models.PositiveSmallIntegerField(_("số trang"), null=True, blank=True)
    description = models.CharField(_("ghi chú"), max_length=MAX["description"], blank=True)
    signer_position = models.CharField(_("chức vụ người ký"), max_length=MAX["signer_position"], blank=True)
    signer_name = models.CharField(_("họ tên người ký"), max_length=MAX["signer_name"], blank=True)
    urgency = models.PositiveSmallIntegerField(_("độ khẩn"), choices=Urgency.choices, default=Urgency.NORMAL)
    secrecy = models.CharField(_("độ mật"), max_length=16, choices=Secrecy.choices, default="", blank=True)
    to_places = models.CharField(_("đơn vị hoặc người nhận"), max_length=MAX["to_places"], blank=True)
    due_date = models.DateField(_("thời hạn giải quyết"), null=True, blank=True)
    # NĐ 30 Điều 14.3.b: a document whose content assigns work (set by the clerk or the leader); its directive
    # is given as tasks and followed (direction).
    assigns_tasks = models.BooleanField(_("văn bản giao nhiệm vụ"), default=False)
    document_identifier = models.CharField(_("mã định danh văn bản"), max_length=MAX["document_identifier"], blank=True)

    # Registration (auto-filled, Phụ lục VI III.1.g): agency code and year are ``register.agency.organ_id`` and
    # ``year``; arrival number and date.
    register = models.ForeignKey(
        Register, verbose_name=_("sổ"), null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True)
    arrival_number = models.PositiveBigIntegerField(_("số đến"), null=True, blank=True)
    arrival_date = models.DateField(_("ngày đến"), null=True, blank=True)

    received_at = models.DateTimeField(_("tiếp nhận lúc"))
    registered_at = models.DateTimeField(_("vào sổ lúc"), null=True, blank=True)
    completed_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("trình lãnh đạo"),
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("trùng với văn bản")
    )
    search_folded = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")
        constraints = [
            models.CheckConstraint(condition=Q(secrecy=""), name="document_no_state_secret"),
            models.UniqueConstraint(
                fields=["register", "arrival_number"],
                condition=Q(arrival_number__isnull=False),
                name="document_arrival_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(page_amount__isnull=True) | Q(page_amount__lte=MAX["page_amount"]),
                name="document_page_amount_max",
            ),
            models.CheckConstraint(condition=Q(urgency__gte=0) & Q(urgency__lte=3), name="document_urgency_range"),
        ]
        indexes = [
            models.Index(
                fields=["agency", "direction", "status", "-urgency", "-received_at"], name="document_inbox_idx"
            ),
            models.Index(fields=["agency", "direction", "-registered_at"], name="document_registered_idx"),
            # "the agency's list, urgent first, newest first" — the clerk's and leader's «Tất cả» and search
            models.Index(
                fields=["agency", "direction", "-urgency", "-received_at", "-id"], name="document_agency_list_idx"
            ),
            models.Index(fields=["document_identifier"], name="document_identifier_idx"),
            models.Index(fields=["agency", "year", "code_number", "code_notation"], name="document_code_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number_notation or '—'} {self.subject[:60]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        for name in (
            "code_number",
            "code_notation",
            "organ_name",
            "organ_id",
            "subject",
            "language",
            "description",
            "signer_position",
            "signer_name",
            "to_places",
            "document_identifier",
        ):
            setattr(self, name, nfc(getattr(self, name) or ""))
        self.search_folded = folded_search_text(self.number_notation, self.organ_name, self.subject, self.signer_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_folded", "updated_at"}
        super().save(*args, **kwargs)
        if update_fields is None or METADATA_FIELDS.intersection(update_fields):
            # the full-text index (searchindex.py)
            search_entry_save_metadata(self.pk, self.search_folded, self.agency_id)

    @property
    def number_notation(self) -> str:
        """``15/QĐ-UBND`` (Phụ lục I.II.3)."""
        if self.code_number and self.code_notation:
            return f"{self.code_number}/{self.code_notation}"
        return self.code_number or self.code_notation

    @property
    def is_urgent(self) -> bool:
        return self.urgency > Urgency.NORMAL


class AttachmentKind(models.TextChoices):
    MAIN = "main", _("Tệp văn bản")
    APPENDIX = "appendix", _("Phụ lục")
    DRAFT = "draft", _("Dự thảo")
    SIGNED = "signed", _("Bản đã ký")


class SignatureState(models.TextChoices):
    """Where the verification of a PDF attachment's signatures stands (the report itself is the signing
    app's ``SignatureReport`` of the file's SHA-256, id in ``Attachment.signature_report_id``)."""

    NONE = "", _("Không kiểm tra (không phải PDF)")
    PENDING = "pending", _("Đang kiểm tra chữ ký số")
    VALID = "valid", _("Hợp lệ")
    INVALID = "invalid", _("Không hợp lệ")
    UNKNOWN = "unknown", _("Chưa xác định")
    UNSIGNED = "unsigned", _("Chưa ký số")
    ERROR = "error", _("Không kiểm tra được")


class Attachment(models.Model):
    """A file of a document (immutable content): its content lives in ``files`` (content-addressed,
    SHA-256). ``signature_status`` is the verdict on a PDF's signatures (see :class:`SignatureState`),
    ``signature_report_id`` the signing app's stored report it comes from (kept by id, not a foreign key:
    ``documents`` and ``signing`` sit side by side in layer 3 and do not import each other)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="attachments")
    stored_file = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("loại tệp"), max_length=16, choices=AttachmentKind.choices)
    ordinal = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(_("tên tệp"), max_length=50)
    page_count = models.PositiveIntegerField(_("số trang"), null=True, blank=True)
    signature_status = models.CharField(
        _("kết quả kiểm tra chữ ký số"),
        max_length=32,
        blank=True,
        choices=SignatureState.choices,
        default=SignatureState.NONE,
    )
    signature_report_id = models.PositiveBigIntegerField(_("mã báo cáo kiểm tra chữ ký số"), null=True, blank=True)
    signature_checked_at = models.DateTimeField(_("kiểm tra chữ ký số lúc"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField()
    # Versions: a replaced file is never changed or deleted. The new version keeps the ordinal, takes the next
    # ``version`` and points at the one it ``replaces``; the old one gets ``superseded_at`` (still downloadable).
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    replaces = models.ForeignKey(
        "self", verbose_name=_("thay cho"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    superseded_at = models.DateTimeField(_("bị thay lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["document", "ordinal", "version", "id"]
        constraints = [
            models.UniqueConstraint(fields=["document", "ordinal", "version"], name="attachment_version_unique"),
            models.UniqueConstraint(
                fields=["document", "ordinal"],
                condition=Q(superseded_at__isnull=True),
                name="attachment_one_current_version",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


class DocumentEvent(AppendOnly):
    """One action on a document — the "Lịch sử xử lý" and the future edXML TraceHeaderList. Append-only."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    actor_unit = models.CharField(max_length=255, blank=True)
    action = models.CharField(max_length=40)
    text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("sự kiện văn bản")
        verbose_name_plural = _("lịch sử xử lý")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["document", "created_at"], name="docevent_doc_time_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.actor_name} {self.action}"


# Deliveries of issued documents (one per recipient) and their status history: see ``deliveries.py``.
from .deliveries import Delivery as Delivery  # noqa: E402
from .deliveries import StatusChange as StatusChange  # noqa: E402

# The full-text index (one entry per document) and the saved searches: see ``searchindex.py``, ``saved_searches.py``.
from .saved_searches import SavedSearch as SavedSearch  # noqa: E402
from .searchindex import METADATA_FIELDS, search_entry_save_metadata  # noqa: E402
from .searchindex import SearchEntry as SearchEntry  # noqa: E402

# Seen receipts ("đã xem") and the agency's seen mode: see ``seen_models.py``, ``seen.py``.
from .seen_models import SeenReceipt as SeenReceipt  # noqa: E402
from .seen_models import SeenSetting as SeenSetting  # noqa: E402
