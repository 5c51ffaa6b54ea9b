"""Issue 15, Điều 21.9 of the seed: the "Hỗ trợ" page gives the hotline and e-mail, a person files a
ticket (with a screenshot through the files intake and the page he came from), sees his own tickets and
the answers; the system administrator sees every ticket, answers and closes, and the person is
notified after commit. Bad input: an empty ticket, an over-limit file, another person's ticket, a
non-administrator answering."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from qlvb.assignments.models import Notification
from qlvb.core.models import AuditEntry
from qlvb.directory.models import User
from qlvb.operations.support_models import SupportTicket, TicketStatus

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def _file(client: Any, **extra: Any) -> Any:
    data = {"subject": "Không tải được tệp", "description": "Bấm Tiếp nhận thì báo lỗi.", "page": "/van-ban-den/"}
    data.update(extra)
    return client.post("/ho-tro/", data)


@override_settings(QLVB_SUPPORT_PHONE="0243 999 1234", QLVB_SUPPORT_EMAIL="hotro@xa.example.vn")
def test_the_page_shows_the_hotline_and_email_from_settings(page_as: Any) -> None:
    page = page_as("lethuha").get("/ho-tro/?tu=/van-ban-den/12/").content.decode()
    assert "0243 999 1234" in page
    assert "hotro@xa.example.vn" in page
    assert 'value="/van-ban-den/12/"' in page  # the page the person came from rides along


def test_a_person_files_a_ticket_with_a_screenshot_and_sees_the_answer(
    page_as: Any, person: Any, django_capture_on_commit_callbacks: Any, celery_eager: None
) -> None:
    ha = page_as("lethuha")
    shot = SimpleUploadedFile("man-hinh.png", _png(), content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        response = _file(ha, attachment=shot)
    assert response.status_code == 302
    ticket = SupportTicket.objects.get()
    assert ticket.author == person("lethuha")
    assert ticket.page == "/van-ban-den/"
    assert ticket.attachment is not None and ticket.attachment.blob.kind == "png"
    assert ticket.status == TicketStatus.OPEN
    admin = User.objects.get(username="admin")
    assert Notification.objects.filter(user=admin, text__contains="Không tải được tệp").exists()
    assert AuditEntry.objects.filter(action="operations.ticket_filed").exists()
    assert "Không tải được tệp" in ha.get("/ho-tro/").content.decode()
    assert ha.get(f"/ho-tro/{ticket.pk}/tep/").status_code == 200

    boss = page_as(admin)
    listing = boss.get("/ho-tro/?trang-thai=open").content.decode()
    assert "Không tải được tệp" in listing and "Lê Thu Hà" in listing
    assert boss.get(f"/ho-tro/{ticket.pk}/tep/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        answered = boss.post(f"/ho-tro/{ticket.pk}/tra-loi/", {"answer": "Tệp quá 50 MB: hãy chia nhỏ."})
    assert answered.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ANSWERED and ticket.answered_by == admin
    told = Notification.objects.filter(user=person("lethuha"), text__contains="đã được trả lời")
    assert told.count() == 1
    assert "Tệp quá 50 MB: hãy chia nhỏ." in ha.get(f"/ho-tro/{ticket.pk}/").content.decode()
    assert "Không tải được tệp" not in boss.get("/ho-tro/?trang-thai=open").content.decode()

    assert boss.post(f"/ho-tro/{ticket.pk}/dong/").status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED and ticket.closed_at is not None
    again = boss.post(f"/ho-tro/{ticket.pk}/tra-loi/", {"answer": "Thêm"}, follow=True)
    assert "Yêu cầu hỗ trợ này đã đóng." in again.content.decode()


def test_an_empty_ticket_is_refused(page_as: Any) -> None:
    ha = page_as("lethuha")
    page = _file(ha, subject="   ", description="")
    assert page.status_code == 200
    assert 'class="text-danger small"' in page.content.decode()
    assert not SupportTicket.objects.exists()


def test_an_empty_ticket_with_a_file_stores_no_file(page_as: Any, person: Any) -> None:
    from qlvb.files.models import StoredFile

    ha = page_as("lethuha")
    shot = SimpleUploadedFile("man-hinh.png", _png(), content_type="image/png")
    page = _file(ha, subject="  ", description="  ", attachment=shot)
    assert page.status_code == 200
    assert 'class="text-danger small"' in page.content.decode()  # the fields are marked required
    assert not SupportTicket.objects.exists()
    assert not StoredFile.objects.filter(uploaded_by=person("lethuha")).exists()


def test_a_60_mb_file_is_refused_and_no_ticket_is_filed(page_as: Any) -> None:
    ha = page_as("lethuha")
    big = SimpleUploadedFile("anh.png", _png() + b"\0" * (60 * 1024 * 1024), content_type="image/png")
    response = _file(ha, attachment=big)
    assert response.status_code == 413
    assert "50 MB" in response.content.decode()
    assert not SupportTicket.objects.exists()


def test_a_file_type_the_rules_refuse_is_shown_on_the_form(page_as: Any) -> None:
    ha = page_as("lethuha")
    exe = SimpleUploadedFile("cai-dat.exe", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/octet-stream")
    page = _file(ha, attachment=exe)
    assert page.status_code == 200
    assert "không được tiếp nhận" in page.content.decode()
    assert not SupportTicket.objects.exists()


def test_another_persons_ticket_is_not_found(page_as: Any) -> None:
    _file(page_as("lethuha"))
    ticket = SupportTicket.objects.get()
    other = page_as("dothanhhuong")
    assert other.get(f"/ho-tro/{ticket.pk}/").status_code == 404
    assert other.get(f"/ho-tro/{ticket.pk}/tep/").status_code == 404
    assert "Không tải được tệp" not in other.get("/ho-tro/").content.decode()


def test_only_the_system_administrator_answers_and_closes(page_as: Any) -> None:
    ha = page_as("lethuha")
    _file(ha)
    ticket = SupportTicket.objects.get()
    assert ha.post(f"/ho-tro/{ticket.pk}/tra-loi/", {"answer": "Tự trả lời"}).status_code == 403  # his own
    assert ha.post(f"/ho-tro/{ticket.pk}/dong/").status_code == 403
    lan = page_as("tranthilan")  # an agency administrator, not the system's
    assert lan.post(f"/ho-tro/{ticket.pk}/tra-loi/", {"answer": "x"}).status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN and ticket.answer == ""


def test_the_page_it_came_from_is_kept_only_as_a_path_of_this_site(page_as: Any) -> None:
    _file(page_as("lethuha"), page="https://evil.example/phish")
    assert SupportTicket.objects.get().page == ""


def test_the_footer_links_to_support(page_as: Any) -> None:
    assert 'data-qlvb="support-link"' in page_as("lethuha").get("/").content.decode()


def test_the_service_refuses_a_blank_ticket_the_form_would_not_catch(person: Any) -> None:
    from qlvb.core.errors import ValidationFailed
    from qlvb.operations.support import ticket_file

    with pytest.raises(ValidationFailed, match="Cần nhập tiêu đề và mô tả"):
        ticket_file(actor=person("lethuha"), subject="  ", description="Lỗi")
    assert not SupportTicket.objects.exists()
