"""``{% load dossiers_package %}{% dossier_package_box dossier actions %}``: on the dossier page, the export
packages of the dossier (state, download) with the "Xuất gói hồ sơ" button, and the "Tài liệu khác" upload."""

from __future__ import annotations

from typing import Any

from django import template

from qlvb.directory.models import User

from ..models import FROZEN_STATES, Dossier

register = template.Library()


@register.inclusion_tag("dossiers/_package_box.html", takes_context=True)
def dossier_package_box(context: dict[str, Any], dossier: Dossier, actions: Any = ()) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    packages = list(dossier.packages.order_by("-requested_at")[:5]) if isinstance(user, User) else []
    return {
        "dossier": dossier,
        "packages": packages,
        "can_export": dossier.state in FROZEN_STATES,
        "can_add": "edit" in actions,
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def may_import_packages(user: Any) -> bool:
    """The archivist or the admin of his agency sees the "Nhập gói hồ sơ" link."""
    from qlvb.core.permissions import has
    from qlvb.directory.selectors import agency_of

    from ..policies import PACKAGE_IMPORT

    if not isinstance(user, User):
        return False
    agency = agency_of(user)
    return agency is not None and has(user, PACKAGE_IMPORT, unit=agency)
