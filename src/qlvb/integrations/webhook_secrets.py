"""The secrets of webhook subscriptions: shown once, kept sealed (Fernet, key derived from the deployment's
``SECRET_KEY``: a database dump alone does not reveal them). Unlike a client secret they cannot be kept as a
hash: the server signs every payload with them."""

from __future__ import annotations

import base64
import hashlib
import secrets

from cryptography.fernet import Fernet
from django.conf import settings

SECRET_PREFIX = "whsec_"  # noqa: S105  (a prefix, not a password)


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"qlvb webhook secret\x00" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def secret_new() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def secret_seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def secret_unseal(sealed: str) -> str:
    return _fernet().decrypt(sealed.encode()).decode()
