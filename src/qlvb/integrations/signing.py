"""HMAC-signed calls: the alternative to OAuth2 client credentials that issue 18 names. A system signs
each call with its client secret, and needs no token:

    Authorization: QLVB-HMAC-SHA256 Credential=<client id>, Signature=<hex HMAC-SHA256(secret, canonical)>
    X-Qlvb-Timestamp: <Unix seconds>        X-Qlvb-Nonce: <never sent before>     X-Acting-User: <user code>

The canonical string is eight lines joined by ``\\n``::

    QLVB-HMAC-SHA256
    <method, upper case>                  POST
    <path, percent-decoded>               /api/integration/v1/incoming
    <query, canonical>                    since=2026-12-01&page=2  (pairs sorted, each RFC 3986-encoded)
    <timestamp>                           the X-Qlvb-Timestamp header
    <nonce>                               the X-Qlvb-Nonce header
    <acting user code>                    the X-Acting-User header
    <hex SHA-256 of the body>             of the raw bytes sent (e3b0c442… for no body)

Every signed call, a read too, carries a timestamp within the window and a nonce never seen (``replay.py``,
kept in the shared store of ``nonces.py``): a captured signed call sent again is refused. The server
keeps the secret sealed (Fernet under a key derived from ``SECRET_KEY``) beside its hash, since it must
compute the HMAC; a secret issued before signing existed has no sealed copy: rotate it to sign."""

from __future__ import annotations

import hashlib
import hmac
import re
import tempfile
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest

from qlvb.core import audit
from qlvb.core.errors import DomainError
from qlvb.core.request_context import client_ip_from

from .errors import ErrorCode
from .models import ConnectedSystem
from .replay import NONCE, call_headers, replay_check
from .webhook_secrets import secret_unseal

SCHEME = "QLVB-HMAC-SHA256"
AUTHORIZATION = re.compile(
    rf"{SCHEME}\s+Credential=(?P<credential>[A-Za-z0-9_-]{{1,64}}),\s*Signature=(?P<signature>[0-9a-fA-F]{{64}})\s*"
)
EMPTY_BODY = hashlib.sha256(b"").hexdigest()
CHUNK = 64 * 1024


class SignatureRefused(DomainError):  # noqa: N818 — named for what it refuses
    status_code = 401


def _encode(value: str) -> str:
    return quote(value, safe="-_.~")


def canonical_query(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{_encode(k)}={_encode(v)}" for k, v in sorted(pairs))


def canonical_string(
    *,
    method: str,
    path: str,
    query: list[tuple[str, str]],
    timestamp: str,
    nonce: str,
    user_code: str,
    body_sha256: str,
) -> str:
    return "\n".join((SCHEME, method.upper(), path, canonical_query(query), timestamp, nonce, user_code, body_sha256))


def sign(secret: str, canonical: str) -> str:
    return hmac.new(secret.encode(), canonical.encode(), hashlib.sha256).hexdigest()


def body_sha256(request: HttpRequest) -> str:
    """The SHA-256 of the raw body, read once in chunks (a 50 MB upload is not held in memory: it is spooled
    to a temporary file that the multipart parser then reads in its place)."""
    if hasattr(request, "_body"):
        return hashlib.sha256(request.body).hexdigest()
    stream: Any = getattr(request, "_stream", None)
    if stream is None:
        return EMPTY_BODY
    digest = hashlib.sha256()
    spool = tempfile.SpooledTemporaryFile(max_size=int(settings.FILE_UPLOAD_MAX_MEMORY_SIZE))  # noqa: SIM115
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        spool.write(chunk)
    spool.seek(0)
    request._stream = spool  # type: ignore[assignment]  # what Django's parser reads from now on
    return digest.hexdigest()


def _refuse(request: HttpRequest, system: ConnectedSystem | None, code: ErrorCode, message: str) -> SignatureRefused:
    audit.record(
        "integrations.call_refused",
        obj=system,
        ip=client_ip_from(request),
        username=system.client_id if system else "",
        data={"reason": str(code), "http_method": request.method, "path": request.path[:200]},
    )
    return SignatureRefused(message, code=code)


BAD_SIGNATURE = (
    "Chữ ký của lời gọi không đúng: tính lại HMAC-SHA256 bằng khóa bí mật của hệ thống trên chuỗi chuẩn (phương "
    "thức, đường dẫn, tham số, thời điểm, nonce, mã người dùng, SHA-256 của nội dung) như tài liệu tích hợp mô tả."
)


def signed_system(request: HttpRequest) -> ConnectedSystem:
    """The system whose signature the call carries, or a refusal (401, in Vietnamese, audited): malformed
    header, unknown or revoked client id, no signing key, wrong signature, stale or replayed call."""
    found = AUTHORIZATION.fullmatch(request.headers.get("Authorization", "").strip())
    if found is None:
        raise _refuse(
            request,
            None,
            ErrorCode.SIGNATURE_INVALID,
            f"Tiêu đề Authorization không đúng dạng: {SCHEME} Credential=<mã ứng dụng>, Signature=<64 ký tự hex>.",
        )
    system = ConnectedSystem.objects.filter(client_id=found["credential"], revoked_at__isnull=True).first()
    if system is None:
        raise _refuse(request, None, ErrorCode.SIGNATURE_INVALID, BAD_SIGNATURE)
    if not system.secret_sealed:
        raise _refuse(
            request,
            system,
            ErrorCode.SIGNING_KEY_MISSING,
            "Khóa bí mật của hệ thống được cấp trước khi có chức năng ký lời gọi: đề nghị quản trị cấp lại khóa "
            "bí mật, rồi ký bằng khóa mới.",
        )
    stamp, nonce = call_headers(request)
    if not stamp.isdigit() or len(stamp) > 12 or not NONCE.fullmatch(nonce):
        replay_check(request, system, every_method=True)  # refuses: no or malformed timestamp / nonce
    canonical = canonical_string(
        method=request.method or "",
        path=request.path,
        query=[(k, v) for k in request.GET for v in request.GET.getlist(k)],
        timestamp=stamp,
        nonce=nonce,
        user_code=request.headers.get("X-Acting-User", "").strip(),
        body_sha256=body_sha256(request),
    )
    expected = sign(secret_unseal(system.secret_sealed), canonical)
    if not hmac.compare_digest(expected, found["signature"].lower()):
        raise _refuse(request, system, ErrorCode.SIGNATURE_INVALID, BAD_SIGNATURE)
    replay_check(request, system, every_method=True)  # fresh, and its nonce never seen (then kept)
    return system
