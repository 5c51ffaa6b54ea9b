"""``{% load dossiers_add %}{% dossier_add_button doc %}``: the "Thêm vào hồ sơ" form of a document page.

The document pages of the other workflows load this library by name; dossiers is never imported by them,
nor imports them. The form lists the open dossiers the signed-in person may add to, and posts to
``dossiers:item_add``, which checks that he may see the document."""

from __future__ import annotations

from typing import Any

from django import template

from qlvb.directory.models import User

from ..selectors import dossiers_open_for

register = template.Library()


@register.inclusion_tag("dossiers/_add_button.html", takes_context=True)
def dossier_add_button(context: dict[str, Any], document: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    dossiers = list(dossiers_open_for(user)[:50]) if isinstance(user, User) else []
    return {
        "document": document,
        "dossiers": dossiers,
        "next": request.get_full_path() if request is not None else "",
        "csrf_token": context.get("csrf_token"),
    }
