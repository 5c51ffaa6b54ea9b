"""GET /api/v1/search, its export and the saved searches, for a person who may see the document and
for one who may not."""

from __future__ import annotations

import pytest

from qlvb.directory.models import Unit
from qlvb.documents.models import Document
from qlvb.documents.searchindex import search_text_set
from qlvb.incoming.receiving import incoming_receive
from qlvb.incoming.tests.conftest import make_data


@pytest.fixture
def decision(person) -> Document:
    ubnd = Unit.objects.get(short_name="UBND", kind="agency")
    data = make_data(subject="Quyết định phê duyệt kế hoạch đầu tư công", code_number="123", code_notation="QĐ-UBND")
    document = incoming_receive(actor=person("lethuha"), agency=ubnd, channel="email", data=data).document
    search_text_set(document.pk, body="Điều 1. Phê duyệt danh mục đường giao thông nông thôn Đồng Tâm.")
    return document


def test_search_finds_with_snippet_and_highlights(decision, api_as):
    response = api_as("lethuha").get("/api/v1/search", {"q": "giao thong dong tam"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    (hit,) = body["results"]
    assert hit["id"] == decision.pk and hit["from_body"]
    marked = [hit["snippet"][a:b] for a, b in hit["highlights"]]
    assert marked == ["giao", "thông", "Đồng", "Tâm"]


def test_an_outsider_finds_nothing(decision, api_as):
    for who in ("ngothuytrang", "tytlienminh_buithiloan"):
        body = api_as(who).get("/api/v1/search", {"q": "giao thong dong tam"}).json()
        assert body["count"] == 0 and body["results"] == []


@pytest.mark.parametrize("q", ["", "x" * 10_000, "& | ! : * ( ) ' \"", '"unclosed'])
def test_odd_queries_are_answered(decision, api_as, q):
    response = api_as("lethuha").get("/api/v1/search", {"q": q})
    assert response.status_code == 200
    assert response.json()["message"] or response.json()["results"] is not None


def test_bad_filters_are_refused_as_422(decision, api_as):
    assert api_as("lethuha").get("/api/v1/search", {"q": "x", "urgency": "9"}).status_code == 422
    assert api_as("lethuha").get("/api/v1/search", {"q": "x", "page": "0"}).status_code == 422


@pytest.mark.parametrize("q", ["phe duyet", "phe\x0eduyet\x1f"])
def test_export(decision, api_as, q):
    response = api_as("lethuha").get("/api/v1/search/export.xlsx", {"q": q})
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_saved_searches_are_personal(decision, api_as):
    clerk = api_as("lethuha")
    created = clerk.post(
        "/api/v1/search/saved", {"name": "QĐ", "params": {"q": "quyet dinh"}}, content_type="application/json"
    )
    assert created.status_code == 201
    saved_id = created.json()["id"]
    assert [s["name"] for s in clerk.get("/api/v1/search/saved").json()] == ["QĐ"]
    assert api_as("ngothuytrang").get("/api/v1/search/saved").json() == []
    assert api_as("ngothuytrang").delete(f"/api/v1/search/saved/{saved_id}").status_code == 404
    duplicate = clerk.post("/api/v1/search/saved", {"name": "QĐ", "params": {}}, content_type="application/json")
    assert duplicate.status_code == 409
    assert clerk.delete(f"/api/v1/search/saved/{saved_id}").status_code == 204


def test_signed_out_is_refused(client, db):
    assert client.get("/api/v1/search", {"q": "x"}).status_code in (401, 403)
