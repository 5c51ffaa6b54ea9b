"""The outgoing list's rows, written in Python (as the incoming lists', ``incoming/rows.py``): the same HTML as
the template's loop, at a fraction of its CPU (docs/benchmarks.md "CPU per request, part 4")."""

from __future__ import annotations

from html import escape

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from qlvb.core.choices import choice_label

from .models import Outgoing


def outgoing_row(o: Outgoing, *, url: str) -> SafeString:
    """One outgoing document: its number (or "not numbered yet"), state, type, subject, drafter, creation time
    in Vietnam's time, and urgency."""
    document = o.document
    number = escape(document.number_notation or _("Chưa cấp số"))
    state = escape(str(choice_label(o, "state")))
    doc_type = escape(document.doc_type.name) if document.doc_type_id is not None else ""
    created = timezone.localtime(document.created_at).strftime("%d/%m/%Y %H:%M")
    urgency = ""
    if document.urgency:
        urgency = f' · <span class="text-danger">{escape(str(choice_label(document, "urgency")))}</span>'
    drafter = escape(o.drafter.full_name) if o.drafter_id is not None else ""
    return mark_safe(  # noqa: S308 - every value above is escaped
        f'<a class="list-group-item list-group-item-action" href="{escape(url)}" data-qlvb="outgoing-row">'
        f'<div class="d-flex flex-wrap justify-content-between gap-2"><strong>{number}</strong>'
        f'<span class="badge text-bg-secondary">{state}</span></div>'
        f"<div>{doc_type}: {escape(document.subject)}</div>"
        f'<small class="text-body-secondary">{drafter} · {created}{urgency}</small></a>'
    )
