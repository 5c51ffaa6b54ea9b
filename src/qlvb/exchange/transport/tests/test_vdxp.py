"""VdxpTransport against the local axis simulator, served for real on 127.0.0.1 (a random port): what a
clerk's system needs from the national axis — packages reach every addressee once acknowledged, faults
of the axis become a Vietnamese message instead of a traceback, and nothing oversize is taken in."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import threading
import tracemalloc
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import requests

from qlvb.axissim.server import AxisApp, Store, make_axis_server
from qlvb.exchange.transport import TransportError, VdxpConfig, VdxpTransport

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
COMMUNE, TYT, DISTRICT, PROVINCE = "000.00.31.H42", "000.01.31.H42", "000.00.30.H42", "000.00.00.H42"
SECRETS = {"qlvb-demo": "demo-secret-for-tests", "sim-huyen": "district-secret", "sim-tinh": "province-secret"}


def edoc(sender: str, *to: str, body: bytes = b"") -> bytes:
    """A document package, enough of it for routing: the header the axis reads, then a body."""
    recipients = "".join(f"<edXML:To><edXML:OrganId>{code}</edXML:OrganId></edXML:To>" for code in to)
    return (
        (
            f'<?xml version="1.0" encoding="UTF-8"?><edXML xmlns="{NS}"><edXML:edXMLEnvelope xmlns:edXML="{NS}">'
            f"<edXML:edXMLHeader><edXML:MessageHeader><edXML:From><edXML:OrganId>{sender}</edXML:OrganId>"
            f"<edXML:OrganName>Ủy ban nhân dân xã Liên Minh</edXML:OrganName></edXML:From>{recipients}"
            f"<edXML:Code><edXML:CodeNumber>12</edXML:CodeNumber></edXML:Code></edXML:MessageHeader>"
            f"</edXML:edXMLHeader></edXML:edXMLEnvelope><AttachmentEncoded><Attachment>"
        ).encode()
        + body
        + b"</Attachment></AttachmentEncoded></edXML>"
    )


def status_package(sender: str, original_sender: str, code: str = "01") -> bytes:
    return (
        f'<edXML xmlns="{NS}"><edXML:edXMLEnvelope xmlns:edXML="{NS}"><edXML:edXMLHeader><edXML:MessageHeader>'
        f"<edXML:From><edXML:OrganId>{sender}</edXML:OrganId></edXML:From>"
        f"<edXML:ResponseFor><edXML:OrganId>{original_sender}</edXML:OrganId>"
        f"<edXML:DocumentId>{original_sender},2026/12/02,12/UBND-VP</edXML:DocumentId></edXML:ResponseFor>"
        f"<edXML:StatusCode>{code}</edXML:StatusCode></edXML:MessageHeader></edXML:edXMLHeader>"
        f"</edXML:edXMLEnvelope></edXML>"
    ).encode()


class Axis:
    def __init__(self, root: Path) -> None:
        self.store = Store(root)
        self.store.seed(
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
            ],
            secrets_by_system=SECRETS,
        )
        self.app = AxisApp(self.store)
        self.server = make_axis_server(self.app)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def client(self, system: str, **overrides: object) -> VdxpTransport:
        config = VdxpConfig(endpoint=self.url, system_id=system, secret=SECRETS[system], read_timeout=5)
        return VdxpTransport(replace(config, **overrides))  # type: ignore[arg-type]

    def faults(self, **values: object) -> None:
        requests.post(f"{self.url}/_sim/faults", json=values, timeout=5).raise_for_status()


@pytest.fixture
def axis(tmp_path: Path) -> Iterator[Axis]:
    running = Axis(tmp_path / "axis")
    yield running
    running.server.shutdown()
    running.server.server_close()


def test_a_package_reaches_both_outside_agencies_each_downloads_and_acknowledges_it(axis: Axis, tmp_path: Path) -> None:
    commune, district, province = axis.client("qlvb-demo"), axis.client("sim-huyen"), axis.client("sim-tinh")
    package = edoc(COMMUNE, DISTRICT, PROVINCE, body=b"x" * 200_000)
    sent_id = commune.send(package, sender=COMMUNE, recipients=(PROVINCE, DISTRICT))
    assert sent_id

    for agency, code in ((district, DISTRICT), (province, PROVINCE)):
        waiting = agency.list_received()
        assert [(m.sender, m.recipient, m.message_type) for m in waiting] == [(COMMUNE, code, "edoc")]
        target = tmp_path / f"{code}.edxml"
        assert agency.download(waiting[0].id, target) == len(package)
        assert target.read_bytes() == package
        agency.acknowledge(waiting[0].id, "done")
        assert agency.list_received() == []  # acknowledged: no longer offered

    # the sender sees each recipient's transport status
    sent = commune.sent_list()
    assert sorted((r.id, r.recipient, r.receive_status) for r in sent) == [
        (sent_id, PROVINCE, "done"),
        (sent_id, DISTRICT, "done"),
    ]
    # the commune received nothing; its health station neither (same system, other agency)
    assert commune.list_received() == []


def test_a_status_goes_back_to_the_documents_sender_only(axis: Axis) -> None:
    district, commune = axis.client("sim-huyen"), axis.client("qlvb-demo")
    axis.client("qlvb-demo").send(edoc(COMMUNE, DISTRICT), sender=COMMUNE)
    district.send(status_package(DISTRICT, COMMUNE, "01"), sender=DISTRICT, message_type="status")
    assert [(m.sender, m.recipient) for m in commune.list_received(message_type="status")] == [(DISTRICT, COMMUNE)]
    assert commune.list_received(message_type="edoc") == []
    assert axis.client("sim-tinh").list_received() == []


def test_one_system_serving_two_agencies_receives_for_both(axis: Axis) -> None:
    axis.client("sim-huyen").send(edoc(DISTRICT, COMMUNE, TYT), sender=DISTRICT)
    waiting = axis.client("qlvb-demo").list_received()
    assert sorted(m.recipient for m in waiting) == [COMMUNE, TYT]
    assert {m.sender for m in waiting} == {DISTRICT}
    assert len({m.id for m in waiting}) == 2  # one delivery each, acknowledged separately
    axis.client("qlvb-demo").acknowledge(waiting[0].id, "done")
    assert axis.client("qlvb-demo").list_received() == waiting[1:]


def test_a_package_streamed_from_a_file_arrives_whole(axis: Axis, tmp_path: Path) -> None:
    source = tmp_path / "out.edxml"
    source.write_bytes(edoc(COMMUNE, DISTRICT, body=b"y" * 3_000_000))
    axis.client("qlvb-demo").send(source, sender=COMMUNE)
    district = axis.client("sim-huyen")
    buffer = io.BytesIO()
    district.download(district.list_received()[0].id, buffer)
    assert buffer.getvalue() == source.read_bytes()


def test_duplicate_delivery_is_reported_twice_by_the_transport(axis: Axis) -> None:
    axis.faults(duplicate=True)
    package = edoc(COMMUNE, DISTRICT)
    axis.client("qlvb-demo").send(package, sender=COMMUNE)
    district = axis.client("sim-huyen")
    waiting = district.list_received()
    assert len(waiting) == 2  # the inbox must register it once (idempotent on DocumentId + sender)
    copies = []
    for message in waiting:
        buffer = io.BytesIO()
        district.download(message.id, buffer)
        copies.append(buffer.getvalue())
    assert copies == [package, package]


def test_axis_answering_500_is_a_vietnamese_retryable_error(axis: Axis) -> None:
    axis.faults(fail=1)
    with pytest.raises(TransportError) as caught:
        axis.client("qlvb-demo").send(edoc(COMMUNE, DISTRICT), sender=COMMUNE)
    assert caught.value.retryable
    assert caught.value.http_status == 500
    assert "Trục liên thông đang lỗi (HTTP 500, sendEdoc)" in caught.value.message
    assert "mô phỏng lỗi 500" in caught.value.message  # the axis's own words are kept
    # the next attempt (the outbox's retry) goes through
    assert axis.client("qlvb-demo").send(edoc(COMMUNE, DISTRICT), sender=COMMUNE)


def test_axis_timing_out_is_a_vietnamese_retryable_error(axis: Axis) -> None:
    axis.faults(delay=1.5)
    with pytest.raises(TransportError) as caught:
        axis.client("sim-huyen", read_timeout=0.3).list_received()
    assert caught.value.retryable
    assert caught.value.message == "Trục liên thông không trả lời trong 0.3 giây (getReceivedEdocList)."
    axis.faults(delay=0)


def test_axis_unreachable_is_a_vietnamese_retryable_error() -> None:
    client = VdxpTransport(VdxpConfig(endpoint="http://127.0.0.1:9", system_id="x", secret="y"))
    with pytest.raises(TransportError, match="Không kết nối được trục liên thông") as caught:
        client.agencies()
    assert caught.value.retryable
    misconfigured = VdxpTransport(VdxpConfig(endpoint="axis.example/api", system_id="x", secret="y"))
    with pytest.raises(TransportError, match="Địa chỉ trục liên thông không hợp lệ") as caught:
        misconfigured.agencies()
    assert not caught.value.retryable


def test_wrong_secret_is_refused_and_says_so(axis: Axis) -> None:
    with pytest.raises(TransportError) as caught:
        axis.client("sim-huyen", secret="not-the-secret").list_received()
    assert not caught.value.retryable
    assert caught.value.http_status == 401
    assert caught.value.message.startswith("Trục liên thông từ chối xác thực hệ thống sim-huyen: Sai mã hệ thống")


def test_a_system_cannot_send_as_another_agency_nor_read_its_packages(axis: Axis) -> None:
    with pytest.raises(TransportError, match=re.escape("không được gửi thay cơ quan '000.00.30.H42'")):
        axis.client("qlvb-demo").send(edoc(DISTRICT, PROVINCE), sender=DISTRICT)
    axis.client("qlvb-demo").send(edoc(COMMUNE, DISTRICT), sender=COMMUNE)
    message_id = axis.client("sim-huyen").list_received()[0].id
    with pytest.raises(TransportError, match="Không có văn bản"):
        axis.client("sim-tinh").download(message_id, io.BytesIO())
    with pytest.raises(TransportError, match="Không có văn bản"):
        axis.client("sim-tinh").acknowledge(message_id)


def test_packages_the_axis_cannot_route_are_refused_with_its_reason(axis: Axis) -> None:
    commune = axis.client("qlvb-demo")
    with pytest.raises(TransportError, match=re.escape("Nơi nhận chưa đăng ký trên trục: 000.99.99.H42")):
        commune.send(edoc(COMMUNE, "000.99.99.H42"), sender=COMMUNE)
    with pytest.raises(TransportError, match="không phải XML hợp lệ"):
        commune.send(b"<edXML><unclosed>", sender=COMMUNE)
    with pytest.raises(TransportError, match="DOCTYPE"):
        commune.send(b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + edoc(COMMUNE, DISTRICT)[38:], sender=COMMUNE)
    with pytest.raises(TransportError, match="khác danh sách To"):
        commune.send(edoc(COMMUNE, DISTRICT), sender=COMMUNE, recipients=(PROVINCE,))
    assert axis.client("sim-huyen").list_received() == []


def test_an_oversize_package_is_not_downloaded(axis: Axis, tmp_path: Path) -> None:
    axis.client("qlvb-demo").send(edoc(COMMUNE, DISTRICT, body=b"z" * 2_000_000), sender=COMMUNE)
    district = axis.client("sim-huyen", max_download_bytes=1024 * 1024)
    message = district.list_received()[0]
    target = tmp_path / "big.edxml"
    with pytest.raises(TransportError, match="lớn hơn giới hạn 1 MB: không tải về"):
        district.download(message.id, target)
    assert not target.exists()
    assert list(tmp_path.glob("*.part")) == []  # no partial file left behind
    assert district.list_received() == [message]  # still waiting: nothing was acknowledged


def test_the_sdk_style_base64_download_is_understood_and_capped(axis: Axis) -> None:
    axis.app.edoc_json = True
    package = edoc(COMMUNE, DISTRICT, body=b"w" * 100_000)
    axis.client("qlvb-demo").send(package, sender=COMMUNE)
    district = axis.client("sim-huyen")
    message_id = district.list_received()[0].id
    buffer = io.BytesIO()
    assert district.download(message_id, buffer) == len(package)
    assert buffer.getvalue() == package
    with pytest.raises(TransportError, match="lớn hơn giới hạn"):
        axis.client("sim-huyen", max_download_bytes=50_000).download(message_id, io.BytesIO())


def test_the_agency_directory_lists_the_simulated_and_demo_agencies(axis: Axis) -> None:
    agencies = {a.code: a for a in axis.client("qlvb-demo").agencies()}
    assert set(agencies) == {PROVINCE, DISTRICT, COMMUNE, TYT}
    assert agencies[DISTRICT].name == "Ủy ban nhân dân huyện Mô Phỏng"
    assert agencies[DISTRICT].parent_code == PROVINCE


def test_configuration_comes_from_the_environment_and_never_shows_the_secret() -> None:
    config = VdxpConfig.from_env(
        environ={"QLVB_AXIS_ENDPOINT": "https://axis.example", "QLVB_AXIS_SYSTEM_ID": "s", "QLVB_AXIS_SECRET": "k3y"}
    )
    assert (config.endpoint, config.system_id, config.secret) == ("https://axis.example", "s", "k3y")
    assert "k3y" not in repr(config)
    with pytest.raises(TransportError, match="thiếu QLVB_AXIS_SECRET"):
        VdxpConfig.from_env(environ={"QLVB_AXIS_ENDPOINT": "https://axis.example", "QLVB_AXIS_SYSTEM_ID": "s"})


def large_package_round_trip(root: Path) -> tuple[int, int, int]:
    """Send a 30 MB package up and download it again; (sent size, received size, peak traced bytes)."""
    axis = Axis(root / "axis")
    try:
        head = edoc(COMMUNE, DISTRICT)
        source = root / "big.edxml"
        with source.open("wb") as out:
            out.write(head[:-40])
            for _ in range(30):
                out.write(b"A" * 1024 * 1024)
            out.write(head[-40:])
        tracemalloc.start()
        try:
            axis.client("qlvb-demo").send(source, sender=COMMUNE)
            district = axis.client("sim-huyen")
            size = district.download(district.list_received()[0].id, root / "got.edxml")
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        return source.stat().st_size, size, peak
    finally:
        axis.server.shutdown()
        axis.server.server_close()


def test_a_large_package_goes_up_and_down_in_constant_memory(tmp_path: Path) -> None:
    """A 30 MB package: client and simulator both stream (tracemalloc sees both, same process). Measured in
    a process of its own: in the suite's process, threads other tests left behind allocate meanwhile."""
    code = (
        "import sys; from pathlib import Path; "
        "from qlvb.exchange.transport.tests.test_vdxp import large_package_round_trip as run; "
        "print(*run(Path(sys.argv[1])))"
    )
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    sent, received, peak = (int(n) for n in done.stdout.split())
    assert received == sent > 30 * 1024 * 1024
    assert peak < 4 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB"
