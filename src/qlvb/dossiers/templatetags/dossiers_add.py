"""``{% load dossiers_add %}{% dossier_add_button doc %}``: the "Thêm vào hồ sơ" form of a document page.

The document pages of the other workflows load this library by name; dossiers is never imported by them,
nor imports them. The form lists the open dossiers the signed-in person may add to, and posts to
``dossiers:item_add``, which checks that he may see the document."""

from __future__ import annotations

from typing import Any

from django import template

from qlvb.directory.models import User

from ..selectors import dossiers_open_list

register = template.Library()


@register.inclusion_tag("dossiers/_add_button.html", takes_context=True)
def dossier_add_button(context: dict[str, Any], document: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    dossiers = dossiers_open_list(user, limit=50) if isinstance(user, User) else []
    return {
        "document": document,
        "dossiers": dossiers,
        "next": request.get_full_path() if request is not None else "",
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("dossiers/_file_picker.html", takes_context=True)
def dossier_file_picker(
    context: dict[str, Any], form_id: str = "file-bulk", dossiers: list[Any] | None = None
) -> dict[str, Any]:
    """The "Đưa vào hồ sơ" form of a list of documents (the search results): a dossier picker over the open
    dossiers the person may file into; the list's checkboxes name the form (``form="<form_id>"``). Posts to
    ``dossiers:file_bulk`` (``bulk.documents_file_bulk``: every document checked, all or nothing).
    ``dossiers``: ``dossiers_open_list(person, limit=200)`` when the page has already read it."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if dossiers is None:
        dossiers = dossiers_open_list(user, limit=200) if isinstance(user, User) else []
    return {
        "form_id": form_id,
        "dossiers": dossiers,
        "next": request.get_full_path() if request is not None else "",
        "csrf_token": context.get("csrf_token"),
    }
