"""Every file a sender may send gets a verdict and a reason, never a crash (issue 4, bad input)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfWriter

from qlvb.signing.tests import samples
from qlvb.signing.tests.helpers import sign_leaving_tail, sign_raw
from qlvb.signing.tests.pki import EXPIRED, FOREIGN, FOREIGN_ARCH, PERSONAL, REVOKED, TestPKI
from qlvb.signing.verify import verify_pdf


@pytest.fixture(scope="module")
def document() -> bytes:
    return samples.decision_pdf(1)


def _checks(report: dict) -> dict[str, dict]:
    return {c["check"]: c for c in report["signatures"][0]["checks"]}


def test_a_good_signature_is_valid(signing_settings: TestPKI, document):
    report = verify_pdf(sign_raw(signing_settings, PERSONAL, document))
    assert report["verdict"] == "valid", report["reasons"]
    assert report["verdict_label"] == "hợp lệ"


def test_unsigned_pdf(signing_settings, document):
    report = verify_pdf(document)
    assert report["verdict"] == "invalid"
    assert report["reasons"] == ["Tệp không có chữ ký số."]


def test_bytes_altered_inside_the_signed_range(signing_settings, document):
    signed = bytearray(sign_raw(signing_settings, PERSONAL, document))
    marker = signed.index(b"%", 5)  # the binary comment on line 2, inside the first signed range
    signed[marker + 1] ^= 0x01
    report = verify_pdf(bytes(signed))
    assert report["verdict"] == "invalid"
    assert _checks(report)["integrity"]["status"] == "fail"
    assert "bị thay đổi sau khi ký" in _checks(report)["integrity"]["message"]


def test_page_added_in_an_incremental_update(signing_settings, document):
    signed = sign_raw(signing_settings, PERSONAL, document)
    writer = PdfWriter(io.BytesIO(signed), incremental=True)
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    assert out.getvalue().startswith(signed)
    report = verify_pdf(out.getvalue())
    assert report["verdict"] == "invalid"
    changes = _checks(report)["modifications"]
    assert changes["status"] == "fail"
    assert "không được phép" in changes["message"]
    assert _checks(report)["integrity"]["status"] == "ok"  # the signed bytes themselves are intact


def test_byte_range_leaving_the_tail_uncovered(signing_settings, document):
    report = verify_pdf(sign_leaving_tail(signing_settings, PERSONAL, document, uncovered=40))
    assert report["verdict"] == "invalid"
    assert _checks(report)["modifications"]["status"] == "fail"
    assert "không bao phủ hết" in _checks(report)["modifications"]["message"]


def test_certificate_from_an_unknown_root(signing_settings, document):
    report = verify_pdf(sign_raw(signing_settings, FOREIGN, document, arch=FOREIGN_ARCH))
    assert report["verdict"] == "invalid"
    assert _checks(report)["chain"]["status"] == "fail"
    assert report["signatures"][0]["signer"]["ten"] == "Phạm Văn Dũng"


def test_expired_certificate(signing_settings, document):
    report = verify_pdf(sign_raw(signing_settings, EXPIRED, document))
    assert report["verdict"] == "invalid"
    assert _checks(report)["validity"]["status"] == "fail"
    assert "hết hiệu lực" in _checks(report)["validity"]["message"]


def test_revoked_certificate(signing_settings, document):
    report = verify_pdf(sign_raw(signing_settings, REVOKED, document))
    assert report["verdict"] == "invalid"
    assert _checks(report)["revocation"]["status"] == "fail"
    assert "đã bị thu hồi" in _checks(report)["revocation"]["message"]


def test_revoked_after_a_trusted_timestamp_is_still_valid(signing_settings, document):
    """TT 41/2017: what counts is the certificate's status when signing, proven by the timestamp."""
    signed_at = datetime.now(UTC) - timedelta(days=20)  # revoked 10 days ago
    report = verify_pdf(sign_raw(signing_settings, REVOKED, document, timestamp_at=signed_at))
    assert report["verdict"] == "valid", report["reasons"]
    assert "sau thời điểm ký" in _checks(report)["revocation"]["message"]


def test_revocation_unknown_without_network_or_embedded_data(signing_settings, document):
    report = verify_pdf(sign_raw(signing_settings, PERSONAL, document), fetch=False)
    assert report["verdict"] == "unknown"
    assert report["verdict_label"] == "chưa xác định"
    assert _checks(report)["revocation"]["status"] == "unknown"
    assert "không truy cập được OCSP/CRL" in _checks(report)["revocation"]["message"]


def test_embedded_revocation_data_is_used_offline(signing_settings, personal_key, document, signature_image):
    from qlvb.signing import pdfsign

    signed = pdfsign.pdf_sign_personal(pdf=document, key=personal_key, pin="MatKhau@123", image_png=signature_image)
    assert signed.level == "B-LT"
    report = verify_pdf(signed.pdf, fetch=False)
    assert report["verdict"] == "valid", report["reasons"]


def test_encrypted_pdf(signing_settings, document):
    writer = PdfWriter(clone_from=io.BytesIO(document))
    writer.encrypt(user_password="matkhau", owner_password="chu-so-huu")
    out = io.BytesIO()
    writer.write(out)
    report = verify_pdf(out.getvalue())
    assert report["verdict"] == "unknown"
    assert "mã hóa" in report["reasons"][0]


def test_truncated_file(signing_settings, document):
    signed = sign_raw(signing_settings, PERSONAL, document)
    report = verify_pdf(signed[: len(signed) // 2])
    assert report["verdict"] == "invalid"
    assert report["reasons"]


def test_not_a_pdf(signing_settings):
    report = verify_pdf(b"PK\x03\x04" + b"\x00" * 100)
    assert report["verdict"] == "invalid"
    assert report["reasons"] == ["Tệp không phải là PDF."]


def test_random_damage_never_crashes(signing_settings, document):
    """Flip bytes all over a signed file (deterministic seeds): every result is a report."""
    import random

    signed = sign_raw(signing_settings, PERSONAL, document)
    rng = random.Random(2026)
    for _ in range(40):
        damaged = bytearray(signed)
        for _flip in range(rng.randint(1, 8)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        cut = rng.choice([len(damaged), rng.randrange(len(damaged))])
        report = verify_pdf(bytes(damaged[:cut]), fetch=False)
        assert report["verdict"] in {"valid", "invalid", "unknown"}
        assert report["reasons"]
