"""Issuing only records the deliveries; the exchange carries them once the issue has committed (it consumes
the ``issued`` event): a rolled-back issue sends nothing, a replayed event sends nothing twice, and one
recipient that cannot receive does not hold back the others."""

from __future__ import annotations

import pytest
from django.db import transaction

from qlvb.directory.models import Unit
from qlvb.directory.services import unit_create
from qlvb.documents.deliveries import Status
from qlvb.documents.events import dispatch_event, event_dispatch
from qlvb.documents.models import Direction, Document
from qlvb.outgoing import services
from qlvb.outgoing.tests.conftest import PIN

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(demo):
    """A second agency of this deployment."""
    return unit_create(
        actor=None,
        kind="agency",
        name="Trường Tiểu học xã Liên Minh",
        short_name="THLM",
        organ_id="000.02.31.H42",
        external=False,
        parent=None,
    )


@pytest.fixture
def ready(signed, person):
    """A document signed and numbered by the agency, waiting to be issued by the clerk."""

    def make(**overrides):
        clerk = person("lethuha")
        outgoing = signed(**overrides)
        services.outgoing_number(actor=clerk, outgoing=outgoing)
        return services.outgoing_sign_agency(actor=clerk, outgoing=outgoing, pin=PIN)

    return make


def _received(unit: Unit) -> int:
    return Document.objects.filter(agency=unit, direction=Direction.INCOMING).count()


def test_the_copy_arrives_after_the_issue_commits(ready, person, tyt, committed):
    outgoing = ready()
    with committed() as callbacks:
        services.outgoing_issue(actor=person("lethuha"), outgoing=outgoing)
        delivery = outgoing.document.deliveries.get()
        assert delivery.status == Status.WAITING and delivery.incoming_document is None
        assert _received(tyt) == 0  # the issuing transaction is still open: nothing has left
    assert len(callbacks) >= 1
    delivery.refresh_from_db()
    assert delivery.status == Status.ARRIVED and delivery.incoming_document is not None
    assert delivery.incoming_document.agency == tyt
    assert _received(tyt) == 1


def test_a_rolled_back_issue_delivers_nothing(ready, person, tyt, committed):
    outgoing = ready()
    with committed() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        services.outgoing_issue(actor=person("lethuha"), outgoing=outgoing)
        raise RuntimeError("rolled back")
    assert callbacks == []
    assert not outgoing.document.deliveries.exists()
    assert _received(tyt) == 0


def test_an_issued_event_dispatched_twice_creates_one_incoming_document(issued, tyt):
    outgoing = issued()
    event = outgoing.document.events.get(action="issued")
    assert event_dispatch(event.pk) == 2  # replayed: the exchange and webhooks consumers run, nothing is sent again
    dispatch_event.delay(event.pk)
    assert _received(tyt) == 1
    delivery = outgoing.document.deliveries.get()
    assert [c.status for c in delivery.changes.all()] == ["01"]


def test_one_recipient_that_cannot_receive_does_not_stop_the_others(
    ready, person, tyt, school, eager, django_capture_on_commit_callbacks
):
    outgoing = ready(recipients=[tyt, school])
    with django_capture_on_commit_callbacks() as callbacks:
        services.outgoing_issue(actor=person("lethuha"), outgoing=outgoing)
    # between the issue and its delivery the school leaves the deployment (an outside agency now)
    Unit.objects.filter(pk=school.pk).update(external=True)
    for callback in callbacks:
        callback()
    rows = {d.unit_id: d for d in outgoing.document.deliveries.all()}
    assert rows[tyt.pk].status == Status.ARRIVED and _received(tyt) == 1
    failed = rows[school.pk]
    assert failed.status == Status.WAITING and failed.incoming_document is None
    assert failed.changes.get().text == "Chưa chuyển được tới hệ thống của nơi nhận."
    # once it can receive again, replaying the event delivers only what is missing
    Unit.objects.filter(pk=school.pk).update(external=False)
    event_dispatch(outgoing.document.events.get(action="issued").pk)
    failed.refresh_from_db()
    assert failed.status == Status.ARRIVED and _received(school) == 1 and _received(tyt) == 1


def test_a_recall_replayed_withdraws_once(issued, person, tyt, committed):
    outgoing = issued()
    with committed():
        services.outgoing_revoke(actor=person("lethuha"), outgoing=outgoing, reason="Sai nội dung")
    delivery = outgoing.document.deliveries.get()
    assert not delivery.recall_pending
    event_dispatch(outgoing.document.events.get(action="revoked").pk)
    assert delivery.incoming_document.events.filter(action="recalled").count() == 1
    assert delivery.changes.count() == 2  # 01, then the recall
