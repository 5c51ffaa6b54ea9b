"""``{% load dossiers_archive %}{% archive_panel dossier %}``: the archive's box on the dossier page — the
chế độ sử dụng, the transfer deadline, the retention's expiry, the batch the dossier is in, and the form to
set the chế độ sử dụng for whoever may (``archive_rules.dossier_terms_check``)."""

from __future__ import annotations

from typing import Any

from django import template

from qlvb.core.errors import DomainError
from qlvb.directory.models import User

from ..archive_models import TransferItem
from ..archive_rules import dossier_terms_check, expiry_date, transfer_due
from ..models import Dossier

register = template.Library()


@register.inclusion_tag("dossiers/archive/_panel.html", takes_context=True)
def archive_panel(context: dict[str, Any], dossier: Dossier) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    may_set = False
    if isinstance(user, User):
        try:
            dossier_terms_check(user, dossier)
            may_set = True
        except DomainError:
            pass
    from ..archive_views import TermsForm

    return {
        "dossier": dossier,
        "due": transfer_due(dossier),
        "expiry": expiry_date(dossier),
        "transfers": TransferItem.objects.filter(dossier=dossier).select_related("batch").order_by("-pk")[:5],
        "form": TermsForm(initial={"rights": dossier.rights, "capital_construction": dossier.capital_construction})
        if may_set
        else None,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("dossiers/archive/_nav.html", takes_context=True)
def archive_nav(context: dict[str, Any]) -> dict[str, Any]:
    """The archive's sub-menu; the archivist's pages only for an archivist, the disposals for him and the head."""
    request = context.get("request")
    user = getattr(request, "user", None)
    archivist = isinstance(user, User) and bool(user.units_with_role("archivist"))
    head = isinstance(user, User) and bool(user.units_with_role("leader"))
    return {"archivist": archivist, "disposals": archivist or head}
