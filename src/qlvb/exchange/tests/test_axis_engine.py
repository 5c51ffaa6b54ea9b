"""The national-axis engine against the real local axis (``qlvb.axissim`` served on 127.0.0.1): what is
issued to an outside agency arrives there signed with all its files and its status comes back; what an
outside agency sends registers once however often it arrives; a day of outage loses nothing; a bad
package is refused with a Vietnamese reason and answered 02; the workflow answers 03/04/05/06; a
revocation crosses the axis both ways."""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from django.db import transaction
from django.utils import timezone
from pypdf import PdfWriter

from qlvb.axissim.server import AxisApp, Store, make_axis_server
from qlvb.directory.services import unit_create
from qlvb.documents.models import Channel, Document, DocumentStatus
from qlvb.exchange import edxml
from qlvb.exchange.edxml import model as m
from qlvb.exchange.edxml.signature import verify_package
from qlvb.exchange.edxml.status import make_status
from qlvb.exchange.inbox import inbox_poll, inbox_receive
from qlvb.exchange.models import InboxItem, InboxState, OutboxItem, Status
from qlvb.exchange.outbox import axis_deliveries_queue, outbox_send_due
from qlvb.exchange.transport import VdxpConfig, VdxpTransport
from qlvb.incoming.services import incoming_register
from qlvb.outgoing import services

pytestmark = pytest.mark.django_db

COMMUNE, TYT, DISTRICT, PROVINCE = "000.00.31.H42", "000.01.31.H42", "000.00.30.H42", "000.00.00.H42"
ELSEWHERE = "000.02.31.H42"
SECRETS = {"qlvb-demo": "demo-secret-for-tests", "sim-huyen": "district-secret", "sim-tinh": "province-secret"}


class Axis:
    def __init__(self, root: Path, *, answer: bool = False) -> None:
        store = Store(root)
        store.seed(
            [
                {"code": PROVINCE, "name": "Ủy ban nhân dân tỉnh Mô Phỏng", "system_id": "sim-tinh"},
                {
                    "code": DISTRICT,
                    "name": "Ủy ban nhân dân huyện Mô Phỏng",
                    "pcode": PROVINCE,
                    "system_id": "sim-huyen",
                },
                {"code": COMMUNE, "name": "Ủy ban nhân dân xã Liên Minh", "pcode": DISTRICT, "system_id": "qlvb-demo"},
                {"code": TYT, "name": "Trạm Y tế xã Liên Minh", "pcode": COMMUNE, "system_id": "qlvb-demo"},
                # on the axis under our system, but not an agency of this deployment
                {"code": ELSEWHERE, "name": "Trường Mầm non xã Liên Minh", "pcode": COMMUNE, "system_id": "qlvb-demo"},
            ],
            secrets_by_system=SECRETS,
        )
        self.server = make_axis_server(AxisApp(store, answer=answer))
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        self.district = VdxpTransport(VdxpConfig(endpoint=self.url, system_id="sim-huyen", secret=SECRETS["sim-huyen"]))

    def faults(self, **values: object) -> None:
        requests.post(f"{self.url}/_sim/faults", json=values, timeout=5).raise_for_status()


@pytest.fixture(params=[False])
def axis(tmp_path: Path, settings: Any, request: Any) -> Iterator[Axis]:
    running = Axis(tmp_path / "axis", answer=request.param)
    settings.QLVB_AXIS_ENDPOINT = running.url
    settings.QLVB_AXIS_SYSTEM_ID = "qlvb-demo"
    settings.QLVB_AXIS_SECRET = SECRETS["qlvb-demo"]
    settings.QLVB_AXIS_TIMEOUT = 5
    settings.QLVB_AXIS_RETRY_BASE_SECONDS = 30
    yield running
    running.server.shutdown()
    running.server.server_close()


@pytest.fixture
def district(demo: None) -> Any:
    return unit_create(
        actor=None,
        kind="agency",
        name="Ủy ban nhân dân huyện Mô Phỏng",
        short_name="UBND huyện",
        organ_id=DISTRICT,
        external=True,
        parent=None,
    )


def pdf(tmp_path: Path, name: str = "cong-van.pdf") -> Path:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    path = tmp_path / name
    path.write_bytes(out.getvalue())
    return path


def district_package(tmp_path: Path, *, number: str = "45", btype: str = "0", **extra: Any) -> Path:
    """What the district's own system would send to the commune."""
    document_id = f"{DISTRICT},2026/12/01,{number}/UBND-VP"
    package = m.Edoc(
        header=m.EdocHeader(
            from_=m.Organization(organ_id=DISTRICT, organ_name="Ủy ban nhân dân huyện Mô Phỏng"),
            to=[m.Organization(organ_id=extra.pop("to", COMMUNE), organ_name="Ủy ban nhân dân xã Liên Minh")],
            document_id=document_id,
            code=m.Code(number, "UBND-VP"),
            promulgation_info=m.PromulgationInfo("Mô Phỏng", "2026/12/01"),
            document_type=m.DocumentType("1", "", "Công văn"),
            subject="V/v rà soát hộ nghèo cuối năm",
            signer_info=m.SignerInfo("KT. CHỦ TỊCH", "Phó Chủ tịch", "Trần Văn Nam"),
            **extra.pop("header", {}),
        ),
        bussiness=m.Bussiness(bussiness_doc_type=btype, **extra.pop("bussiness", {})),
        attachments=[m.Attachment(path=pdf(tmp_path))] if btype != "1" else [],
    )
    out = tmp_path / f"{number}-{btype}.edxml"
    edxml.build(package, out)
    return out


def received(axis: Axis, tmp_path: Path, message_type: str) -> list[Any]:
    out = []
    for message in axis.district.list_received(message_type=message_type):  # type: ignore[arg-type]
        path = tmp_path / f"got-{message.id}.edxml"
        axis.district.download(message.id, path)
        axis.district.acknowledge(message.id, "done")
        out.append((path, edxml.parse(path, attachments_dir=tmp_path / f"files-{message.id}")))
    return out


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


@pytest.mark.parametrize("axis", [True], indirect=True)
def test_the_simulated_district_answers_01_by_itself(axis: Axis, district: Any, issued: Any) -> None:
    """``qlvb serve`` runs the simulator with ``--answer``: the demo sees 01 come back with no one acting."""
    outgoing = issued(recipients=[district])  # queued and sent after the commit
    assert OutboxItem.objects.get().sent_at is not None
    assert inbox_poll() == 1
    delivery = outgoing.document.deliveries.get()
    assert delivery.status == Status.ARRIVED
    assert InboxItem.objects.get().state == InboxState.APPLIED


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
