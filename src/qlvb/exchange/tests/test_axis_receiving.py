"""What an outside agency sends us over the real local axis: registered once however often it arrives; a
bad package refused with a Vietnamese reason and answered 02; the workflow answers 03/04/05/06; a
revocation, a take-back (13) and a replacement applied to our copy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qlvb.documents.models import Channel, Document, DocumentStatus
from qlvb.exchange import edxml
from qlvb.exchange.edxml import model as m
from qlvb.exchange.edxml.status import make_status
from qlvb.exchange.inbox import inbox_poll, inbox_receive
from qlvb.exchange.models import InboxItem, InboxState, OutboxItem
from qlvb.exchange.outbox import outbox_send_due
from qlvb.incoming.services import incoming_register

from .localaxis import COMMUNE, DISTRICT, ELSEWHERE, Axis, district_package, received

pytestmark = pytest.mark.django_db


def test_a_package_delivered_twice_registers_once_and_01_goes_back(axis: Axis, demo: None, tmp_path: Path) -> None:
    axis.faults(duplicate=True)
    axis.district.send(district_package(tmp_path), sender=DISTRICT)
    axis.faults(duplicate=False)
    assert inbox_poll() == 2
    documents = Document.objects.filter(channel=Channel.AXIS)
    assert documents.count() == 1
    document = documents.get()
    assert document.status == DocumentStatus.RECEIVED and document.organ_id == DISTRICT
    assert document.code_number == "45" and document.attachments.count() == 1
    assert sorted(InboxItem.objects.values_list("state", flat=True)) == [InboxState.DUPLICATE, InboxState.REGISTERED]
    assert axis.district.list_received(message_type="edoc") == []
    assert outbox_send_due() == 1
    [(_path, parsed)] = received(axis, tmp_path, "status")
    assert parsed.package.status_code == "01" and parsed.package.from_.organ_id == COMMUNE


def test_killed_between_taking_and_acknowledging_registers_nothing_twice(
    axis: Axis, demo: None, tmp_path: Path
) -> None:
    axis.district.send(district_package(tmp_path), sender=DISTRICT)
    from qlvb.exchange.axis_config import transport_get

    [message] = transport_get().list_received()
    inbox_receive(message)  # downloaded, registered, committed — then the worker is killed before the ack
    assert len(transport_get().list_received()) == 1  # still waiting on the axis
    assert inbox_poll() == 1  # the next poll only acknowledges
    assert Document.objects.filter(channel=Channel.AXIS).count() == 1
    assert transport_get().list_received() == []


def test_a_malformed_package_is_refused_with_its_reason_and_answered_02(axis: Axis, demo: None, tmp_path: Path) -> None:
    good = district_package(tmp_path).read_bytes()
    start = good.index(b"<edXML:ContentTransferEncoded")
    start = good.index(b">", start) + 1
    broken = good[:start] + b"!!not base64!!" + good[start:]
    axis.district.send(broken, sender=DISTRICT)
    assert inbox_poll() == 1
    item = InboxItem.objects.get()
    assert item.state == InboxState.REFUSED and "base64" in item.reason and item.document is None
    assert Document.objects.filter(channel=Channel.AXIS).count() == 0
    assert axis.district.list_received(message_type="edoc") == []  # acknowledged: no loop
    outbox_send_due()
    [(_path, parsed)] = received(axis, tmp_path, "status")
    assert parsed.package.status_code == "02" and "base64" in parsed.package.description


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ({"header": {"other_info": m.OtherInfo(priority="Tối mật")}}, "văn bản mật"),
        ({"to": ELSEWHERE}, "không thuộc hệ thống này"),
    ],
    ids=["secrecy-marking", "agency-not-in-this-deployment"],
)
def test_a_package_we_may_not_take_is_refused_and_answered_02(
    axis: Axis, demo: None, tmp_path: Path, extra: dict[str, Any], reason: str
) -> None:
    axis.district.send(district_package(tmp_path, **extra), sender=DISTRICT)
    assert inbox_poll() == 1
    item = InboxItem.objects.get()
    assert item.state == InboxState.REFUSED and reason in item.reason
    assert not Document.objects.filter(channel=Channel.AXIS).exists()
    outbox_send_due()
    [(_path, parsed)] = received(axis, tmp_path, "status")
    assert parsed.package.status_code == "02" and reason in parsed.package.description


def test_a_status_for_a_document_never_sent_is_stored_refused(axis: Axis, demo: None, tmp_path: Path) -> None:
    status = make_status(
        code="03",
        sender=m.Organization(organ_id=DISTRICT),
        about=m.ResponseFor(organ_id=COMMUNE, document_id=f"{COMMUNE},2026/12/01,999/UBND-VP"),
    )
    path = tmp_path / "03.edxml"
    edxml.build(status, path)
    axis.district.send(path, sender=DISTRICT, message_type="status")
    assert inbox_poll() == 1
    item = InboxItem.objects.get()
    assert item.state == InboxState.REFUSED and "chưa từng gửi" in item.reason


def test_registering_answers_03_and_a_revocation_from_the_district_withdraws_our_copy(
    axis: Axis, demo: None, tmp_path: Path, person: Any, committed: Any
) -> None:
    axis.district.send(district_package(tmp_path), sender=DISTRICT)
    inbox_poll()
    document = Document.objects.get(channel=Channel.AXIS)
    with committed():
        incoming_register(actor=person("lethuha"), document=document)
    codes = list(OutboxItem.objects.filter(kind="status").order_by("id").values_list("status_code", flat=True))
    assert codes == ["01", "03"]

    revoke = district_package(
        tmp_path,
        number="46",
        btype="1",
        header={"response_for": [m.ResponseFor(organ_id=DISTRICT, document_id=f"{DISTRICT},2026/12/01,45/UBND-VP")]},
        bussiness={"bussiness_doc_reason": "Ban hành nhầm"},
    )
    axis.district.send(revoke, sender=DISTRICT)
    inbox_poll()
    document.refresh_from_db()
    assert document.status == DocumentStatus.WITHDRAWN
    assert "Ban hành nhầm" in document.events.get(action="recalled").text
    assert OutboxItem.objects.filter(kind="status", status_code="15").exists()
    assert Document.objects.filter(channel=Channel.AXIS).count() == 1  # the revocation registers nothing


def test_the_workflow_answers_04_05_06_to_the_sender_over_the_axis(
    axis: Axis, demo: None, tmp_path: Path, person: Any, committed: Any
) -> None:
    from qlvb.incoming.handling import assignment_complete, assignment_report, incoming_handle_self

    axis.district.send(district_package(tmp_path), sender=DISTRICT)
    inbox_poll()
    document = Document.objects.get(channel=Channel.AXIS)
    ubnd_leader = person("nguyenvanhung")
    with committed():
        incoming_register(actor=person("lethuha"), document=document)
    with committed():
        assignment = incoming_handle_self(actor=ubnd_leader, document=document, note="Tự xử lý")
    with committed():
        assignment_report(actor=ubnd_leader, assignment=assignment, text="Đang rà soát")
    with committed():
        assignment_complete(actor=ubnd_leader, assignment=assignment, result="Đã báo cáo huyện")
    sent = OutboxItem.objects.filter(kind="status").order_by("id")
    assert [i.status_code for i in sent] == ["01", "03", "04", "05", "06"]
    assert all(i.sent_at is not None for i in sent[1:])  # sent after each step committed
    outbox_send_due()
    answers = received(axis, tmp_path, "status")
    assert sorted(p.package.status_code for _path, p in answers) == ["01", "03", "04", "05", "06"]
    assert {p.package.response_for.document_id for _path, p in answers} == {f"{DISTRICT},2026/12/01,45/UBND-VP"}


def test_refusing_a_registered_axis_document_answers_02_with_the_reason(
    axis: Axis, demo: None, tmp_path: Path, person: Any, committed: Any
) -> None:
    from qlvb.incoming.services import incoming_reject

    axis.district.send(district_package(tmp_path), sender=DISTRICT)
    inbox_poll()
    document = Document.objects.get(channel=Channel.AXIS)
    with committed():
        incoming_reject(actor=person("lethuha"), document=document, reason="Gửi nhầm nơi nhận")
    assert OutboxItem.objects.filter(kind="status", status_code="02").count() == 1
    outbox_send_due()
    statuses = {p.package.status_code: p.package for _path, p in received(axis, tmp_path, "status")}
    assert statuses["02"].description == "Gửi nhầm nơi nhận"


def test_the_district_takes_back_a_document_not_yet_registered_13_then_15(
    axis: Axis, demo: None, tmp_path: Path
) -> None:
    axis.district.send(district_package(tmp_path), sender=DISTRICT)
    inbox_poll()
    document = Document.objects.get(channel=Channel.AXIS)
    status = make_status(
        code="13",
        sender=m.Organization(organ_id=DISTRICT),
        about=m.ResponseFor(organ_id=COMMUNE, document_id=f"{DISTRICT},2026/12/01,45/UBND-VP"),
    )
    path = tmp_path / "13.edxml"
    edxml.build(status, path)
    axis.district.send(path, sender=DISTRICT, message_type="status")
    inbox_poll()
    document.refresh_from_db()
    assert document.status == DocumentStatus.WITHDRAWN
    outbox_send_due()
    assert sorted(p.package.status_code for _path, p in received(axis, tmp_path, "status")) == ["01", "15"]


def test_a_replacement_from_the_district_registers_the_new_document_and_withdraws_the_old(
    axis: Axis, demo: None, tmp_path: Path
) -> None:
    axis.district.send(district_package(tmp_path), sender=DISTRICT)
    inbox_poll()
    old = Document.objects.get(channel=Channel.AXIS)
    replaced = m.ReplacementInfo(document_id=f"{DISTRICT},2026/12/01,45/UBND-VP", organ_ids=[COMMUNE])
    axis.district.send(
        district_package(tmp_path, number="47", btype="3", bussiness={"replacements": [replaced]}), sender=DISTRICT
    )
    inbox_poll()
    old.refresh_from_db()
    assert old.status == DocumentStatus.WITHDRAWN
    new = Document.objects.get(channel=Channel.AXIS, code_number="47")
    assert new.status == DocumentStatus.RECEIVED
