"""Deliveries: the outgoing flow records them, the exchange carries them after the issue commits (internal
recipients receive through the incoming entry point); the recipients' steps flow back as edXML statuses
after commit (event consumer through Celery); refusal (02); outside agencies wait; recall withdraws the
copies at both ends."""

from __future__ import annotations

import pytest

from qlvb.core.errors import Conflict, ValidationFailed
from qlvb.directory.models import Unit
from qlvb.directory.services import unit_create
from qlvb.documents.events import dispatch_event, event_dispatch
from qlvb.documents.models import DocumentStatus
from qlvb.exchange.models import Status, Transport
from qlvb.incoming.handling import assignment_complete, assignment_report, incoming_handle_self
from qlvb.incoming.selectors import documents_visible_to
from qlvb.incoming.services import incoming_register, incoming_reject
from qlvb.outgoing import services
from qlvb.outgoing.models import State

pytestmark = pytest.mark.django_db


def dispatches(callbacks: list) -> list:
    """The after-commit callbacks that dispatch an event (the reports' in-process cache bump and the
    renewal of the people's counts are none)."""
    return [
        c
        for c in callbacks
        if "bump_after_commit" not in getattr(c, "__qualname__", "")
        and getattr(c, "__module__", "") != "qlvb.core.person_counts"
    ]


@pytest.fixture
def outside(demo):
    return unit_create(
        actor=None,
        kind="agency",
        name="Sở Y tế tỉnh Hưng Yên",
        short_name="SYT",
        organ_id="000.00.05.H33",
        external=True,
        parent=None,
    )


def test_statuses_03_04_05_06_flow_back(issued, person, committed):
    outgoing = issued()
    delivery = outgoing.document.deliveries.get()
    copy = delivery.incoming_document
    loan, toan = person("tytlienminh_buithiloan"), person("tytlienminh_dangvantoan")
    assert documents_visible_to(loan).filter(pk=copy.pk).exists()  # in her inbox
    with committed():
        incoming_register(actor=loan, document=copy)
    with committed():
        assignment = incoming_handle_self(actor=toan, document=copy, note="Tự xử lý")
    with committed():
        assignment_report(actor=toan, assignment=assignment, text="Đang triển khai")
    with committed():
        assignment_complete(actor=toan, assignment=assignment, result="Đã triển khai")
    delivery.refresh_from_db()
    assert delivery.status == Status.COMPLETED
    assert [c.status for c in delivery.changes.all()] == ["01", "03", "04", "05", "06"]
    registered = copy.events.get(action="registered")
    change = delivery.changes.get(status="03")
    assert change.event == registered and change.created_at == registered.created_at  # the recipient's time
    assert change.staff == loan.full_name


def test_status_arrives_only_after_the_recipient_commits(issued, person, committed):
    outgoing = issued()
    delivery = outgoing.document.deliveries.get()
    with committed() as callbacks:
        incoming_register(actor=person("tytlienminh_buithiloan"), document=delivery.incoming_document)
        delivery.refresh_from_db()
        assert delivery.status == Status.ARRIVED  # not yet: the recipient's transaction is still open
    # the recipient's event, then the sender's delivery_status event it records (issue 18: the webhooks)
    assert len(dispatches(callbacks)) == 2
    delivery.refresh_from_db()
    assert delivery.status == Status.REGISTERED


def test_a_rolled_back_step_sends_nothing_back(issued, person, django_capture_on_commit_callbacks):
    from django.db import transaction

    outgoing = issued()
    delivery = outgoing.document.deliveries.get()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        incoming_register(actor=person("tytlienminh_buithiloan"), document=delivery.incoming_document)
        raise RuntimeError("rolled back")
    assert dispatches(callbacks) == []
    delivery.refresh_from_db()
    assert delivery.status == Status.ARRIVED and delivery.changes.count() == 1


