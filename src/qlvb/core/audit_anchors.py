"""The audit chain's head anchored outside the database.

Cutting the tail (deleting the newest entries and moving the head back) leaves a valid shorter chain;
that is why the head is also written, periodically (Celery beat ``audit-anchor``) and at each backup,
to an append-only file outside the database (``QLVB_AUDIT_ANCHOR_FILE``): verification
(``core.audit_verify``) checks that every anchored head is still in the chain and that the chain is not
shorter than the last anchor.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from .audit_chain import audit_key, entry_hash, key_id, mac
from .models import AuditEntry

logger = logging.getLogger(__name__)


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
    anchor = Anchor(**{**anchor.__dict__, "mac": mac(key, anchor.body())})
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
