from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from qlvb.core import permissions
from qlvb.directory import policies as directory_policies
from qlvb.directory.selectors import agency_of

from .labels import role_label


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the layout shows: the agency's name, the user's name and roles, which admin links."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    unit = getattr(user, "unit", None)
    agency = agency_of(user)
    roles = sorted(user.roles_for(None)) if hasattr(user, "roles_for") else []
    return {
        "shell_agency": agency,
        "shell_unit": unit,
        "shell_role_labels": [role_label(r) for r in roles if r in permissions.ROLES],
        "shell_roles": roles,
        "shell_can_manage_users": permissions.has(user, directory_policies.USER_MANAGE),
        "shell_can_view_audit": permissions.has(user, directory_policies.AUDIT_VIEW),
    }
