"""The incoming lists' rows, written in Python.

A list page shows 20 rows; as an ``{% include %}`` of ~25 template nodes each, they were about a third of
the clerk's list page's CPU (1,300 Python calls a row, docs/benchmarks.md "CPU per request, part 4"). The
HTML is the same: tests read it by its ``data-qlvb`` names. Each value is escaped here (the standard
library's ``html.escape`` writes the same five entities as the template engine), and dates are written
``dd/mm/yyyy`` in Vietnam's time.
"""

from __future__ import annotations

from html import escape
from typing import Any

from django.template.defaultfilters import linebreaksbr
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from qlvb.core.choices import choice_label
from qlvb.core.dates import day_text, moment_text
from qlvb.documents.models import Document, DocumentEvent


def document_row(doc: Document, *, late: bool, url: str) -> SafeString:
    """One document of an incoming list: urgency, late registration, tasks, subject, status, number, type,
    sender, and the deadline that matters to the reader (his own, else the document's)."""
    unseen = bool(getattr(doc, "unseen", False))
    badges = []
    if unseen:
        badges.append(
            f'<span class="text-primary me-1" aria-hidden="true">●</span>'
            f'<span class="visually-hidden">{escape(_("chưa xem"))}: </span>'
        )
    if doc.urgency:
        urgency = escape(str(choice_label(doc, "urgency")))
        badges.append(f'<span class="badge text-bg-danger me-1" data-qlvb="urgency">{urgency}</span>')
    if late:
        badges.append(f'<span class="badge text-bg-warning me-1">{escape(_("Chậm vào sổ"))}</span>')
    if doc.assigns_tasks:
        badges.append(
            f'<span class="badge text-bg-primary me-1" data-qlvb="assigns-tasks">{escape(_("Giao nhiệm vụ"))}</span>'
        )
    details = []
    if doc.arrival_number:
        details.append(f"{escape(_('Số đến'))} <strong>{escape(localize(doc.arrival_number))}</strong> · ")
    details.append(escape(doc.doc_type.name) if doc.doc_type_id is not None else "")
    if doc.number_notation:
        details.append(f" {escape(doc.number_notation)}")
    if doc.issued_date:
        details.append(f" · {day_text(doc.issued_date)}")
    details.append(f" · {escape(doc.organ_name)}")
    my_due = getattr(doc, "my_due", None)
    if my_due:
        details.append(
            f' · <span data-qlvb="my-due">{escape(_("Hạn xử lý của bạn"))} <strong>{day_text(my_due)}</strong></span>'
        )
    elif doc.due_date:
        details.append(
            f' · <span data-qlvb="doc-due">{escape(_("Hạn giải quyết văn bản"))} {day_text(doc.due_date)}</span>'
        )
    marker = ' data-qlvb="unseen"' if unseen else ""
    status = escape(str(choice_label(doc, "status")))
    return mark_safe(  # noqa: S308 - every value above is escaped
        f'<a class="list-group-item list-group-item-action py-2" href="{escape(url)}"{marker}>'
        f'<div class="d-flex flex-wrap justify-content-between gap-1">'
        f'<div class="{"fw-bold" if unseen else "fw-semibold"}">{"".join(badges)}{escape(doc.subject)}</div>'
        f'<span class="badge text-bg-light border align-self-start" data-qlvb="status">'
        f"{status}</span></div>"
        f'<div class="small text-body-secondary">{"".join(details)}</div></a>'
    )


def timeline_item(event: DocumentEvent, label: Any) -> SafeString:
    """One step of the document page's history ("Lịch sử xử lý"): when, who (else "Hệ thống"), what, and the
    step's text with its line breaks. The page shows every step (a few dozen on a long-running document)."""
    who = escape(event.actor_name or _("Hệ thống"))
    text = f" — {linebreaksbr(event.text, autoescape=True)}" if event.text else ""
    return mark_safe(  # noqa: S308 - every value above is escaped
        f'<li class="mb-2"><div class="small text-body-secondary">{moment_text(event.created_at)} · {who}</div>\n'
        f"    <div><strong>{escape(str(label))}</strong>{text}</div></li>"
    )
