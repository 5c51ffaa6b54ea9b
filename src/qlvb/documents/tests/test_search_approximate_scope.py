"""The approximate search (a slip of the keyboard, ``documents/fuzzy.py``) reads only from what the person may
see within the filters, as the exact search does: it never shows or suggests a document outside them, and when
the filters alone leave nothing there is nothing to correct. On PostgreSQL every path the exact search may take
(the GIN index, the walk of the visible documents, the agency's (agency, words) index) gives it the same
answers. Run this module on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection

from qlvb.documents import search
from qlvb.documents.models import DocumentType
from qlvb.documents.search import SearchFilters, search_page
from qlvb.documents.searchindex import search_text_set

NEW_YEAR = dt.date(2026, 1, 1)


@pytest.fixture
def plan(receive):
    return receive(
        subject="Quyết định phê duyệt kế hoạch chuyển đổi số năm 2026",
        organ_name="UBND huyện Bến Lức",
        signer_name="Nguyễn Văn An",
        code_number="15",
        code_notation="QĐ-UBND",
        issued_date=dt.date(2026, 3, 2),
    )


@pytest.fixture
def report(receive):
    """The same organ as the plan, another type, the year before."""
    return receive(
        subject="Báo cáo tình hình kinh tế xã hội năm 2025",
        organ_name="UBND huyện Bến Lức",
        signer_name="Phạm Văn Bình",
        code_number="7",
        code_notation="BC-UBND",
        issued_date=dt.date(2025, 6, 1),
        doc_type=DocumentType.objects.get(name="Báo cáo"),
    )


def _search(actor, text: str, **filters: Any) -> search.SearchResult:
    return search_page(actor, text=text, filters=SearchFilters(**filters))


def _documents(result: search.SearchResult) -> set[int]:
    return {h.document.pk for h in result.hits}


def test_approximate_hits_stay_within_the_filters(plan, report, person):
    clerk = person("lethuha")
    unfiltered = _search(clerk, "Bến Lứ")
    assert unfiltered.approximate and _documents(unfiltered) == {plan.pk, report.pk}
    this_year = _search(clerk, "Bến Lứ", date_from=NEW_YEAR)
    assert this_year.approximate and _documents(this_year) == {plan.pk} and this_year.suggestion == "Bến Lức"
    assert _documents(_search(clerk, "Bến Lứ", date_to=NEW_YEAR - dt.timedelta(days=1))) == {report.pk}
    assert _documents(_search(clerk, "ben lứ", doc_type=report.doc_type_id)) == {report.pk}
    # only the report holds "báo cáo tình hình", and it is outside the filter: nothing, and no suggestion
    outside = _search(clerk, "bao cao tinh hinb", date_from=NEW_YEAR)
    assert not outside.approximate and outside.hits == [] and outside.suggestion == ""
    inside = _search(clerk, "bao cao tinh hinb")
    assert inside.approximate and _documents(inside) == {report.pk} and inside.suggestion == "bao cao tinh hình"


def test_nothing_is_corrected_when_the_filters_alone_leave_nothing(plan, report, person):
    result = _search(person("lethuha"), "Bến Lứ", date_from=dt.date(2027, 1, 1))
    assert not result.approximate and result.hits == [] and result.suggestion == ""
    assert result.message == "Không tìm thấy văn bản nào phù hợp."


def test_a_word_of_the_files_text_outside_the_filters_is_never_suggested(plan, report, person):
    search_text_set(plan.pk, body="Kế hoạch phòng, chống thiên tai và tìm kiếm cứu nạn năm 2026")
    search_text_set(report.pk, body="Tình hình kinh tế xã hội năm 2025 của huyện")
    clerk = person("lethuha")
    found = _search(clerk, "chong thien taj")
    assert found.approximate and _documents(found) == {plan.pk} and found.suggestion == "chong thien tai"
    outside = _search(clerk, "chong thien taj", date_to=NEW_YEAR - dt.timedelta(days=1))
    assert outside.hits == [] and outside.suggestion == ""


def test_an_officer_gets_approximate_hits_only_from_what_he_may_see(plan, report, route_to_huong, person):
    route_to_huong(report)
    officer = person("dothanhhuong")  # given the report, not the plan
    mine = _search(officer, "Bến Lứ")
    assert mine.approximate and _documents(mine) == {report.pk}
    # only the plan holds "phê duyệt kế hoạch": nothing for him, not even a suggestion
    theirs = _search(officer, "phe duyet ke hoahc")
    assert theirs.hits == [] and theirs.suggestion == ""
    assert _documents(_search(person("lethuha"), "phe duyet ke hoahc")) == {plan.pk}


QUERIES = [
    ("Bến Lứ", {}),
    ("Bến Lứ", {"date_from": NEW_YEAR}),
    ("bao cao tinh hinb", {}),
    ("phe duyet ke hoahc", {}),
    ("chong thien taj", {}),
    ("chong thien taj", {"date_to": NEW_YEAR - dt.timedelta(days=1)}),
    ("Bến Lứ", {"date_from": dt.date(2027, 1, 1)}),
]
PEOPLE = ["lethuha", "nguyenvanhung", "dothanhhuong", "ngothuytrang"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the paths of the exact search at scale are PostgreSQL's")
@pytest.mark.parametrize("path", ["walk", "agency"])
def test_every_path_of_the_exact_search_gives_the_same_approximate_answers(
    plan, report, route_to_huong, person, monkeypatch, path
):
    route_to_huong(report)
    search_text_set(plan.pk, body="Kế hoạch phòng, chống thiên tai và tìm kiếm cứu nạn năm 2026")

    def answers() -> dict[tuple[str, str, str], tuple[set[int], str]]:
        out = {}
        for who in PEOPLE:
            for text, filters in QUERIES:
                result = _search(person(who), text, **filters)
                out[(who, text, str(filters))] = (_documents(result), result.suggestion)
        return out

    by_index = answers()  # a few documents: every word selective, from the GIN index
    assert by_index[("lethuha", "Bến Lứ", "{}")] == ({plan.pk, report.pk}, "Bến Lức")
    assert by_index[("dothanhhuong", "Bến Lứ", "{}")] == ({report.pk}, "Bến Lức")
    monkeypatch.setattr(search, "_pg_broad", lambda query: True)
    calls: list[str] = []
    if path == "walk":
        monkeypatch.setattr(search, "_pg_agency_first", lambda actor, query: ())
    else:
        monkeypatch.setattr(search, "_pg_share", lambda query: 0.0)  # few matches in the agency: its index first
        first = search._pg_agency_candidates

        def spy(*args: Any) -> list[int]:
            calls.append(args[0].username)
            return first(*args)

        monkeypatch.setattr(search, "_pg_agency_candidates", spy)
    assert answers() == by_index
    if path == "agency":
        wide = {person("lethuha").username, person("nguyenvanhung").username}  # the clerk and the leader
        assert wide <= set(calls) and person("dothanhhuong").username not in calls
