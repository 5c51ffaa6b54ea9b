"""The document page reads its assignments with their reminders and extensions by kept statements
(``selectors.assignments_shown``, core/statements.py): the same rows, the same related objects and the same
answers of ``a.reminders.all()`` / ``a.extensions.all()`` as ``assignments_of`` (``prefetch_related``) gives,
with nothing read afterwards; and the page shows them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from qlvb.assignments.followup import extension_request, reminder_send
from qlvb.directory.models import User
from qlvb.documents.models import Document
from qlvb.incoming import selectors
from qlvb.incoming.services import Target, incoming_direct

pytestmark = pytest.mark.django_db


def _seen(assignments: list[Any]) -> list[tuple[Any, ...]]:
    return [
        (
            a.pk,
            a.user.full_name if a.user else None,
            a.unit.name if a.unit else None,
            a.assigned_by.full_name,
            [(r.seq, r.kind, r.text, r.assignment.pk) for r in a.reminders.all()],
            [(e.new_due_date, e.status, e.reason, e.assignment.pk) for e in a.extensions.all()],
        )
        for a in assignments
    ]


@dataclass
class Followed:
    doc: Document
    lead: Any
    support: Any
    extension: Any


@pytest.fixture
def followed(receive: Callable[..., Document], person: Callable[[str], User], dept: Any) -> Followed:
    """A document given to an officer (lead, with a deadline), a department (support) and a third person (for
    information), with a directive holding markup and a line break; two reminders and an extension asked for
    the lead."""
    doc = receive(due_date=timezone.localdate() + dt.timedelta(days=5))
    hung, huong = person("nguyenvanhung"), person("dothanhhuong")
    lead, support, _info = incoming_direct(
        actor=hung,
        document=doc,
        directive="Xử lý <gấp>\nbáo cáo & 'trước' ngày 5",
        targets=[
            Target(role="lead", user=huong, due_date=timezone.localdate() + dt.timedelta(days=3)),
            Target(role="support", unit=dept("VHXH")),
            Target(role="info", user=person("hoangvannam")),
        ],
    )
    reminder_send(actor=hung, assignment=lead, kind="nhac_nho", text="Đề nghị khẩn trương")
    reminder_send(actor=hung, assignment=lead, kind="phe_binh", text="Nhắc <lần> 1 & 'hai'")
    extension = extension_request(
        actor=huong, assignment=lead, new_due_date=timezone.localdate() + dt.timedelta(days=9), reason="Chờ <số liệu>"
    )
    return Followed(doc, lead, support, extension)


def test_the_pages_assignments_are_those_the_queryset_prefetches(
    followed: Followed, person: Callable[[str], User], django_assert_num_queries: Any
) -> None:
    doc = followed.doc
    expected = _seen(list(selectors.assignments_of(doc)))
    with django_assert_num_queries(3):  # the assignments, their reminders, their extensions
        found = selectors.assignments_shown(doc)
    with django_assert_num_queries(0):
        shown = _seen(found)
    assert shown == expected
    assert [len(row[4]) for row in shown] == [2, 0, 0] and [len(row[5]) for row in shown] == [1, 0, 0]

    page = _page(person, doc)
    assert "Đề nghị khẩn trương" in page and "Nhắc &lt;lần&gt; 1 &amp; &#x27;hai&#x27;" in page


def _page(person: Callable[[str], User], doc: Document) -> str:
    from django.test import Client

    client = Client()
    client.force_login(person("lethuha"))
    response = client.get(f"/van-ban-den/{doc.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_document_without_assignments(receive: Callable[..., Document], django_assert_num_queries: Any) -> None:
    doc = receive()
    with django_assert_num_queries(1):
        assert selectors.assignments_shown(doc) == []


# The assignment as the document page's template wrote it before incoming/rows.assignment_item.
ASSIGNMENT_TEMPLATE = (Path(__file__).parent / "data" / "assignment_before.html").read_text(encoding="utf-8")

ALL_ACTIONS = {"assign", "report", "complete", "extend", "return", "accept", "return_result", "remind"}


def test_an_assignment_is_what_the_template_wrote(followed: Followed, person: Callable[[str], User]) -> None:
    """The same text, character for character, as the template it replaces, for assignments with and without
    each part: seen or not, a directive over several lines with markup, a result, a reason of return, progress,
    reminders, a pending extension that may or may not be decided, each set of buttons; in both languages."""
    from django.template import Context, Template
    from django.utils import translation

    from qlvb.documents.seen import document_seen_mark
    from qlvb.documents.seen_models import SeenReceipt
    from qlvb.incoming.rows import assignment_item

    doc, support, extension, huong = followed.doc, followed.support, followed.extension, person("dothanhhuong")
    document_seen_mark(actor=huong, document=doc)
    receipt = SeenReceipt.objects.get(document=doc, user=huong)
    template = Template(ASSIGNMENT_TEMPLATE)
    shown = selectors.assignments_shown(doc)
    rows = []
    for a in shown:
        for actions, decide in ((set(), False), (ALL_ACTIONS, True), ({"report", "accept"}, False)):
            rows.append({"a": a, "actions": actions, "pending_extension": None, "can_decide": False, "seen": None})
            rows.append(
                {
                    "a": a,
                    "actions": actions,
                    "pending_extension": extension,
                    "can_decide": decide,
                    "seen": receipt if a.user_id == huong.pk else None,
                }
            )
    first = shown[0]
    first.result, first.return_reason, first.progress, first.parent_id = (
        "Đã <xong> & 'gửi'",
        "Thiếu <số>",
        40,
        support.pk,
    )
    compared = 0
    for language in ("vi", "en"):
        with translation.override(language):
            for row in rows:
                expected = template.render(Context({"row": row}))
                assert str(assignment_item(row)) == expected
                compared += 1
    assert compared == 2 * len(rows) >= 36
    html = str(assignment_item(rows[3]))
    assert (
        "ps-4" in html and "40%" in html and "&lt;xong&gt;" in html and "<br>" in html and 'data-qlvb="accept"' in html
    )
