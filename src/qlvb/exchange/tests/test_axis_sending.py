"""Our documents to an outside agency over the real local axis: what is issued arrives there signed with
all its files and its 01 comes back; a day of outage loses nothing; a revocation and a replacement
cross the axis."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from qlvb.exchange import edxml
from qlvb.exchange.edxml import model as m
from qlvb.exchange.edxml.signature import verify_package
from qlvb.exchange.edxml.status import make_status
from qlvb.exchange.inbox import inbox_poll
from qlvb.exchange.models import Delivery, InboxItem, InboxState, OutboxItem, Status
from qlvb.exchange.outbox import axis_deliveries_queue, outbox_send_due
from qlvb.exchange.transport import VdxpConfig, VdxpTransport
from qlvb.outgoing import services

from .localaxis import COMMUNE, DISTRICT, PROVINCE, SECRETS, Axis, received

pytestmark = pytest.mark.django_db


def test_issued_to_the_district_arrives_signed_with_its_files_and_its_01_comes_back(
    axis: Axis, district: Any, issued: Any, tmp_path: Path
) -> None:
    outgoing = issued(recipients=[district])
    delivery = outgoing.document.deliveries.get()
    # The exchange's consumer of ``issued`` queued the package and sent it after the commit.
    item = OutboxItem.objects.get(delivery=delivery)
    with transaction.atomic():
        assert axis_deliveries_queue([delivery]) == []  # queued once, even when the event is replayed
    assert outbox_send_due() == 0
    assert item.sent_at is not None and item.attempts == 1 and item.axis_id
    delivery.refresh_from_db()
    assert delivery.status == Status.WAITING  # sent, not yet arrived

    [(path, parsed)] = received(axis, tmp_path, "edoc")
    assert verify_package(path).verdict == "valid"
    edoc = parsed.package
    assert edoc.header.from_.organ_id == COMMUNE and [o.organ_id for o in edoc.header.to] == [DISTRICT]
    assert edoc.header.document_id == outgoing.document.document_identifier
    assert edoc.bussiness.bussiness_doc_type == "0"
    signed = outgoing.document.attachments.get(kind="signed")
    assert [a.sha256 for a in edoc.attachments] == [signed.stored_file.blob.sha256]

    # the district's system answers 01; our poll moves the delivery
    status = make_status(
        code="01",
        sender=m.Organization(organ_id=DISTRICT),
        about=m.ResponseFor(organ_id=COMMUNE, document_id=edoc.header.document_id),
        staff=m.StaffInfo(staff="Văn thư huyện"),
    )
    answer = tmp_path / "01.edxml"
    edxml.build(status, answer)
    axis.district.send(answer, sender=DISTRICT, message_type="status")
    assert inbox_poll() == 1
    delivery.refresh_from_db()
    assert delivery.status == Status.ARRIVED
    assert delivery.changes.filter(status="01", staff="Văn thư huyện").exists()


def test_issued_to_two_outside_agencies_each_gets_its_own_signed_package_with_the_same_files(
    axis: Axis, district: Any, issued: Any, tmp_path: Path
) -> None:
    from qlvb.directory.services import unit_create

    province = unit_create(
        actor=None,
        kind="agency",
        name="Ủy ban nhân dân tỉnh Mô Phỏng",
        short_name="UBND tỉnh",
        organ_id=PROVINCE,
        external=True,
        parent=None,
    )
    outgoing = issued(recipients=[district, province])
    assert OutboxItem.objects.filter(sent_at__isnull=False).count() == 2
    signed = outgoing.document.attachments.get(kind="signed").stored_file.blob.sha256
    province_axis = VdxpTransport(VdxpConfig(endpoint=axis.url, system_id="sim-tinh", secret=SECRETS["sim-tinh"]))
    got = {}
    for who, transport in (("district", axis.district), ("province", province_axis)):
        [message] = transport.list_received(message_type="edoc")
        path = tmp_path / f"{who}.edxml"
        transport.download(message.id, path)
        got[who] = (path, edxml.parse(path, attachments_dir=tmp_path / who))
    for who, code in (("district", DISTRICT), ("province", PROVINCE)):
        path, parsed = got[who]
        edoc = parsed.package
        assert isinstance(edoc, m.Edoc)
        assert [o.organ_id for o in edoc.header.to] == [code]  # each names only its recipient
        assert [a.sha256 for a in edoc.attachments] == [signed]
        assert verify_package(path).verdict == "valid"


def test_axis_down_the_package_waits_with_backoff_then_goes(axis: Axis, district: Any, issued: Any) -> None:
    axis.faults(fail=-1)
    issued(recipients=[district])  # the send after the commit meets the outage
    item = OutboxItem.objects.get()
    assert item.sent_at is None and not item.failed and item.attempts == 1
    assert "HTTP 500" in item.last_error
    first_wait = item.next_attempt_at - timezone.now()
    assert dt.timedelta(seconds=20) < first_wait <= dt.timedelta(seconds=30)
    assert outbox_send_due() == 0  # not due yet: no try
    later = timezone.now() + dt.timedelta(hours=1)
    assert outbox_send_due(now=later) == 0
    item.refresh_from_db()
    assert item.attempts == 2 and item.next_attempt_at - timezone.now() > dt.timedelta(seconds=50)  # doubled
    axis.faults(fail=0)
    assert outbox_send_due(now=timezone.now() + dt.timedelta(days=1)) == 1
    item.refresh_from_db()
    assert item.sent_at is not None
    assert [a.ok for a in item.tries.all()] == [False, False, True]
    assert len(axis.district.list_received(message_type="edoc")) == 1


def test_revoking_our_document_sends_a_revocation_to_the_outside_recipient(
    axis: Axis, district: Any, issued: Any, person: Any, committed: Any, tmp_path: Path
) -> None:
    outgoing = issued(recipients=[district])  # queued and sent after the commit
    with committed():
        services.outgoing_revoke(actor=person("lethuha"), outgoing=outgoing, reason="Sai thẩm quyền")
    items = OutboxItem.objects.order_by("id")
    assert [(i.business_type, i.sent_at is not None) for i in items] == [(0, True), (1, True)]  # sent after commit
    packages = {p.package.bussiness.bussiness_doc_type: p.package for _path, p in received(axis, tmp_path, "edoc")}
    assert sorted(packages) == ["0", "1"]  # the document, then its revocation
    revocation = packages["1"]
    assert revocation.bussiness.bussiness_doc_reason == "Sai thẩm quyền"
    assert revocation.header.response_for[0].document_id == outgoing.document.document_identifier


@pytest.mark.parametrize("axis", [True], indirect=True)
def test_the_simulated_district_answers_01_by_itself(axis: Axis, district: Any, issued: Any) -> None:
    """``qlvb serve`` runs the simulator with ``--answer``: the demo sees 01 come back with no one acting."""
    outgoing = issued(recipients=[district])  # queued and sent after the commit
    assert OutboxItem.objects.get().sent_at is not None
    assert inbox_poll() == 1
    delivery = outgoing.document.deliveries.get()
    assert delivery.status == Status.ARRIVED
    assert InboxItem.objects.get().state == InboxState.APPLIED


def test_replacing_our_document_sends_the_replacement_naming_the_original(
    axis: Axis, district: Any, issued: Any, person: Any, committed: Any, with_version: Any, tmp_path: Path
) -> None:
    from qlvb.outgoing.tests.conftest import ALL_OK, PIN

    original = issued(recipients=[district])  # queued and sent after the commit
    huong, clerk = person("dothanhhuong"), person("lethuha")
    new = services.outgoing_replacement_start(actor=huong, outgoing=original)
    with_version(new)
    services.outgoing_submit(actor=huong, outgoing=new)
    services.outgoing_approve(actor=person("hoangvannam"), outgoing=new)
    services.outgoing_format_check(actor=clerk, outgoing=new, checks=ALL_OK)
    services.outgoing_sign(actor=person("nguyenvanhung"), outgoing=new, pin=PIN)
    services.outgoing_number(actor=clerk, outgoing=new)
    services.outgoing_sign_agency(actor=clerk, outgoing=new, pin=PIN)
    with committed():
        services.outgoing_issue(actor=clerk, outgoing=new)  # the exchange's consumer queues and sends it
    outbox_send_due()
    packages = {p.package.bussiness.bussiness_doc_type: p.package for _path, p in received(axis, tmp_path, "edoc")}
    assert sorted(packages) == ["0", "3"]  # the original, then its replacement — no separate revocation
    replacement = packages["3"].bussiness
    assert replacement.replacements[0].document_id == original.document.document_identifier
    assert replacement.replacements[0].organ_ids == [DISTRICT]
    assert not original.document.deliveries.get().recall_pending  # carried by the replacement


def test_the_outside_agencys_answer_tells_our_clerks(
    axis: Axis, district: Any, issued: Any, tmp_path: Path, celery_eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    """A status that moves our delivery is a reply of the outside agency: the clerks get a notification of
    kind ``reply`` (pushed to their devices, docs/push.md); a status repeated moves nothing and says nothing."""
    from qlvb.assignments.models import Notification

    outgoing = issued(recipients=[district])
    assert outbox_send_due() == 0
    [(_path, parsed)] = received(axis, tmp_path, "edoc")
    status = make_status(
        code="01",
        sender=m.Organization(organ_id=DISTRICT),
        about=m.ResponseFor(organ_id=COMMUNE, document_id=parsed.package.header.document_id),
        staff=m.StaffInfo(staff="Văn thư huyện"),
    )
    for n in range(2):
        answer = tmp_path / f"01-{n}.edxml"
        edxml.build(status, answer)
        axis.district.send(answer, sender=DISTRICT, message_type="status")
        with django_capture_on_commit_callbacks(execute=True):
            assert inbox_poll() == 1
    replies = Notification.objects.filter(kind="reply", document=outgoing.document)
    assert replies.count() == replies.values("user").distinct().count() >= 1
    assert all(n.user.username == "ublienminh_lethuha" for n in replies)


def test_a_worker_killed_mid_send_does_not_send_twice(axis: Axis, district: Any, issued: Any, monkeypatch) -> None:
    """The worker dies after the axis took the package and before the item's row commits (``kill -9``; the
    task is delivered again): the next try finds the package in the axis's sent list and records it; the
    district receives it once."""
    from qlvb.exchange import outbox
    from qlvb.exchange.transport.vdxp import VdxpTransport as Sending

    class Killed(BaseException):  # what the worker's death looks like to the code: nothing after runs
        pass

    real_send = Sending.send

    def send_then_die(self: Any, *args: Any, **kwargs: Any) -> str:
        real_send(self, *args, **kwargs)
        raise Killed

    monkeypatch.setattr(Sending, "send", send_then_die)
    with pytest.raises(Killed):
        issued(recipients=[district])  # the send after the commit: the package reaches the axis, the worker dies
    item = OutboxItem.objects.get()
    assert item.sent_at is None and item.sending_token  # the try in flight, left by the dead worker
    monkeypatch.setattr(Sending, "send", real_send)
    again = outbox.outbox_send(item.pk)
    assert again is not None and again.sent_at is not None and again.axis_id and not again.sending_token
    assert len(axis.district.list_received(message_type="edoc")) == 1
    assert outbox.outbox_send(item.pk) is None  # sent: nothing more
    assert Delivery.objects.get(outbox_items=again).carried_at is not None


def test_a_try_that_may_still_be_in_flight_is_not_sent_again_before_it_cannot(
    axis: Axis, district: Any, issued: Any, monkeypatch
) -> None:
    """The worker dies while the axis still holds its request (the cluster's fault script: the simulator held
    it 8 s, the task came back at once): the package is not in the sent list *yet*. The next try must not send
    it again until the dead try's time-outs are over; then, still not in the sent list, it never arrived, and
    it is sent once."""
    from qlvb.exchange import outbox
    from qlvb.exchange.transport.vdxp import VdxpTransport as Sending

    class Killed(BaseException):
        pass

    real_send = Sending.send

    def die_in_flight(self: Any, *args: Any, **kwargs: Any) -> str:
        raise Killed  # the request left, the axis has not recorded it when the worker dies

    monkeypatch.setattr(Sending, "send", die_in_flight)
    with pytest.raises(Killed):
        issued(recipients=[district])
    monkeypatch.setattr(Sending, "send", real_send)
    item = OutboxItem.objects.get()
    started = item.sending_since
    assert started is not None and item.sending_token
    again = outbox.outbox_send(item.pk)  # the task delivered again at once
    assert again is not None and again.sent_at is None and again.sending_token == item.sending_token
    limit = dt.timedelta(seconds=settings.QLVB_AXIS_TIMEOUT + 5) + outbox.IN_FLIGHT_MARGIN  # connect 5 s
    assert again.next_attempt_at == started + limit
    assert axis.district.list_received(message_type="edoc") == []
    assert outbox.outbox_due(now=timezone.now()) == []  # the beat does not take it either
    OutboxItem.objects.filter(pk=item.pk).update(sending_since=started - limit)  # the time-outs are over
    sent = outbox.outbox_send(item.pk)
    assert sent is not None and sent.sent_at is not None and not sent.sending_token
    assert len(axis.district.list_received(message_type="edoc")) == 1
