"""An issued outgoing document that gives work to another agency (NĐ 30 Điều 14.3.b) is followed as a task:
the lead is the outside agency as text, followed by an officer of ours; a draft is not followed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qlvb.assignments.models import Assignment
from qlvb.core.errors import ValidationFailed
from qlvb.direction.task_services import task_follow_outgoing
from qlvb.documents.models import Document, DocumentType
from qlvb.outgoing import services as outgoing_services

from .task_fixtures import in_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def outgoing_doc(person, demo, settings, tmp_path):
    settings.FILES_DIR = tmp_path / "files"
    from qlvb.directory.models import Unit

    draft = outgoing_services.outgoing_create(
        actor=person("dothanhhuong"),
        data=outgoing_services.DraftData(
            doc_type=DocumentType.objects.get(name="Công văn"),
            subject="Đề nghị Trạm Y tế tổ chức tiêm chủng đợt 2",
            signer=person("nguyenvanhung"),
            competence="",
            recipients=[Unit.objects.get(short_name="TYT", kind="agency")],
            drafter_initials="ĐTH",
            copy_count=2,
            free_recipients="Như trên;\nLưu: VT, VHXH.",
        ),
    )
    return draft.document


def test_an_issued_outgoing_document_is_followed_as_a_task(person, outgoing_doc, page_as):
    chairman, officer = person("nguyenvanhung"), person("dothanhhuong")
    with pytest.raises(ValidationFailed) as refused:
        task_follow_outgoing(
            actor=chairman,
            document=outgoing_doc,
            outside_lead="Trạm Y tế xã Liên Minh",
            follower=officer,
            title="Tiêm chủng đợt 2",
            due_date=in_days(20),
        )
    assert "đã ban hành" in refused.value.message
    # issuing is the outgoing flow's (signing, numbering); here only its outcome, the issue date, matters
    Document.objects.filter(pk=outgoing_doc.pk).update(issued_date=in_days(0))
    outgoing_doc.refresh_from_db()
    task = task_follow_outgoing(
        actor=chairman,
        document=outgoing_doc,
        outside_lead="Trạm Y tế xã Liên Minh",
        follower=officer,
        title="Tiêm chủng đợt 2",
        due_date=in_days(20),
    )
    assert task.origin == "outgoing" and task.outside_lead == "Trạm Y tế xã Liên Minh"
    assert task.source_document == outgoing_doc and list(task.documents.all()) == [outgoing_doc]
    lead = Assignment.objects.get(task_part__task=task)
    assert lead.user == officer and lead.document is None
    detail = page_as(chairman).get(reverse("outgoing:detail", args=[outgoing_doc.outgoing.pk])).content.decode()
    assert 'data-qlvb="task-follow-outgoing"' in detail
