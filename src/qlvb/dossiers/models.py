"""The dossier list of an agency's year (danh mục hồ sơ, NĐ 30/2020 Điều 28, Phụ lục V) and the dossiers
(hồ sơ, Điều 29) with the metadata of Phụ lục VI II.III; a dossier holds documents of any direction.

Retention (thời hạn bảo quản) is ``retention_years`` (None = "Vĩnh viễn") with the item of the retention
table it follows (Thông tư 10/2022, ``retention_ref``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Phụ lục VI II.III maximum lengths.
MAX = {
    "organ_id": 13,
    "file_catalog": 4,
    "file_notation": 20,
    "title": 500,
    "maintenance": 30,
    "rights": 30,
    "creator": 30,
    "language": 50,
    "doc_total": 9999,
    "page_total": 9999,
    "description": 500,
}
RETENTION_YEARS_MAX = 70  # the longest fixed term of the retention table (TT 10/2022)
PERMANENT_LABEL = "Vĩnh viễn"


def maintenance_label(years: int | None) -> str:
    """Phụ lục VI ``Maintenance``: "Vĩnh viễn" or "N năm" (two digits, as the retention table writes it)."""
    return PERMANENT_LABEL if years is None else f"{years:02d} năm"


ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


def roman(n: int) -> str:
    out = []
    for value, sign in ROMAN:
        while n >= value:
            out.append(sign)
            n -= value
    return "".join(out)


class PlanState(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    APPROVED = "approved", _("Đã duyệt")


class Numbering(models.TextChoices):
    CONTINUOUS = "continuous", _("Liên tục trong cả danh mục")
    PER_HEADING = "per_heading", _("Bắt đầu lại ở mỗi đề mục lớn")


class DossierPlan(models.Model):
    """Danh mục hồ sơ of an agency for a year. Approved = frozen; a later change is a new version."""

    agency = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="dossier_plans")
    year = models.PositiveSmallIntegerField(_("năm"))
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    state = models.CharField(_("trạng thái"), max_length=16, choices=PlanState.choices, default=PlanState.DRAFT)
    numbering = models.CharField(
        _("cách đánh số"), max_length=16, choices=Numbering.choices, default=Numbering.CONTINUOUS
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("danh mục hồ sơ")
        ordering = ["-year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "version"], name="dossierplan_version_unique"),
            # at most one draft per agency and year: the version being prepared
            models.UniqueConstraint(
                fields=["agency", "year"], condition=Q(state="draft"), name="dossierplan_one_draft"
            ),
        ]

    def __str__(self) -> str:
        return f"Danh mục hồ sơ năm {self.year} (phiên bản {self.version})"

    @property
    def is_frozen(self) -> bool:
        return self.state == PlanState.APPROVED


class PlanHeading(models.Model):
    """A large heading (Roman numeral; by unit or field) or, with a parent, a sub-heading (Arabic)."""

    plan = models.ForeignKey(DossierPlan, on_delete=models.CASCADE, related_name="headings")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    ordinal = models.PositiveSmallIntegerField(_("thứ tự"))
    title = models.CharField(_("tên đề mục"), max_length=MAX["title"])
    abbreviation = models.CharField(_("chữ viết tắt"), max_length=10, blank=True)

    class Meta:
        ordering = ["ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "parent", "ordinal"], name="planheading_ordinal_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def number(self) -> str:
        return str(self.ordinal) if self.parent_id else roman(self.ordinal)


class PlanRow(models.Model):
    """One dossier foreseen by the list: số và ký hiệu (``01.TCCB``), title, retention, creator, note."""

    plan = models.ForeignKey(DossierPlan, on_delete=models.CASCADE, related_name="rows")
    heading = models.ForeignKey(PlanHeading, on_delete=models.CASCADE, related_name="rows")
    ordinal = models.PositiveSmallIntegerField(_("thứ tự"))
    notation = models.CharField(_("số và ký hiệu hồ sơ"), max_length=MAX["file_notation"])
    title = models.CharField(_("tiêu đề hồ sơ"), max_length=MAX["title"])
    retention_years = models.PositiveSmallIntegerField(_("thời hạn bảo quản (năm)"), null=True, blank=True)
    retention_ref = models.CharField(_("điều khoản bảng thời hạn bảo quản"), max_length=100, blank=True)
    creator_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    creator_unit = models.ForeignKey(
        "directory.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("ghi chú"), max_length=MAX["description"], blank=True)

    class Meta:
        ordering = ["heading__ordinal", "ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "notation"], name="planrow_notation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.notation} {self.title}"

    @property
    def maintenance(self) -> str:
        return maintenance_label(self.retention_years)

    @property
    def creator_label(self) -> str:
        if self.creator_user is not None:
            return str(getattr(self.creator_user, "full_name", "") or self.creator_user)
        return self.creator_unit.name if self.creator_unit is not None else ""


class DossierState(models.TextChoices):
    OPEN = "open", _("Đang lập")
    CLOSED = "closed", _("Đã đóng")
    SUBMITTED = "submitted", _("Đã nộp lưu")
    ARCHIVED = "archived", _("Lưu trữ cơ quan đã nhận")
    DISPOSED = "disposed", pgettext_lazy("dossier", "Đã hủy")


FROZEN_STATES = (DossierState.CLOSED, DossierState.SUBMITTED, DossierState.ARCHIVED, DossierState.DISPOSED)


class Dossier(models.Model):
    """A hồ sơ with the fields of Phụ lục VI II.III. ``FileCode`` = OrganId + year + notation."""

    agency = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="dossiers")
    plan_row = models.ForeignKey(PlanRow, null=True, blank=True, on_delete=models.SET_NULL, related_name="dossiers")
    organ_id = models.CharField(_("mã định danh cơ quan"), max_length=MAX["organ_id"], blank=True)
    year = models.PositiveSmallIntegerField(_("năm hình thành hồ sơ"))
    notation = models.CharField(_("số và ký hiệu hồ sơ"), max_length=MAX["file_notation"])
    title = models.CharField(_("tiêu đề hồ sơ"), max_length=MAX["title"])
    retention_years = models.PositiveSmallIntegerField(_("thời hạn bảo quản (năm)"), null=True, blank=True)
    retention_ref = models.CharField(_("điều khoản bảng thời hạn bảo quản"), max_length=100, blank=True)
    rights = models.CharField(_("chế độ sử dụng"), max_length=MAX["rights"], default="Hạn chế")
    creator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="dossiers")
    creator_name = models.CharField(_("người lập hồ sơ"), max_length=MAX["creator"])
    language = models.CharField(_("ngôn ngữ"), max_length=MAX["language"], default="Tiếng Việt")
    start_date = models.DateField(_("thời gian bắt đầu"))
    end_date = models.DateField(_("thời gian kết thúc"), null=True, blank=True)
    doc_total = models.PositiveSmallIntegerField(_("tổng số văn bản"), null=True, blank=True)
    page_total = models.PositiveSmallIntegerField(_("tổng số trang"), null=True, blank=True)
    description = models.CharField(_("ghi chú"), max_length=MAX["description"], blank=True)
    # hồ sơ xây dựng cơ bản: nộp lưu within 3 months instead of 1 year (archive.transfer_due)
    capital_construction = models.BooleanField(_("hồ sơ xây dựng cơ bản"), default=False)
    state = models.CharField(_("trạng thái"), max_length=16, choices=DossierState.choices, default=DossierState.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("hồ sơ")
        ordering = ["-year", "notation"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "notation"], name="dossier_notation_unique"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="dossier_dates_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "state"], name="dossier_agency_state_idx"),
            models.Index(fields=["creator", "state"], name="dossier_creator_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.notation} {self.title}"

    @property
    def maintenance(self) -> str:
        return maintenance_label(self.retention_years)

    @property
    def file_code(self) -> str:
        """Mã hồ sơ: OrganId, year and notation joined by ``QLVB_DOSSIER_CODE_SEPARATOR`` (default ``.``)."""
        sep = settings.QLVB_DOSSIER_CODE_SEPARATOR
        return sep.join(p for p in (self.organ_id, str(self.year), self.notation) if p)

    @property
    def is_frozen(self) -> bool:
        return self.state in FROZEN_STATES


class DossierItem(models.Model):
    """A document (of any direction) or a stored file in a dossier; a document may be in several."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="items")
    document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="dossier_items"
    )
    stored_file = models.ForeignKey(
        "files.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("tên tài liệu"), max_length=MAX["title"], blank=True)
    ordinal = models.PositiveIntegerField(_("số thứ tự"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["ordinal"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(document__isnull=False) & Q(stored_file__isnull=True))
                | (Q(document__isnull=True) & Q(stored_file__isnull=False)),
                name="dossieritem_document_or_file",
            ),
            models.UniqueConstraint(
                fields=["dossier", "document"], condition=Q(document__isnull=False), name="dossieritem_doc_once"
            ),
            models.UniqueConstraint(fields=["dossier", "ordinal"], name="dossieritem_ordinal_unique"),
        ]
        indexes = [models.Index(fields=["document"], name="dossieritem_document_idx")]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.ordinal}"


from .archive_models import (  # noqa: E402,F401  (nộp lưu, retention and disposal: archive_models.py)
    DisposalItem,
    DisposalProposal,
    TransferBatch,
    TransferItem,
    TransferReminder,
    UnfiledReminder,
)
from .package_models import DossierPackage, PackageImportRecord  # noqa: E402, F401  (export13)
