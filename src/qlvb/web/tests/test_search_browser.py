"""A leader types accent-free words into the header's search box and finds the document first, the
words highlighted; at 375 px the results page fits and passes axe-core; an officer of another
department finds nothing. Screenshots in var/screenshots/search-*.png."""

from __future__ import annotations

import pytest

from qlvb.conftest import assert_accessible
from qlvb.directory.models import Unit
from qlvb.documents.searchindex import search_text_set
from qlvb.incoming.receiving import incoming_receive
from qlvb.incoming.tests.conftest import make_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def decision(demo, person):
    ubnd = Unit.objects.get(short_name="UBND", kind="agency")
    data = make_data(subject="Quyết định phê duyệt kế hoạch đầu tư công", code_number="123", code_notation="QĐ-UBND")
    document = incoming_receive(actor=person("lethuha"), agency=ubnd, channel="email", data=data).document
    search_text_set(document.pk, body="Điều 1. Phê duyệt danh mục đường giao thông nông thôn Đồng Tâm năm 2026.")
    return document


def test_leader_finds_it_from_the_header_and_the_page_works_at_375_px(decision, browser_as, shot):
    page = browser_as("ublienminh_nguyenvanhung")
    page.fill("#qlvb-header-q", "giao thong dong tam")
    page.press("#qlvb-header-q", "Enter")
    page.wait_for_url("**/tim-kiem/?q=*")
    first = page.locator("[data-qlvb=search-hit]").first
    assert "Quyết định phê duyệt" in first.inner_text()
    assert page.locator("[data-qlvb=search-snippet] mark").all_inner_texts() == ["giao", "thông", "Đồng", "Tâm"]
    assert_accessible(page, "search results, desktop")
    shot(page, "search-desktop")

    phone = browser_as("ublienminh_nguyenvanhung", phone=True)
    phone.goto(page.url)
    assert phone.locator("[data-qlvb=search-hit]").count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(phone, "search results, 375 px")
    shot(phone, "search-phone")


def test_an_officer_of_another_department_finds_nothing(decision, browser_as, live_server):
    page = browser_as("ublienminh_ngothuytrang")
    page.goto(f"{live_server.url}/tim-kiem/?q=giao+thong+dong+tam")
    assert page.locator("[data-qlvb=search-hit]").count() == 0
    assert "Không tìm thấy" in page.locator("[data-qlvb=search-message]").inner_text()
