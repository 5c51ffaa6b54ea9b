"""The audit log: every audited action declared with its label, and the one function that appends
an entry to the chain.

Each app declares its own actions (``audit_actions_declare`` from its ``audit_actions.py``, imported by
its ``AppConfig.ready``); :func:`record` refuses an undeclared one. Appending locks the single
chain-head row, so entries are linear even with many web nodes on PostgreSQL. The chain's HMAC and key
are in ``core.audit_chain``, the anchors outside the database in ``core.audit_anchors``, verification
in ``core.audit_verify``; their names are re-exported here (``audit.verify_chain()``, ...).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from .audit_anchors import Anchor, AnchorRefused, anchor_path, anchor_write, read_anchors, timestamp_covers
from .audit_chain import GENESIS, KEY_MIN_CHARS, audit_key, entry_hash, key_id, plain_sha256_hash
from .audit_verify import ChainReport, verify_chain
from .models import AuditChainHead, AuditEntry
from .request_context import current_client_ip

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

__all__ = [
    "ACTIONS",
    "GENESIS",
    "KEY_MIN_CHARS",
    "Anchor",
    "AnchorRefused",
    "ChainReport",
    "anchor_path",
    "anchor_write",
    "audit_actions_declare",
    "audit_key",
    "entry_hash",
    "key_id",
    "plain_sha256_hash",
    "read_anchors",
    "record",
    "timestamp_covers",
    "verify_chain",
]

# Every audited action, with its Vietnamese label: core's own here, each app's declared by the app.
ACTIONS: dict[str, str] = {
    "audit.rechained": gettext_noop("Chuyển chuỗi nhật ký sang băm có khóa bí mật (HMAC)"),
}


def audit_actions_declare(actions: dict[str, str]) -> None:
    """Declare an app's audit actions (from its ``audit_actions.py``, imported by its ``AppConfig.ready``).
    :func:`record` refuses undeclared actions; declaring a known action with another label is an error."""
    for action, label in actions.items():
        known = ACTIONS.get(action)
        if known is not None and known != label:
            raise ValueError(f"audit action {action!r} already declared as {known!r}")
        ACTIONS[action] = label


def _object_fields(obj: Any) -> tuple[str, str, str]:
    if obj is None:
        return "", "", ""
    if isinstance(obj, models.Model):
        return obj._meta.label_lower, str(obj.pk), str(obj)[:255]
    if isinstance(obj, tuple) and len(obj) == 3:  # (type, id, repr)
        return str(obj[0])[:64], str(obj[1])[:64], str(obj[2])[:255]
    return type(obj).__name__, "", str(obj)[:255]


def record(
    action: str,
    *,
    actor: AbstractBaseUser | AnonymousUser | None = None,
    obj: Any = None,
    data: dict[str, Any] | None = None,
    ip: str | None = None,
    username: str | None = None,
) -> AuditEntry:
    """Append one entry. ``actor`` is a user (or None for anonymous); ``obj`` a model instance or a
    ``(type, id, repr)`` tuple. Runs in the caller's transaction: an action rolled back leaves no entry.
    """
    if action not in ACTIONS:
        raise ValueError(f"undeclared audit action {action!r}")
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    actor_username = username if username is not None else (getattr(actor, "username", "") or "")
    object_type, object_id, object_repr = _object_fields(obj)
    clean_data = json.loads(json.dumps(data or {}, ensure_ascii=False, default=str))
    key = audit_key()
    with transaction.atomic():
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        kid = key_id(key)
        if head.key_id and head.key_id != kid:
            raise ImproperlyConfigured(
                "Khóa nhật ký hệ thống (QLVB_AUDIT_KEY / QLVB_AUDIT_KEY_FILE) không phải khóa đã dùng để ghi "
                "nhật ký này: không ghi thêm để khỏi làm hỏng chuỗi. Đặt lại đúng khóa (docs/security.md)."
            )
        entry = AuditEntry(
            seq=head.last_seq + 1,
            created_at=timezone.now(),
            action=action,
            actor_id=actor_id,
            actor_username=actor_username[:150],
            ip=ip if ip is not None else current_client_ip(),
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr,
            data=clean_data,
            prev_hash=head.last_hash,
        )
        entry.hash = entry_hash(head.last_hash, entry, key)
        entry.save(force_insert=True)
        head.last_seq = entry.seq
        head.last_hash = entry.hash
        head.key_id = kid
        head.save(update_fields=["last_seq", "last_hash", "key_id"])
    return entry