def test_the_same_event_twice_changes_the_status_once(issued, person, committed):
    outgoing = issued()
    delivery = outgoing.document.deliveries.get()
    copy = delivery.incoming_document
    with committed():
        incoming_register(actor=person("tytlienminh_buithiloan"), document=copy)
    event = copy.events.get(action="registered")
    assert event_dispatch(event.pk) == 2  # replayed: the exchange and the webhooks consumers run, nothing changes
    dispatch_event.delay(event.pk)
    delivery.refresh_from_db()
    assert [c.status for c in delivery.changes.all()] == ["01", "03"]
    # an older status arriving late never moves the delivery back
    with committed():
        incoming_handle_self(actor=person("tytlienminh_dangvantoan"), document=copy, note="Tự xử lý")
    assert event_dispatch(event.pk) == 2
    delivery.refresh_from_db()
    assert delivery.status == Status.ASSIGNED
    assert [c.status for c in delivery.changes.all()] == ["01", "03", "04"]


def test_events_nobody_wants_queue_nothing(draft, committed):
    with committed() as callbacks:
        draft()  # "drafted" on an outgoing document: no consumer wants it
    assert dispatches(callbacks) == []


def test_every_status_change_is_an_event_of_the_sent_document(issued, person, committed):
    """Issue 18: ``delivery.status_changed`` goes to the webhooks on every move of a recipient's status
    (arrived, registered, assigned, in progress, completed), not only on a refusal."""
    outgoing = issued()
    delivery = outgoing.document.deliveries.get()
    copy = delivery.incoming_document
    loan, toan = person("tytlienminh_buithiloan"), person("tytlienminh_dangvantoan")
    with committed():
        incoming_register(actor=loan, document=copy)
    with committed():
        assignment = incoming_handle_self(actor=toan, document=copy, note="Tự xử lý")
    with committed():
        assignment_report(actor=toan, assignment=assignment, text="Đang triển khai")
    with committed():
        assignment_complete(actor=toan, assignment=assignment, result="Đã triển khai")
    events = outgoing.document.events.filter(action="delivery_status").order_by("pk")
    assert [e.data["status"] for e in events] == ["01", "03", "04", "05", "06"]
    assert {e.data["delivery"] for e in events} == {delivery.pk}
    assert events.last().text.startswith(f"{delivery.organ_name}: Hoàn thành xử lý")


def test_consumers_are_named_in_settings(settings, issued, person, committed):
    outgoing = issued()
    settings.QLVB_EVENT_CONSUMERS = []
    delivery = outgoing.document.deliveries.get()
    with committed() as callbacks:
        incoming_register(actor=person("tytlienminh_buithiloan"), document=delivery.incoming_document)
    assert dispatches(callbacks) == []
    delivery.refresh_from_db()
    assert delivery.status == Status.ARRIVED


def test_recipient_refuses_before_registering(issued, person, committed):
    """The incoming flow's one refusal service; the sender's delivery gets 02 with the reason through the
    event consumer, after the recipient's transaction commits."""
    outgoing = issued()
    delivery = outgoing.document.deliveries.get()
    loan = person("tytlienminh_buithiloan")
    with pytest.raises(ValidationFailed):
        incoming_reject(actor=loan, document=delivery.incoming_document, reason="")
    with committed():
        incoming_reject(actor=loan, document=delivery.incoming_document, reason="Gửi nhầm nơi nhận")
    delivery.refresh_from_db()
    assert delivery.status == Status.REJECTED
    assert delivery.incoming_document.status == DocumentStatus.REJECTED
    assert [c.status for c in delivery.changes.all()] == ["01", "02"]
    assert delivery.changes.get(status=Status.REJECTED).text == "Gửi nhầm nơi nhận"
    assert outgoing.document.events.filter(action="delivery_status", text__contains="Gửi nhầm").exists()
    with pytest.raises(Conflict):
        incoming_reject(actor=loan, document=delivery.incoming_document, reason="lần nữa")


def test_recipient_refuses_after_registering_gives_02(issued, person, committed):
    outgoing = issued()
    delivery = outgoing.document.deliveries.get()
    loan = person("tytlienminh_buithiloan")
    with committed():
        incoming_register(actor=loan, document=delivery.incoming_document)
    with committed():
        incoming_reject(actor=loan, document=delivery.incoming_document, reason="Không thuộc thẩm quyền")
    delivery.refresh_from_db()
    assert [c.status for c in delivery.changes.all()] == ["01", "03", "02"]


