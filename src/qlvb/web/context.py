from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from qlvb.core.permissions import ROLES


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the layout shows: the agency's name, the user's name and roles."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    unit = getattr(user, "unit", None)
    agency = unit.agency if unit is not None else None
    roles = sorted(user.roles_for(None)) if hasattr(user, "roles_for") else []
    return {
        "shell_agency": agency,
        "shell_unit": unit,
        "shell_role_labels": [ROLES[r] for r in roles if r in ROLES],
        "shell_roles": roles,
    }
