"""The audit log: append an entry, verify the chain, anchor its head outside the database.

Each entry's ``hash`` is HMAC-SHA256, under a key that is not in the database, over the previous
entry's hash and the entry's canonical content. Whoever can write to the database but does not hold
the key cannot change, remove or reorder an entry and recompute the chain: ``qlvb audit verify`` names
the first entry that no longer matches. Appending locks the single chain-head row, so entries are
linear even with many web nodes on PostgreSQL.

Cutting the tail (deleting the newest entries and moving the head back) leaves a valid shorter chain;
that is why the head is also written, periodically (Celery beat ``audit-anchor``) and at each backup,
to an append-only file outside the database (``QLVB_AUDIT_ANCHOR_FILE``): verification checks that
every anchored head is still in the chain and that the chain is not shorter than the last anchor.

The key: ``QLVB_AUDIT_KEY`` (at least 32 characters) or the file ``QLVB_AUDIT_KEY_FILE`` (default
``var/audit.key``, created with mode 0600 on first use in the embedded default; production refuses
to start without one of the two, see settings.py and docs/security.md).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEntry
from .request_context import current_client_ip

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

logger = logging.getLogger(__name__)

GENESIS = "0" * 64
KEY_MIN_CHARS = 32
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
    "audit.rechained": "Chuyển chuỗi nhật ký sang băm có khóa bí mật (HMAC)",
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


def _mac(key: bytes, message: bytes) -> str:
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
    return _mac(key or audit_key(), prev_hash.encode("ascii") + _entry_body(entry))


def plain_sha256_hash(prev_hash: str, entry: Any) -> str:
    """The unkeyed hash of the first releases (read only by the migration that re-chains them)."""
    return hashlib.sha256(prev_hash.encode("ascii") + _entry_body(entry)).hexdigest()


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


# --- The anchor outside the database ---------------------------------------------------------------


@dataclass(frozen=True)
class Anchor:
    """One line of the anchor file: the chain had ``count`` entries, the newest ``last_seq`` with
    ``last_hmac``, at ``at`` (UTC, ISO 8601). ``mac`` binds the line to the key; ``tst`` is the TSA's
    RFC 3161 token over the line (base64 DER), when a TSA is configured."""

    count: int
    last_seq: int
    last_hmac: str
    at: str
    key_id: str
    mac: str = ""
    tst: str = ""

    def body(self) -> bytes:
        fields = {
            "count": self.count,
            "last_seq": self.last_seq,
            "last_hmac": self.last_hmac,
            "at": self.at,
            "key_id": self.key_id,
        }
        return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode("ascii")

    def line(self) -> str:
        fields: dict[str, Any] = json.loads(self.body())
        fields["mac"] = self.mac
        if self.tst:
            fields["tst"] = self.tst
        return json.dumps(fields, sort_keys=True, separators=(",", ":"))


def anchor_path() -> Path:
    return Path(settings.QLVB_AUDIT_ANCHOR_FILE)


class AnchorRefused(Exception):  # noqa: N818 — a refusal with its reason, not a programming error
    pass


def _timestamp(message: bytes) -> str:
    """An RFC 3161 token from the configured TSA over SHA-256 of ``message`` (base64 DER)."""
    from pyhanko.sign.timestamps.requests_client import HTTPTimeStamper

    from .coroutines import run_sync

    stamper = HTTPTimeStamper(settings.QLVB_AUDIT_TSA_URL, timeout=int(settings.QLVB_AUDIT_TSA_TIMEOUT))
    token = run_sync(stamper.async_timestamp(hashlib.sha256(message).digest(), "sha256"))
    return base64.b64encode(token.dump()).decode("ascii")


def timestamp_covers(anchor: Anchor) -> dt.datetime | None:
    """The TSA's time in the anchor's RFC 3161 token if the token's message imprint is this line's
    SHA-256 (body and MAC); None otherwise. (The TSA's own signature and certificate are checked by
    whoever relies on the time, with the TSA's trust anchors; here the token is bound to the line.)"""
    from asn1crypto import cms, tsp

    try:
        content = cms.ContentInfo.load(base64.b64decode(anchor.tst))
        info = tsp.TSTInfo.load(content["content"]["encap_content_info"]["content"].parsed.dump())
    except Exception:
        return None
    imprint = info["message_imprint"]
    expected = hashlib.sha256(anchor.body() + anchor.mac.encode()).digest()
    if imprint["hash_algorithm"]["algorithm"].native != "sha256" or imprint["hashed_message"].native != expected:
        return None
    return info["gen_time"].native


def anchor_write() -> Anchor | None:
    """Append the current head to the anchor file; None when the log is still empty.

    The newest entry's own HMAC is checked first (a head forged in the database is never anchored),
    and an anchor never moves back: a chain shorter than the last anchor is refused loudly.
    """
    key = audit_key()
    last = AuditEntry.objects.order_by("-seq").first()
    if last is None:
        return None
    if entry_hash(last.prev_hash, last, key) != last.hash:
        raise AnchorRefused(f"mục cuối số {last.seq} không khớp khóa: không neo một đầu chuỗi giả")
    previous = read_anchors()
    if previous and previous[-1].last_seq > last.seq:
        raise AnchorRefused(f"chuỗi chỉ còn tới mục số {last.seq}, ngắn hơn mốc neo trước ({previous[-1].last_seq})")
    count = AuditEntry.objects.filter(seq__lte=last.seq).count()
    anchor = Anchor(
        count=count,
        last_seq=last.seq,
        last_hmac=last.hash,
        key_id=key_id(key),
        at=timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
    )
    anchor = Anchor(**{**anchor.__dict__, "mac": _mac(key, anchor.body())})
    if settings.QLVB_AUDIT_TSA_URL:
        try:
            anchor = Anchor(**{**anchor.__dict__, "tst": _timestamp(anchor.body() + anchor.mac.encode())})
        except Exception:  # the TSA is optional: an anchor without its timestamp still anchors
            logger.exception("TSA không cấp dấu thời gian cho mốc neo nhật ký")
    path = anchor_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="ascii") as out:
        out.write(anchor.line() + "\n")
        out.flush()
        os.fsync(out.fileno())
    return anchor


