"""Signing profiles: each user chooses how he signs (PKCS#12 on the server, USB token/HSM, remote
signing service — as VNPT iOffice lets users pick USB token / SmartCA / PKI) and uploads his
signature image; the agency's profile holds its key and its seal image.

A user manages his own profile; an administrator (``signing.profile_manage``) anyone's in his
agency; the agency's administrator or clerk (``signing.agency_manage``, NĐ 30 Điều 33) the agency's.

What a profile may point at is bounded by the configuration (``signing.conf``): a PKCS#12 file only
inside ``QLVB_PKCS12_DIR``, a PKCS#11 library only from ``QLVB_PKCS11_MODULES``, a remote signing
service only from ``QLVB_CSC_SERVICES`` — the server never loads a file or calls an address a user
typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from asn1crypto import pkcs12 as asn1_pkcs12
from asn1crypto import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from django.db import transaction
from django.utils.translation import gettext as _

from qlvb.core import audit
from qlvb.core.errors import ValidationFailed
from qlvb.core.permissions import has, require
from qlvb.directory.models import Unit

from . import conf, policies
from .certs import describe, vn_date
from .errors import ErrorCode
from .images import check_image
from .keys import KeyMethod, SigningKey
from .models import SigningProfile

if TYPE_CHECKING:
    from qlvb.directory.models import User

METHOD_FIELDS: dict[str, tuple[str, ...]] = {
    KeyMethod.PKCS12: ("pkcs12_path",),
    KeyMethod.PLUGIN: (),
    KeyMethod.CSC: ("csc_service_url", "csc_credential_id"),
    KeyMethod.PKCS11: ("pkcs11_module", "pkcs11_token_label", "pkcs11_key_label"),
}
ALL_FIELDS: tuple[str, ...] = tuple(f for fields in METHOD_FIELDS.values() for f in fields)
FIELD_LABELS = {
    "pkcs12_path": "Tệp PKCS#12",
    "pkcs11_module": "Thư viện PKCS#11",
    "pkcs11_token_label": "Nhãn thiết bị",
    "pkcs11_key_label": "Nhãn khóa",
    "csc_service_url": "Dịch vụ ký số từ xa",
    "csc_credential_id": "Mã chứng thư trên dịch vụ",
}


def _authorize(actor: User, *, user: User | None = None, agency: Unit | None = None) -> None:
    if user is not None:
        if getattr(actor, "pk", None) == user.pk:
            return  # one's own signing method and signature image
        require(actor, policies.PROFILE_MANAGE, unit=user.unit)
        return
    require(actor, policies.AGENCY_MANAGE, unit=agency)


def _pkcs12_path(value: str) -> str:
    folder = conf.pkcs12_dir().resolve()
    path = Path(value)
    resolved = (path if path.is_absolute() else folder / path).resolve()
    if not resolved.is_relative_to(folder):
        raise ValidationFailed(
            _("Tệp PKCS#12 phải nằm trong thư mục khóa của máy chủ (%(dir)s).") % {"dir": folder},
            code=ErrorCode.PKCS12_OUTSIDE,
        )
    if not resolved.is_file():
        raise ValidationFailed(
            _("Không có tệp PKCS#12 “%(name)s” trong thư mục khóa của máy chủ.") % {"name": value},
            code=ErrorCode.PKCS12_MISSING,
        )
    return str(resolved)


def _checked(method: str, values: dict[str, str]) -> dict[str, str]:
    if method == KeyMethod.PKCS12 and not values.get("pkcs12_path"):
        return values  # keeps the uploaded file (see signing_profile_save)
    if method == KeyMethod.PKCS12:
        values["pkcs12_path"] = _pkcs12_path(values["pkcs12_path"])
    elif method == KeyMethod.PKCS11 and values["pkcs11_module"] not in conf.pkcs11_modules():
        raise ValidationFailed(
            _("Thư viện PKCS#11 này không có trong danh sách được phép trên máy chủ."), code=ErrorCode.PKCS11_MODULE
        )
    elif method == KeyMethod.CSC:
        url = values["csc_service_url"].rstrip("/")
        if url not in conf.csc_services():
            raise ValidationFailed(
                _("Dịch vụ ký số từ xa này không có trong danh sách được phép trên máy chủ."),
                code=ErrorCode.CSC_SERVICE,
            )
        values["csc_service_url"] = url
    return values


def signing_profile_get(*, actor: User, user: User | None = None, agency: Unit | None = None) -> SigningProfile | None:
    """The profile of ``user`` or ``agency`` if ``actor`` may manage it (else PermissionDenied)."""
    if (user is None) == (agency is None):
        raise ValueError("exactly one of user and agency")
    _authorize(actor, user=user, agency=agency)
    return SigningProfile.objects.filter(user=user, agency=agency).first()


@transaction.atomic
def signing_profile_save(
    *, actor: User, user: User | None = None, agency: Unit | None = None, method: str, **settings: str
) -> SigningProfile:
    """Create or update the profile of ``user`` (personal signature) or ``agency`` (agency
    signature). ``settings`` are the fields of the chosen method (e.g. ``pkcs11_module``,
    ``pkcs11_token_label``, ``pkcs11_key_label``); the fields of the other methods are ignored."""
    if (user is None) == (agency is None):
        raise ValueError("exactly one of user and agency")
    _authorize(actor, user=user, agency=agency)
    if method not in METHOD_FIELDS:
        raise ValidationFailed(_("Phương thức ký số không hợp lệ."), code=ErrorCode.METHOD)
    unknown = set(settings) - set(ALL_FIELDS)
    if unknown:
        raise ValueError(f"unknown settings {sorted(unknown)}")
    values = {name: str(settings.get(name) or "").strip() for name in METHOD_FIELDS[method]}
    missing = [FIELD_LABELS[name] for name, value in values.items() if not value]
    existing = SigningProfile.objects.filter(user=user, agency=agency).first()
    if method == KeyMethod.PKCS12 and missing and existing is not None and existing.pkcs12_data:
        missing = []  # the PKCS#12 uploaded on the signing page
    elif method == KeyMethod.PKCS12 and missing:
        raise ValidationFailed(
            _("Hãy tải lên tệp chứng thư số (PKCS#12, .p12/.pfx) ở mục bên dưới; mật khẩu của tệp không được lưu."),
            code=ErrorCode.PKCS12_MISSING,
        )
    if missing:
        raise ValidationFailed(
            _("Thiếu thông tin cho phương thức ký đã chọn: %(fields)s.") % {"fields": ", ".join(missing)},
            code=ErrorCode.MISSING,
        )
    values = _checked(method, values)
    profile, _created = SigningProfile.objects.select_for_update().get_or_create(
        user=user, agency=agency, defaults={"method": method}
    )
    profile.method = method
    for name in ALL_FIELDS:
        setattr(profile, name, values.get(name, ""))
    if method != KeyMethod.PKCS12 or values.get("pkcs12_path"):
        profile.pkcs12_data, profile.pkcs12_name = b"", ""
    if method not in (KeyMethod.PKCS12, KeyMethod.PLUGIN):
        profile.cert_der = b""
    profile.save()
    audit.record("signing.profile_saved", actor=actor, obj=profile, data={"method": method})
    return profile


@transaction.atomic
def signing_image_upload(
    *,
    actor: User,
    data: bytes,
    profile: SigningProfile | None = None,
    user: User | None = None,
    agency: Unit | None = None,
    width_mm: float | None = None,
) -> SigningProfile:
    """Store the user's signature image (blue) or the agency's seal image (red, with its real
    diameter ``width_mm``) after the checks of :func:`qlvb.signing.images.check_image`. Without a
    ``profile``, the profile of ``user`` / ``agency`` is used, created (method not chosen yet) when
    missing. Nothing is stored when a check fails."""
    if profile is not None:
        user, agency = profile.user, profile.agency
    elif (user is None) == (agency is None):
        raise ValueError("exactly one of profile, user and agency")
    _authorize(actor, user=user, agency=agency)
    kind = "signature" if user is not None else "seal"
    checked = check_image(data, kind=kind)
    if width_mm is not None and not 10 <= width_mm <= 80:
        raise ValidationFailed(_("Kích thước ảnh phải từ 10 mm đến 80 mm."), code=ErrorCode.IMAGE_SIZE_MM)
    if profile is None:
        profile, _created = SigningProfile.objects.select_for_update().get_or_create(
            user=user, agency=agency, defaults={"method": ""}
        )
    profile.image_png = checked.data
    profile.image_width_mm = width_mm
    profile.save(update_fields=["image_png", "image_width_mm", "updated_at"])
    audit.record("signing.image_uploaded", actor=actor, obj=profile, data={"kind": kind, "bytes": len(data)})
    return profile


def signing_key_for(profile: SigningProfile) -> SigningKey:
    return profile.key()


def agencies_managed_by(actor: User) -> list[Unit]:
    """The agencies whose signing key and seal ``actor`` may configure (his own agency first)."""
    candidates: list[Unit] = []
    unit = getattr(actor, "unit", None)
    if unit is not None:
        candidates.append(unit.agency)
    ids = actor.role_assignments.values_list("unit__agency_id", flat=True) if getattr(actor, "pk", None) else []
    others = Unit.objects.filter(pk__in=list(ids)).exclude(pk__in=[c.pk for c in candidates if c is not None])
    candidates += list(others.order_by("name"))
    return [a for a in candidates if a is not None and has(actor, policies.AGENCY_MANAGE, unit=a)]


# --- an uploaded PKCS#12 ----------------------------------------------------------------------

PKCS12_MAX_BYTES = 64 * 1024


@dataclass(frozen=True)
class CertificateView:
    """What the signing page shows of the certificate of a profile."""

    subject: str
    organisation: str
    issuer: str
    valid_from: str  # dd/mm/yyyy
    valid_to: str
    expired: bool
    demo: bool


def certificate_view(profile: SigningProfile | None) -> CertificateView | None:
    if profile is None or not profile.cert_der:
        return None
    from .demo_pki import is_demo_certificate

    cert = x509.Certificate.load(bytes(profile.cert_der))
    info = describe(cert)
    return CertificateView(
        subject=info["ten"],
        organisation=info["to_chuc"],
        issuer=info["noi_cap"],
        valid_from=vn_date(cert.not_valid_before),
        valid_to=vn_date(cert.not_valid_after),
        expired=cert.not_valid_after < datetime.now(UTC),
        demo=is_demo_certificate(cert),
    )


def _read_pkcs12(data: bytes, password: str) -> tuple[Any, Any, list[Any]]:
    """Open the file as the signer would; every way it can fail gets its own Vietnamese message."""
    if len(data) > PKCS12_MAX_BYTES:
        raise ValidationFailed(_("Tệp chứng thư số quá lớn (tối đa 64 KB)."), code=ErrorCode.PKCS12_TOO_LARGE)
    try:
        asn1_pkcs12.Pfx.load(data)["auth_safe"]["content"].native  # noqa: B018  (parses the outer structure)
    except Exception as exc:
        raise ValidationFailed(
            _(
                "Tệp này không phải tệp chứng thư số PKCS#12 (.p12 hoặc .pfx). Hãy xuất lại chứng thư số kèm khóa "
                "bí mật từ nhà cung cấp dịch vụ chứng thực (hoặc từ trình duyệt/Windows: “Export… kèm private key”)."
            ),
            code=ErrorCode.NOT_PKCS12,
        ) from exc
    if not password:
        raise ValidationFailed(_("Hãy nhập mật khẩu của tệp PKCS#12 để kiểm tra tệp."), code=ErrorCode.PKCS12_PASSWORD)
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, password.encode())
    except ValueError as exc:
        raise ValidationFailed(
            _("Mật khẩu của tệp PKCS#12 không đúng. Hãy nhập lại mật khẩu được cấp cùng tệp."),
            code=ErrorCode.PKCS12_WRONG_PASSWORD,
        ) from exc
    if key is None:
        raise ValidationFailed(
            _(
                "Tệp PKCS#12 chỉ có chứng thư, không có khóa bí mật: không ký được. Hãy xuất lại tệp kèm khóa bí "
                "mật (private key)."
            ),
            code=ErrorCode.PKCS12_NO_KEY,
        )
    if cert is None:
        raise ValidationFailed(_("Tệp PKCS#12 không có chứng thư số của khóa."), code=ErrorCode.PKCS12_NO_CERT)
    return key, cert, list(extra)


@transaction.atomic
def signing_pkcs12_upload(
    *, actor: User, data: bytes, password: str, name: str = "", user: User | None = None, agency: Unit | None = None
) -> SigningProfile:
    """Store an uploaded PKCS#12 as the signing key of ``user`` (his own, or an administrator for him)
    or of ``agency`` (its clerk or administrator), after checking that ``password`` opens it, that it
    holds a private key and a certificate valid today. The file is kept as uploaded (it is encrypted
    with its password); the password is never stored — the signer types it at each signature."""
    if (user is None) == (agency is None):
        raise ValueError("exactly one of user and agency")
    _authorize(actor, user=user, agency=agency)
    _key, cert, _extra = _read_pkcs12(data, password)
    from cryptography.hazmat.primitives.serialization import Encoding

    der = cert.public_bytes(Encoding.DER)
    certificate = x509.Certificate.load(der)
    now = datetime.now(UTC)
    who = describe(certificate)["ten"]
    if certificate.not_valid_after < now:
        raise ValidationFailed(
            _(
                "Chứng thư số của %(who)s đã hết hạn ngày %(date)s: không dùng để ký được. Hãy đề nghị nhà cung cấp "
                "dịch vụ chứng thực gia hạn hoặc cấp chứng thư mới."
            )
            % {"who": who, "date": vn_date(certificate.not_valid_after)},
            code=ErrorCode.PKCS12_EXPIRED,
        )
    if certificate.not_valid_before > now:
        raise ValidationFailed(
            _("Chứng thư số của %(who)s chưa có hiệu lực (từ ngày %(date)s).")
            % {"who": who, "date": vn_date(certificate.not_valid_before)},
            code=ErrorCode.PKCS12_NOT_YET_VALID,
        )
    profile, _created = SigningProfile.objects.select_for_update().get_or_create(
        user=user, agency=agency, defaults={"method": KeyMethod.PKCS12}
    )
    profile.method = KeyMethod.PKCS12
    for field_name in ALL_FIELDS:
        setattr(profile, field_name, "")
    profile.pkcs12_data = data
    profile.pkcs12_name = (Path(name).name or "chung-thu.p12")[:200]
    profile.cert_der = der
    profile.save()
    audit.record(
        "signing.pkcs12_uploaded",
        actor=actor,
        obj=profile,
        data={
            "subject": who,
            "issuer": describe(certificate)["noi_cap"],
            "serial": format(certificate.serial_number, "x"),
        },
    )
    return profile
