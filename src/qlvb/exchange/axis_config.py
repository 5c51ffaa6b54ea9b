"""How this deployment reaches the national axis: the transport (``QLVB_AXIS_*`` settings, from the
environment; ``qlvb serve`` points them at the local simulator when nothing else is configured) and the
agency key that signs every package (XML-DSig). Neither secret is ever in the repository."""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from .errors import ErrorCode
from .transport import Transport, TransportError, VdxpConfig, VdxpTransport

log = logging.getLogger(__name__)


def axis_configured_by_settings() -> bool:
    return bool(settings.QLVB_AXIS_ENDPOINT and settings.QLVB_AXIS_SYSTEM_ID and settings.QLVB_AXIS_SECRET)


def axis_configured() -> bool:
    from .axis_connections import connections_exist  # an agency's own connection (the "Liên thông" page)

    return axis_configured_by_settings() or connections_exist()


def transport_get(organ_id: str = "") -> Transport:
    """The transport of the agency ``organ_id`` (its own connection, if its administrator set one), else
    the configured one; a :class:`TransportError` (not retryable) when none is configured."""
    from .axis_connections import connection_of, connection_transport

    connection = connection_of(organ_id)
    if connection is not None:
        return connection_transport(connection)
    if not axis_configured_by_settings():
        raise TransportError(
            "Chưa cấu hình kết nối trục liên thông (QLVB_AXIS_ENDPOINT, QLVB_AXIS_SYSTEM_ID, QLVB_AXIS_SECRET).",
            code=ErrorCode.AXIS_NOT_CONFIGURED,
        )
    return VdxpTransport(
        VdxpConfig(
            endpoint=settings.QLVB_AXIS_ENDPOINT,
            system_id=settings.QLVB_AXIS_SYSTEM_ID,
            secret=settings.QLVB_AXIS_SECRET,
            read_timeout=settings.QLVB_AXIS_TIMEOUT,
        )
    )


@dataclass(frozen=True)
class SigningKey:
    key_path: Path
    cert_path: Path | None
    password: str | None


def signing_key() -> SigningKey | None:
    """The agency key that signs packages: ``QLVB_AXIS_KEY_FILE`` (PEM or PKCS#12) with
    ``QLVB_AXIS_CERT_FILE`` and ``QLVB_EDXML_KEY_PASSWORD``; outside production, a self-signed key created
    once under the data folder (like the audit key); in production without one, ``None`` (sent unsigned,
    logged)."""
    if settings.QLVB_AXIS_KEY_FILE:
        cert = Path(settings.QLVB_AXIS_CERT_FILE) if settings.QLVB_AXIS_CERT_FILE else None
        return SigningKey(Path(settings.QLVB_AXIS_KEY_FILE), cert, os.environ.get("QLVB_EDXML_KEY_PASSWORD") or None)
    if not settings.QLVB_AXIS_KEY_CREATE:
        log.warning("QLVB_AXIS_KEY_FILE is not set: edXML packages are sent without an XML signature")
        return None
    path = Path(settings.DATA_DIR) / "axis" / "agency-key.pem"
    if not path.exists():
        _self_signed(path)
    return SigningKey(path, None, None)


def _self_signed(path: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.COMMON_NAME, "qlvb - khoa ky goi tin lien thong (thu nghiem)"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        fh.write(cert.public_bytes(serialization.Encoding.PEM))
    os.replace(tmp, path)
