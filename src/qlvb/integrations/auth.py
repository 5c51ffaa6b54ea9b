"""How a system calls: OAuth2 client credentials (RFC 6749 §4.4). It takes an access token at
``POST /api/integration/v1/oauth/token`` with its client id and secret (HTTP Basic, or in the form body),
then sends ``Authorization: Bearer <token>`` and ``X-Acting-User: <its own user code>`` on every call, and
on every write call ``X-Qlvb-Timestamp`` and ``X-Qlvb-Nonce`` (replay protection, ``replay.py``). Or it
signs every call with its secret (``Authorization: QLVB-HMAC-SHA256 …``, ``signing.py``): no token.
The call acts as that person (mapped, of the system's unit), with that person's rights, never more.

A secret or a token in the URL's query is refused (it would stay in logs and proxies); every call,
accepted or refused, is in the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyHeader, HttpBearer

from qlvb.core import audit
from qlvb.core.errors import DomainError
from qlvb.core.request_context import client_ip_from
from qlvb.directory.models import User

from .accounts import token_system
from .errors import ErrorCode
from .mapping import person_for
from .models import ConnectedSystem
from .replay import replay_check
from .signing import SCHEME, signed_system

ACTING_USER_HEADER = "X-Acting-User"
SECRET_PARAMETERS = ("client_secret", "access_token", "secret", "token", "password")
CHALLENGE = 'Bearer realm="qlvb-integration"'


class SecretInUrl(DomainError):  # noqa: N818 — named for what it refuses
    status_code = 400

    def __init__(self) -> None:
        super().__init__(
            "Không gửi khóa bí mật hay mã truy cập trong đường dẫn (URL): gửi trong tiêu đề Authorization "
            "hoặc thân yêu cầu. Hãy cấp lại khóa bí mật nếu nó đã lộ.",
            code=ErrorCode.SECRET_IN_URL,
        )


def refuse_secret_in_url(request: HttpRequest) -> None:
    if any(name in request.GET for name in SECRET_PARAMETERS):
        audit.record(
            "integrations.call_refused",
            ip=client_ip_from(request),
            data={"reason": "secret_in_url", "path": request.path[:200]},
        )
        raise SecretInUrl()


@dataclass
class Caller:
    system: ConnectedSystem
    person: User


def _accept(request: HttpRequest, system: ConnectedSystem, how: str) -> Caller:
    """The call of an authenticated system, as the person its user code names (or a refusal)."""
    code = request.headers.get(ACTING_USER_HEADER, "").strip()
    try:
        person = person_for(system, code)
    except DomainError as exc:
        audit.record(
            "integrations.call_refused",
            obj=system,
            ip=client_ip_from(request),
            username=system.client_id,
            data={
                "reason": exc.code,
                "user_code": code[:64],
                "http_method": request.method,
                "path": request.path[:200],
            },
        )
        raise
    if how == "token":
        replay_check(request, system)  # a write call: fresh timestamp, a nonce never seen (replay.py)
    audit.record(
        "integrations.call",
        actor=person,
        obj=system,
        ip=client_ip_from(request),
        data={
            "system": system.pk,
            "user_code": code[:64],
            "http_method": request.method,
            "path": request.path[:200],
            "auth": how,
        },
    )
    ConnectedSystem.objects.filter(pk=system.pk).update(last_call_at=timezone.now())
    request.user = person
    return Caller(system=system, person=person)


class SystemAuth(HttpBearer):
    def __call__(self, request: HttpRequest) -> Any:
        refuse_secret_in_url(request)
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        system = token_system(token)
        if system is None:
            audit.record(
                "integrations.call_refused",
                ip=client_ip_from(request),
                data={"reason": "token", "http_method": request.method, "path": request.path[:200]},
            )
            return None
        return _accept(request, system, "token")


class SignedAuth(APIKeyHeader):
    """``Authorization: QLVB-HMAC-SHA256 Credential=…, Signature=…`` (``signing.py``); any other scheme is
    left to the next authentication (the bearer token)."""

    param_name = "Authorization"

    def authenticate(self, request: HttpRequest, key: str | None) -> Caller | None:
        if not (key or "").lstrip().startswith(SCHEME):
            return None
        refuse_secret_in_url(request)
        return _accept(request, signed_system(request), "hmac")


def caller(request: HttpRequest) -> Caller:
    found = request.auth  # type: ignore[attr-defined]
    assert isinstance(found, Caller)
    return found