def read_anchors() -> list[Anchor]:
    """Every line of the anchor file, oldest first (a line that is not an anchor is kept as one whose
    MAC cannot match, so verification reports it)."""
    path = anchor_path()
    if not path.exists():
        return []
    anchors = []
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if not raw.strip():
            continue
        try:
            fields = json.loads(raw)
            anchors.append(
                Anchor(
                    count=int(fields["count"]),
                    last_seq=int(fields["last_seq"]),
                    last_hmac=str(fields["last_hmac"]),
                    at=str(fields["at"]),
                    key_id=str(fields.get("key_id", "")),
                    mac=str(fields.get("mac", "")),
                    tst=str(fields.get("tst", "")),
                )
            )
        except (ValueError, KeyError, TypeError):
            anchors.append(Anchor(count=-1, last_seq=0, last_hmac="", at=raw[:40], key_id="", mac="!"))
    return anchors


# --- Verification -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_bad_seq: int | None
    reason: str
    anchors_checked: int = 0
    anchored_seq: int | None = None
    notes: list[str] = field(default_factory=list)

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
    """Walk the whole chain under the key; check every anchored head and the count against the anchors
    and the head row. Report the first entry whose content, link, number or anchor is wrong."""
    key = audit_key()
    kid = key_id(key)
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and head.key_id and head.key_id != kid:
        return ChainReport(0, 1, "khóa dùng để kiểm tra không phải khóa đã ghi nhật ký (QLVB_AUDIT_KEY)")
    anchors = read_anchors()
    for anchor in anchors:
        if not hmac.compare_digest(anchor.mac, _mac(key, anchor.body())):
            return ChainReport(0, max(anchor.last_seq, 1), f"mốc neo ngoài CSDL lúc {anchor.at} bị sửa hoặc giả")
        if anchor.tst and timestamp_covers(anchor) is None:
            return ChainReport(0, max(anchor.last_seq, 1), f"dấu thời gian của mốc neo lúc {anchor.at} không khớp")
    anchored = {a.last_seq: a for a in anchors}
    prev = GENESIS
    expected_seq = 1
    checked = 0
    for entry in _entries():
        if entry.seq != expected_seq:
            return ChainReport(checked, expected_seq, f"thiếu mục số {expected_seq} (gặp mục số {entry.seq})")
        if entry.prev_hash != prev:
            return ChainReport(checked, entry.seq, "liên kết tới mục trước không khớp")
        if not hmac.compare_digest(entry_hash(prev, entry, key), entry.hash):
            return ChainReport(checked, entry.seq, "nội dung đã bị thay đổi (mã HMAC không khớp)")
        held = anchored.get(entry.seq)
        if held is not None and (held.last_hmac != entry.hash or held.count != expected_seq):
            return ChainReport(checked, entry.seq, f"không khớp mốc neo ngoài CSDL lúc {held.at}")
        prev = entry.hash
        expected_seq += 1
        checked += 1
    last_anchor = anchors[-1] if anchors else None
    top = max(anchors, key=lambda a: a.last_seq) if anchors else None
    if top is not None and top.last_seq > checked:
        return ChainReport(
            checked,
            checked + 1,
            f"thiếu các mục cuối: mốc neo ngoài CSDL lúc {top.at} ghi {top.count} mục, CSDL chỉ còn {checked}",
            anchors_checked=len(anchors),
            anchored_seq=top.last_seq,
        )
    total = AuditEntry.objects.count()
    if total != checked:
        return ChainReport(checked, checked + 1, f"số mục trong bảng ({total}) khác số mục trong chuỗi ({checked})")
    if head is not None and (head.last_seq != checked or head.last_hash != prev):
        return ChainReport(checked, checked + 1, "mục cuối chuỗi đã bị xóa (đầu chuỗi không khớp)")
    notes = []
    if last_anchor is None:
        notes.append("chưa có mốc neo ngoài CSDL: chưa phát hiện được việc cắt bớt các mục cuối")
    return ChainReport(
        checked, None, "", anchors_checked=len(anchors), anchored_seq=top.last_seq if top else None, notes=notes
    )
