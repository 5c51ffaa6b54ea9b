"""The audit chain's HMAC: the key (never in the database), each entry's canonical content and hash.

Each entry's ``hash`` is HMAC-SHA256, under a key that is not in the database, over the previous
entry's hash and the entry's canonical content. Whoever can write to the database but does not hold
the key cannot change, remove or reorder an entry and recompute the chain.

The key: ``QLVB_AUDIT_KEY`` (at least 32 characters) or the file ``QLVB_AUDIT_KEY_FILE`` (default
``var/audit.key``, created with mode 0600 on first use in the embedded default; production refuses
to start without one of the two, see settings.py and docs/security.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

GENESIS = "0" * 64
KEY_MIN_CHARS = 32


def _canonical(
    *,
    seq: int,
    created_at: str,
    action: str,
    actor_id: int | None,
    actor_username: str,
    ip: str | None,
    object_type: str,
    object_id: str,
    object_repr: str,
    data: Any,
) -> bytes:
    payload = [
        seq,
        created_at,
        action,
        actor_id,
        actor_username,
        ip,
        object_type,
        object_id,
        object_repr,
        data,
    ]
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


# --- The key ------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _key_from(env_key: str, path: str, create: bool) -> bytes:
    if env_key:
        if len(env_key) < KEY_MIN_CHARS:
            raise ImproperlyConfigured(f"QLVB_AUDIT_KEY cần ít nhất {KEY_MIN_CHARS} ký tự.")
        return env_key.encode("utf-8")
    key_file = Path(path)
    if not key_file.exists():
        if not create:
            raise ImproperlyConfigured(
                f"Không có khóa nhật ký hệ thống: đặt QLVB_AUDIT_KEY hoặc tạo tệp khóa {key_file} (docs/deploy.md)."
            )
        key_file.parent.mkdir(parents=True, exist_ok=True)
        try:  # O_EXCL: two processes starting at once keep the same key
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w", encoding="ascii") as out:
                out.write(secrets.token_hex(32) + "\n")
    text = key_file.read_text(encoding="utf-8").strip()
    if len(text) < KEY_MIN_CHARS:
        raise ImproperlyConfigured(f"Tệp khóa nhật ký {key_file} cần ít nhất {KEY_MIN_CHARS} ký tự.")
    return text.encode("utf-8")


def audit_key() -> bytes:
    """The chain's HMAC key, from the environment or the key file (never from the database)."""
    return _key_from(
        str(settings.QLVB_AUDIT_KEY or ""), str(settings.QLVB_AUDIT_KEY_FILE), bool(settings.QLVB_AUDIT_KEY_CREATE)
    )


def key_id(key: bytes | None = None) -> str:
    """A short public fingerprint of the key, kept with the head: tells "wrong key" from "tampered"."""
    return hmac.new(key or audit_key(), b"qlvb-audit-key-id", hashlib.sha256).hexdigest()[:16]


def mac(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _entry_body(entry: Any) -> bytes:
    """The entry's canonical content (any object with the entry's fields: the model or a migration's
    historical model)."""
    return _canonical(
        seq=entry.seq,
        created_at=entry.created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        action=entry.action,
        actor_id=entry.actor_id,
        actor_username=entry.actor_username,
        ip=entry.ip,
        object_type=entry.object_type,
        object_id=entry.object_id,
        object_repr=entry.object_repr,
        data=entry.data,
    )


def entry_hash(prev_hash: str, entry: Any, key: bytes | None = None) -> str:
    """HMAC-SHA256 of the previous hash and the entry's canonical content."""
    return mac(key or audit_key(), prev_hash.encode("ascii") + _entry_body(entry))


def plain_sha256_hash(prev_hash: str, entry: Any) -> str:
    """The unkeyed hash of the first releases (read only by the migration that re-chains them)."""
    return hashlib.sha256(prev_hash.encode("ascii") + _entry_body(entry)).hexdigest()
