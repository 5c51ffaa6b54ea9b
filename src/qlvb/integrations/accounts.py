"""System accounts: an administrator registers a connected system (its client id, and a secret shown
once and kept only as a hash), rotates the secret, revokes the system; the system takes short-lived
access tokens with OAuth2 client credentials (RFC 6749 §4.4). Every change is audited."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from qlvb.core import audit
from qlvb.core.errors import NotFound, ValidationFailed
from qlvb.core.models import AuditEntry
from qlvb.core.permissions import has, require
from qlvb.core.text import text_clean
from qlvb.directory.models import Unit, User
from qlvb.directory.selectors import agency_of

from . import policies
from .models import ConnectedSystem, Scope, SystemToken
from .webhook_secrets import secret_seal

CLIENT_PREFIX = "qlvb-"
TOKEN_PREFIX = "qit_"  # noqa: S105  (a prefix, not a password)


def token_seconds() -> int:
    return int(getattr(settings, "QLVB_INTEGRATION_TOKEN_SECONDS", 900))


@dataclass
class Issued:
    """A system with its secret, shown to the administrator once and never again."""

    system: ConnectedSystem
    secret: str


def systems_visible_to(actor: User) -> QuerySet[ConnectedSystem]:
    """The systems of the agency the administrator manages (none for anyone else)."""
    agency = agency_of(actor)
    if agency is None or not has(actor, policies.SYSTEM_MANAGE, unit=agency):
        return ConnectedSystem.objects.none()
    return ConnectedSystem.objects.filter(agency=agency).select_related("owner_unit")


def system_get(actor: User, *, pk: object) -> ConnectedSystem:
    """A system of the actor's agency; another agency's answers like a missing one."""
    try:
        key = int(str(pk))
    except ValueError:
        raise NotFound() from None
    found = systems_visible_to(actor).filter(pk=key).first()
    if found is None:
        raise NotFound("Không tìm thấy hệ thống kết nối.")
    return found


def _new_secret(system: ConnectedSystem) -> str:
    secret = secrets.token_urlsafe(32)
    system.secret_hash = make_password(secret)
    system.secret_sealed = secret_seal(secret)  # the key of signed calls (signing.py)
    system.secret_set_at = timezone.now()
    return secret


def _clean_scopes(scopes: list[str]) -> list[str]:
    unknown = [s for s in scopes if s not in Scope.values]
    if unknown:
        raise ValidationFailed(f"Quyền không hợp lệ: {', '.join(unknown)}.")
    if not scopes:
        raise ValidationFailed("Cần chọn ít nhất một quyền cho hệ thống kết nối.")
    return [s for s in Scope.values if s in scopes]


@transaction.atomic
def system_register(*, actor: User, name: str, owner_unit: Unit, scopes: list[str]) -> Issued:
    agency = agency_of(actor)
    if agency is None:
        raise ValidationFailed("Tài khoản của bạn không thuộc cơ quan nào.")
    require(actor, policies.SYSTEM_MANAGE, unit=agency)
    if (owner_unit.agency_id or owner_unit.pk) != agency.pk or owner_unit.external or not owner_unit.is_active:
        raise ValidationFailed("Đơn vị chủ quản phải là một đơn vị đang hoạt động của cơ quan.")
    system = ConnectedSystem(
        agency=agency,
        owner_unit=owner_unit,
        name=text_clean(name, label="tên hệ thống", limit=200, required=True),
        client_id=CLIENT_PREFIX + secrets.token_hex(8),
        scopes=_clean_scopes(scopes),
        created_by=actor,
    )
    secret = _new_secret(system)
    system.save()
    audit.record(
        "integrations.system_registered",
        actor=actor,
        obj=system,
        data={"client_id": system.client_id, "unit": owner_unit.pk, "scopes": system.scopes},
    )
    return Issued(system=system, secret=secret)


@transaction.atomic
def system_secret_rotate(*, actor: User, system: ConnectedSystem) -> Issued:
    """A new secret (shown once); the old one and every token taken with it stop working at once."""
    system = ConnectedSystem.objects.select_for_update().get(pk=system_get(actor, pk=system.pk).pk)
    if system.revoked_at is not None:
        raise ValidationFailed("Hệ thống đã bị thu hồi quyền truy cập: không cấp lại khóa.")
    secret = _new_secret(system)
    system.save(update_fields=["secret_hash", "secret_sealed", "secret_set_at"])
    system.tokens.all().delete()
    audit.record("integrations.secret_rotated", actor=actor, obj=system, data={"client_id": system.client_id})
    return Issued(system=system, secret=secret)


@transaction.atomic
def system_revoke(*, actor: User, system: ConnectedSystem) -> ConnectedSystem:
    system = ConnectedSystem.objects.select_for_update().get(pk=system_get(actor, pk=system.pk).pk)
    if system.revoked_at is None:
        system.revoked_at = timezone.now()
        system.save(update_fields=["revoked_at"])
        system.tokens.all().delete()
        audit.record("integrations.system_revoked", actor=actor, obj=system, data={"client_id": system.client_id})
    return system


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return make_password(secrets.token_urlsafe(16))


def token_attempts_exceeded(client_id: str) -> bool:
    """Too many refused token requests for this client id lately (guessing the secret): refuse for a while.
    Counted in the audit log, where every refusal is written anyway."""
    limit = int(getattr(settings, "QLVB_INTEGRATION_TOKEN_FAILURES", 10))
    since = timezone.now() - timedelta(minutes=15)
    refused = AuditEntry.objects.filter(
        action="integrations.token_refused", actor_username=client_id[:64], created_at__gte=since
    )
    return refused.count() >= limit


def token_issue(*, client_id: str, client_secret: str, ip: str | None = None) -> tuple[ConnectedSystem, str] | None:
    """An access token for a system whose client id and secret match; None (audited) otherwise."""
    system = ConnectedSystem.objects.filter(client_id=client_id[:64]).first() if client_id else None
    if system is None:
        check_password(client_secret, _dummy_hash())  # as slow as a known client: no oracle of client ids
    if system is None or system.revoked_at is not None or not check_password(client_secret, system.secret_hash):
        reason = "unknown" if system is None else ("revoked" if system.revoked_at else "secret")
        audit.record(
            "integrations.token_refused",
            obj=system,
            ip=ip,
            username=client_id[:64],
            data={"client_id": client_id[:64], "reason": reason},
        )
        return None
    now = timezone.now()
    SystemToken.objects.filter(system=system, expires_at__lte=now).delete()
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    SystemToken.objects.create(system=system, key_hash=_hash(key), expires_at=now + timedelta(seconds=token_seconds()))
    audit.record(
        "integrations.token_issued", obj=system, ip=ip, username=system.client_id, data={"client_id": system.client_id}
    )
    return system, key


def token_system(key: str) -> ConnectedSystem | None:
    """The system behind a valid, unexpired access token of an unrevoked system."""
    if not key.startswith(TOKEN_PREFIX) or len(key) > 128:
        return None
    token = SystemToken.objects.select_related("system").filter(key_hash=_hash(key)).first()
    if token is None or token.expires_at <= timezone.now() or token.system.revoked_at is not None:
        return None
    return token.system
