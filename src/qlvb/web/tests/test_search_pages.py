"""The search pages: the box in every page's header, /tim-kiem/ with snippets and filters, the XLSX
export, saved searches — each for the person who may see the document and for one who may not."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from qlvb.directory.models import Unit
from qlvb.documents.models import Document
from qlvb.documents.saved_searches import SavedSearch
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


def test_every_page_has_the_search_box(page_as):
    body = page_as("lethuha").get("/").content.decode()
    assert 'data-qlvb="header-search"' in body and 'action="/tim-kiem/"' in body


def test_results_with_highlighted_snippet_and_link(decision, page_as):
    response = page_as("nguyenvanhung").get("/tim-kiem/", {"q": "duong giao thong dong tam"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<mark>Đồng</mark> <mark>Tâm</mark>" in body
    assert f'href="/van-ban-den/{decision.pk}/"' in body


def test_an_officer_of_another_department_sees_no_hit(decision, page_as):
    body = page_as("ngothuytrang").get("/tim-kiem/", {"q": "duong giao thong dong tam"}).content.decode()
    assert "Đồng" not in body and "Không tìm thấy" in body
    assert "phê duyệt" not in page_as("ngothuytrang").get("/tim-kiem/xuat-xlsx/", {"q": "phe duyet"}).content.decode(
        "latin-1"
    )


@pytest.mark.parametrize("q", ["", "a" * 10_000, "& | ! : * ( ) ' \"", "quyet'dinh"])
def test_odd_queries_answer_a_page(decision, page_as, q):
    response = page_as("lethuha").get("/tim-kiem/", {"q": q, "date_from": "31/02/2026", "urgency": "9", "page": "x"})
    assert response.status_code == 200


def test_export_lists_what_was_found(decision, page_as):
    response = page_as("lethuha").get("/tim-kiem/xuat-xlsx/", {"q": "ke hoach dau tu"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=5)]
    assert rows[0][2] == "123/QĐ-UBND" and rows[0][5] == decision.subject


def test_save_open_and_delete_a_search(decision, page_as, person):
    clerk = page_as("lethuha", csrf=False)
    response = clerk.post("/tim-kiem/luu/", {"name": "Đầu tư công", "q": "dau tu cong", "urgency": ""})
    saved = SavedSearch.objects.get(user=person("lethuha"))
    assert response.status_code == 302 and saved.params == "q=dau+tu+cong"
    page = clerk.get("/tim-kiem/").content.decode()
    assert "Đầu tư công" in page
    again = clerk.post("/tim-kiem/luu/", {"name": "Đầu tư công", "q": "x"}, follow=True).content.decode()
    assert "Bạn đã có một tìm kiếm tên" in again
    # nobody else may delete it
    other = page_as("ngothuytrang").post(f"/tim-kiem/da-luu/{saved.pk}/xoa/", follow=True)
    assert SavedSearch.objects.filter(pk=saved.pk).exists() and "Không tìm thấy" in other.content.decode()
    clerk.post(f"/tim-kiem/da-luu/{saved.pk}/xoa/")
    assert not SavedSearch.objects.filter(pk=saved.pk).exists()


def test_signed_out_is_sent_to_sign_in(client, db):
    assert client.get("/tim-kiem/", {"q": "x"}).status_code == 302
