"""The audit log: append an entry, verify the chain.

Each entry's hash is SHA-256 over the previous entry's hash and the entry's canonical content, so
changing, removing or reordering any stored entry breaks the chain from that entry on; ``qlvb audit
verify`` names the first entry that no longer matches. Appending locks the single chain-head row, so
entries are linear even with many web nodes on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEntry
from .request_context import current_client_ip

GENESIS = "0" * 64

# Every audited action, with its Vietnamese label (one place to read what is recorded).
ACTIONS: dict[str, str] = {
    "auth.sign_in": "Đăng nhập",
    "auth.sign_in_failed": "Đăng nhập sai",
    "auth.locked_out": "Tạm khóa do đăng nhập sai nhiều lần",
    "auth.sign_out": "Đăng xuất",
    "auth.password_changed": "Đổi mật khẩu",
    "auth.token_issued": "Cấp mã truy cập API",
    "auth.token_revoked": "Thu hồi mã truy cập API",
    "auth.token_refused": "Từ chối mã truy cập API",
    "user.created": "Tạo tài khoản",
    "user.updated": "Sửa tài khoản",
    "user.locked": "Khóa tài khoản",
    "user.unlocked": "Mở khóa tài khoản",
    "role.granted": "Gán vai trò",
    "role.revoked": "Bỏ vai trò",
    "unit.created": "Tạo đơn vị",
    "unit.updated": "Sửa đơn vị",
    "file.uploaded": "Tải tệp lên",
    "file.refused": "Từ chối tệp",
    "file.downloaded": "Tải tệp xuống",
    "file.corrupted": "Phát hiện nội dung tệp bị thay đổi trên đĩa",
    "signing.profile_saved": "Cấu hình phương thức ký số",
    "signing.image_uploaded": "Tải ảnh chữ ký / ảnh con dấu",
    "signing.verified": "Kiểm tra chữ ký số của tệp",
    "signing.pkcs12_uploaded": "Tải lên tệp chứng thư số (PKCS#12)",
    "signing.anchor_added": "Thêm chứng thư gốc tin cậy",
    "signing.anchor_removed": "Bỏ chứng thư gốc tin cậy",
    "signing.plugin_signed": "Ký số bằng USB token tại máy người ký",
    "outgoing.signed": "Ký ban hành văn bản đi",
    "outgoing.numbered": "Cấp số văn bản đi",
    "outgoing.agency_signed": "Ký số của cơ quan trên văn bản đi",
    "outgoing.issued": "Phát hành văn bản đi",
    "outgoing.revoked": "Thu hồi văn bản đi",
}


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
        seq, created_at, action, actor_id, actor_username, ip, object_type, object_id, object_repr, data,
    ]
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def entry_hash(prev_hash: str, entry: AuditEntry) -> str:
    body = _canonical(
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
    return hashlib.sha256(prev_hash.encode("ascii") + body).hexdigest()


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
    actor: Any = None,
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
    with transaction.atomic():
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(id=1)
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
        entry.hash = entry_hash(head.last_hash, entry)
        entry.save(force_insert=True)
        head.last_seq = entry.seq
        head.last_hash = entry.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return entry


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_bad_seq: int | None
    reason: str

    @property
    def ok(self) -> bool:
        return self.first_bad_seq is None


def _entries(batch: int = 2000) -> Iterator[AuditEntry]:
    last = 0
    while True:
        rows = list(AuditEntry.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify_chain() -> ChainReport:
    """Walk the whole chain; report the first entry whose content, link or number is wrong."""
    prev = GENESIS
    expected_seq = 1
    checked = 0
    for entry in _entries():
        if entry.seq != expected_seq:
            return ChainReport(checked, expected_seq, f"thiếu mục số {expected_seq} (gặp mục số {entry.seq})")
        if entry.prev_hash != prev:
            return ChainReport(checked, entry.seq, "liên kết tới mục trước không khớp")
        if entry_hash(prev, entry) != entry.hash:
            return ChainReport(checked, entry.seq, "nội dung đã bị thay đổi (băm không khớp)")
        prev = entry.hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and (head.last_seq != checked or head.last_hash != prev):
        return ChainReport(checked, checked + 1, "mục cuối chuỗi đã bị xóa")
    return ChainReport(checked, None, "")
