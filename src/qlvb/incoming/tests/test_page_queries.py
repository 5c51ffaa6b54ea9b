"""The busiest pages ask the database the same number of questions with 5 rows as with 50: no query per
row (issue 17, "CPU per request"; docs/benchmarks.md). The officer's inbox, the clerk's list, the quick
search, the outgoing list and the document page (with 1 and with several assignments)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from qlvb.directory import signins
from qlvb.documents.models import Document, DocumentType
from qlvb.incoming.services import Target, assignment_assign, incoming_direct
from qlvb.operations import notices
from qlvb.outgoing.drafting import DraftData, outgoing_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _activity_recorded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A session's activity is written at most once per ``TOUCH_EVERY``: on a slow machine that period could
    pass between two measurements and add one UPDATE to the second. Held still, both count alike."""
    monkeypatch.setattr(signins, "TOUCH_EVERY", timedelta(days=1))


@pytest.fixture(autouse=True)
def _banner_cached_throughout(monkeypatch: pytest.MonkeyPatch) -> None:
    """The banner's notices are cached a few seconds (``notices.CACHE_SECONDS``) in a cache that outlives a
    test: a warm-up request that hit an entry about to expire left the measured one to ask again. Held for
    the whole test and emptied before each warm-up, both measurements find what the warm-up stored."""
    monkeypatch.setattr(notices, "CACHE_SECONDS", 3600)


def _queries(client: Client, url: str) -> int:
    cache.clear()
    assert client.get(url).status_code == 200  # warm: the session's first read, cached look-ups
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def assert_same_queries_with_more_rows(client: Client, url: str, add: Callable[[int], None]) -> None:
    add(5)
    few = _queries(client, url)
    add(45)
    many = _queries(client, url)
    assert many == few, f"{url}: {few} queries with 5 rows, {many} with 50"


@pytest.fixture
def directed(receive: Any, person: Any, dept: Any) -> Callable[[int], None]:
    """``directed(n)``: n more documents directed to VHXH and assigned to Đỗ Thanh Hương as lead."""

    def add(n: int) -> None:
        for i in range(n):
            doc = receive(code_number=str(1000 + Document.objects.count() + i), subject=f"Kế hoạch tiêm chủng {i}")
            (lead,) = incoming_direct(
                actor=person("nguyenvanhung"),
                document=doc,
                directive="",
                targets=[Target(role="lead", unit=dept("VHXH"))],
            )
            assignment_assign(
                actor=person("hoangvannam"),
                assignment=lead,
                targets=[Target(role="lead", user=person("dothanhhuong"))],
            )

    return add


def test_officer_inbox(page_as: Any, directed: Callable[[int], None]) -> None:
    assert_same_queries_with_more_rows(page_as("dothanhhuong"), "/van-ban-den/?box=to_handle", directed)


def test_clerk_list(page_as: Any, directed: Callable[[int], None]) -> None:
    assert_same_queries_with_more_rows(page_as("lethuha"), "/van-ban-den/?box=all", directed)


def test_quick_search(page_as: Any, directed: Callable[[int], None]) -> None:
    assert_same_queries_with_more_rows(page_as("lethuha"), "/van-ban-den/?box=all&q=ke+hoach+tiem+chung", directed)


def test_leader_box(page_as: Any, directed: Callable[[int], None]) -> None:
    assert_same_queries_with_more_rows(page_as("nguyenvanhung"), "/van-ban-den/?box=overdue", directed)


def test_outgoing_list(page_as: Any, person: Any) -> None:
    def add(n: int) -> None:
        for i in range(n):
            outgoing_create(
                actor=person("dothanhhuong"),
                data=DraftData(
                    doc_type=DocumentType.objects.get(name="Công văn"),
                    subject=f"V/v báo cáo kết quả tiêm chủng đợt {i}",
                    signer=person("nguyenvanhung"),
                    free_recipients="Như trên",
                ),
            )

    assert_same_queries_with_more_rows(page_as("lethuha"), "/van-ban-di/?box=all", add)
    assert_same_queries_with_more_rows(page_as("dothanhhuong"), "/van-ban-di/?box=mine", add)


def test_document_page(page_as: Any, receive: Any, person: Any, dept: Any) -> None:
    """One assignment, then several (lead and supports of two departments, their officers): the same
    number of queries for the clerk and for the leader."""
    doc = receive()
    (lead,) = incoming_direct(
        actor=person("nguyenvanhung"), document=doc, directive="", targets=[Target(role="lead", unit=dept("VHXH"))]
    )
    url = f"/van-ban-den/{doc.pk}/"
    clerk, leader = page_as("lethuha"), page_as("nguyenvanhung")
    few = (_queries(clerk, url), _queries(leader, url))
    assignment_assign(
        actor=person("hoangvannam"),
        assignment=lead,
        targets=[Target(role="lead", user=person("dothanhhuong")), Target(role="support", user=person("hoangvannam"))],
    )
    many = (_queries(clerk, url), _queries(leader, url))
    assert many == few


def _paginator_counts(captured: CaptureQueriesContext) -> int:
    """The statements that count a list's documents for its pages: a paginator's (``SELECT COUNT(*) AS
    "__count"``) or the kept one of ``selectors.box_rows`` (grouped by the direction all its rows share)."""
    return sum(
        q["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "documents_document"')
        or q["sql"].endswith('GROUP BY "documents_document"."direction"')
        for q in captured.captured_queries
    )


def test_an_unfiltered_box_pages_by_its_tabs_count(page_as: Any, directed: Callable[[int], None]) -> None:
    """The box's count, already read for its tab, is the pages' count: 25 documents are 20 then 5, with no
    COUNT of the list's own; a filter that narrows the box counts what it keeps."""
    directed(25)
    client = page_as("dothanhhuong")
    with CaptureQueriesContext(connection) as captured:
        first = client.get("/van-ban-den/?box=to_handle").content.decode()
        second = client.get("/van-ban-den/?box=to_handle&page=2").content.decode()
    assert _paginator_counts(captured) == 0
    assert first.count('class="list-group-item') == 20 and "Trang 1/2" in first
    assert second.count('class="list-group-item') == 5 and "Trang 2/2" in second
    assert 'data-qlvb="count-to_handle">25<' in first

    with CaptureQueriesContext(connection) as captured:
        searched = client.get("/van-ban-den/?box=to_handle&q=ke+hoach+tiem+chung&page=2").content.decode()
    assert _paginator_counts(captured) == 1
    assert searched.count('class="list-group-item') == 5 and "Trang 2/2" in searched
