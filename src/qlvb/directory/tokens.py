"""Personal API tokens for the mobile app: issued on sign-in, stored hashed, revocable."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from qlvb.core import audit

from .models import ApiToken, User

TOKEN_PREFIX = "qlvb_"  # noqa: S105 — a marker, not a secret


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@transaction.atomic
def token_issue(*, user: User, name: str = "") -> str:
    """Return a new token (shown once); only its hash is stored."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        key_hash=_hash(key),
        prefix=key[:12],
        name=name[:100],
        expires_at=timezone.now() + timedelta(days=settings.QLVB_API_TOKEN_DAYS),
    )
    audit.record("auth.token_issued", actor=user, obj=token)
    return key


def bearer_token_hash(request: HttpRequest) -> str | None:
    """The stored hash of the bearer token this request carries, if any."""
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    key = header.split(" ", 1)[1].strip()
    return _hash(key) if key.startswith(TOKEN_PREFIX) and len(key) <= 128 else None


def token_authenticate(key: str) -> User | None:
    """The active user behind a valid, unexpired, unrevoked token; None otherwise."""
    if not key or not key.startswith(TOKEN_PREFIX) or len(key) > 128:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(key)).first()
    now = timezone.now()
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        return None
    if not token.user.is_active:
        audit.record("auth.token_refused", actor=token.user, obj=token, data={"reason": "locked"})
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def token_revoke(*, actor: User, key: str) -> bool:
    updated = ApiToken.objects.filter(user=actor, key_hash=_hash(key), revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if updated:
        audit.record("auth.token_revoked", actor=actor, obj=("directory.apitoken", "", key[:12]))
    return bool(updated)
