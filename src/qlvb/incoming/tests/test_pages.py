"""The pages: each role sees its inbox and the actions it may take; outsiders get 404 on every route."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qlvb.documents.models import Document, DocumentStatus, DocumentType
from qlvb.incoming.services import IncomingFile, Target, assignment_assign, incoming_direct, incoming_receive

from .conftest import make_data
from .test_attachments import pdf_bytes, take_in


@pytest.fixture
def files_dir(settings, tmp_path):
    settings.FILES_DIR = tmp_path / "files"


@pytest.fixture
def assigned(person, ubnd, dept, files_dir):
    ha = person("lethuha")
    stored = take_in(ha, "cong-van.pdf", pdf_bytes(2))
    doc = incoming_receive(
        actor=ha, agency=ubnd, channel="paper", data=make_data(), files=[IncomingFile(stored)]
    ).document
    (lead,) = incoming_direct(
        actor=person("nguyenvanhung"),
        document=doc,
        directive="VHXH chủ trì",
        targets=[Target(role="lead", unit=dept("VHXH"))],
    )
    (mine,) = assignment_assign(
        actor=person("hoangvannam"), assignment=lead, targets=[Target(role="lead", user=person("dothanhhuong"))]
    )
    return doc, lead, mine


def test_clerk_registers_through_the_form_with_a_scanned_pdf(person, files_dir, page_as):
    client = page_as("lethuha")
    page = client.get(reverse("incoming:receive"))
    assert page.status_code == 200 and "Trích yếu" in page.content.decode()
    qd = DocumentType.objects.get(name="Quyết định")
    form = {
        "channel": "paper",
        "doc_type": qd.pk,
        "code_number": "12",
        "code_notation": "QĐ-UBND",
        "issued_date": "2026-03-01",
        "organ_name": "UBND huyện Mê Linh",
        "subject": "Quyết định giao chỉ tiêu",
        "urgency": "1",
        "secrecy": "",
        "language": "Tiếng Việt",
    }
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("quyet-dinh.pdf", pdf_bytes(4), content_type="application/pdf")
    response = client.post(reverse("incoming:receive"), {**form, "main_file": upload})
    doc = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("incoming:detail", args=[doc.pk])
    assert doc.arrival_number == 1 and doc.page_amount == 4 and doc.urgency == 1
    detail = client.get(response["Location"]).content.decode()
    assert "quyet-dinh.pdf" in detail and "Trình lãnh đạo" in detail and "Vào sổ văn bản đến" in detail

    # The same again: a duplicate warning showing the earlier document, then confirmation.
    again = client.post(reverse("incoming:receive"), form).content.decode()
    assert "Văn bản đã có trong sổ" in again and Document.objects.count() == 1
    confirmed = client.post(reverse("incoming:receive"), {**form, "confirm_duplicate": "True"})
    assert confirmed.status_code == 302 and Document.objects.count() == 2


def test_secret_document_is_refused_on_the_form(person, page_as):
    client = page_as("lethuha")
    qd = DocumentType.objects.get(name="Quyết định")
    response = client.post(
        reverse("incoming:receive"),
        {
            "channel": "paper",
            "doc_type": qd.pk,
            "organ_name": "Công an huyện",
            "subject": "Kế hoạch bảo vệ",
            "urgency": "0",
            "secrecy": "toi_mat",
            "language": "Tiếng Việt",
        },
        follow=True,
    )
    assert "không tiếp nhận" in response.content.decode()
    assert not Document.objects.exists()


def test_inboxes_show_counts_and_search(person, receive, page_as):
    receive(subject="Quyết định thành lập Ban chỉ đạo", organ_name="UBND huyện", code_notation="QĐ-UBND")
    receive(code_number="2", subject="Báo cáo tình hình", organ_name="Trạm Y tế")
    client = page_as("lethuha")
    html = client.get(reverse("incoming:list")).content.decode()
    assert "Chờ vào sổ" in html and "Đã vào sổ hôm nay" in html and "Bị trả lại" in html
    found = client.get(reverse("incoming:list"), {"box": "all", "q": "quyet dinh ubnd"}).content.decode()
    assert "Quyết định thành lập" in found and "Báo cáo tình hình" not in found


def test_each_role_sees_only_its_actions(client, person, assigned, page_as):
    doc, lead, mine = assigned
    url = reverse("incoming:detail", args=[doc.pk])
    nam = page_as("hoangvannam").get(url).content.decode()
    assert reverse("incoming:direct", args=[doc.pk]) not in nam
    assert reverse("incoming:assign", args=[lead.pk]) not in nam
    huong = page_as("dothanhhuong").get(url).content.decode()
    assert reverse("incoming:complete", args=[mine.pk]) in huong
    assert reverse("incoming:complete", args=[lead.pk]) not in huong


def test_officer_completes_through_the_page(person, assigned, page_as):
    doc, _lead, mine = assigned
    client = page_as("dothanhhuong")
    assert client.get(reverse("incoming:list"), {"box": "to_handle"}).content.decode().count(doc.subject) == 1
    response = client.post(reverse("incoming:complete", args=[mine.pk]), {"result": "Đã hoàn thành kế hoạch"})
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.IN_PROGRESS  # the chairman accepts the lead's result first


@pytest.mark.parametrize("name", ["ngothuytrang", "vuquanghuy", "tytlienminh_buithiloan", "tytlienminh_dangvantoan"])
def test_outsiders_get_404_on_every_route(person, assigned, name, page_as):
    doc, lead, mine = assigned
    client = page_as(name)
    attachment = doc.attachments.get()
    urls = [reverse("incoming:detail", args=[doc.pk]), reverse("incoming:attachment", args=[doc.pk, attachment.pk])]
    urls += [
        reverse(f"incoming:{n}", args=[doc.pk])
        for n in ("register", "submit", "return", "direct", "handle_self", "route")
    ]
    urls += [
        reverse(f"incoming:{n}", args=[a.pk])
        for a in (lead, mine)
        for n in ("assign", "assignment_return", "report", "complete", "extend", "remind")
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"reason": "x", "result": "x"}).status_code == 404, url
    listing = client.get(reverse("incoming:list"), {"box": "all"}).content.decode()
    assert doc.subject not in listing
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.IN_PROGRESS


def test_insiders_download_the_pdf_never_inline(client, person, assigned, page_as):
    """Issue 9: a stored PDF may carry JavaScript; it is a download, in a sandbox, never inline."""
    doc, _lead, _mine = assigned
    attachment = doc.attachments.get()
    for name in ("lethuha", "nguyenvanhung", "hoangvannam", "dothanhhuong"):
        response = page_as(name).get(reverse("incoming:attachment", args=[doc.pk, attachment.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment; filename=")
        assert response["Content-Security-Policy"].startswith("sandbox")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_unread_notifications_on_the_navigation(client, person, assigned, page_as):
    from django.utils import timezone

    from qlvb.assignments.models import Notification

    huong = person("dothanhhuong")
    Notification.objects.create(
        user=huong, kind="assigned", text="Văn bản mới", document=assigned[0], created_at=timezone.now()
    )
    html = page_as("dothanhhuong").get(reverse("incoming:list")).content.decode()
    assert 'data-qlvb="unread">1<' in html
    client.post(reverse("notifications:read"))
    assert 'data-qlvb="unread"' not in client.get(reverse("incoming:list")).content.decode()
