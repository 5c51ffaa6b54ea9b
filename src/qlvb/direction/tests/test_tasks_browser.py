"""A person can see it (issue 14): in the system's Chromium, the Chủ tịch gives phòng VHXH a task with a
deadline, the head of VHXH passes it to Đỗ Thanh Hương, she reports 50 % and then completes it, the Chủ tịch
accepts the result and the task is done. Screenshots (desktop and 375 px) go to var/screenshots/tasks/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from qlvb.direction.task_models import Task, TaskStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[4] / "var" / "screenshots" / "tasks"
TITLE = "Kiểm tra công tác bảo đảm vệ sinh an toàn thực phẩm Tết"


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"], "scrolls sideways"


def _open_task(page, base: str, box: str) -> None:
    page.goto(f"{base}/cong-viec/?box={box}")
    page.get_by_role("link", name=TITLE).click()
    page.wait_for_load_state("networkidle")


def test_a_task_from_the_chairman_to_an_officer_and_back(demo, browser_as, live_server, accessible):
    base = live_server.url
    due = timezone.localdate() + dt.timedelta(days=10)

    chairman = browser_as("nguyenvanhung")
    chairman.goto(f"{base}/")
    chairman.locator('[data-qlvb="nav-tasks"]').first.click()
    chairman.locator('[data-qlvb="task-create"]').click()
    chairman.get_by_label("Tên công việc").fill(TITLE)
    chairman.get_by_label("Nội dung").fill("Kiểm tra các cơ sở kinh doanh thực phẩm trên địa bàn xã trước Tết.")
    chairman.get_by_label("Chủ trì").select_option(label="Phòng: Phòng Văn hóa - Xã hội")
    chairman.get_by_label("Hạn hoàn thành").fill(due.strftime("%d/%m/%Y"))
    chairman.get_by_label("Mức độ ưu tiên").select_option(label="Cao")
    _shot(chairman, "01-chairman-gives-task")
    accessible(chairman, "the form giving a task")
    chairman.locator('[data-qlvb="confirm"]').click()
    chairman.wait_for_load_state("networkidle")
    assert chairman.locator("h1").inner_text() == TITLE
    assert due.strftime("%d/%m/%Y") in chairman.locator('[data-qlvb="task-due"]').inner_text()
    _shot(chairman, "02-task-page-given")

    head = browser_as("hoangvannam")
    _open_task(head, base, "unit")
    head.locator('[data-qlvb="assign"]').click()
    head.get_by_label("Chủ trì").select_option(label="Đỗ Thanh Hương")
    head.get_by_label("Ý kiến phân công").fill("Đồng chí Hương thực hiện, báo cáo trước hạn.")
    head.locator('[data-qlvb="confirm"]').click()
    head.wait_for_load_state("networkidle")
    assert "Đỗ Thanh Hương" in head.locator('[data-qlvb="assignments"]').inner_text()

    officer = browser_as("dothanhhuong")
    _open_task(officer, base, "mine")
    officer.locator('[data-qlvb="report"]').click()
    officer.get_by_label("Nội dung").fill("Đã kiểm tra 6/12 cơ sở.")
    officer.get_by_label("Tiến độ (%)").fill("50")
    officer.locator('[data-qlvb="confirm"]').click()
    officer.wait_for_load_state("networkidle")
    assert "50%" in officer.locator('[data-qlvb="assignments"]').inner_text()
    _shot(officer, "03-officer-reports-50")
    officer.locator('[data-qlvb="complete"]').click()
    officer.get_by_label("Kết quả xử lý").fill("Đã kiểm tra 12/12 cơ sở; 2 cơ sở được nhắc nhở.")
    officer.locator('[data-qlvb="confirm"]').click()
    officer.wait_for_load_state("networkidle")

    chairman.reload()
    assert "Chờ chấp nhận kết quả" in chairman.locator('[data-qlvb="assignments"]').inner_text()
    chairman.locator('[data-qlvb="accept"]').click()
    chairman.get_by_label("Ghi chú").fill("Kết quả tốt.")
    chairman.locator('[data-qlvb="confirm"]').click()
    chairman.wait_for_load_state("networkidle")
    assert chairman.locator('[data-qlvb="task-status"]').inner_text() == "Đã hoàn thành"
    _shot(chairman, "04-task-accepted")
    accessible(chairman, "the task page")
    assert Task.objects.get().status == TaskStatus.DONE

    chairman.goto(f"{base}/cong-viec/?box=assigned")
    _shot(chairman, "05-list-desktop")
    accessible(chairman, "the task list")
    phone = browser_as("dothanhhuong", phone=True)
    phone.goto(f"{base}/cong-viec/?box=mine&status=done")
    assert TITLE in phone.locator('[data-qlvb="tasks"]').inner_text()
    _fits(phone)
    _shot(phone, "06-list-375")
    _open_task(phone, base, "mine")
    _fits(phone)
    _shot(phone, "07-task-page-375")


def test_a_documents_directive_becomes_tasks_from_its_page(demo, browser_as, live_server):
    """The Chủ tịch opens a directed incoming document, presses "Giao nhiệm vụ theo văn bản", and its two
    directive lines become two tasks of phòng VHXH in one step."""
    from qlvb.directory.models import Unit, User
    from qlvb.documents.types_data import document_types_ensure
    from qlvb.incoming.services import Target, incoming_direct, incoming_receive
    from qlvb.incoming.tests.conftest import make_data

    document_types_ensure()
    ubnd = Unit.objects.get(short_name="UBND", kind="agency")
    vhxh = Unit.objects.get(short_name="VHXH", agency=ubnd)
    clerk = User.objects.get(username="ublienminh_lethuha")
    doc = incoming_receive(actor=clerk, agency=ubnd, channel="email", data=make_data()).document
    due = timezone.localdate() + dt.timedelta(days=12)
    incoming_direct(
        actor=User.objects.get(username="ublienminh_nguyenvanhung"),
        document=doc,
        directive="Tổ chức tiêm chủng tại 5 thôn\nBáo cáo kết quả về UBND xã",
        targets=[Target(role="lead", unit=vhxh, due_date=due)],
    )
    base = live_server.url
    chairman = browser_as("nguyenvanhung")
    chairman.goto(f"{base}/van-ban-den/{doc.pk}/")
    chairman.locator('[data-qlvb="tasks-from-document"]').click()
    chairman.wait_for_load_state("networkidle")
    assert (
        "Tổ chức tiêm chủng tại 5 thôn" in chairman.get_by_label("Các nhiệm vụ (mỗi dòng một nhiệm vụ)").input_value()
    )
    chairman.get_by_label("Chủ trì").select_option(label="Phòng: Phòng Văn hóa - Xã hội")
    chairman.get_by_label("Hạn hoàn thành").fill(due.strftime("%d/%m/%Y"))
    _shot(chairman, "08-tasks-from-document")
    chairman.locator('[data-qlvb="confirm"]').click()
    chairman.wait_for_load_state("networkidle")
    listed = chairman.locator('[data-qlvb="tasks"]').inner_text()
    assert "Tổ chức tiêm chủng tại 5 thôn" in listed and "Báo cáo kết quả về UBND xã" in listed
    _shot(chairman, "09-tasks-given-from-document")
    assert Task.objects.filter(source_document=doc).count() == 2
    phone = browser_as("nguyenvanhung", phone=True)
    phone.goto(f"{base}/van-ban-den/{doc.pk}/")
    _fits(phone)
    phone.locator('[data-qlvb="task-buttons"]').scroll_into_view_if_needed()
    _shot(phone, "10-document-page-375")
