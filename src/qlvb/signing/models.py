"""Signing profiles (how a user or an agency signs) and stored verification reports."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .errors import ErrorCode
from .keys import CscKey, KeyMethod, Pkcs11Key, Pkcs12Key, SigningKey, SigningRefused


class SigningProfile(models.Model):
    """The signing method a user (personal signature) or an agency (agency signature) has chosen,
    with where the key lives and the image shown on the page. Secrets (PIN, passwords, OAuth tokens)
    are never stored: the signer types them each time."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="signing_profile",
        verbose_name=_("người ký"),
    )
    agency = models.OneToOneField(
        "directory.Unit",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="signing_profile",
        verbose_name=_("cơ quan"),
    )
    method = models.CharField(_("phương thức ký"), max_length=10, choices=KeyMethod.CHOICES)
    # PKCS#12 (soft token): a file in the server's key folder (administrator), or the file the owner
    # uploaded on his signing page, kept as uploaded (a PKCS#12 is itself encrypted with its password,
    # which is never stored: the signer types it at each signature).
    pkcs12_path = models.CharField(_("đường dẫn tệp PKCS#12"), max_length=500, blank=True)
    pkcs12_data = models.BinaryField(_("tệp PKCS#12 đã tải lên"), blank=True, default=b"")
    pkcs12_name = models.CharField(_("tên tệp PKCS#12"), max_length=200, blank=True)
    # The certificate of the key (read at upload time, when the password was given): shown on the page.
    cert_der = models.BinaryField(_("chứng thư số (DER)"), blank=True, default=b"")
    # PKCS#11 (USB token, HSM)
    pkcs11_module = models.CharField(_("thư viện PKCS#11"), max_length=500, blank=True)
    pkcs11_token_label = models.CharField(_("nhãn thiết bị"), max_length=100, blank=True)
    pkcs11_key_label = models.CharField(_("nhãn khóa"), max_length=100, blank=True)
    # CSC remote signing service
    csc_service_url = models.URLField(_("địa chỉ dịch vụ ký số từ xa"), max_length=500, blank=True)
    csc_credential_id = models.CharField(_("mã chứng thư trên dịch vụ"), max_length=200, blank=True)
    # Appearance: the user's signature image (blue) or the agency's seal (red), PNG, transparent.
    image_png = models.BinaryField(_("ảnh chữ ký / con dấu (PNG)"), blank=True, default=b"")
    image_width_mm = models.FloatField(_("chiều rộng ảnh (mm)"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cấu hình ký số")
        verbose_name_plural = _("cấu hình ký số")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, agency__isnull=True)
                    | models.Q(user__isnull=True, agency__isnull=False)
                ),
                name="signing_profile_user_xor_agency",
            )
        ]

    def __str__(self) -> str:
        owner: Any = self.user or self.agency
        return f"{owner} — {self.get_method_display()}"

    def key(self) -> SigningKey:
        if self.method not in (KeyMethod.PKCS12, KeyMethod.PKCS11, KeyMethod.CSC, KeyMethod.PLUGIN):
            raise SigningRefused(
                gettext(
                    "Chưa chọn phương thức ký số. Hãy tải lên tệp chứng thư số (PKCS#12) hoặc chọn USB token/dịch "
                    "vụ ký số từ xa tại trang “Chữ ký số” (người ký tự làm; chữ ký số của cơ quan: văn thư hoặc "
                    "quản trị)."
                ),
                code=ErrorCode.NO_METHOD,
            )
        if self.method == KeyMethod.PKCS12:
            if self.pkcs12_data:
                return Pkcs12Key(path="", data=bytes(self.pkcs12_data))
            return Pkcs12Key(path=self.pkcs12_path)
        if self.method == KeyMethod.PLUGIN:
            raise SigningRefused(
                gettext(
                    "Phương thức “USB token tại máy của ông/bà” ký trên trình duyệt qua phần mềm ký số của nhà "
                    "cung cấp, máy chủ không giữ khóa; bước này chưa hỗ trợ cách ký đó (hiện chỉ trang “Ký bằng USB "
                    "token”). Hãy tải lên tệp chứng thư số (PKCS#12) hoặc chọn ký số từ xa tại trang “Chữ ký số” → "
                    "“Chữ ký của tôi”."
                ),
                code=ErrorCode.PLUGIN_METHOD,
            )
        if self.method == KeyMethod.PKCS11:
            return Pkcs11Key(
                module=self.pkcs11_module, token_label=self.pkcs11_token_label, key_label=self.pkcs11_key_label
            )
        return CscKey(service_url=self.csc_service_url, credential_id=self.csc_credential_id)


class Verdict(models.TextChoices):
    VALID = "valid", _("hợp lệ")
    INVALID = "invalid", _("không hợp lệ")
    UNKNOWN = "unknown", _("chưa xác định")


class SignatureReport(models.Model):
    """The verification report of a file, as known when it ran. Linked to the stored file by its
    sha256 (the files app keys files by content hash); re-running adds a new report."""

    file_sha256 = models.CharField(_("mã băm SHA-256 của tệp"), max_length=64, db_index=True)
    verdict = models.CharField(_("kết luận"), max_length=10, choices=Verdict.choices)
    summary = models.CharField(_("tóm tắt"), max_length=500, blank=True)
    report = models.JSONField(_("báo cáo"), default=dict)
    signature_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("kết quả kiểm tra chữ ký số")
        verbose_name_plural = _("kết quả kiểm tra chữ ký số")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_sha256[:12]} — {self.get_verdict_display()}"


class PluginSigning(models.Model):
    """A signature being made on the signer's USB token through the local signing plug-in, between the
    two requests: the server prepared the document and gave out the hash; the browser brings back
    the token's signature. Kept for ``plugin.SESSION_MINUTES``; one use."""

    id = models.UUIDField(primary_key=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # what the signed file is for: "" the page "Ký bằng USB token"; "outgoing.sign:<id>:<version>" an
    # outgoing document's personal signature (plugin.plugin_session_start)
    purpose = models.CharField(max_length=60, blank=True, default="")
    file_name = models.CharField(max_length=255, blank=True)
    output = models.BinaryField()  # the document with the signature placeholder
    document_digest = models.BinaryField()
    reserved_start = models.PositiveBigIntegerField()
    reserved_end = models.PositiveBigIntegerField()
    signed_attrs = models.BinaryField()
    cert_der = models.BinaryField()
    chain_der = models.JSONField(default=list)  # base64 DER of the intermediates the plug-in gave
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("phiên ký bằng USB token tại máy người ký")
        verbose_name_plural = _("phiên ký bằng USB token tại máy người ký")

    def __str__(self) -> str:
        return f"{self.pk} — {self.file_name}"
