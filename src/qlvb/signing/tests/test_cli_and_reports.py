"""``qlvb pdf sign`` / ``qlvb pdf verify`` and stored reports (re-run, Celery task)."""

from __future__ import annotations

import hashlib
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from qlvb.signing.models import SignatureReport
from qlvb.signing.reports import signature_report_latest, signature_report_run
from qlvb.signing.tests import samples
from qlvb.signing.tests.pki import AGENCY, P12_PASSWORD, PERSONAL


def _run(*args: str) -> str:
    out = StringIO()
    call_command("pdf", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_cli_signs_the_whole_flow_and_verifies(signing_settings, tmp_path: Path):
    pki = signing_settings
    (tmp_path / "in.pdf").write_bytes(samples.decision_pdf(1))
    (tmp_path / "sig.png").write_bytes(samples.signature_png())
    (tmp_path / "seal.png").write_bytes(samples.seal_png())
    p = str(tmp_path)
    out = _run(
        "sign",
        "personal",
        f"{p}/in.pdf",
        f"{p}/1.pdf",
        "--image",
        f"{p}/sig.png",
        "--p12",
        str(pki.p12(PERSONAL)),
        "--pin",
        P12_PASSWORD,
    )
    assert "Nguyễn Văn Hùng" in out and "PAdES B-LT" in out
    _run("sign", "number", f"{p}/1.pdf", f"{p}/2.pdf", "--number", "7/QĐ-UBND", "--date", "05/01/2026")
    _run(
        "sign",
        "agency",
        f"{p}/2.pdf",
        f"{p}/3.pdf",
        "--image",
        f"{p}/seal.png",
        "--p12",
        str(pki.p12(AGENCY)),
        "--pin",
        P12_PASSWORD,
    )
    text = _run("verify", f"{p}/3.pdf")
    assert "Kết luận: HỢP LỆ" in text
    assert "Chữ ký 2 (ChuKyCoQuan): UBND xã Liên Minh" in text
    report = json.loads(_run("verify", f"{p}/3.pdf", "--json"))
    assert report["verdict"] == "valid" and len(report["signatures"]) == 2


def test_cli_wrong_pin_is_a_clear_error(signing_settings, tmp_path: Path):
    (tmp_path / "in.pdf").write_bytes(samples.attachment_pdf())
    with pytest.raises(CommandError, match="Mã PIN hoặc mật khẩu"):
        _run(
            "sign",
            "attachment",
            str(tmp_path / "in.pdf"),
            str(tmp_path / "out.pdf"),
            "--number",
            "7/QĐ-UBND",
            "--p12",
            str(signing_settings.p12(AGENCY)),
            "--pin",
            "sai",
        )


def test_cli_verify_reports_unsigned_without_crashing(signing_settings, tmp_path: Path):
    (tmp_path / "x.pdf").write_bytes(b"not a pdf at all")
    out = StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("pdf", "verify", str(tmp_path / "x.pdf"), "--no-fetch", stdout=out)
    assert exited.value.code == 1
    assert "KHÔNG HỢP LỆ" in out.getvalue()


@pytest.mark.django_db
def test_reports_are_stored_by_sha256_and_can_be_rerun(signing_settings):
    data = samples.decision_pdf(1)
    first = signature_report_run(data=data)
    again = signature_report_run(data=data, file_sha256=hashlib.sha256(data).hexdigest())
    assert first.file_sha256 == again.file_sha256 == hashlib.sha256(data).hexdigest()
    assert first.verdict == "invalid" and first.summary == "Tệp không có chữ ký số."
    assert signature_report_latest(first.file_sha256) == again
    assert SignatureReport.objects.filter(file_sha256=first.file_sha256).count() == 2
    with pytest.raises(ValueError):
        signature_report_run(data=data, file_sha256="0" * 64)


@pytest.mark.django_db
def test_an_uploaded_pdf_is_verified_as_read_back_from_storage(
    signing_settings, personal_key, settings, tmp_path: Path, person
):
    """``signature_report_verify_upload`` stores the file (intake rules) and verifies the stored content,
    read back through ``files.storage.open_verified``: the report carries the blob's SHA-256."""
    from io import BytesIO

    from qlvb.files.storage import blob_path
    from qlvb.signing.pdfsign import pdf_sign_attachment
    from qlvb.signing.reports import signature_report_verify_upload

    settings.FILES_DIR = tmp_path / "files"
    signed = pdf_sign_attachment(pdf=samples.attachment_pdf(), key=personal_key, pin=P12_PASSWORD, number="1/TB")
    stored, report = signature_report_verify_upload(
        actor=person("lethuha"), stream=BytesIO(signed.pdf), original_name="thong-bao.pdf", channel="web"
    )
    digest = hashlib.sha256(signed.pdf).hexdigest()
    assert stored.blob.sha256 == report.file_sha256 == digest
    assert blob_path(digest).read_bytes() == signed.pdf
    assert report.verdict == "valid"
    assert SignatureReport.objects.get(pk=report.pk).report["signatures"][0]["signer"]["ten"] == "Nguyễn Văn Hùng"
