"""Verification of the audit chain: every entry's HMAC and link, the count, the head row and the
anchors outside the database (``qlvb audit verify`` names the first entry that no longer matches)."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from dataclasses import dataclass, field

from .audit_anchors import Anchor, read_anchors, timestamp_covers
from .audit_chain import GENESIS, audit_key, entry_hash, key_id, mac
from .models import AuditChainHead, AuditEntry


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
    forged = _forged_anchor(anchors, key)
    if forged is not None:
        return forged
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
    cut = _tail_cut(checked, prev, head)
    if cut is not None:
        return cut
    notes = []
    if last_anchor is None:
        notes.append("chưa có mốc neo ngoài CSDL: chưa phát hiện được việc cắt bớt các mục cuối")
    return ChainReport(
        checked, None, "", anchors_checked=len(anchors), anchored_seq=top.last_seq if top else None, notes=notes
    )


def _forged_anchor(anchors: list[Anchor], key: bytes) -> ChainReport | None:
    """The first anchor outside the database whose MAC or time-stamp does not hold."""
    for anchor in anchors:
        if not hmac.compare_digest(anchor.mac, mac(key, anchor.body())):
            return ChainReport(0, max(anchor.last_seq, 1), f"mốc neo ngoài CSDL lúc {anchor.at} bị sửa hoặc giả")
        if anchor.tst and timestamp_covers(anchor) is None:
            return ChainReport(0, max(anchor.last_seq, 1), f"dấu thời gian của mốc neo lúc {anchor.at} không khớp")
    return None


def _tail_cut(checked: int, prev: str, head: AuditChainHead | None) -> ChainReport | None:
    """Entries deleted at the end of the chain: the table's count or the head row disagree with the walk."""
    total = AuditEntry.objects.count()
    if total != checked:
        return ChainReport(checked, checked + 1, f"số mục trong bảng ({total}) khác số mục trong chuỗi ({checked})")
    if head is not None and (head.last_seq != checked or head.last_hash != prev):
        return ChainReport(checked, checked + 1, "mục cuối chuỗi đã bị xóa (đầu chuỗi không khớp)")
    return None
