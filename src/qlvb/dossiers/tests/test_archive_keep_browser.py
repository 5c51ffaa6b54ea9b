"""In Chromium: the head of the agency keeps a due dossier in its unit from the nộp lưu page (a date beyond
the 2 years is refused, one within is recorded and shown); after a disposal, the officer's document page says
which record destroyed the files. Screenshots in var/screenshots/dossiers/."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qlvb.conftest import assert_accessible
from qlvb.dossiers import services
from qlvb.dossiers.archive_models import DossierKeep
from qlvb.dossiers.tests import test_archive_disposal, test_archive_disposed_files
from qlvb.dossiers.tests.test_archive_browser import _shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
archived = test_archive_disposal.archived
dispose = test_archive_disposed_files.dispose


@pytest.fixture(autouse=True)
def files_dir(settings, tmp_path):
    settings.FILES_DIR = tmp_path / "files"


def test_the_head_keeps_a_due_dossier_from_the_transfer_page(browser_as, live_server, free_dossier, handled, person):
    huong = person("dothanhhuong")
    dossier = free_dossier(start_date=dt.date(2025, 1, 2))
    services.dossier_documents_add(actor=huong, dossier=dossier, document_ids=[handled().pk])
    services.dossier_close(actor=huong, dossier=dossier, end_date=dt.date(2025, 11, 30))  # due 30/11/2026

    page = browser_as("nguyenvanhung")
    page.goto(f"{live_server.url}/ho-so/nop-luu/")
    form = page.locator('[data-qlvb="keep"]')
    form.get_by_label("Giữ lại đến ngày").fill("01/12/2028")
    form.get_by_label("Lý do giữ lại").fill("Còn dùng cho đợt thanh tra năm 2027")
    form.locator('[data-qlvb="keep-ok"]').click()
    page.wait_for_load_state()
    assert "tối đa 2 năm" in page.content() and not DossierKeep.objects.exists()

    form = page.locator('[data-qlvb="keep"]')
    form.get_by_label("Giữ lại đến ngày").fill("30/06/2027")
    form.get_by_label("Lý do giữ lại").fill("Còn dùng cho đợt thanh tra năm 2027")
    form.locator('[data-qlvb="keep-ok"]').click()
    page.wait_for_load_state()
    kept = page.locator('[data-qlvb="kept"]')
    assert "Giữ lại đến 30/06/2027" in kept.inner_text()
    assert DossierKeep.objects.get().until == dt.date(2027, 6, 30)
    _shot(page, "transfer-keep")
    assert_accessible(page, "nộp lưu với hồ sơ giữ lại")


def test_the_document_page_says_which_record_destroyed_its_files(browser_as, live_server, archived, dispose):
    dossier = archived("01.VX", 5, dt.date(2015, 5, 1))
    document = dossier.items.get().document
    proposal = dispose(dossier)
    page = browser_as("dothanhhuong")
    page.goto(f"{live_server.url}/van-ban-den/{document.pk}/")
    notice = page.locator('[data-qlvb="document-disposed"]')
    today = timezone.localdate()
    assert f"Tài liệu đã bị hủy theo Biên bản hủy số {proposal.number} ngày {today:%d/%m/%Y}" in notice.inner_text()
    assert page.locator('[data-qlvb="file-disposed"]').count() == 1  # its file is marked destroyed
    _shot(page, "document-disposed")
    assert_accessible(page, "văn bản đã bị hủy")
