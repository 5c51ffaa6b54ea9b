"""Verification bugs of issue 8: a PAdES-LTA document timestamp is a timestamp, not a broken
signature; bad input gives a verdict with no traceback; one verdict per fact about the chain."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.timestamps.aiohttp_client import HTTPTimeStamper

from qlvb.signing.tests import samples
from qlvb.signing.tests.helpers import sign_raw
from qlvb.signing.tests.pki import PERSONAL, TestPKI
from qlvb.signing.verify import verify_pdf


@pytest.fixture(scope="module")
def document() -> bytes:
    return samples.decision_pdf(1)


def _doc_timestamp(pki: TestPKI, data: bytes) -> bytes:
    """What an archive does for PAdES-LTA: a /DocTimeStamp over the signed file (pyHanko, test TSA)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    out = io.BytesIO()
    signers.PdfTimeStamper(HTTPTimeStamper(pki.tsa_url)).timestamp_pdf(writer, "sha256", output=out)
    return out.getvalue()


def test_a_document_timestamp_is_verified_as_a_timestamp(signing_settings: TestPKI, document):
    stamped = _doc_timestamp(signing_settings, sign_raw(signing_settings, PERSONAL, document))
    report = verify_pdf(stamped)
    assert report["verdict"] == "valid", report["reasons"]
    assert report["reasons"] == ["Tất cả 1 chữ ký số và 1 dấu thời gian tài liệu hợp lệ."]
    signature, stamp = report["signatures"]
    assert signature["kind"] == "signature" and signature["verdict"] == "valid"
    assert stamp["kind"] == "doc_timestamp" and stamp["kind_label"] == "Dấu thời gian tài liệu"
    assert stamp["signer"]["ten"] == "Dịch vụ cấp dấu thời gian thử nghiệm"  # the TSA
    assert stamp["timestamp_time"]
    assert stamp["verdict"] == "valid"
    text = " ".join(c["message"] for c in stamp["checks"])
    assert "Signature object type" not in text and "hỏng" not in text


def test_a_document_timestamp_from_an_untrusted_tsa_is_not_a_broken_signature(
    signing_settings: TestPKI, document, settings, tmp_path
):
    stamped = _doc_timestamp(signing_settings, sign_raw(signing_settings, PERSONAL, document))
    settings.QLVB_TRUST_ANCHORS_DIR = str(tmp_path)  # nobody trusted
    report = verify_pdf(stamped, fetch=False)
    stamp = report["signatures"][1]
    assert stamp["kind"] == "doc_timestamp"
    checks = {c["check"]: c for c in stamp["checks"]}
    assert checks["integrity"]["status"] == "ok"
    assert checks["tsa"]["status"] == "unknown"


def test_a_hopeless_xref_gets_a_verdict_and_no_traceback(signing_settings: TestPKI, document, tmp_path: Path):
    signed = sign_raw(signing_settings, PERSONAL, document)
    cut = signed.rindex(b"startxref")
    hopeless = (signed[:cut] + b"startxref\n999999999\n%%EOF\n").replace(b"xref", b"xxxx", 1)
    path = tmp_path / "hong.pdf"
    path.write_bytes(hopeless)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    run = subprocess.run(  # the command a clerk types, in its own process: what reaches his terminal
        [sys.executable, "-m", "qlvb.cli", "pdf", "verify", str(path), "--no-fetch"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert run.returncode == 1
    assert "Kết luận: KHÔNG HỢP LỆ" in run.stdout
    assert "Tệp PDF bị hỏng" in run.stdout
    assert "Traceback" not in run.stderr, run.stderr


def test_one_verdict_per_fact_about_the_chain(signing_settings: TestPKI, document):
    """A certificate that may not sign documents (the TSA's: no non-repudiation): the chain line says
    what is wrong, and no other line says the opposite."""
    report = verify_pdf(sign_raw(signing_settings, "tsa", document))
    checks = {c["check"]: c for c in report["signatures"][0]["checks"]}
    assert checks["chain"]["status"] == "fail"
    assert "không được phép dùng để ký" in checks["chain"]["message"]
    messages = " ".join(c["message"] for c in checks.values())
    assert "Đã dựng được chuỗi" not in messages
    assert "chưa dựng được chuỗi" not in messages.lower().replace(checks["chain"]["message"].lower(), "")
    assert report["verdict"] == "invalid"


def test_the_report_page_names_the_document_timestamp(person, web_settings: TestPKI, document, page_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    stamped = _doc_timestamp(web_settings, sign_raw(web_settings, PERSONAL, document))
    client = page_as("lethuha")
    response = client.post("/ky-so/kiem-tra/", {"file": SimpleUploadedFile("lta.pdf", stamped)}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dấu thời gian tài liệu" in html and "(và 1 dấu thời gian tài liệu)" in html
    assert "Signature object type" not in html
