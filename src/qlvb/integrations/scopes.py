"""What a system may do (its scopes), checked before each call acts; the acting person's own rights are
checked by the services themselves."""

from __future__ import annotations

from qlvb.core.errors import PermissionDenied

from .errors import ErrorCode
from .models import ConnectedSystem, Scope


def scope_require(system: ConnectedSystem, *scopes: str) -> None:
    """Refuse unless the system holds one of ``scopes``."""
    if not any(s in system.scopes for s in scopes):
        labels = " hoặc ".join(str(Scope(s).label).lower() for s in scopes)
        raise PermissionDenied(
            f"Hệ thống kết nối “{system.name}” không được cấp quyền {labels}.", code=ErrorCode.NOT_ALLOWED
        )
