"""The search page's results, written in Python.

Twenty results rendered by the template's loop (~30 nodes each, with the choice labels looked up by
``get_*_display``) were about a fifth of the search page's CPU (docs/benchmarks.md, "CPU per request, part 7").
The HTML is the same, character for character (``web/tests/test_search_rows.py`` renders the template it
replaces beside it in both languages); each value is escaped here (``html.escape`` writes the same five
entities as the template engine) and dates are ``dd/mm/yyyy``.
"""

from __future__ import annotations

from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from qlvb.core.choices import choice_label
from qlvb.core.dates import day_text
from qlvb.documents.search import Hit


def search_hit_item(hit: Hit, link: str, *, may_file: bool) -> SafeString:
    """One result: a checkbox to file it into a dossier (``may_file``), its direction, type, number, date and
    urgency, its subject (a link where the person may open it), organ, signer, status and the snippet."""
    doc = hit.document
    pick = ""
    if may_file:
        label = _("Chọn văn bản %(s)s") % {"s": escape(Truncator(doc.subject).chars(60))}
        pick = (
            f'<input class="form-check-input mt-1 flex-shrink-0" type="checkbox" name="document" value="{doc.pk}" '
            f'form="search-file-form" id="pick-{doc.pk}" aria-label="{label}" data-qlvb="search-pick">'
        )
    kind = escape(doc.doc_type.name) if doc.doc_type_id is not None else ""
    number = f'<span class="fw-semibold text-body">{escape(doc.number_notation)}</span>' if doc.number_notation else ""
    issued = f"<span>{day_text(doc.issued_date)}</span>" if doc.issued_date else ""
    urgent = ""
    if doc.is_urgent:
        urgent = f'<span class="badge text-bg-danger">{escape(str(choice_label(doc, "urgency")))}</span>'
    subject = escape(doc.subject)
    if link:
        subject = f'<a href="{escape(link)}" data-qlvb="search-link">{subject}</a>'
    signer = f" · {escape(doc.signer_name)}" if doc.signer_name else ""
    return mark_safe(  # noqa: S308  (every value above is escaped; the snippet is SafeString from highlight_html)
        f'<li class="list-group-item{" d-flex gap-2 align-items-start" if may_file else ""}" data-qlvb="search-hit">\n'
        f"    {pick}\n"
        f'    <div class="flex-grow-1 text-break">\n'
        f'    <div class="d-flex flex-wrap gap-2 small text-body-secondary">\n'
        f'      <span class="badge text-bg-secondary">{escape(str(choice_label(doc, "direction")))}</span>\n'
        f"      <span>{kind}</span>\n"
        f"      {number}\n"
        f"      {issued}\n"
        f"      {urgent}\n"
        f"    </div>\n"
        f'    <h2 class="h6 my-1">{subject}</h2>\n'
        f'    <p class="small mb-1 text-body-secondary">{escape(doc.organ_name)}{signer} · '
        f"{escape(str(choice_label(doc, 'status')))}</p>\n"
        f'    <p class="mb-0 qlvb-snippet" data-qlvb="search-snippet">{hit.snippet_html}</p>\n'
        f"    </div>\n"
        f"  </li>"
    )
