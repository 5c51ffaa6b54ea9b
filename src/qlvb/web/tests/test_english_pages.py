"""The incoming, outgoing and signing pages read in English after the language switch."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def clerk_en(page_as) -> Client:
    client = page_as("lethuha")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="en"' in html
    return html


def test_incoming_inbox_in_english(clerk_en):
    html = page(clerk_en, "/van-ban-den/")
    for english in (
        "Incoming documents",
        "Receive document",
        "Print register",
        "Follow-up register",
        "More filters",
        "Search by subject, number/notation, issuing organ",
        "Any status",
        "Any urgency",
        "To register",  # the clerk's inbox tabs
        "Registered today",
        "All incoming documents",
    ):
        assert english in html, english
    for vietnamese in (
        "Tiếp nhận văn bản",
        "In sổ đăng ký",
        "Lọc thêm",
        "Mọi trạng thái",
        "Mọi độ khẩn",
        "Chờ vào sổ",
        "Đã vào sổ hôm nay",
    ):
        assert vietnamese not in html, vietnamese


def test_receive_form_in_english(clerk_en):
    html = page(clerk_en, "/van-ban-den/tiep-nhan/")
    for english in (
        "Receive and register an incoming document",
        "Receiving channel",
        "Issuing organ",
        "Subject",
        "Urgency",
        "Document file (electronic PDF or scan)",
    ):
        assert english in html, english
    for vietnamese in ("Kênh tiếp nhận", "Cơ quan ban hành", "Trích yếu nội dung", "Độ khẩn"):
        assert vietnamese not in html, vietnamese


def test_outgoing_list_in_english(clerk_en):
    html = page(clerk_en, "/van-ban-di/")
    for english in ("Outgoing documents", "New document", "Register", "Clerk: to check, number and issue"):
        assert english in html, english
    for vietnamese in ("Văn bản đi", "Soạn văn bản", "Sổ đăng ký", "Văn thư: chờ kiểm tra"):
        assert vietnamese not in html, vietnamese


def test_signature_verification_page_in_english(clerk_en):
    html = page(clerk_en, "/ky-so/kiem-tra/")
    for english in (
        "Verify digital signatures",
        "PDF file to check",
        "My signature",
        "The file is saved with the result so you can look at it later.",
    ):
        assert english in html, english
    for vietnamese in ("Kiểm tra chữ ký số", "Tệp PDF cần kiểm tra", "Chữ ký của tôi"):
        assert vietnamese not in html, vietnamese


def test_vietnamese_stays_the_default(demo, page_as):
    client = page_as("lethuha")
    html = client.get("/van-ban-den/").content.decode()
    assert "Tiếp nhận văn bản" in html and "Receive document" not in html


def test_dates_are_read_dd_mm_yyyy_in_english(clerk_en):
    """Django's English formats would read "01/12/2026" as 12 January and refuse "15/11/2026": a clerk who
    chose English typed the dates as every page shows them and got "Enter a valid date" (first-user run)."""
    import datetime as dt

    from django import forms as django_forms
    from django.utils import translation

    from qlvb.incoming.forms import ReceiveForm

    with translation.override("en"):
        form = ReceiveForm()
        assert form.fields["issued_date"].clean("15/11/2026") == dt.date(2026, 11, 15)
        assert form.fields["due_date"].clean("01/12/2026") == dt.date(2026, 12, 1)  # 1 December, not 12 January
        assert django_forms.DateField().clean("2026-12-01") == dt.date(2026, 12, 1)  # ISO still read
        moment = django_forms.DateTimeField().clean("01/12/2026 08:30")
        assert (moment.day, moment.month, moment.hour) == (1, 12, 8)
    html = page(clerk_en, "/van-ban-den/tiep-nhan/")
    assert 'placeholder="dd/mm/yyyy"' in html  # what the page asks for is what it reads


def test_a_documents_history_reads_in_english(clerk_en, person):
    """The history's actions are labels the apps declare in Vietnamese (``events_declare``): shown in the
    page's language. Recorded texts stay as recorded."""
    from qlvb.directory.selectors import agency_of
    from qlvb.incoming.receiving import incoming_receive
    from qlvb.incoming.tests.conftest import make_data

    clerk = person("lethuha")
    data = make_data()
    data.signer_name = data.signer_position = ""  # no signer printed on the document: the row says "—"
    agency = agency_of(clerk)
    assert agency is not None
    doc = incoming_receive(actor=clerk, agency=agency, channel="paper", data=data).document
    html = page(clerk_en, f"/van-ban-den/{doc.pk}/")
    assert "Register incoming document" in html  # the action "registered"
    assert "Vào sổ văn bản đến" not in html
    assert '<dd class="col-7">—</dd>' in html
