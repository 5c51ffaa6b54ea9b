"""End to end through the live server with the example client of the repository
(scripts/integration_client.py, the one docs/integration.md gives integrators): the one-stop desk submits
a draft for Đỗ Thanh Hương; Nam approves, Hà checks the format, Hùng signs, Hà numbers, seals and issues
(the people, through the outgoing services); the client polls the result, downloads the signed PDF and
acknowledges it. The receiving desk then hands over an incoming document that Hà's register numbers."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from qlvb.directory.models import User
from qlvb.documents.models import Document, DocumentStatus
from qlvb.integrations.accounts import Issued
from qlvb.integrations.models import Submission
from qlvb.outgoing import services
from qlvb.outgoing.models import Outgoing, State
from qlvb.outgoing.tests.conftest import ALL_OK, PIN

pytestmark = pytest.mark.django_db(transaction=True)
SCRIPT = Path(__file__).resolve().parents[4] / "scripts" / "integration_client.py"


def client_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("integration_client", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["integration_client"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def eager_tasks() -> Any:
    from qlvb.celery_app import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True  # the conversion and the submission run in the live server's thread
    yield
    app.conf.task_always_eager = before


def test_submit_approve_sign_issue_poll_ack(
    live_server: Any,
    one_stop: Issued,
    desk: Issued,
    profiles: None,
    person: Callable[[str], User],
    cong_van_docx: bytes,
    tmp_path: Path,
    eager_tasks: None,
) -> None:
    module = client_module()
    client = module.IntegrationClient(live_server.url, one_stop.system.client_id, one_stop.secret, "U01")
    draft = tmp_path / "to-trinh.docx"
    draft.write_bytes(cong_van_docx)

    submitted = client.submit_draft(
        external_id="MC-2026-0042",
        type_code="CV",
        subject="Đề nghị cấp phép tổ chức lễ hội truyền thống",
        signer_code="U09",
        main=draft,
        recipient_codes=["TYT"],
        free_recipients="Như trên;\nLưu: VT, VHXH.",
        drafter_initials="ĐTH",
    )
    # answered at once (the PDF is made after the commit); put to review as soon as it is made
    assert submitted["state"] == State.DRAFT, submitted
    assert client.result("MC-2026-0042")["state"] == State.IN_REVIEW
    # a replay of the same submission gives the same draft
    assert (
        client.submit_draft(external_id="MC-2026-0042", type_code="CV", subject="x", signer_code="U09", main=draft)[
            "id"
        ]
        == submitted["id"]
    )
    assert Outgoing.objects.count() == 1

    # the people of the chain
    outgoing = Outgoing.objects.get(pk=submitted["id"])
    services.outgoing_approve(actor=person("hoangvannam"), outgoing=outgoing)
    services.outgoing_format_check(actor=person("lethuha"), outgoing=outgoing, checks=ALL_OK)
    services.outgoing_sign(actor=person("nguyenvanhung"), outgoing=outgoing, pin=PIN)
    services.outgoing_number(actor=person("lethuha"), outgoing=outgoing)
    services.outgoing_sign_agency(actor=person("lethuha"), outgoing=outgoing, pin=PIN)
    services.outgoing_issue(actor=person("lethuha"), outgoing=outgoing)

    status = client.result("MC-2026-0042")
    document = Outgoing.objects.select_related("document").get(pk=outgoing.pk).document
    assert document.issued_date is not None
    assert status["state"] == State.ISSUED and status["final"] and status["signed_pdf"]
    assert status["number_notation"] == document.number_notation and status["number"]
    assert status["notation"].endswith("UBND-VHXH") and status["issued_date"] == document.issued_date.isoformat()

    taken = client.poll_once(tmp_path / "ket-qua")
    assert [t["external_id"] for t in taken] == ["MC-2026-0042"]
    pdf = (tmp_path / "ket-qua" / "MC-2026-0042.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert client.results() == []  # acknowledged: no longer waiting
    assert Submission.objects.get().acknowledged_at is not None
    assert client.acknowledge("MC-2026-0042")["acknowledged_at"]  # twice is harmless
    # the unit's issued documents, as Hương may see them
    listed = client.issued(since=document.issued_date.isoformat())
    assert [r["number_notation"] for r in listed["results"]] == [document.number_notation]

    # an unmapped type through the client: the Vietnamese refusal reaches the integrator
    with pytest.raises(module.IntegrationError) as refused:
        client.submit_draft(external_id="MC-2026-0043", type_code="QD", subject="x", signer_code="U09", main=draft)
    assert refused.value.status == 422 and "chưa được ánh xạ" in refused.value.detail

    # the receiving desk hands over a document received at the counter; Hà's register numbers it
    scan = tmp_path / "don.pdf"
    scan.write_bytes(pdf)
    desk_client = module.IntegrationClient(live_server.url, desk.system.client_id, desk.secret, "V01")
    received = desk_client.register_incoming(
        external_id="HS-0001",
        type_code="CV",
        subject="Đơn đề nghị hỗ trợ sửa chữa nhà ở",
        organ_name="Hội Nông dân xã Liên Minh",
        main=scan,
        code_number="12",
        code_notation="HND",
        issued_date="2026-11-30",
    )
    assert received["status"] == DocumentStatus.REGISTERED and received["arrival_number"] >= 1
    again = desk_client.register_incoming(external_id="HS-0001", type_code="CV", subject="x", organ_name="y", main=scan)
    assert again["id"] == received["id"]
    assert Document.objects.filter(direction="incoming", organ_name="Hội Nông dân xã Liên Minh").count() == 1


def test_signed_calls_through_the_example_client(live_server: Any, desk: Issued, tmp_path: Path) -> None:
    """The example client in its HMAC mode (``QLVB_AUTH=hmac``): no token, every call signed; the same
    signed request sent again by someone who captured it is refused, and a changed body too."""
    import requests

    from qlvb.signing.tests.samples import attachment_pdf

    module = client_module()
    client = module.IntegrationClient(live_server.url, desk.system.client_id, desk.secret, "V01", signed=True)
    scan = tmp_path / "don.pdf"
    scan.write_bytes(attachment_pdf())
    received = client.register_incoming(
        external_id="HS-0007", type_code="CV", subject="Đơn ký HMAC", organ_name="Hội Nông dân xã Liên Minh", main=scan
    )
    assert received["status"] == DocumentStatus.REGISTERED
    assert client._json(client._request("GET", "/incoming/HS-0007"))["id"] == received["id"]

    captured: list[requests.PreparedRequest] = []
    send = client.http.send

    def keep(prepared: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        captured.append(prepared.copy())
        return send(prepared, **kwargs)

    client.http.send = keep
    client._request("GET", "/me")
    replayed = requests.Session().send(captured[-1], timeout=60)
    assert replayed.status_code == 401 and replayed.json()["code"] == "request_replayed"
    forged = captured[-1].copy()
    forged.headers["X-Qlvb-Nonce"] = "f" * 32  # a new nonce without the secret: the signature no longer matches
    refused = requests.Session().send(forged, timeout=60)
    assert refused.status_code == 401 and refused.json()["code"] == "signature_invalid"
    assert "Chữ ký" in refused.json()["detail"]
