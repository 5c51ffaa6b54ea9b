"""Trust anchors: the root (and intermediate) CA certificates a signature must chain to — the
Government specialised CA (Ban Cơ yếu Chính phủ), the public CAs (VNPT-CA, Viettel-CA, BKAV-CA, FPT-CA
…) under the national root.

They are kept **per deployment**, as files in the trust-anchor folder (``QLVB_TRUST_ANCHORS_DIR``,
default ``var/trust-anchors``): one PEM file per certificate, named by its SHA-256 fingerprint. The
administrator manages them on the "Chứng thư gốc tin cậy" page or through the API; an operator may
also drop files there. Several web nodes must share the folder (as they share ``FILES_DIR``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from asn1crypto import pem, x509
from django.utils.translation import gettext as _

from qlvb.core import audit
from qlvb.core.errors import NotFound, ValidationFailed
from qlvb.core.permissions import require

from . import conf, policies
from .certs import VN_TZ, load_certificates, name_attr
from .demo_pki import is_demo_certificate
from .errors import ErrorCode

if TYPE_CHECKING:
    from qlvb.directory.models import User

MAX_BYTES = 256 * 1024
_SUFFIXES = {".cer", ".crt", ".pem", ".der"}


@dataclass(frozen=True)
class Anchor:
    fingerprint: str  # SHA-256 of the DER, hex
    subject: str
    organisation: str
    issuer: str
    not_before: datetime
    not_after: datetime
    is_ca: bool
    demo: bool
    file_name: str

    @property
    def expired(self) -> bool:
        return self.not_after < datetime.now(UTC)

    def as_dict(self) -> dict[str, Any]:
        return {
            "fingerprint": self.fingerprint,
            "subject": self.subject,
            "organisation": self.organisation,
            "issuer": self.issuer,
            "not_before": self.not_before.astimezone(VN_TZ).isoformat(),
            "not_after": self.not_after.astimezone(VN_TZ).isoformat(),
            "is_ca": self.is_ca,
            "demo": self.demo,
            "expired": self.expired,
            "file_name": self.file_name,
        }


def _describe(cert: x509.Certificate, file_name: str) -> Anchor:
    return Anchor(
        fingerprint=hashlib.sha256(cert.dump()).hexdigest(),
        subject=name_attr(cert.subject, "common_name") or cert.subject.human_friendly,
        organisation=name_attr(cert.subject, "organization_name"),
        issuer=name_attr(cert.issuer, "common_name") or cert.issuer.human_friendly,
        not_before=cert.not_valid_before,
        not_after=cert.not_valid_after,
        is_ca=bool(cert.ca),
        demo=is_demo_certificate(cert),
        file_name=file_name,
    )


def trust_anchor_list() -> list[Anchor]:
    """Every certificate of the folder (unreadable files skipped), demo anchors last."""
    folder = conf.trust_anchors_dir()
    if not folder.is_dir():
        return []
    seen: dict[str, Anchor] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in _SUFFIXES or not path.is_file():
            continue
        try:
            certs = load_certificates(path.read_bytes())
        except (ValueError, OSError):
            continue
        for cert in certs:
            anchor = _describe(cert, path.name)
            seen.setdefault(anchor.fingerprint, anchor)
    return sorted(seen.values(), key=lambda a: (a.demo, a.subject.lower()))


def _parse(data: bytes) -> list[x509.Certificate]:
    try:
        certs = load_certificates(data.strip() if pem.detect(data) else data)
        for cert in certs:
            _parsed = cert.subject.native, cert.not_valid_after, cert.public_key.native  # parse it all now
    except Exception as exc:
        raise ValidationFailed(
            _("Tệp không phải chứng thư số X.509 (cần tệp .cer/.crt/.pem dạng PEM hoặc DER)."),
            code=ErrorCode.NOT_CERTIFICATE,
        ) from exc
    if not certs:
        raise ValidationFailed(_("Tệp không chứa chứng thư số nào."), code=ErrorCode.NOT_CERTIFICATE)
    return certs


def store_anchor(der: bytes, *, demo: bool = False) -> Path:
    """Write one certificate (DER) into the folder; the same certificate twice is one file."""
    folder = conf.trust_anchors_dir()
    folder.mkdir(parents=True, exist_ok=True)
    fingerprint = hashlib.sha256(der).hexdigest()
    path = folder / f"{'demo-' if demo else ''}{fingerprint[:32]}.pem"
    if not path.exists():
        partial = path.with_suffix(".tmp")
        partial.write_bytes(pem.armor("CERTIFICATE", der))
        partial.replace(path)
    return path


def trust_anchor_add(*, actor: User, data: bytes, name: str = "") -> list[Anchor]:
    """Add the CA certificate(s) of an uploaded file (PEM with one or several, or DER). Only CA
    certificates are accepted: an end-entity certificate is not an anchor."""
    require(actor, policies.ANCHORS_MANAGE)
    if len(data) > MAX_BYTES:
        raise ValidationFailed(_("Tệp chứng thư quá lớn (tối đa 256 KB)."), code=ErrorCode.TOO_LARGE)
    certs = _parse(data)
    not_ca = [name_attr(c.subject, "common_name") for c in certs if not c.ca]
    if not_ca:
        raise ValidationFailed(
            _(
                "“%(name)s” không phải chứng thư của tổ chức cấp (CA): chỉ thêm chứng thư gốc hoặc trung gian, "
                "không thêm chứng thư của người ký."
            )
            % {"name": ", ".join(not_ca)},
            code=ErrorCode.NOT_CA,
        )
    added = []
    for cert in certs:
        path = store_anchor(cert.dump())
        anchor = _describe(cert, path.name)
        added.append(anchor)
        audit.record(
            "signing.anchor_added",
            actor=actor,
            obj=None,
            data={"fingerprint": anchor.fingerprint, "subject": anchor.subject, "file": name[:200]},
        )
    return added


def trust_anchor_remove(*, actor: User, fingerprint: str) -> Anchor:
    """Remove a certificate from the folder (every file holding only it)."""
    require(actor, policies.ANCHORS_MANAGE)
    fingerprint = fingerprint.strip().lower()
    found = next((a for a in trust_anchor_list() if a.fingerprint == fingerprint), None)
    if found is None:
        raise NotFound(_("Không có chứng thư gốc này trong danh sách tin cậy."), code=ErrorCode.ANCHOR_NOT_FOUND)
    folder = conf.trust_anchors_dir()
    path = folder / found.file_name
    remaining = [c for c in load_certificates(path.read_bytes()) if hashlib.sha256(c.dump()).hexdigest() != fingerprint]
    if remaining:
        path.write_bytes(b"".join(pem.armor("CERTIFICATE", c.dump()) for c in remaining))
    else:
        path.unlink()
    audit.record(
        "signing.anchor_removed",
        actor=actor,
        obj=None,
        data={"fingerprint": found.fingerprint, "subject": found.subject},
    )
    return found