def test_outside_agency_waits_and_one_without_organ_id_gets_paper(issued, draft, tyt, outside):
    no_code = unit_create(actor=None, kind="agency", name="Công ty ABC", short_name="ABC", external=True, parent=None)
    outgoing = issued(recipients=[tyt, outside, no_code])
    rows = {d.unit_id: d for d in outgoing.document.deliveries.all()}
    assert rows[outside.pk].status == Status.WAITING and rows[outside.pk].transport == Transport.AXIS
    assert rows[outside.pk].incoming_document is None
    assert rows[tyt.pk].status == Status.ARRIVED
    # no electronic identifier: not refused any more (issue 8) but sent on paper, and the postal book lists it
    assert rows[no_code.pk].status == Status.PAPER and rows[no_code.pk].transport == Transport.PAPER
    assert rows[no_code.pk].also_paper


def test_revoke_withdraws_internal_copies_and_is_recorded_at_both_ends(issued, person, outside, tyt, committed):
    outgoing = issued(recipients=[tyt, outside])
    clerk = person("lethuha")
    with pytest.raises(ValidationFailed):
        services.outgoing_revoke(actor=clerk, outgoing=outgoing, reason="")
    with committed():
        services.outgoing_revoke(actor=clerk, outgoing=outgoing, reason="Sai nội dung điều 2")
    outgoing.refresh_from_db()
    assert outgoing.state == State.REVOKED
    internal = outgoing.document.deliveries.get(unit=tyt)
    assert internal.recalled_at is not None and internal.business_type == 1
    copy = internal.incoming_document
    copy.refresh_from_db()
    assert copy.status == DocumentStatus.WITHDRAWN and copy.events.filter(action="recalled").exists()
    assert outgoing.document.events.filter(action="revoked").exists()
    assert outgoing.document.deliveries.get(unit=outside).recall_pending
    with pytest.raises(Conflict):
        services.outgoing_revoke(actor=clerk, outgoing=outgoing, reason="lần hai")
    with pytest.raises(Conflict):  # frozen: nothing can change any more
        services.outgoing_update(
            actor=outgoing.drafter,
            outgoing=outgoing,
            data=services.DraftData(
                doc_type=outgoing.document.doc_type, subject="Khác", signer=outgoing.signer, recipients=[tyt]
            ),
        )


def test_replace_freezes_and_recalls_the_original(issued, person, with_version, profiles, tyt, committed):
    original = issued()
    huong, clerk = person("dothanhhuong"), person("lethuha")
    new = services.outgoing_replacement_start(actor=huong, outgoing=original)
    assert new.replaces == original and "Thay thế văn bản 01/UBND-VHXH" in new.document.description
    with_version(new)
    from qlvb.outgoing.tests.conftest import ALL_OK, PIN

    services.outgoing_submit(actor=huong, outgoing=new)
    services.outgoing_approve(actor=person("hoangvannam"), outgoing=new)
    services.outgoing_format_check(actor=clerk, outgoing=new, checks=ALL_OK)
    services.outgoing_sign(actor=person("nguyenvanhung"), outgoing=new, pin=PIN)
    services.outgoing_number(actor=clerk, outgoing=new)
    services.outgoing_sign_agency(actor=clerk, outgoing=new, pin=PIN)
    with committed():
        services.outgoing_issue(actor=clerk, outgoing=new)
    original.refresh_from_db()
    new.refresh_from_db()
    assert new.document.number_notation == "02/UBND-VHXH"
    assert original.state == State.REPLACED and "02/UBND-VHXH" in original.frozen_reason
    old_copy = original.document.deliveries.get().incoming_document
    old_copy.refresh_from_db()
    assert old_copy.status == DocumentStatus.WITHDRAWN
    new_copy = new.document.deliveries.get().incoming_document
    assert new_copy is not None and new_copy.status == DocumentStatus.RECEIVED
    assert Unit.objects.filter(pk=tyt.pk).exists()


def test_incoming_flows_own_refusal_gives_02(issued, person, committed):
    outgoing = issued()
    delivery = outgoing.document.deliveries.get()
    with committed():
        incoming_reject(
            actor=person("tytlienminh_buithiloan"), document=delivery.incoming_document, reason="Chữ ký số không hợp lệ"
        )
    delivery.refresh_from_db()
    assert delivery.status == Status.REJECTED
    assert outgoing.document.events.filter(action="delivery_status", text__contains="Chữ ký số").exists()
