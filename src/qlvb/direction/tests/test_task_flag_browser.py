"""A person can see it: a "văn bản giao nhiệm vụ" on the incoming page (the box with its tasks), the list filter,
and the follow-up of a flagged issued outgoing document for every recipient at once, in Chromium at 1280 px and
375 px. Screenshots go to var/screenshots/tasks/."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone

from qlvb.direction.task_services import TaskInput, tasks_from_document
from qlvb.documents.deliveries import Delivery, Transport
from qlvb.documents.models import Document, DocumentType
from qlvb.incoming.services import Target, incoming_receive
from qlvb.incoming.tests.conftest import make_data
from qlvb.outgoing import services as outgoing_services

from .task_fixtures import dept, in_days

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[4] / "var" / "screenshots" / "tasks"


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_flagged_document_shows_its_tasks(demo, person, browser_as, live_server, accessible, settings, tmp_path):
    base = live_server.url
    ubnd = dept("VHXH").agency
    assert ubnd is not None
    doc = incoming_receive(
        actor=person("lethuha"), agency=ubnd, channel="email", data=make_data(), assigns_tasks=True
    ).document
    tasks_from_document(
        actor=person("nguyenvanhung"),
        document=doc,
        items=[
            TaskInput(title=t, due_date=in_days(9), targets=[Target(role="lead", unit=dept("VHXH"))])
            for t in ("Tổ chức tiêm chủng tại 5 thôn", "Báo cáo kết quả về UBND huyện")
        ],
    )
    for width, suffix in ((1280, "desktop"), (375, "phone")):
        page = browser_as("nguyenvanhung", phone=width == 375)
        page.goto(f"{base}/van-ban-den/{doc.pk}/")
        box = page.locator('[data-qlvb="task-document"]')
        assert "Tổ chức tiêm chủng tại 5 thôn" in box.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        _shot(page, f"20-flagged-incoming-{suffix}")
        if width == 1280:
            accessible(page, "a flagged incoming document")
            page.goto(f"{base}/van-ban-den/?box=all&assigns_tasks=on")
            assert page.locator('[data-qlvb="assigns-tasks"]').count() == 1
            _shot(page, "21-incoming-list-flagged-filter")

    settings.FILES_DIR = tmp_path / "files"
    from qlvb.directory.models import Unit

    draft = outgoing_services.outgoing_create(
        actor=person("dothanhhuong"),
        data=outgoing_services.DraftData(
            doc_type=DocumentType.objects.get(name="Công văn"),
            subject="Giao các đơn vị tổ chức tiêm chủng đợt 2",
            signer=person("nguyenvanhung"),
            recipients=[Unit.objects.get(short_name="TYT", kind="agency")],
            drafter_initials="ĐTH",
            assigns_tasks=True,
        ),
    )
    Document.objects.filter(pk=draft.document.pk).update(issued_date=in_days(0))
    now = timezone.now()
    for name in ("Trạm Y tế xã Liên Minh", "Trường Tiểu học Liên Minh"):
        Delivery.objects.create(
            document=draft.document, organ_name=name, transport=Transport.PAPER, status_at=now, created_at=now
        )
    page = browser_as("nguyenvanhung")
    page.goto(f"{base}/cong-viec/theo-doi-van-ban-di/{draft.document.pk}/")
    assert page.get_by_label("Trạm Y tế xã Liên Minh").is_checked()
    _shot(page, "22-follow-every-recipient")
    accessible(page, "following every recipient")
