"""Signing profiles: each user chooses how he signs (PKCS#12 on the server, USB token/HSM, remote
signing service — as VNPT iOffice lets users pick USB token / SmartCA / PKI) and uploads his
signature image; the agency's profile holds its key and its seal image.

A user manages his own profile; an administrator manages anyone's in his agency and the agency's.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from qlvb.core import audit
from qlvb.core.errors import ValidationFailed
from qlvb.core.permissions import require

from .images import check_image
from .keys import KeyMethod, SigningKey
from .models import SigningProfile

_METHOD_FIELDS = {
    KeyMethod.PKCS12: ("pkcs12_path",),
    KeyMethod.PKCS11: ("pkcs11_module", "pkcs11_token_label", "pkcs11_key_label"),
    KeyMethod.CSC: ("csc_service_url", "csc_credential_id"),
}


def _authorize(actor: Any, *, user: Any = None, agency: Any = None) -> None:
    if user is not None and getattr(actor, "pk", None) == user.pk:
        return  # one's own signing method and signature image
    require(actor, "signing.profile_manage", unit=agency if agency is not None else user.unit)


@transaction.atomic
def signing_profile_save(
    *, actor: Any, user: Any = None, agency: Any = None, method: str, **settings: str
) -> SigningProfile:
    """Create or update the profile of ``user`` (personal signature) or ``agency`` (agency
    signature). ``settings`` are the fields of the chosen method (e.g. ``pkcs11_module``,
    ``pkcs11_token_label``, ``pkcs11_key_label``)."""
    if (user is None) == (agency is None):
        raise ValueError("exactly one of user and agency")
    _authorize(actor, user=user, agency=agency)
    if method not in _METHOD_FIELDS:
        raise ValidationFailed(_("Phương thức ký số không hợp lệ."))
    missing = [name for name in _METHOD_FIELDS[method] if not str(settings.get(name, "")).strip()]
    if missing:
        raise ValidationFailed(
            _("Thiếu thông tin cho phương thức ký đã chọn: %(fields)s.") % {"fields": ", ".join(missing)}
        )
    unknown = set(settings) - {f for fields in _METHOD_FIELDS.values() for f in fields}
    if unknown:
        raise ValueError(f"unknown settings {sorted(unknown)}")
    profile, _created = SigningProfile.objects.get_or_create(user=user, agency=agency, defaults={"method": method})
    profile.method = method
    for fields in _METHOD_FIELDS.values():
        for name in fields:
            setattr(profile, name, str(settings.get(name, "")).strip() if name in _METHOD_FIELDS[method] else "")
    profile.save()
    audit.record("signing.profile_saved", actor=actor, obj=profile, data={"method": method})
    return profile


@transaction.atomic
def signing_image_upload(*, actor: Any, profile: SigningProfile, data: bytes, width_mm: float | None = None) -> None:
    """Store the user's signature image (blue) or the agency's seal image (red, with its real
    diameter ``width_mm``) after the checks of :func:`qlvb.signing.images.check_image`."""
    _authorize(actor, user=profile.user, agency=profile.agency)
    kind = "signature" if profile.user_id else "seal"
    checked = check_image(data, kind=kind)
    if width_mm is not None and not 10 <= width_mm <= 80:
        raise ValidationFailed(_("Kích thước ảnh phải từ 10 mm đến 80 mm."))
    profile.image_png = checked.data
    profile.image_width_mm = width_mm
    profile.save(update_fields=["image_png", "image_width_mm", "updated_at"])
    audit.record("signing.image_uploaded", actor=actor, obj=profile, data={"kind": kind, "bytes": len(data)})


def signing_key_for(profile: SigningProfile) -> SigningKey:
    return profile.key()
