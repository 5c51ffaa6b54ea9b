"""The list pages read a box through its kept statement (``selectors.box_rows``, core/statements.py): for every
person, box, order and filter it gives the documents, the count, the person's own deadline and the "chưa xem"
mark that the queryset of ``document_list(apply_filters(inbox(...)))`` gives — one statement per shape,
compiled once, for people whose units, delegations and documents differ."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, cast

import pytest
from django.utils import timezone

from qlvb.directory.models import Unit, User
from qlvb.documents.models import Document, DocumentType
from qlvb.documents.seen import document_seen_mark
from qlvb.incoming import selectors
from qlvb.incoming.directing import incoming_submit
from qlvb.incoming.receiving import incoming_receive
from qlvb.incoming.services import Target, assignment_assign, incoming_direct
from qlvb.incoming.tests.conftest import make_data

pytestmark = pytest.mark.django_db

PEOPLE = ("lethuha", "nguyenvanhung", "hoangvannam", "dothanhhuong")


@pytest.fixture
def documents(receive: Callable[..., Document], person: Callable[[str], User], dept: Any, ubnd: Unit) -> None:
    """Documents in every state the boxes sort by: received only, registered, submitted, directed to a
    department, assigned to an officer with a deadline (one of them seen), urgent and not."""
    clerk, leader, head, officer = (person(name) for name in PEOPLE)
    incoming_receive(actor=clerk, agency=ubnd, channel="paper", data=make_data(subject="Chưa vào sổ"), register=False)
    receive(subject="Báo cáo đất đai", urgency=2, code_number="7")
    submitted = receive(subject="Kế hoạch phòng chống dịch", code_number="8")
    incoming_submit(actor=clerk, document=submitted, leader=leader)
    quyet_dinh = DocumentType.objects.get(name="Quyết định")
    for i in range(3):
        doc = receive(subject=f"Kế hoạch tiêm chủng đợt {i}", code_number=str(20 + i), doc_type=quyet_dinh)
        (lead,) = incoming_direct(
            actor=leader,
            document=doc,
            directive="",
            targets=[Target(role="lead", unit=dept("VHXH"), due_date=timezone.localdate() + dt.timedelta(days=i))],
        )
        if i:
            assignment_assign(actor=head, assignment=lead, targets=[Target(role="lead", user=officer)])
        if i == 2:
            document_seen_mark(actor=officer, document=doc)


def _rows(found: Any) -> list[tuple[Any, ...]]:
    return [(d.pk, d.subject, d.doc_type.name, d.my_due, bool(d.unseen), d.arrival_number) for d in found]


FILTERS = (
    None,
    selectors.Filters(),
    selectors.Filters(q="ke hoach"),
    selectors.Filters(q="tiêm chủng", organ="Mê Linh"),
    selectors.Filters(status="in_progress"),
    selectors.Filters(urgency=2),
    selectors.Filters(date_from=dt.date(2020, 1, 1), date_to=dt.date(2099, 1, 1)),
    selectors.Filters(date_to=dt.date(2020, 1, 1)),
    selectors.Filters(assigns_tasks=True),
    selectors.Filters(q="100%_"),  # LIKE's own characters are words like any other
)


@pytest.mark.parametrize("name", PEOPLE)
def test_every_box_order_and_filter_gives_what_the_queryset_gives(
    documents: None, person: Callable[[str], User], name: str
) -> None:
    actor = person(name)
    quyet_dinh = DocumentType.objects.get(name="Quyết định").pk
    compared = 0
    for key in selectors.INBOXES:
        for sort in selectors.SORTS:
            for f in (*FILTERS, selectors.Filters(doc_type=quyet_dinh)):
                query = selectors.inbox(actor, key=key)
                if f is not None:
                    query = selectors.apply_filters(query, f)
                expected = selectors.document_list(query, actor, sort=sort)
                kept = selectors.box_rows(actor, key=key, sort=sort, filters=f)
                assert kept.count() == expected.count(), (key, sort, f)
                assert _rows(kept[0:20]) == _rows(expected[0:20]), (key, sort, f)
                assert _rows(kept[1:3]) == _rows(expected[1:3]), (key, sort, f)
                compared += bool(kept.count())
    assert compared >= 10  # the boxes held documents, not only empty lists


def test_the_tabs_count_is_taken_without_counting_again(documents: None, person: Callable[[str], User]) -> None:
    """Given the tab's count, the pages believe it (the same documents): no statement counts them again."""
    rows = selectors.box_rows(person("lethuha"), key="all", sort="", count=123)
    assert rows.count() == len(rows) == 123


def test_the_page_of_a_box_is_read_by_one_statement_for_everyone(
    documents: None, person: Callable[[str], User], django_assert_num_queries: Any
) -> None:
    """The officer's box, read: one statement for the page (the person's roles and delegations read before)."""
    officer = person("dothanhhuong")
    rows = selectors.box_rows(officer, key="to_handle", sort="", count=None)
    with django_assert_num_queries(1):
        page: list[Any] = rows[0:20]
    assert [d.subject for d in page] == ["Kế hoạch tiêm chủng đợt 2", "Kế hoạch tiêm chủng đợt 1"]
    assert [bool(d.unseen) for d in page] == [False, True]


@pytest.mark.parametrize("name", PEOPLE)
def test_whether_he_received_a_document_is_what_the_rule_says(
    documents: None, person: Callable[[str], User], name: str
) -> None:
    """The document page asks ``document_received`` (kept compiled) where the receipts' rule is a queryset."""
    actor = person(name)
    answers = {
        doc.pk: selectors.documents_received_by(actor).filter(pk=doc.pk).exists() for doc in Document.objects.all()
    }
    assert {pk: selectors.document_received(actor, pk) for pk in answers} == answers
    assert selectors.document_received(actor, 2**63) is False  # beyond any id: no, without a failing statement
    if name == "dothanhhuong":
        assert sum(answers.values()) == 2  # the two documents assigned to him


def test_an_inactive_person_gets_no_rows(documents: None, person: Callable[[str], User]) -> None:
    """As ``documents_visible_to``: a person whose account was disabled sees nothing, and nothing is asked."""
    from django.core.paginator import Paginator

    from qlvb.outgoing.selectors import box_rows as outgoing_rows

    clerk = person("lethuha")
    assert selectors.box_rows(clerk, key="all", sort="").count() > 0
    clerk.is_active = False
    for rows in (selectors.box_rows(clerk, key="all", sort=""), outgoing_rows(clerk, box="all", count=None)):
        page: Any = Paginator(cast(Any, rows), 20).get_page(1)
        assert rows.count() == 0 and list(page) == []
