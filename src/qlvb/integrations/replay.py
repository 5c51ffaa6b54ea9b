"""Replay protection of the integration API's writes (issue 18, "a replayed request").

Every write call (POST, PUT, PATCH, DELETE; not the token request, which the secret itself protects)
carries two headers:

- ``X-Qlvb-Timestamp``: the Unix time of the call in seconds. A call more than ``QLVB_INTEGRATION_
  REPLAY_WINDOW`` seconds (300) older or newer than the server's clock is refused (``request_stale``).
- ``X-Qlvb-Nonce``: a value the system never sent before (16 to 128 letters, digits, ``-`` or ``_``; a
  UUID4 does). A nonce seen before from the same system within the window is refused
  (``request_replayed``): a captured call sent again does nothing, even with a token still valid.

A call without them, or with them malformed, is refused too (``request_unprotected``). Nonces are kept,
per system, for twice the window (a nonce older than that is refused by its timestamp anyway) in a store
shared by every web node (``nonces.py``: Redis ``SET NX EX``, or a table with a unique key). A signed call
(``signing.py``) carries them on every method, reads too: ``replay_check(..., every_method=True)``."""

from __future__ import annotations

import hashlib
import re
import time

from django.conf import settings
from django.http import HttpRequest

from qlvb.core import audit
from qlvb.core.errors import DomainError
from qlvb.core.request_context import client_ip_from

from .errors import ErrorCode
from .models import ConnectedSystem
from .nonces import nonce_store

TIMESTAMP_HEADER = "X-Qlvb-Timestamp"
NONCE_HEADER = "X-Qlvb-Nonce"
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
NONCE = re.compile(r"[A-Za-z0-9_-]{16,128}")


def window_seconds() -> int:
    return int(getattr(settings, "QLVB_INTEGRATION_REPLAY_WINDOW", 300))


class ReplayRefused(DomainError):  # noqa: N818 — named for what it refuses
    status_code = 401


def _refuse(request: HttpRequest, system: ConnectedSystem, code: ErrorCode, message: str) -> ReplayRefused:
    audit.record(
        "integrations.call_refused",
        obj=system,
        ip=client_ip_from(request),
        username=system.client_id,
        data={"reason": str(code), "http_method": request.method, "path": request.path[:200]},
    )
    return ReplayRefused(message, code=code)


def call_headers(request: HttpRequest) -> tuple[str, str]:
    """The call's timestamp and nonce headers, stripped."""
    return request.headers.get(TIMESTAMP_HEADER, "").strip(), request.headers.get(NONCE_HEADER, "").strip()


def replay_check(
    request: HttpRequest, system: ConnectedSystem, *, now: float | None = None, every_method: bool = False
) -> None:
    """Refuse a write call (any call if ``every_method``) that is stale, replayed or carries no timestamp
    and nonce; keep its nonce."""
    if request.method not in WRITES and not every_method:
        return
    stamp, nonce = call_headers(request)
    if not stamp.isdigit() or len(stamp) > 12 or not NONCE.fullmatch(nonce):
        raise _refuse(
            request,
            system,
            ErrorCode.REQUEST_UNPROTECTED,
            f"Lời gọi ghi dữ liệu phải có tiêu đề {TIMESTAMP_HEADER} (thời điểm gọi, giây Unix) và {NONCE_HEADER} "
            "(giá trị chưa dùng bao giờ, 16-128 ký tự chữ, số, - hoặc _, ví dụ một UUID).",
        )
    window = window_seconds()
    current = time.time() if now is None else now
    if abs(current - int(stamp)) > window:
        raise _refuse(
            request,
            system,
            ErrorCode.REQUEST_STALE,
            f"Lời gọi đã quá cũ hoặc đồng hồ của hệ thống gọi lệch quá {window // 60} phút so với máy chủ: "
            "gửi lại với thời điểm hiện tại và một giá trị nonce mới (kiểm tra đồng bộ giờ NTP).",
        )
    if not nonce_store().keep(system.pk, hashlib.sha256(nonce.encode()).hexdigest(), 2 * window):
        raise _refuse(
            request,
            system,
            ErrorCode.REQUEST_REPLAYED,
            "Lời gọi này đã được nhận trước đó (trùng giá trị nonce): không thực hiện lại. Mỗi lời gọi cần một "
            "nonce mới; gửi lại một dự thảo thì dùng lại mã của hệ thống (external_id), không dùng lại nonce.",
        )
