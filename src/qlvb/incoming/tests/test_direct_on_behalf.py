"""Ủy quyền chỉ đạo: while a delegation is in force, the delegate sees the documents submitted to the
leader who delegated (his "Chờ cho ý kiến" box, the home page's count) and directs them in his place;
the history says for whom. Revoked: refused at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qlvb.core.errors import NotFound, PermissionDenied
from qlvb.directory.delegation import DelegationInput, delegation_grant, delegation_revoke
from qlvb.documents.models import DocumentEvent, DocumentStatus
from qlvb.incoming import preconditions, selectors
from qlvb.incoming.assigning import Target
from qlvb.incoming.preconditions import allowed, check_direct
from qlvb.incoming.services import incoming_direct, incoming_return_to_clerk, incoming_submit
from qlvb.reports.waiting import waiting_for

pytestmark = pytest.mark.django_db


def _delegate(person, kind="TL."):
    hung = person("nguyenvanhung")
    today = timezone.localdate()
    return delegation_grant(
        actor=hung,
        data=DelegationInput(
            grantor=hung,
            delegate=person("hoangvannam"),
            kind=kind,
            scopes=["direct"],
            starts_on=today,
            ends_on=today + dt.timedelta(days=2),
        ),
    )


@pytest.fixture
def submitted(receive, person):
    def make(**fields):
        doc = receive(**fields)
        return incoming_submit(actor=person("lethuha"), document=doc, leader=person("nguyenvanhung"))

    return make


def test_the_delegate_directs_for_the_leader(submitted, person, dept):
    nam = person("hoangvannam")
    doc = submitted()
    with pytest.raises(NotFound):  # before: a department head does not even see it
        selectors.document_get(nam, pk=doc.pk)
    _delegate(person)
    nam = person("hoangvannam")
    assert selectors.document_get(nam, pk=doc.pk) == doc
    assert "to_direct" in selectors.inboxes_for(nam)
    assert list(selectors.inbox(nam, key="to_direct")) == [doc]
    assert {w.key: w.count for w in waiting_for(nam)}["to_direct"] == 1
    assert allowed(check_direct, nam, doc)
    incoming_direct(
        actor=nam, document=doc, directive="Phòng Kinh tế chủ trì", targets=[Target(role="lead", unit=dept("KT"))]
    )
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.IN_PROGRESS
    event = DocumentEvent.objects.get(document=doc, action="directed")
    assert event.actor == nam and "(TL. Nguyễn Văn Hùng)" in event.text
    assert event.data["on_behalf_of"] == person("nguyenvanhung").pk and event.data["competence"] == "TL."
    assignment = doc.assignments.get()
    assert assignment.assigned_by == nam  # he follows it up and accepts its result
    from qlvb.core.models import AuditEntry

    acted = AuditEntry.objects.get(action="delegation.acted")
    assert (acted.actor_id, acted.data["scope"], acted.data["action"]) == (nam.pk, "direct", "directed")


def test_return_to_the_clerk_on_behalf(submitted, person):
    doc = submitted()
    _delegate(person, kind="KT.")
    incoming_return_to_clerk(actor=person("hoangvannam"), document=doc, reason="Trình lại kèm hồ sơ")
    event = DocumentEvent.objects.get(document=doc, action="returned_to_clerk")
    assert event.text.endswith("(KT. Nguyễn Văn Hùng)")


def test_only_what_was_submitted_to_the_grantor(submitted, receive, person, dept):
    _delegate(person)
    nam = person("hoangvannam")
    to_mai = incoming_submit(actor=person("lethuha"), document=receive(), leader=person("phamthimai"))
    assert not allowed(check_direct, nam, to_mai)
    with pytest.raises(NotFound):
        selectors.document_get(nam, pk=to_mai.pk)


def test_revoked_stops_at_once(submitted, person, dept):
    delegation = _delegate(person)
    doc = submitted()
    delegation_revoke(actor=person("nguyenvanhung"), delegation_id=delegation.pk)
    nam = person("hoangvannam")
    assert "to_direct" not in selectors.inboxes_for(nam)
    with pytest.raises(PermissionDenied):
        incoming_direct(actor=nam, document=doc, directive="", targets=[Target(role="lead", unit=dept("KT"))])
    assert not doc.assignments.exists()


def test_a_leader_acting_for_another_leader_is_recorded(submitted, person, dept):
    """Phạm Thị Mai may direct anything as a leader; under Hùng's delegation the history names him."""
    hung, mai = person("nguyenvanhung"), person("phamthimai")
    today = timezone.localdate()
    delegation_grant(
        actor=hung,
        data=DelegationInput(grantor=hung, delegate=mai, kind="KT.", scopes=["direct"], starts_on=today, ends_on=today),
    )
    doc = submitted()
    assert list(selectors.inbox(mai, key="to_direct")) == [doc]
    incoming_direct(actor=mai, document=doc, directive="", targets=[Target(role="lead", unit=dept("KT"))])
    assert "(KT. Nguyễn Văn Hùng)" in DocumentEvent.objects.get(document=doc, action="directed").text


def test_the_page_buttons_follow_the_delegation(submitted, person):
    """``document_actions`` reads the delegation once for the three leader's buttons (issue 17): the
    delegate gets them, the clerk does not, and a revocation removes them on the next answer."""
    doc = submitted()
    delegation = _delegate(person)
    nam = person("hoangvannam")
    leader_buttons = {"direct", "handle_self", "return"}
    assert leader_buttons <= preconditions.document_actions(nam, doc)
    assert not leader_buttons & preconditions.document_actions(person("lethuha"), doc)
    assert leader_buttons <= preconditions.document_actions(person("nguyenvanhung"), doc)
    assert "_qlvb_direct_delegation" not in doc.__dict__  # forgotten once the answer is made
    delegation_revoke(actor=person("nguyenvanhung"), delegation_id=delegation.pk)
    assert not leader_buttons & preconditions.document_actions(nam, doc)
