# ruff: noqa: F811  (pytest fixtures imported from the outgoing tests are parameters here)
"""A fresh demo signs (issue 8): ``qlvb demo`` creates the demo PKI, keys for the leaders and the
agencies and the demo root as a trust anchor, and ``qlvb serve`` runs its OCSP/CRL/TSA and the remote
signing service — so the leader signs the approved draft and the clerk applies the agency signature
with nothing set up by hand, and every report says that the demo CA is a demo."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from qlvb.directory.models import Unit
from qlvb.files.storage import blob_path
from qlvb.outgoing import services
from qlvb.outgoing.tests.conftest import (  # noqa: F401  (the outgoing flow's fixtures)
    ALL_OK,
    CONG_VAN_LINES,
    cong_van,
    cong_van_docx,
    docx_bytes,
    draft,
    files_dir,
    to_sign,
    tyt,
    ubnd,
    with_version,
)
from qlvb.signing import anchors
from qlvb.signing.demo import load_signing_demo
from qlvb.signing.demo_pki import DEMO_CA_NAME, DemoPKI, service_environment, start_services
from qlvb.signing.keys import KeyMethod
from qlvb.signing.models import SigningProfile
from qlvb.signing.verify import verify_pdf

DEMO_PASSWORD = "LienMinh@2025"
SHOTS = Path(__file__).resolve().parents[4] / "var" / "screenshots" / "signing"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def fresh_demo(demo: None, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[DemoPKI]:
    """``qlvb demo`` (signing part) in an empty data folder, and the side services ``qlvb serve``
    starts, with the environment it gives gunicorn and Celery."""
    settings.DATA_DIR = tmp_path / "var"
    for name in ("QLVB_TRUST_ANCHORS_DIR", "QLVB_TSA_URL", "QLVB_CSC_SERVICES", "QLVB_PKCS12_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("QLVB_DEMO_PKI_URL", f"http://127.0.0.1:{_free_port()}")
    monkeypatch.setenv("QLVB_DEMO_CSC_URL", f"http://127.0.0.1:{_free_port()}")
    load_signing_demo()
    pki = DemoPKI()
    stop = start_services(pki)
    for key, value in service_environment(pki).items():
        monkeypatch.setenv(key, value)
    yield pki
    stop()


@pytest.mark.django_db
def test_a_fresh_demo_signs_numbers_and_seals_with_no_set_up(fresh_demo: DemoPKI, to_sign, person, ubnd: Unit):
    outgoing = to_sign()
    leader, clerk = person("nguyenvanhung"), person("lethuha")
    outgoing = services.outgoing_sign(actor=leader, outgoing=outgoing, pin=DEMO_PASSWORD)
    outgoing = services.outgoing_number(actor=clerk, outgoing=outgoing)
    outgoing = services.outgoing_sign_agency(actor=clerk, outgoing=outgoing, pin=DEMO_PASSWORD)
    outgoing.refresh_from_db()
    assert outgoing.state == "agency_signed"
    assert outgoing.signed_pdf is not None
    pdf = blob_path(outgoing.signed_pdf.blob.sha256).read_bytes()
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "demo-cong-van-da-ky.pdf").write_bytes(pdf)  # looked at with pdftoppm
    report = verify_pdf(pdf)
    assert report["verdict"] == "valid", report["reasons"]
    assert [s["signer"]["ten"] for s in report["signatures"]] == ["Nguyễn Văn Hùng", "Ủy ban nhân dân xã Liên Minh"]
    # B-LT: the demo OCSP responder answered and its answer is embedded; the demo TSA stamped it
    assert all(s["timestamp_time"] for s in report["signatures"])
    # one plain sentence says this is the demo CA
    assert any("CA THỬ NGHIỆM" in r and DEMO_CA_NAME in r for r in report["reasons"])
    assert all(s["demo_ca"] for s in report["signatures"])


@pytest.mark.django_db
def test_the_demo_remote_signer_signs_through_the_csc_service(fresh_demo: DemoPKI, draft, with_version, person):
    mai = person("phamthimai")
    assert SigningProfile.objects.get(user=mai).method == KeyMethod.CSC
    lines = [
        (
            ("Phạm Thị Mai", a)
            if t == "Nguyễn Văn Hùng"
            else ("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", a)
            if t == "CHỦ TỊCH"
            else (t, a)
        )
        for t, a in CONG_VAN_LINES
    ]
    outgoing = with_version(draft(signer=mai), data=docx_bytes(lines))
    services.outgoing_submit(actor=outgoing.drafter, outgoing=outgoing)
    services.outgoing_approve(actor=person("hoangvannam"), outgoing=outgoing)
    services.outgoing_format_check(actor=person("lethuha"), outgoing=outgoing, checks=ALL_OK)
    outgoing = services.outgoing_sign(actor=mai, outgoing=outgoing, pin=DEMO_PASSWORD)
    assert outgoing.state == "signed"


@pytest.mark.django_db
def test_running_the_demo_again_changes_nothing(fresh_demo: DemoPKI, person, capsys):
    before = {p.pk: (bytes(p.pkcs12_data), p.method) for p in SigningProfile.objects.all()}
    config = fresh_demo.config_path.read_bytes()
    root = fresh_demo.root.dump()
    assert load_signing_demo()["profiles"] == 0
    assert {p.pk: (bytes(p.pkcs12_data), p.method) for p in SigningProfile.objects.all()} == before
    assert fresh_demo.config_path.read_bytes() == config
    assert DemoPKI().root.dump() == root
    assert [a.subject for a in anchors.trust_anchor_list()] == [DEMO_CA_NAME]
    assert anchors.trust_anchor_list()[0].demo


@pytest.mark.django_db
def test_the_demo_command_prints_the_signing_line(fresh_demo: DemoPKI):
    from io import StringIO

    out = StringIO()
    call_command("demo", stdout=out)
    assert DEMO_CA_NAME in out.getvalue()


def test_serve_runs_the_demo_services_only_when_the_demo_exists(settings, tmp_path, monkeypatch):
    from qlvb.signing.demo_pki import side_service

    settings.DATA_DIR = tmp_path / "var"
    for name in ("QLVB_TSA_URL", "QLVB_CSC_SERVICES", "QLVB_DEMO_PKI"):
        monkeypatch.delenv(name, raising=False)
    assert side_service() is None  # no `qlvb demo` yet: nothing to run
    pki = DemoPKI()
    pki.ensure([])
    side = side_service()
    assert side is not None and side.argv == ["demo_pki"]
    assert side.env["QLVB_TSA_URL"] == pki.tsa_url and "8791" in side.env["QLVB_CSC_SERVICES"]
    monkeypatch.setenv("QLVB_TSA_URL", "http://tsa.example.vn")  # the administrator's own TSA wins
    side = side_service()
    assert side is not None and "QLVB_TSA_URL" not in side.env
    monkeypatch.setenv("QLVB_DEMO_PKI", "0")
    assert side_service() is None


def test_the_demo_pki_command_serves_and_stops_on_a_signal(tmp_path):
    """What `qlvb serve` starts beside gunicorn: it answers, and Ctrl-C/SIGTERM stops it."""
    import os
    import signal
    import subprocess
    import sys
    import time
    import urllib.request

    env = {
        **os.environ,
        "QLVB_DATA_DIR": str(tmp_path),
        "QLVB_DEMO_PKI_URL": f"http://127.0.0.1:{_free_port()}",
        "QLVB_DEMO_CSC_URL": f"http://127.0.0.1:{_free_port()}",
        "PYTHONPATH": str(Path(__file__).resolve().parents[3]),
    }
    from django.test import override_settings

    with override_settings(DATA_DIR=tmp_path):
        os.environ["QLVB_DEMO_PKI_URL"] = env["QLVB_DEMO_PKI_URL"]
        try:
            DemoPKI().ensure([])
        finally:
            del os.environ["QLVB_DEMO_PKI_URL"]
    child = subprocess.Popen([sys.executable, "-m", "qlvb.cli", "demo_pki"], env=env)
    try:
        deadline, answered = time.monotonic() + 60, False
        while time.monotonic() < deadline and not answered:
            try:
                with urllib.request.urlopen(f"{env['QLVB_DEMO_PKI_URL']}/qlvb-demo/certs/root/ca.crt", timeout=2) as r:
                    answered = r.status == 200
            except OSError:
                time.sleep(0.5)
        assert answered
        child.send_signal(signal.SIGINT)
        assert child.wait(timeout=20) == 0
    finally:
        if child.poll() is None:
            child.kill()
