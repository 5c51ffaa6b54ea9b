"""Ủy quyền duyệt (scope ``approve``): the agency's chain has a review step held by the chairman Nguyễn
Văn Hùng; while his delegation to Lương Văn Đức (Văn phòng, TL.) is in force, Đức sees the draft in his
"Việc cần làm" box, the page shows him "Duyệt" and "Trả lại", and approving or returning records
"(TL. Nguyễn Văn Hùng)" and ``delegation.acted``. A delegation of other scopes, a revoked one, or none:
refused by the same precondition that hides the button."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qlvb.core.errors import PermissionDenied
from qlvb.core.models import AuditEntry
from qlvb.directory.delegation import DelegationInput, delegation_grant, delegation_revoke
from qlvb.directory.models import Delegation
from qlvb.documents.models import DocumentEvent
from qlvb.outgoing import selectors, services
from qlvb.outgoing.actions import can_act
from qlvb.outgoing.models import ApprovalStep, ChainStep, Outgoing, State, StepKind, StepStatus

pytestmark = pytest.mark.django_db


def _delegate(person, scopes: list[str]) -> Delegation:
    hung = person("nguyenvanhung")
    today = timezone.localdate()
    return delegation_grant(
        actor=hung,
        data=DelegationInput(
            grantor=hung,
            delegate=person("luongvanduc"),
            kind="TL.",
            scopes=scopes,
            starts_on=today,
            ends_on=today + dt.timedelta(days=3),
        ),
    )


@pytest.fixture
def at_chairman(draft, with_version, person, ubnd) -> Outgoing:
    """A draft past its department head, waiting at the chairman's review step."""
    ChainStep.objects.create(agency=ubnd, user=person("nguyenvanhung"), label="Chủ tịch duyệt")
    outgoing = with_version(draft())
    services.outgoing_submit(actor=outgoing.drafter, outgoing=outgoing)
    services.outgoing_approve(actor=person("hoangvannam"), outgoing=outgoing)
    outgoing = Outgoing.objects.get(pk=outgoing.pk)
    step = ApprovalStep.objects.get(outgoing=outgoing, round=outgoing.round, status=StepStatus.PENDING)
    assert (step.kind, step.user) == (StepKind.REVIEW, person("nguyenvanhung"))
    return outgoing


def test_the_delegate_approves_for_the_leader(at_chairman, person):
    duc = person("luongvanduc")
    assert "approve" not in can_act(duc, at_chairman)
    with pytest.raises(PermissionDenied):  # without a delegation the step is Hùng's
        services.outgoing_approve(actor=duc, outgoing=at_chairman)
    delegation = _delegate(person, ["approve"])
    duc = person("luongvanduc")
    assert {"approve", "return"} <= can_act(duc, at_chairman)
    assert list(selectors.outgoing_box(duc, box="todo")) == [at_chairman]
    services.outgoing_approve(actor=duc, outgoing=at_chairman, comment="Đồng ý")
    at_chairman.refresh_from_db()
    assert at_chairman.state == State.FORMAT_CHECK
    step = ApprovalStep.objects.get(outgoing=at_chairman, label="Chủ tịch duyệt")
    assert step.user == person("nguyenvanhung") and step.decided_by == duc  # the holder stays Hùng's
    assert step.data["on_behalf_of"] == person("nguyenvanhung").pk and step.data["competence"] == "TL."
    event = DocumentEvent.objects.get(document=at_chairman.document, action="draft_approved", actor=duc)
    assert event.text.startswith("Chủ tịch duyệt (TL. Nguyễn Văn Hùng)") and event.data["delegation"] == delegation.pk
    acted = AuditEntry.objects.get(action="delegation.acted")
    assert acted.actor_id == duc.pk and acted.data["scope"] == "approve" and acted.data["action"] == "draft_approved"
    assert acted.data["on_behalf_of"] == person("nguyenvanhung").pk


def test_the_delegate_returns_for_the_leader(at_chairman, person):
    _delegate(person, ["approve"])
    duc = person("luongvanduc")
    services.outgoing_return(actor=duc, outgoing=at_chairman, comment="Bổ sung căn cứ")
    at_chairman.refresh_from_db()
    assert at_chairman.state == State.RETURNED
    event = DocumentEvent.objects.get(document=at_chairman.document, action="draft_returned")
    assert "(TL. Nguyễn Văn Hùng): Bổ sung căn cứ" in event.text
    assert AuditEntry.objects.get(action="delegation.acted").data["action"] == "draft_returned"


def test_the_page_shows_the_buttons_the_precondition_allows(at_chairman, person, page_as):
    url = f"/van-ban-di/{at_chairman.pk}/"
    before = page_as("luongvanduc").get(url)
    assert before.status_code == 404 or 'data-qlvb="approve"' not in before.content.decode()
    _delegate(person, ["approve"])
    html = page_as("luongvanduc").get(url).content.decode()
    assert 'data-qlvb="approve"' in html


@pytest.mark.parametrize("scopes", [["sign"], ["direct", "follow"]])
def test_a_delegation_of_other_scopes_does_not_approve(at_chairman, person, scopes):
    _delegate(person, scopes)
    duc = person("luongvanduc")
    assert not {"approve", "return"} & can_act(duc, at_chairman)
    assert list(selectors.outgoing_box(duc, box="todo")) == []
    with pytest.raises(PermissionDenied):
        services.outgoing_approve(actor=duc, outgoing=at_chairman)
    assert not AuditEntry.objects.filter(action="delegation.acted").exists()


def test_revoked_stops_at_once(at_chairman, person):
    delegation = _delegate(person, ["approve", "sign"])
    delegation_revoke(actor=person("nguyenvanhung"), delegation_id=delegation.pk)
    duc = person("luongvanduc")
    assert "approve" not in can_act(duc, at_chairman)
    with pytest.raises(PermissionDenied):
        services.outgoing_approve(actor=duc, outgoing=at_chairman)
    at_chairman.refresh_from_db()
    assert at_chairman.state == State.IN_REVIEW
