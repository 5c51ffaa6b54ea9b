"""Issuing only records the deliveries; the exchange carries them once the issue has committed (it consumes
the ``issued`` event): a rolled-back issue sends nothing, a replayed event sends nothing twice, and one
recipient that cannot receive does not hold back the others."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from qlvb.directory.models import Unit
from qlvb.directory.services import unit_create
from qlvb.documents.deliveries import Delivery, Status
from qlvb.documents.events import dispatch_event, event_dispatch
from qlvb.documents.models import Direction, Document
from qlvb.documents.sending import issue_progress
from qlvb.exchange.queue_models import OutboxItem
from qlvb.exchange.tasks import delivery_carry_queue, delivery_carry_task
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
def outside(demo):
    """An outside agency reached through the national axis."""
    return unit_create(
        actor=None,
        kind="agency",
        name="Sở Y tế tỉnh Hưng Yên",
        short_name="SYT",
        organ_id="000.00.05.H33",
        external=True,
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
    ready, person, tyt, school, committed, settings, client
):
    """Each recipient is its own task: the school's tries fail (it left the deployment between the issue and
    its delivery) while the health station gets its copy; the clerk sees "Đã gửi 1/2, 1 lỗi" and sends again
    from the page once the school can receive."""
    settings.QLVB_DELIVERY_TRIES = 2
    clerk = person("lethuha")
    outgoing = ready(recipients=[tyt, school])
    with committed():
        services.outgoing_issue(actor=clerk, outgoing=outgoing)
        Unit.objects.filter(pk=school.pk).update(external=True)
    rows = {d.unit_id: d for d in outgoing.document.deliveries.all()}
    assert rows[tyt.pk].status == Status.ARRIVED and rows[tyt.pk].carried_at is not None and _received(tyt) == 1
    failed = rows[school.pk]
    assert failed.status == Status.WAITING and failed.incoming_document is None
    assert failed.carry_failed and failed.carry_attempts == 2 and failed.carry_error
    assert failed.changes.get().text.startswith("Chưa chuyển được tới hệ thống của nơi nhận (đã thử 2 lần)")
    progress = issue_progress(outgoing.document)
    assert (progress.total, progress.sent, progress.failed, progress.pending) == (2, 1, 1, 0)

    client.force_login(clerk)
    page = client.get(reverse("outgoing:detail", args=[outgoing.pk])).content.decode()
    assert "Đã gửi 1/2, 1 lỗi" in page and 'data-qlvb="deliveries-retry"' in page

    Unit.objects.filter(pk=school.pk).update(external=False)
    with committed():
        answer = client.post(reverse("outgoing:act", args=[outgoing.pk, "deliveries_retry"]))
    assert answer.status_code == 302
    failed.refresh_from_db()
    assert (
        failed.status == Status.ARRIVED and not failed.carry_failed and _received(school) == 1 and _received(tyt) == 1
    )
    assert outgoing.document.events.filter(action="deliveries_retried").count() == 1
    page = client.get(reverse("outgoing:detail", args=[outgoing.pk])).content.decode()
    assert "Đã gửi 2/2" in page and 'data-qlvb="deliveries-retry"' not in page


def test_each_recipient_is_one_task_and_a_task_run_twice_delivers_once(
    ready, person, tyt, school, outside, eager, django_capture_on_commit_callbacks, monkeypatch
):
    """The issue's commit queues one task per electronic recipient (the axis's on the ``exchange`` queue) and
    nothing is delivered in the dispatch itself; each task run twice delivers once."""
    queued: list[tuple[int, str]] = []
    monkeypatch.setattr(
        "qlvb.exchange.tasks.delivery_carry_queue", lambda pk, transport, countdown=None: queued.append((pk, transport))
    )
    outgoing = ready(recipients=[tyt, school, outside])
    with django_capture_on_commit_callbacks(execute=True):
        services.outgoing_issue(actor=person("lethuha"), outgoing=outgoing)
    rows = {d.unit_id: d for d in outgoing.document.deliveries.all()}
    assert sorted(queued) == sorted(
        [(rows[tyt.pk].pk, "internal"), (rows[school.pk].pk, "internal"), (rows[outside.pk].pk, "axis")]
    )
    assert _received(tyt) == 0 and _received(school) == 0  # the dispatch only fanned out
    for pk, transport in queued:
        assert delivery_carry_task(pk, transport) in ("arrived", "queued")
        assert delivery_carry_task(pk, transport) == "skipped"
    assert _received(tyt) == 1 and _received(school) == 1
    assert OutboxItem.objects.filter(delivery=rows[outside.pk]).count() == 1
    assert Delivery.objects.get(pk=rows[tyt.pk].pk).changes.count() == 1  # one "01"


def test_the_axis_task_goes_to_the_exchange_queue(monkeypatch):
    sent: list[dict[str, object]] = []
    monkeypatch.setattr(delivery_carry_task, "apply_async", lambda **kw: sent.append(kw))
    delivery_carry_queue(7, "axis")
    delivery_carry_queue(8, "internal", countdown=10)
    assert [(s["args"], s["queue"], s.get("countdown")) for s in sent] == [
        ((7, "axis"), "exchange", None),
        ((8, "internal"), "default", 10),
    ]


def test_a_recall_replayed_withdraws_once(issued, person, tyt, committed):
    outgoing = issued()
    with committed():
        services.outgoing_revoke(actor=person("lethuha"), outgoing=outgoing, reason="Sai nội dung")
    delivery = outgoing.document.deliveries.get()
    assert not delivery.recall_pending
    event_dispatch(outgoing.document.events.get(action="revoked").pk)
    assert delivery.incoming_document.events.filter(action="recalled").count() == 1
    assert delivery.changes.count() == 2  # 01, then the recall
