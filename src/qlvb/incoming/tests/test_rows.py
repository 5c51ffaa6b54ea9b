"""The list rows written in Python (incoming/rows.py, outgoing/rows.py): the values a person sees, escaped,
in his language and in Vietnam's dates; the choice labels as Django's own ``get_<field>_display``."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone, translation

from qlvb.core.choices import choice_label
from qlvb.directory.models import User
from qlvb.documents.models import Document, DocumentStatus, DocumentType, Urgency
from qlvb.incoming.rows import document_row
from qlvb.outgoing.models import Outgoing, State

TRICKY = "Về việc <b>\"khẩn\"</b> & 'gấp'"


def _doc(**extra) -> Document:
    fields = {
        "subject": TRICKY,
        "status": DocumentStatus.REGISTERED,
        "urgency": Urgency.NORMAL,
        "organ_name": "UBND <tỉnh>",
        "code_number": "12",
        "code_notation": "QĐ-UBND",
        "issued_date": dt.date(2026, 3, 5),
    }
    fields.update(extra)
    return Document(**fields)


def test_choice_label_answers_what_django_answers_in_each_language():
    for language in ("vi", "en"):
        with translation.override(language):
            for status in DocumentStatus.values:
                doc = _doc(status=status)
                assert choice_label(doc, "status") == doc.get_status_display()
            for urgency in Urgency.values:
                doc = _doc(urgency=urgency)
                assert choice_label(doc, "urgency") == doc.get_urgency_display()


def test_choice_label_follows_the_language_asked_for():
    doc = _doc(status=DocumentStatus.REGISTERED, urgency=Urgency.URGENT)
    with translation.override("vi"):
        vi = (choice_label(doc, "status"), choice_label(doc, "urgency"))
    with translation.override("en"):
        en = (choice_label(doc, "status"), choice_label(doc, "urgency"))
    assert vi[1] == "Khẩn" and en[1] == "Urgent" and vi[0] != en[0]
    assert choice_label(_doc(urgency=9), "urgency") == 9  # a value outside the choices: itself, as Django


def test_an_incoming_row_escapes_every_value_and_writes_dates_day_first():
    doc = _doc(doc_type=DocumentType(pk=1, name="Quyết <định>"), urgency=Urgency.URGENT, assigns_tasks=True)
    doc.unseen = True  # type: ignore[attr-defined]  # the list query annotates it
    doc.my_due = dt.date(2026, 12, 31)  # type: ignore[attr-defined]
    html = document_row(doc, late=True, url='/van-ban-den/5/?a=1&b="x"')
    assert "<b>" not in html and "&lt;b&gt;" in html and "&quot;khẩn&quot;" in html and "&#x27;gấp&#x27;" in html
    assert "UBND &lt;tỉnh&gt;" in html and "Quyết &lt;định&gt;" in html
    assert 'href="/van-ban-den/5/?a=1&amp;b=&quot;x&quot;"' in html
    assert "12/QĐ-UBND" in html and "05/03/2026" in html and 'data-qlvb="my-due"' in html and "31/12/2026" in html
    assert 'data-qlvb="unseen"' in html and 'data-qlvb="urgency"' in html and 'data-qlvb="assigns-tasks"' in html
    assert "Chậm vào sổ" in html


def test_an_incoming_row_shows_the_documents_deadline_when_the_reader_has_none():
    doc = _doc(due_date=dt.date(2026, 1, 2))
    html = document_row(doc, late=False, url="/van-ban-den/1/")
    assert 'data-qlvb="doc-due"' in html and "02/01/2026" in html
    assert 'data-qlvb="unseen"' not in html and "fw-semibold" in html and "Chậm vào sổ" not in html


def test_an_outgoing_row_is_written_in_vietnam_time_and_escaped():
    from qlvb.outgoing.rows import outgoing_row

    # 23:30 UTC on 31/12 is 06:30 on 01/01 in Vietnam
    created = dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC)
    document = _doc(code_number="", code_notation="", urgency=Urgency.URGENT)
    document.created_at = created
    o = Outgoing(document=document, state=State.DRAFT, drafter=User(pk=1, full_name="Lê <Thu> Hà"))
    with timezone.override("Asia/Ho_Chi_Minh"):
        html = outgoing_row(o, url="/van-ban-di/3/")
    assert "01/01/2026 06:30" in html and "Chưa cấp số" in html
    assert "Lê &lt;Thu&gt; Hà" in html and "&lt;b&gt;" in html and 'data-qlvb="outgoing-row"' in html
    assert choice_label(o, "state") == o.get_state_display() and str(o.get_state_display()) in html


# The document page's history item as the template wrote it before incoming/rows.timeline_item.
TIMELINE_TEMPLATE = (
    '<li class="mb-2"><div class="small text-body-secondary">{{ e.created_at|date:"d/m/Y H:i" }} · '
    '{{ e.actor_name|default:_("Hệ thống") }}</div>\n'
    "    <div><strong>{{ label }}</strong>{% if e.text %} — {{ e.text|linebreaksbr }}{% endif %}</div></li>"
)


def test_a_history_item_is_what_the_template_wrote() -> None:
    """The same text, character for character, as the template it replaces: escaped values, the moment in
    Vietnam's time (23:30 UTC is the next morning there), line breaks as <br>, "Hệ thống" for no one."""
    from django.template import Context, Template

    from qlvb.documents.models import DocumentEvent
    from qlvb.incoming.rows import timeline_item

    template = Template("{% load i18n %}" + TIMELINE_TEMPLATE)
    late = dt.datetime(2026, 12, 3, 23, 30, tzinfo=dt.UTC)
    events = [
        DocumentEvent(created_at=late, actor_name=TRICKY, text="Dòng 1\nDòng <2> & 'ba'\r\nDòng 4"),
        DocumentEvent(created_at=late, actor_name="", text=""),
        DocumentEvent(created_at=timezone.now(), actor_name="Lê Thu Hà", text="x"),
    ]
    for language in ("vi", "en"):
        with translation.override(language):
            for event in events:
                label = 'Chỉ đạo <xử lý> & "giao"'
                expected = template.render(Context({"e": event, "label": label}))
                assert str(timeline_item(event, label)) == expected
    first = str(timeline_item(events[0], "x"))
    assert "04/12/2026 06:30" in first and "<br>" in first and "&lt;2&gt;" in first
    with translation.override("vi"):
        assert "Hệ thống" in str(timeline_item(events[1], "x"))
