"""The export packages of dossiers (gói hồ sơ: originals, PDF/A renditions, metadata XML of Phụ lục VI /
TT 02/2019, SHA-256 manifest) and the records of packages imported from another deployment."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PackageState(models.TextChoices):
    PENDING = "pending", _("Đang tạo gói")
    DONE = "done", _("Đã tạo gói")
    FAILED = "failed", _("Không tạo được gói")


class DossierPackage(models.Model):
    """One export of one dossier or a list of dossiers (a batch), built in the background into a ZIP under
    ``QLVB_PACKAGES_DIR`` (never in memory). ``problems``: the files that had no PDF/A rendition, with the
    reason."""

    agency = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="+")
    dossiers = models.ManyToManyField("dossiers.Dossier", related_name="packages")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("yêu cầu lúc"))
    state = models.CharField(_("trạng thái"), max_length=8, choices=PackageState.choices, default=PackageState.PENDING)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    error = models.CharField(_("lý do"), max_length=500, blank=True)
    size = models.BigIntegerField(_("kích thước (byte)"), null=True, blank=True)
    sha256 = models.CharField(_("mã SHA-256 của gói"), max_length=64, blank=True)
    file_count = models.PositiveIntegerField(_("số tệp gốc"), default=0)
    problems = models.JSONField(_("tệp không chuyển được sang PDF/A"), default=list, blank=True)
    # who signed the manifest (manifest-sha256.txt.p7s): the certificate's subject and SHA-256; empty = unsigned
    signer = models.CharField(_("người ký bảng kê"), max_length=500, blank=True)
    signer_cert_sha256 = models.CharField(_("SHA-256 chứng thư người ký"), max_length=64, blank=True)
    # the TSA's time in the signature's timestamp token (package_signature); null: no TSA answered or none set
    signed_at = models.DateTimeField(_("thời điểm ký theo dấu thời gian"), null=True, blank=True)

    class Meta:
        verbose_name = _("gói hồ sơ xuất")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"Gói hồ sơ {self.pk} ({self.state})"

    @property
    def file_name(self) -> str:
        return f"goi-ho-so-{self.pk}.zip"


class ImportKind(models.TextChoices):
    DOSSIER = "dossier", _("Hồ sơ")
    DOCUMENT = "document", _("Văn bản")
    FILE = "file", _("Tài liệu khác")


class PackageImportRecord(models.Model):
    """What an import created, by its key in the package (``FileCode`` of a dossier, ``OrganId/Identifier``
    of a document): a second import of the same package finds it here and creates nothing."""

    agency = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=ImportKind.choices)
    source_key = models.CharField(max_length=200)
    dossier = models.ForeignKey("dossiers.Dossier", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    manifest_sha256 = models.CharField(max_length=64)
    signer = models.CharField(_("người ký bảng kê"), max_length=500, blank=True)  # empty: the package was unsigned
    signer_cert_sha256 = models.CharField(_("SHA-256 chứng thư người ký"), max_length=64, blank=True)
    # package_trust.Trust of the signer at import (trusted, untrusted, revocation_unknown); empty: unsigned
    signer_trust = models.CharField(_("độ tin cậy của chứng thư người ký"), max_length=20, blank=True)
    # the time a trusted TSA's timestamp proves the manifest was signed by; null: no trusted timestamp
    signed_at = models.DateTimeField(_("thời điểm ký theo dấu thời gian"), null=True, blank=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField()

    class Meta:
        verbose_name = _("bản ghi nhập gói hồ sơ")
        constraints = [
            models.UniqueConstraint(fields=["agency", "kind", "source_key"], name="packageimport_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.source_key}"
