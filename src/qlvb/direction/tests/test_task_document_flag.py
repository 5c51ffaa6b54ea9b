"""The "văn bản giao nhiệm vụ" flag (NĐ 30 Điều 14.3.b): the clerk sets it when registering or correcting an
incoming document, the leader when he directs it, the drafter on an outgoing draft. A flagged incoming document
shows "Giao nhiệm vụ theo văn bản" prominently with its tasks; the incoming list filters such documents; a
flagged issued outgoing document follows the work given to every recipient at once, one task each."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from qlvb.core.errors import ValidationFailed
from qlvb.direction.task_models import Task
from qlvb.direction.task_services import tasks_follow_recipients
from qlvb.documents.deliveries import Delivery, Transport
from qlvb.documents.models import Document, DocumentType
from qlvb.outgoing import services as outgoing_services

from .task_fixtures import dept, in_days

pytestmark = pytest.mark.django_db

FORM = {
    "channel": "paper",
    "code_number": "45",
    "code_notation": "KH-UBND",
    "issued_date": "2026-03-01",
    "organ_name": "UBND huyện Mê Linh",
    "subject": "Kế hoạch triển khai phong trào toàn dân đoàn kết",
    "urgency": "0",
    "secrecy": "",
    "language": "Tiếng Việt",
}


def _registered(page_as, **more):
    form = {**FORM, "doc_type": DocumentType.objects.get(name="Kế hoạch").pk, **more}
    response = page_as("lethuha").post(reverse("incoming:receive"), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Document.objects.get(subject=FORM["subject"])


def test_the_clerk_flags_on_registration_and_the_document_shows_its_tasks(page_as, person, demo):
    doc = _registered(page_as, assigns_tasks="on")
    assert doc.assigns_tasks
    chairman = page_as("nguyenvanhung")
    page = chairman.get(reverse("incoming:detail", args=[doc.pk])).content.decode()
    assert 'data-qlvb="task-document"' in page and "Chưa có nhiệm vụ nào được giao theo văn bản này." in page
    assert 'class="btn btn-primary" href="{}"'.format(reverse("direction:tasks_from_document", args=[doc.pk])) in page
    response = chairman.post(
        reverse("direction:tasks_from_document", args=[doc.pk]),
        {"items": "Rà soát các thôn\nBáo cáo kết quả", "lead": f"u:{dept('VHXH').pk}", "due_date": in_days(9)},
    )
    assert response.status_code == 302
    page = chairman.get(reverse("incoming:detail", args=[doc.pk])).content.decode()
    assert 'data-qlvb="document-tasks"' in page and "Rà soát các thôn" in page and "Báo cáo kết quả" in page
    assert 'data-qlvb="assigns-tasks"' in chairman.get(reverse("incoming:list"), {"box": "all"}).content.decode()


def test_an_unflagged_document_keeps_the_small_buttons_and_the_list_filters_flagged_ones(page_as, person, demo):
    doc = _registered(page_as)
    assert not doc.assigns_tasks
    page = page_as("nguyenvanhung").get(reverse("incoming:detail", args=[doc.pk])).content.decode()
    assert 'data-qlvb="task-document"' not in page and 'data-qlvb="tasks-from-document"' in page
    clerk = page_as("lethuha")
    assert 'name="assigns_tasks"' in clerk.get(reverse("incoming:list")).content.decode()
    listed = clerk.get(reverse("incoming:list"), {"box": "all", "assigns_tasks": "on"}).content.decode()
    assert FORM["subject"] not in listed
    # the clerk corrects it: the flag is set and the history says so
    response = clerk.post(
        reverse("incoming:correct", args=[doc.pk]),
        {**{k: v for k, v in FORM.items() if k != "channel"}, "doc_type": doc.doc_type_id, "assigns_tasks": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    doc.refresh_from_db()
    assert doc.assigns_tasks
    assert doc.events.filter(action="metadata_corrected", text__contains="Văn bản giao nhiệm vụ: không → có").exists()
    listed = clerk.get(reverse("incoming:list"), {"box": "all", "assigns_tasks": "on"}).content.decode()
    assert FORM["subject"] in listed


def test_the_leader_flags_when_he_directs(page_as, person, demo):
    doc = _registered(page_as)
    chairman = page_as("nguyenvanhung")
    assert 'name="assigns_tasks"' in chairman.get(reverse("incoming:direct", args=[doc.pk])).content.decode()
    response = chairman.post(
        reverse("incoming:direct", args=[doc.pk]),
        {"directive": "Phòng VHXH chủ trì", "lead": f"u:{dept('VHXH').pk}", "assigns_tasks": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    doc.refresh_from_db()
    assert doc.assigns_tasks


@pytest.fixture
def flagged_outgoing(person, demo, settings, tmp_path):
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
            free_recipients="Trường Tiểu học Liên Minh",
            assigns_tasks=True,
        ),
    )
    doc = draft.document
    assert doc.assigns_tasks
    # issuing is the outgoing flow's (signing, numbering, sending); here only its outcome matters
    Document.objects.filter(pk=doc.pk).update(issued_date=in_days(0))
    now = timezone.now()
    for name, transport in (
        ("Trạm Y tế xã Liên Minh", Transport.INTERNAL),
        ("Trường Tiểu học Liên Minh", Transport.PAPER),
    ):
        Delivery.objects.create(document=doc, organ_name=name, transport=transport, status_at=now, created_at=now)
    doc.refresh_from_db()
    return doc


def test_the_drafter_flags_an_outgoing_draft_on_its_form(page_as, demo):
    page = page_as("dothanhhuong").get(reverse("outgoing:create")).content.decode()
    assert 'name="assigns_tasks"' in page


def test_a_flagged_issued_outgoing_document_is_followed_for_every_recipient_at_once(page_as, person, flagged_outgoing):
    doc = flagged_outgoing
    chairman = page_as("nguyenvanhung")
    detail = chairman.get(reverse("outgoing:detail", args=[doc.outgoing.pk])).content.decode()
    assert 'data-qlvb="task-document"' in detail and 'data-qlvb="task-follow-outgoing"' in detail
    url = reverse("direction:task_follow_outgoing", args=[doc.pk])
    form = chairman.get(url).content.decode()
    assert "Trạm Y tế xã Liên Minh" in form and "Trường Tiểu học Liên Minh" in form
    officer = person("dothanhhuong")
    response = chairman.post(
        url,
        {
            "title": "Tiêm chủng đợt 2",
            "recipients": ["Trạm Y tế xã Liên Minh", "Trường Tiểu học Liên Minh"],
            "follower": f"p:{officer.pk}",
            "due_date": in_days(20).isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    tasks = Task.objects.filter(source_document=doc).order_by("outside_lead")
    assert [t.outside_lead for t in tasks] == ["Trường Tiểu học Liên Minh", "Trạm Y tế xã Liên Minh"]
    assert all(t.origin == "outgoing" for t in tasks)
    detail = chairman.get(reverse("outgoing:detail", args=[doc.outgoing.pk])).content.decode()
    assert "Tiêm chủng đợt 2 — Trạm Y tế xã Liên Minh</a>" in detail
    assert "Tiêm chủng đợt 2 — Trường Tiểu học Liên Minh</a>" in detail
    # the same recipient twice, or a place the document was not sent to, is refused
    with pytest.raises(ValidationFailed, match="Trạm Y tế xã Liên Minh” của văn bản này đã được giao"):
        tasks_follow_recipients(
            actor=person("nguyenvanhung"),
            document=doc,
            recipients=["Trạm Y tế xã Liên Minh"],
            follower=officer,
            title="Tiêm chủng đợt 2",
            due_date=in_days(20),
        )
    with pytest.raises(ValidationFailed, match="nơi nhận"):
        tasks_follow_recipients(
            actor=person("nguyenvanhung"),
            document=doc,
            recipients=["Công an xã"],
            follower=officer,
            title="Việc khác",
            due_date=in_days(20),
        )
