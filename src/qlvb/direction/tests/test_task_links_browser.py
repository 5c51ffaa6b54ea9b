"""In Chromium: the Chủ tịch finds a document in the task form's picker by typing part of its subject (HTMX),
ticks it and gives the task; later he changes the links on the task's "Sửa văn bản, hồ sơ liên quan" page.
axe-core on both pages; screenshots in var/screenshots/tasks/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from qlvb.conftest import assert_accessible
from qlvb.direction.task_models import Task
from qlvb.documents.models import Document, DocumentType

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[4] / "var" / "screenshots" / "tasks"


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_the_chairman_picks_a_document_for_a_task_and_changes_it_later(demo, browser_as, live_server, page_as):
    form = {
        "channel": "paper",
        "code_number": "45",
        "code_notation": "KH-UBND",
        "issued_date": "2026-03-01",
        "organ_name": "UBND huyện Mê Linh",
        "subject": "Kế hoạch triển khai phong trào toàn dân đoàn kết",
        "urgency": "0",
        "secrecy": "",
        "language": "Tiếng Việt",
        "doc_type": DocumentType.objects.get(name="Kế hoạch").pk,
    }
    assert page_as("lethuha").post(reverse("incoming:receive"), form).status_code == 302
    doc = Document.objects.get(subject=form["subject"])
    base = live_server.url
    due = timezone.localdate() + dt.timedelta(days=10)
    chairman = browser_as("nguyenvanhung")
    chairman.goto(f"{base}/cong-viec/giao/")
    chairman.get_by_label("Tên công việc").fill("Triển khai kế hoạch phong trào")
    chairman.get_by_label("Chủ trì").select_option(label="Phòng: Phòng Văn hóa - Xã hội")
    chairman.get_by_label("Hạn hoàn thành").fill(due.strftime("%d/%m/%Y"))
    chairman.get_by_label("Tìm văn bản, hồ sơ theo số, ký hiệu, trích yếu").fill("trien khai phong trao")
    found = chairman.locator(f'[data-qlvb="link-results"] [data-qlvb="link-document-{doc.pk}"]')
    found.wait_for()
    found.get_by_role("checkbox").check()
    listed = chairman.locator('[data-qlvb="link-results"]').inner_text()
    assert "45/KH-UBND" in listed or "KH-UBND" in listed
    assert_accessible(chairman, "the task form with the picker's results")
    _shot(chairman, "30-picker-results")
    chairman.locator('[data-qlvb="confirm"]').click()
    chairman.wait_for_load_state("networkidle")
    task = Task.objects.get()
    assert list(task.documents.values_list("pk", flat=True)) == [doc.pk]
    assert "Kế hoạch triển khai phong trào" in chairman.locator('[data-qlvb="task-documents"]').inner_text()
    chairman.locator('[data-qlvb="task-links"]').click()
    chairman.wait_for_load_state("networkidle")
    chosen = chairman.locator(f'[data-qlvb="link-chosen"] [data-qlvb="link-document-{doc.pk}"]').get_by_role("checkbox")
    assert chosen.is_checked()
    assert_accessible(chairman, "the links page")
    _shot(chairman, "31-links-page")
    chosen.uncheck()
    chairman.locator('[data-qlvb="links-save"]').click()
    chairman.wait_for_load_state("networkidle")
    assert not task.documents.exists()
    assert "Sửa văn bản, hồ sơ liên quan" in chairman.locator("main").inner_text()
