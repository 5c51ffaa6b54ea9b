"""What the "Chưa lập hồ sơ" box lists (``selectors.documents_unfiled``): every document the person handled —
assigned to him to lead or to support, or drafted by him — that he may see and that no dossier holds; newest
first; its count is what it lists. Not what was sent to him "để biết", nor a rejected document, nor what
someone else handled, nor a document of a direction no rule lets him see (fail closed)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from qlvb.assignments.models import Assignment, AssignmentRole
from qlvb.documents.models import Direction, Document, DocumentStatus, DocumentType
from qlvb.dossiers import services
from qlvb.dossiers.selectors import documents_unfiled
from qlvb.incoming.assigning import Target
from qlvb.incoming.directing import incoming_route
from qlvb.incoming.receiving import incoming_receive
from qlvb.incoming.tests.conftest import make_data
from qlvb.outgoing.drafting import DraftData, outgoing_create

pytestmark = pytest.mark.django_db


def routed(person, ubnd, number: str, **roles: str) -> Document:
    """An incoming document routed by the clerk: ``roles`` maps a username to lead / support / info."""
    clerk = person("lethuha")
    doc = incoming_receive(actor=clerk, agency=ubnd, channel="email", data=make_data(code_number=number)).document
    incoming_route(actor=clerk, document=doc, targets=[Target(role=r, user=person(u)) for u, r in roles.items()])
    doc.refresh_from_db()
    return doc


def test_lead_support_and_drafted_are_listed_newest_first_info_is_not(person, ubnd, tyt):
    officer = person("dothanhhuong")
    led = routed(person, ubnd, "40", dothanhhuong="lead")
    supported = routed(person, ubnd, "41", ngothuytrang="lead", dothanhhuong="support")
    told = routed(person, ubnd, "42", ngothuytrang="lead", dothanhhuong="info")
    assert Assignment.objects.filter(document=told, user=officer, role=AssignmentRole.INFO).exists()
    drafted = outgoing_create(
        actor=officer,
        data=DraftData(
            doc_type=DocumentType.objects.get(name="Công văn"),
            subject="Báo cáo tình hình tiêm chủng",
            signer=person("nguyenvanhung"),
            competence="",
            recipients=[tyt],
            drafter_initials="ĐTH",
            copy_count=2,
            free_recipients="Như trên;\nLưu: VT.",
        ),
    ).document
    box = documents_unfiled(officer)
    assert list(box) == [drafted, supported, led]  # newest first, "để biết" left out
    assert box.count() == 3 and list(box[:2]) == [drafted, supported]
    # the other officer: the one she leads and the one she was told about as lead
    assert set(documents_unfiled(person("ngothuytrang"))) == {supported, told}


def test_filed_rejected_and_unseeable_documents_leave_the_box(person, ubnd, free_dossier):
    officer = person("dothanhhuong")
    a = routed(person, ubnd, "50", dothanhhuong="lead")
    b = routed(person, ubnd, "51", dothanhhuong="lead")
    c = routed(person, ubnd, "52", ngothuytrang="lead", dothanhhuong="support")
    services.dossier_documents_add(actor=officer, dossier=free_dossier(), document_ids=[a.pk])
    Document.objects.filter(pk=b.pk).update(status=DocumentStatus.REJECTED)
    # an internal document she created: no app registers a visibility rule for internal ones — not shown
    Document.objects.create(
        agency=ubnd,
        direction=Direction.INTERNAL,
        created_by=officer,
        doc_type=c.doc_type,
        subject="Nội bộ",
        received_at=timezone.now(),
    )
    assert list(documents_unfiled(officer)) == [c]
    assert documents_unfiled(officer).count() == 1


def test_someone_who_handled_nothing_has_an_empty_box(person, ubnd):
    routed(person, ubnd, "60", dothanhhuong="lead")
    box = documents_unfiled(person("nguyenvanhung"))  # the leader sees it, handled none
    assert not box.exists() and box.count() == 0 and list(box[:20]) == []
