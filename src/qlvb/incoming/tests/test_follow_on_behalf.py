"""Ủy quyền đôn đốc (scope ``follow``): the chairman Nguyễn Văn Hùng directed a document to the VHXH
department; while his delegation to Vũ Quang Huy (head of another department, TL.) is in force, Huy sees
the document, its "Chờ chấp nhận kết quả" box, and the buttons "Đôn đốc" and "Chấp nhận kết quả"; he
reminds, decides the extension and accepts the result in Hùng's place, and each history entry says
"(TL. Nguyễn Văn Hùng)" with ``delegation.acted`` in the audit log. A delegation of other scopes, a
revoked one, or none: refused by the same preconditions that hide the buttons."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qlvb.assignments.models import Assignment, AssignmentStatus, Extension
from qlvb.core.errors import NotFound, PermissionDenied
from qlvb.core.models import AuditEntry
from qlvb.directory.delegation import DelegationInput, delegation_grant, delegation_revoke
from qlvb.directory.models import Delegation
from qlvb.documents.models import Document, DocumentEvent, DocumentStatus
from qlvb.incoming import selectors
from qlvb.incoming.preconditions import assignment_actions
from qlvb.incoming.services import (
    Target,
    assignment_accept,
    assignment_assign,
    assignment_complete,
    extension_decide,
    extension_request,
    incoming_direct,
    reminder_send,
)

pytestmark = pytest.mark.django_db


def _delegate(person, scopes: list[str]) -> Delegation:
    hung = person("nguyenvanhung")
    today = timezone.localdate()
    return delegation_grant(
        actor=hung,
        data=DelegationInput(
            grantor=hung,
            delegate=person("vuquanghuy"),
            kind="TL.",
            scopes=scopes,
            starts_on=today,
            ends_on=today + dt.timedelta(days=3),
        ),
    )


@pytest.fixture
def directed(receive, person, dept) -> tuple[Document, Assignment, Assignment]:
    """VHXH leads (Hùng gave it; Nam assigned it to Hương)."""
    doc = receive(due_date=timezone.localdate() + dt.timedelta(days=20))
    (lead,) = incoming_direct(
        actor=person("nguyenvanhung"),
        document=doc,
        directive="VHXH chủ trì",
        targets=[Target(role="lead", unit=dept("VHXH"))],
    )
    (mine,) = assignment_assign(
        actor=person("hoangvannam"), assignment=lead, targets=[Target(role="lead", user=person("dothanhhuong"))]
    )
    return doc, lead, mine


def _acted() -> list[str]:
    return list(
        AuditEntry.objects.filter(action="delegation.acted").order_by("seq").values_list("data__action", flat=True)
    )


def test_the_delegate_follows_up_for_the_leader(directed, person):
    doc, lead, mine = directed
    huy = person("vuquanghuy")
    with pytest.raises(NotFound):  # before: the head of another department does not see it
        selectors.document_get(huy, pk=doc.pk)
    with pytest.raises(PermissionDenied):
        reminder_send(actor=huy, assignment=lead, kind="nhac_nho", text="Khẩn trương")
    _delegate(person, ["follow"])
    huy = person("vuquanghuy")
    assert selectors.document_get(huy, pk=doc.pk) == doc
    assert "remind" in assignment_actions(huy, lead)

    reminder_send(actor=huy, assignment=lead, kind="nhac_nho", text="Khẩn trương")
    reminded = DocumentEvent.objects.get(document=doc, action="reminded")
    assert reminded.actor == huy and "(TL. Nguyễn Văn Hùng): Khẩn trương" in reminded.text

    ext = extension_request(
        actor=person("hoangvannam"),
        assignment=lead,
        new_due_date=timezone.localdate() + dt.timedelta(days=30),
        reason="Chờ số liệu",
    )
    extension_decide(actor=huy, extension=ext, grant=True)
    assert Extension.objects.get(pk=ext.pk).decided_by == huy
    granted = DocumentEvent.objects.get(document=doc, action="extension_granted")
    assert "(TL. Nguyễn Văn Hùng)" in granted.text and granted.data["on_behalf_of"] == person("nguyenvanhung").pk

    assignment_complete(actor=person("dothanhhuong"), assignment=mine, result="Đã lập danh sách")
    assert Assignment.objects.get(pk=lead.pk).status == AssignmentStatus.AWAITING
    assert "to_accept" in selectors.inboxes_for(huy)
    assert list(selectors.inbox(huy, key="to_accept")) == [doc]
    assert "accept" in assignment_actions(huy, Assignment.objects.get(pk=lead.pk))
    assignment_accept(actor=huy, assignment=lead, note="Đạt")
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.COMPLETED
    accepted = DocumentEvent.objects.get(document=doc, action="completion_accepted")
    assert "(TL. Nguyễn Văn Hùng)" in accepted.text and accepted.data["competence"] == "TL."
    assert _acted() == ["reminded", "extension_granted", "completion_accepted"]


def test_the_page_shows_the_follow_up_buttons(directed, person, page_as):
    doc, _lead, mine = directed
    assignment_complete(actor=person("dothanhhuong"), assignment=mine, result="Xong")
    _delegate(person, ["follow"])
    html = page_as("vuquanghuy").get(f"/van-ban-den/{doc.pk}/").content.decode()
    assert 'data-qlvb="accept"' in html


def test_the_leaders_own_acts_name_no_delegation(directed, person):
    doc, lead, _mine = directed
    _delegate(person, ["follow"])
    reminder_send(actor=person("nguyenvanhung"), assignment=lead, kind="nhac_nho", text="Nhắc")
    event = DocumentEvent.objects.get(document=doc, action="reminded")
    assert "TL." not in event.text and "on_behalf_of" not in event.data
    assert _acted() == []


@pytest.mark.parametrize("scopes", [["direct"], ["sign", "approve"]])
def test_a_delegation_of_other_scopes_does_not_follow_up(directed, person, scopes):
    _doc, lead, mine = directed
    assignment_complete(actor=person("dothanhhuong"), assignment=mine, result="Xong")
    _delegate(person, scopes)
    huy = person("vuquanghuy")
    lead = Assignment.objects.get(pk=lead.pk)
    assert not {"accept", "remind"} & set(assignment_actions(huy, lead))
    with pytest.raises(PermissionDenied):
        assignment_accept(actor=huy, assignment=lead)
    assert Assignment.objects.get(pk=lead.pk).status == AssignmentStatus.AWAITING
    assert _acted() == []


def test_revoked_stops_at_once(directed, person):
    doc, lead, _mine = directed
    delegation = _delegate(person, ["follow"])
    delegation_revoke(actor=person("nguyenvanhung"), delegation_id=delegation.pk)
    huy = person("vuquanghuy")
    assert "remind" not in assignment_actions(huy, lead)
    with pytest.raises(PermissionDenied):
        reminder_send(actor=huy, assignment=lead, kind="nhac_nho", text="Khẩn trương")
    with pytest.raises(NotFound):
        selectors.document_get(huy, pk=doc.pk)
