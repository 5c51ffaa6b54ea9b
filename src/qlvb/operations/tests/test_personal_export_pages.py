"""Issue 15, Điều 22.1.d: the "Dữ liệu cá nhân" pages. The person asks from the page, the head of his unit
sees the request waiting and approves (or refuses with a reason); the person downloads the ZIP from the page;
another person gets 404; downloading before approval or after the 7 days shows a clear message (409/410)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from qlvb.operations.personal_export_models import ExportState, PersonalExport

from .personal_export_data import handled_document, open_zip

pytestmark = pytest.mark.django_db


@pytest.fixture
def stores(settings: Any, tmp_path: Path) -> Path:
    settings.FILES_DIR = tmp_path / "files"
    settings.QLVB_PERSONAL_EXPORTS_DIR = str(tmp_path / "exports")
    return tmp_path


def test_ask_approve_and_download_from_the_pages(
    stores: Path, page_as: Any, person: Any, celery_eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    handled = handled_document(person)
    huong, nam = page_as("dothanhhuong"), page_as("hoangvannam")
    assert 'data-qlvb="export-request"' in huong.get("/du-lieu-ca-nhan/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        asked = huong.post("/du-lieu-ca-nhan/", {"note": "Chuyển công tác"})
    assert asked.status_code == 302
    export = PersonalExport.objects.get()
    home = huong.get("/du-lieu-ca-nhan/").content.decode()
    assert "Chờ duyệt" in home and 'data-qlvb="export-request-refusal"' in home  # no second request
    again = huong.post("/du-lieu-ca-nhan/", {"note": "lần hai"}, follow=True).content.decode()
    assert "đang chờ duyệt" in again and PersonalExport.objects.count() == 1
    early = huong.get(f"/du-lieu-ca-nhan/{export.pk}/tai/")
    assert early.status_code == 409 and "chưa được duyệt" in early.content.decode()

    waiting = nam.get("/du-lieu-ca-nhan/").content.decode()
    assert 'data-qlvb="export-waiting"' in waiting and "Đỗ Thanh Hương" in waiting
    detail = nam.get(f"/du-lieu-ca-nhan/{export.pk}/").content.decode()
    assert 'data-qlvb="export-approve"' in detail and 'data-qlvb="export-download"' not in detail
    assert 'data-qlvb="export-approve"' not in huong.get(f"/du-lieu-ca-nhan/{export.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert nam.post(f"/du-lieu-ca-nhan/{export.pk}/duyet/").status_code == 302
    export.refresh_from_db()
    assert export.state == ExportState.READY

    assert 'data-qlvb="export-download"' in huong.get(f"/du-lieu-ca-nhan/{export.pk}/").content.decode()
    response = huong.get(f"/du-lieu-ca-nhan/{export.pk}/tai/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    content = b"".join(response.streaming_content)
    opened = open_zip(content)
    assert [d["id"] for d in opened.data["sections"]["van_ban_den"]] == [handled.document.pk]
    assert nam.get(f"/du-lieu-ca-nhan/{export.pk}/tai/").status_code == 404  # the head cannot download it

    PersonalExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    late = huong.get(f"/du-lieu-ca-nhan/{export.pk}/tai/")
    assert late.status_code == 410 and "đã hết hạn" in late.content.decode()


def test_the_head_refuses_with_a_reason_from_the_page(
    stores: Path, page_as: Any, person: Any, celery_eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    huong, nam = page_as("dothanhhuong"), page_as("hoangvannam")
    huong.post("/du-lieu-ca-nhan/", {})
    export = PersonalExport.objects.get()
    empty = nam.post(f"/du-lieu-ca-nhan/{export.pk}/tu-choi/", {"reason": " "}, follow=True).content.decode()
    assert "Cần nhập lý do từ chối" in empty
    with django_capture_on_commit_callbacks(execute=True):
        nam.post(f"/du-lieu-ca-nhan/{export.pk}/tu-choi/", {"reason": "Chưa đủ căn cứ"})
    page = huong.get(f"/du-lieu-ca-nhan/{export.pk}/").content.decode()
    assert "Bị từ chối" in page and "Chưa đủ căn cứ" in page


def test_another_persons_export_is_not_found_and_other_heads_are_refused(stores: Path, page_as: Any) -> None:
    page_as("dothanhhuong").post("/du-lieu-ca-nhan/", {})
    export = PersonalExport.objects.get()
    other = page_as("tranthilan2")
    assert other.get(f"/du-lieu-ca-nhan/{export.pk}/").status_code == 404
    assert other.get(f"/du-lieu-ca-nhan/{export.pk}/tai/").status_code == 404
    huy = page_as("vuquanghuy")  # the head of another department
    assert huy.post(f"/du-lieu-ca-nhan/{export.pk}/duyet/").status_code == 404
    assert page_as("dothanhhuong").post(f"/du-lieu-ca-nhan/{export.pk}/duyet/").status_code == 403
    export.refresh_from_db()
    assert export.state == ExportState.PENDING
