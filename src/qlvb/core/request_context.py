"""The current request's client address, for the audit log, without passing requests into services."""

from __future__ import annotations

import contextvars
from typing import Any

_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("qlvb_client_ip", default=None)


def client_ip_from(request: Any) -> str | None:
    # Behind the deployment's reverse proxy the first hop is trusted (docs/deploy.md).
    from django.conf import settings

    if getattr(settings, "QLVB_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return str(forwarded.split(",")[0].strip())
    addr = request.META.get("REMOTE_ADDR")
    return str(addr) if addr else None


def set_client_ip(ip: str | None) -> contextvars.Token[str | None]:
    return _ip.set(ip)


def reset_client_ip(token: contextvars.Token[str | None]) -> None:
    _ip.reset(token)


def current_client_ip() -> str | None:
    return _ip.get()
