"""The document page reads its assignments with their reminders and extensions by kept statements
(``selectors.assignments_shown``, core/statements.py): the same rows, the same related objects and the same
answers of ``a.reminders.all()`` / ``a.extensions.all()`` as ``assignments_of`` (``prefetch_related``) gives,
with nothing read afterwards; and the page shows them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
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


def test_the_pages_assignments_are_those_the_queryset_prefetches(
    receive: Callable[..., Document], person: Callable[[str], User], dept: Any, django_assert_num_queries: Any
) -> None:
    doc = receive(due_date=timezone.localdate() + dt.timedelta(days=5))
    hung, huong = person("nguyenvanhung"), person("dothanhhuong")
    lead, _support, _info = incoming_direct(
        actor=hung,
        document=doc,
        directive="Xử lý gấp",
        targets=[
            Target(role="lead", user=huong),
            Target(role="support", unit=dept("VHXH")),
            Target(role="info", user=person("hoangvannam")),
        ],
    )
    reminder_send(actor=hung, assignment=lead, kind="nhac_nho", text="Đề nghị khẩn trương")
    reminder_send(actor=hung, assignment=lead, kind="phe_binh", text="Đã quá hạn nhắc lần 1")
    extension_request(
        actor=huong, assignment=lead, new_due_date=timezone.localdate() + dt.timedelta(days=9), reason="Chờ số liệu"
    )
    expected = _seen(list(selectors.assignments_of(doc)))
    with django_assert_num_queries(3):  # the assignments, their reminders, their extensions
        found = selectors.assignments_shown(doc)
    with django_assert_num_queries(0):
        shown = _seen(found)
    assert shown == expected
    assert [len(row[4]) for row in shown] == [2, 0, 0] and [len(row[5]) for row in shown] == [1, 0, 0]

    page = _page(person, doc)
    assert "Đề nghị khẩn trương" in page and "Đã quá hạn nhắc lần 1" in page


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
