"""The agency beside the words (``SearchEntry.agency``, migration ``0015_searchentry_agency``): every way an
entry is written fills it, the migration fills the entries written before, and on PostgreSQL the search of a
clerk or leader that starts from the (agency, words) index finds exactly what the other ways find, with the
permission still applied (docs/search.md, "At scale")."""

from __future__ import annotations

import importlib
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from qlvb.assignments.models import Assignment
from qlvb.documents import search
from qlvb.documents.models import Document, SearchEntry
from qlvb.documents.search import search_page
from qlvb.documents.searchindex import search_metadata_sync, search_text_set


def _agencies() -> dict[int, int | None]:
    return dict(SearchEntry.objects.values_list("document_id", "agency_id"))


def test_every_entry_carries_its_documents_agency(receive, ubnd):
    saved = receive(subject="Kế hoạch phòng chống thiên tai")
    texted = receive(subject="Báo cáo tiêm chủng")
    search_text_set(texted.pk, body="Tiêm chủng mở rộng đợt 2")
    assert _agencies() == {saved.pk: ubnd.pk, texted.pk: ubnd.pk}
    SearchEntry.objects.update(agency=None)
    assert search_metadata_sync([saved.pk]) == 1
    assert _agencies() == {saved.pk: ubnd.pk, texted.pk: None}


def test_the_migration_fills_the_entries_written_before(receive, ubnd, monkeypatch):
    documents = [receive(subject=f"Công văn số {i}") for i in range(3)]
    SearchEntry.objects.update(agency=None)
    migration: Any = importlib.import_module("qlvb.documents.migrations.0015_searchentry_agency")
    monkeypatch.setattr(migration, "BATCH", 2)  # several batches
    editor = SimpleNamespace(connection=connection, execute=lambda sql: connection.cursor().execute(sql))
    migration.fill(None, editor)
    assert _agencies() == {d.pk: ubnd.pk for d in documents}


def _ids(actor, text: str) -> list[int]:
    page = search_page(actor, text=text)
    return [h.document.pk for h in page.hits]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the (agency, words) index is PostgreSQL's")
@pytest.mark.parametrize("text", ["giao thong nong thon", "dong tam", "ke hoach"])
def test_starting_from_the_agency_finds_what_the_walk_and_the_index_find(
    receive, route_to_huong, person, monkeypatch, text
):
    plan = receive(subject="Kế hoạch giao thông nông thôn năm 2026")
    search_text_set(plan.pk, body="Đường giao thông nông thôn thôn Đồng Tâm")
    routed = route_to_huong(receive(subject="Kế hoạch giao thông nông thôn xã Liên Minh"))
    search_text_set(routed.pk, body="Giao thông nông thôn Đồng Tâm, đợt 2")
    receive(subject="Thông báo lịch tiếp công dân")
    people = ["lethuha", "nguyenvanhung", "dothanhhuong", "ngothuytrang", "tytlienminh_buithiloan"]
    plain = {who: _ids(person(who), text) for who in people}  # few documents: the GIN index, then permission
    monkeypatch.setattr(search, "_pg_broad", lambda query: True)
    monkeypatch.setattr(search, "_pg_agency_first", lambda actor, query: ())
    walked = {who: _ids(person(who), text) for who in people}
    monkeypatch.undo()
    monkeypatch.setattr(search, "_pg_broad", lambda query: True)
    monkeypatch.setattr(search, "_pg_share", lambda query: 0.0)  # few matches in the agency: its index first
    calls: list[str] = []
    first = search._pg_agency_candidates

    def spy(*args: Any) -> list[int]:
        calls.append(args[0].username)
        return first(*args)

    monkeypatch.setattr(search, "_pg_agency_candidates", spy)
    by_agency = {who: _ids(person(who), text) for who in people}
    wide = {person(who).username for who in ("lethuha", "nguyenvanhung", "tytlienminh_buithiloan")}
    assert set(calls) == wide  # clerks and leaders; the officers walk what they may see
    assert by_agency == walked
    assert {who: set(ids) for who, ids in by_agency.items()} == {who: set(ids) for who, ids in plain.items()}
    if text != "ke hoach":
        assert set(by_agency["lethuha"]) == {plan.pk, routed.pk}
        assert by_agency["dothanhhuong"] == [routed.pk]
    assert by_agency["ngothuytrang"] == [] and by_agency["tytlienminh_buithiloan"] == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the (agency, words) index is PostgreSQL's")
def test_a_document_of_another_agency_the_clerk_may_see_is_still_found(receive, person, monkeypatch):
    """What a clerk sees outside his agencies (here a document of another agency assigned to him) comes from
    the walk beside the index: the same rule of permission, nothing lost; what he may not see stays unseen."""
    clerk = person("lethuha")
    mine = receive(subject="Kế hoạch khắc phục hậu quả thiên tai")
    assigned = receive(subject="Kế hoạch khắc phục thiên tai tại xã")
    hidden = receive(subject="Kế hoạch khắc phục thiên tai năm sau")
    other = person("tytlienminh_buithiloan").unit.agency_id
    for moved in (assigned, hidden):
        Document.objects.filter(pk=moved.pk).update(agency_id=other)
        SearchEntry.objects.filter(pk=moved.pk).update(agency_id=other)
    Assignment.objects.create(
        document=assigned,
        agency_id=other,
        role="lead",
        unit=clerk.unit,
        user=clerk,
        assigned_by=clerk,
        assigned_at=timezone.now(),
    )
    monkeypatch.setattr(search, "_pg_broad", lambda query: True)
    monkeypatch.setattr(search, "_pg_share", lambda query: 0.0)
    assert _ids(person("lethuha"), "khac phuc thien tai") == [assigned.pk, mine.pk]  # newest first
