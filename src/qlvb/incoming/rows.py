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
from django.utils.translation import gettext_lazy

from qlvb.core.choices import choice_label
from qlvb.core.dates import day_text, moment_text
from qlvb.core.reversing import id_url
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


# The buttons of an assignment on the document page, in the page's order: (action, url name, class, label, data).
_ASSIGNMENT_BUTTONS = (
    ("assign", "incoming:assign", "btn btn-sm btn-primary", gettext_lazy("Phân công"), ""),
    ("report", "incoming:report", "btn btn-sm btn-outline-primary", gettext_lazy("Cập nhật tiến độ"), ""),
    ("complete", "incoming:complete", "btn btn-sm btn-success", gettext_lazy("Hoàn thành"), ""),
    ("extend", "incoming:extend", "btn btn-sm btn-outline-secondary", gettext_lazy("Xin gia hạn"), ""),
    ("return", "incoming:assignment_return", "btn btn-sm btn-outline-danger", gettext_lazy("Trả lại"), ""),
    ("accept", "incoming:accept", "btn btn-sm btn-success", gettext_lazy("Chấp nhận kết quả"), "accept"),
    (
        "return_result",
        "incoming:return_result",
        "btn btn-sm btn-outline-danger",
        gettext_lazy("Trả lại kết quả"),
        "return-result",
    ),
    ("remind", "incoming:remind", "btn btn-sm btn-outline-warning", gettext_lazy("Đôn đốc"), ""),
)
_ROLE_BADGE = {"lead": "text-bg-primary", "support": "text-bg-info"}


def assignment_item(row: dict[str, Any]) -> SafeString:
    """One assignment of the document page ("Phân công xử lý"): role, assignee, status and progress, who gave
    it and when, its deadline, whether the assignee has seen the document, the directive, result or reason of
    return, the reminders, a pending extension, and the buttons of ``row["actions"]``. ``row``: the view's
    (``a``, ``actions``, ``pending_extension``, ``can_decide``, ``seen``)."""
    a = row["a"]
    progress = f" · {localize(a.progress)}%" if a.progress else ""
    given_by = escape(a.assigned_by.full_name) if a.assigned_by is not None else ""
    due = f" · {escape(_('hạn'))} {day_text(a.due_date)}" if a.due_date else ""
    seen = ""
    if a.user_id:
        receipt = row.get("seen")
        seen = (
            f'<span class="text-success-emphasis">{escape(_("Đã xem"))} {moment_text(receipt.seen_at)}</span>'
            if receipt
            else f'<span class="text-body-secondary">{escape(_("Chưa xem"))}</span>'
        )
        seen = f'<div class="small" data-qlvb="seen">{seen}</div>'
    directive = f'<div class="small">{linebreaksbr(a.directive, autoescape=True)}</div>' if a.directive else ""
    result = f'<div class="small"><strong>{escape(_("Kết quả"))}:</strong> {escape(a.result)}</div>' if a.result else ""
    returned = (
        f'<div class="small text-danger">{escape(_("Lý do trả lại"))}: {escape(a.return_reason)}</div>'
        if a.return_reason
        else ""
    )
    reminders = "".join(
        f'<div class="small text-warning-emphasis">{escape(_("Đôn đốc lần"))} {localize(r.seq)} '
        f"({escape(str(choice_label(r, 'kind')))}): {escape(r.text)}</div>"
        for r in a.reminders.all()
    )
    extension = ""
    pending = row.get("pending_extension")
    if pending:
        decide = (
            f'<a href="{escape(id_url("incoming:extension_decide", pending.pk))}">{escape(_("Quyết định"))}</a>'
            if row.get("can_decide")
            else ""
        )
        extension = (
            f'<div class="small">{escape(_("Đề nghị gia hạn đến"))} {day_text(pending.new_due_date)}: '
            f"{escape(pending.reason)}\n      {decide}</div>"
        )
    actions = row.get("actions")
    buttons = ""
    if actions:
        lines = []
        for action, name, css, label, data in _ASSIGNMENT_BUTTONS:
            link = ""
            if action in actions:
                marker = f' data-qlvb="{data}"' if data else ""
                link = f'<a class="{css}" href="{escape(id_url(name, a.pk))}"{marker}>{escape(str(label))}</a>'
            lines.append(f"      {link}\n")
        buttons = f'<div class="d-flex flex-wrap gap-1 mt-1">\n{"".join(lines)}    </div>'
    return mark_safe(  # noqa: S308 - every value above is escaped
        f'\n  <div class="list-group-item{" ps-4" if a.parent_id else ""}">\n'
        f'    <div class="d-flex justify-content-between flex-wrap gap-1">\n'
        f'      <div><span class="badge {_ROLE_BADGE.get(a.role, "text-bg-secondary")}">'
        f"{escape(str(choice_label(a, 'role')))}</span>\n"
        f"        <strong>{escape(a.assignee_label)}</strong></div>\n"
        f'      <span class="small" data-qlvb="assignment-status">{escape(str(choice_label(a, "status")))}{progress}'
        f"</span>\n"
        f"    </div>\n"
        f'    <div class="small text-body-secondary">{escape(_("Giao bởi"))} {given_by} · '
        f"{moment_text(a.assigned_at)}{due}</div>\n"
        f"    {seen}\n    {directive}\n    {result}\n    {returned}\n    {reminders}\n    {extension}\n"
        f"    {buttons}\n  </div>\n"
    )
