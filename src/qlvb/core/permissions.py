"""The permissions registry. Each app's ``policies.py`` declares its permission names with their
Vietnamese labels and the roles that hold them; services call :func:`require`.

Roles are held per unit (see ``directory``). A role held in an agency covers its departments; a role
held in a department covers that department. The actor object answers ``roles_for(unit)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, cast

from .errors import PermissionDenied

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

ROLES: dict[str, str] = {
    "leader": "Lãnh đạo",
    "dept_leader": "Lãnh đạo phòng",
    "clerk": "Văn thư",
    "officer": "Chuyên viên",
    "archivist": "Lưu trữ",
    "admin": "Quản trị",
}


@dataclass(frozen=True)
class Permission:
    name: str
    label: str
    roles: frozenset[str]
    app: str


_REGISTRY: dict[str, Permission] = {}


def declare(app: str, name: str, label: str, roles: set[str] | frozenset[str]) -> Permission:
    """Declare a permission. Called at import time from each app's ``policies.py``."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles for {name}: {sorted(unknown)}")
    perm = Permission(name=name, label=label, roles=frozenset(roles), app=app)
    existing = _REGISTRY.get(name)
    if existing is not None and existing != perm:
        raise ValueError(f"permission {name} declared twice")
    _REGISTRY[name] = perm
    return perm


def registry() -> dict[str, Permission]:
    return dict(_REGISTRY)


def get(name: str) -> Permission:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"permission {name!r} is not declared in any policies.py") from None


class Actor(Protocol):
    """Who acts: a ``directory.User`` (the one kind today), typed here without importing the layer
    above. A request's anonymous user may be passed to :func:`has` too; it holds nothing."""

    is_active: bool
    is_superuser: bool

    def roles_for(self, unit: Any | None) -> set[str]: ...


def _perm(name: Permission | str) -> Permission:
    return name if isinstance(name, Permission) else get(name)


def has(actor: Actor | AnonymousUser | None, name: Permission | str, *, unit: Any | None = None) -> bool:
    """True when ``actor`` holds a role granting ``name`` (a declared constant of an app's
    ``policies.py``, or its name) in ``unit`` (or anywhere, if None)."""
    perm = _perm(name)
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if getattr(actor, "is_locked", False):
        return False
    if actor.is_superuser:
        return True
    # authenticated and active: not the anonymous user, an Actor
    return bool(perm.roles & cast(Actor, actor).roles_for(unit))


def require(actor: Actor | AnonymousUser | None, name: Permission | str, *, unit: Any | None = None) -> None:
    """Raise :class:`PermissionDenied` with the Vietnamese label unless ``actor`` has ``name``."""
    if not has(actor, name, unit=unit):
        label = _perm(name).label
        raise PermissionDenied(f"Bạn không có quyền: {label}.")
