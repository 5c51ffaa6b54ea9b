"""The application server's VAPID key (RFC 8292): made on first need and kept in the database (or given by
``QLVB_VAPID_PRIVATE_KEY``, a PEM or base64url raw key), and the signed ``Authorization`` header of a push."""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from py_vapid import Vapid02

from .models import VapidKeyPair

JWT_LIFETIME = 12 * 60 * 60  # RFC 8292 §2: at most 24 hours


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """base64url with or without padding; raises ``ValueError`` on anything else."""
    text = text.strip()
    if not text or any(c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=" for c in text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class VapidKey:
    private_key: ec.EllipticCurvePrivateKey

    @property
    def public_key(self) -> str:
        """The ``applicationServerKey`` a browser subscribes with: the uncompressed P-256 point, base64url."""
        raw = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(raw)

    def pem(self) -> str:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode("ascii")

    def headers(self, endpoint: str) -> dict[str, str]:
        """``Authorization: vapid t=<JWT>, k=<key>`` for the push service of ``endpoint`` (aud = its origin)."""
        parts = urlsplit(endpoint)
        vapid = Vapid02(private_key=self.private_key)
        claims = {
            "aud": f"{parts.scheme}://{parts.netloc}",
            "exp": int(time.time()) + JWT_LIFETIME,
            "sub": settings.QLVB_VAPID_SUBJECT,
        }
        return dict(vapid.sign(claims))


def _from_setting(value: str) -> ec.EllipticCurvePrivateKey:
    if "BEGIN" in value:
        key = serialization.load_pem_private_key(value.encode("ascii"), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
            raise ValueError("QLVB_VAPID_PRIVATE_KEY phải là khóa EC P-256.")
        return key
    return ec.derive_private_key(int.from_bytes(b64url_decode(value), "big"), ec.SECP256R1())


def vapid_key() -> VapidKey:
    """The deployment's key: from the setting, else the stored one, else a new one stored now."""
    configured = settings.QLVB_VAPID_PRIVATE_KEY
    if configured:
        return VapidKey(_from_setting(configured))
    row = VapidKeyPair.objects.order_by("pk").first()
    if row is None:
        key = VapidKey(ec.generate_private_key(ec.SECP256R1()))
        try:
            with transaction.atomic():
                row = VapidKeyPair.objects.create(
                    pk=1, private_pem=key.pem(), public_key=key.public_key, created_at=timezone.now()
                )
        except IntegrityError:  # made at the same moment by another process: take that one
            row = VapidKeyPair.objects.get(pk=1)
    loaded = serialization.load_pem_private_key(row.private_pem.encode("ascii"), password=None)
    assert isinstance(loaded, ec.EllipticCurvePrivateKey)
    return VapidKey(loaded)
