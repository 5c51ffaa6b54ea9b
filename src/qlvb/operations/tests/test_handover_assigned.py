"""Issue 15 (rest): the handover also moves what the leaver handed out — the assignments he gave on incoming
documents (a leader's direction, a department head's assignment): the successor follows them up, decides
extensions and accepts the results. Each move is the owning app's ``<entity>_reassign`` service, written
in the document's history; after the handover no open assignment points at the person who left."""

from __future__ import annotations

import pytest

from qlvb.assignments.models import Assignment
from qlvb.assignments.reassign import ASSIGNER_OPEN, assignment_assigner_reassign, assignment_reassign
from qlvb.core.errors import ValidationFailed
from qlvb.core.models import AuditEntry
from qlvb.documents.models import DocumentEvent
from qlvb.incoming.services import assignment_complete
from qlvb.operations.handover import HandoverInput, handover_items, handover_make
from qlvb.operations.handover_models import HandoverLine, HandoverMode, ItemKind

from .handover_fixtures import incoming_to, who

pytestmark = pytest.mark.django_db


def test_a_department_head_leaves_and_what_he_assigned_follows_his_successor(demo: None) -> None:
    huong, nam, huy = who("dothanhhuong"), who("hoangvannam"), who("vuquanghuy")
    mine = incoming_to(huong)  # assigned to Hương by Nam
    assert mine.assigned_by == nam
    _person, items = handover_items(actor=who("nguyenvanhung"), person_id=nam.pk)
    assert (ItemKind.ASSIGNED, mine.pk) in {(i.kind, i.pk) for i in items}
    assert any("Đỗ Thanh Hương" in i.label for i in items if i.kind == ItemKind.ASSIGNED)
    record = handover_make(
        actor=who("nguyenvanhung"), person_id=nam.pk, data=HandoverInput(mode=HandoverMode.LEAVE, successor_id=huy.pk)
    )
    mine.refresh_from_db()
    assert mine.assigned_by == huy and mine.user == huong  # the handler stays
    assert not Assignment.objects.filter(assigned_by=nam, status__in=ASSIGNER_OPEN).exists()
    event = DocumentEvent.objects.filter(document=mine.document, action="handed_over").get()
    assert "Hoàng Văn Nam sang Vũ Quang Huy" in event.text and "người giao việc" in event.text
    assert HandoverLine.objects.filter(handover=record, kind=ItemKind.ASSIGNED, object_id=mine.pk).exists()
    assert AuditEntry.objects.filter(action="operations.item_handed_over", data__kind=ItemKind.ASSIGNED).exists()


def test_a_leader_leaves_and_his_direction_follows_his_successor(demo: None) -> None:
    huong, hung, mai = who("dothanhhuong"), who("nguyenvanhung"), who("phamthimai")
    mine = incoming_to(huong)
    lead = mine.parent
    assert lead is not None and lead.assigned_by == hung  # the direction Hùng gave the department
    assignment_complete(actor=huong, assignment=mine, result="Đã triển khai")
    handover_make(
        actor=who("tranthilan"), person_id=hung.pk, data=HandoverInput(mode=HandoverMode.LEAVE, successor_id=mai.pk)
    )
    lead.refresh_from_db()
    assert lead.assigned_by == mai
    assert not Assignment.objects.filter(assigned_by=hung, status__in=ASSIGNER_OPEN).exists()
    assert lead.status in ASSIGNER_OPEN


def test_the_reassign_services_refuse_a_successor_of_another_agency(demo: None) -> None:
    mine = incoming_to(who("dothanhhuong"))
    outsider = who("tytlienminh_dangvantoan")
    for service in (assignment_reassign, assignment_assigner_reassign):
        with pytest.raises(ValidationFailed, match="không thuộc cơ quan"):
            service(actor=who("nguyenvanhung"), assignment_id=mine.pk, successor=outsider, text="x")
    mine.refresh_from_db()
    assert mine.user == who("dothanhhuong") and mine.assigned_by == who("hoangvannam")


def test_a_self_handled_assignment_moves_both_sides(demo: None) -> None:
    from qlvb.incoming.receiving import incoming_receive
    from qlvb.incoming.services import incoming_handle_self
    from qlvb.incoming.tests.conftest import make_data

    from .handover_fixtures import ubnd

    hung, mai = who("nguyenvanhung"), who("phamthimai")
    document = incoming_receive(
        actor=who("lethuha"), agency=ubnd(), channel="email", data=make_data(), confirm_duplicate=True
    ).document
    own = incoming_handle_self(actor=hung, document=document)
    _person, items = handover_items(actor=who("tranthilan"), person_id=hung.pk)
    assert [(i.kind, i.pk) for i in items if i.pk == own.pk] == [(ItemKind.ASSIGNMENT, own.pk)]  # listed once
    handover_make(
        actor=who("tranthilan"), person_id=hung.pk, data=HandoverInput(mode=HandoverMode.LEAVE, successor_id=mai.pk)
    )
    own.refresh_from_db()
    assert (own.user, own.assigned_by) == (mai, mai)
