"""The NĐ 30 electronic original: personal signature → number and date → agency signature, each an
incremental update, all reported valid with only permitted changes; appearance per Phụ lục I."""

from __future__ import annotations

import codecs
import io
import re
from datetime import date, datetime

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject

from qlvb.signing import layout, pdfsign
from qlvb.signing.tests import samples
from qlvb.signing.tests.pki import P12_PASSWORD
from qlvb.signing.verify import verify_pdf

PIN = P12_PASSWORD


def _annots(data: bytes) -> dict[str, dict]:
    reader = PdfReader(io.BytesIO(data))
    found: dict[str, dict] = {}
    for index, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if "/T" in annot:
                found[str(annot["/T"])] = {
                    "page": index,
                    "rect": [float(v) for v in annot["/Rect"]],
                    "value": annot.get("/V"),
                }
    return found


@pytest.fixture
def issued(personal_key, agency_key, decision, signature_image, seal_image):
    personal = pdfsign.pdf_sign_personal(pdf=decision, key=personal_key, pin=PIN, image_png=signature_image)
    numbered = pdfsign.pdf_write_number(pdf=personal.pdf, number="12/QĐ-UBND", issue_date=date(2026, 3, 5))
    agency = pdfsign.pdf_sign_agency(pdf=numbered, key=agency_key, pin=PIN, seal_png=seal_image)
    return decision, personal, numbered, agency


def test_each_step_is_an_incremental_update(issued):
    original, personal, numbered, agency = issued
    assert personal.pdf.startswith(original)
    assert numbered.startswith(personal.pdf)
    assert agency.pdf.startswith(numbered)


def test_personal_then_number_then_agency_is_valid_with_permitted_changes_only(issued):
    _original, _personal, _numbered, agency = issued
    report = verify_pdf(agency.pdf)
    assert report["verdict"] == "valid", report["reasons"]
    personal_sig, agency_sig = report["signatures"]
    assert personal_sig["signer"]["ten"] == "Nguyễn Văn Hùng"
    assert agency_sig["signer"]["ten"] == "UBND xã Liên Minh"
    changes = {c["check"]: c for c in personal_sig["checks"]}["modifications"]
    assert changes["status"] == "ok"
    assert "điền biểu mẫu" in changes["message"]
    # which later revisions changed what
    assert personal_sig["signed_revision"] == 1
    revisions = report["revisions"]
    assert [r["signatures"] for r in revisions] == [[], ["ChuKyCaNhan1"], [], [], ["ChuKyCoQuan"], []]
    assert revisions[3]["fields_filled"] == ["NgayBanHanh", "SoKyHieu"]
    assert revisions[2]["revocation_data_added"] and revisions[-1]["revocation_data_added"]


def test_levels_b_lt_with_tsa_and_b_b_without(issued, settings, personal_key, decision, signature_image):
    _original, personal, _numbered, agency = issued
    assert personal.level == "B-LT" and agency.level == "B-LT"
    assert personal.signing_time.utcoffset().total_seconds() == 7 * 3600
    settings.QLVB_TSA_URL = ""
    plain = pdfsign.pdf_sign_personal(pdf=decision, key=personal_key, pin=PIN, image_png=signature_image)
    assert plain.level == "B-B"
    report = verify_pdf(plain.pdf)
    assert report["verdict"] == "valid"
    assert report["signatures"][0]["timestamp_time"] is None


def test_number_and_date_are_written_into_the_fields(issued):
    _original, _personal, numbered, _agency = issued
    fields = _annots(numbered)
    assert fields["SoKyHieu"]["value"] == "Số: 12/QĐ-UBND"
    assert fields["NgayBanHanh"]["value"] == "Liên Minh, ngày 05 tháng 3 năm 2026"
    with pytest.raises(pdfsign.PdfRefused):
        pdfsign.pdf_write_number(pdf=numbered, number="13/QĐ-UBND", issue_date=date(2026, 3, 6))


def test_signature_image_sits_between_title_and_name_and_the_seal_overlaps_its_left_third(issued):
    original, _personal, _numbered, agency = issued
    fields = _annots(agency.pdf)
    sig = fields["ChuKyCaNhan1"]
    seal = fields["ChuKyCoQuan"]
    assert sig["page"] == seal["page"] == 1  # the signer block is on the last page
    name = layout.find_text(original, samples.SIGNER_NAME)
    title = layout.find_text(original, samples.SIGNER_TITLE)
    assert name is not None and title is not None
    x1, y1, x2, y2 = sig["rect"]
    assert name[0].y + name[0].size <= y1 and y2 <= title[0].y
    assert x1 < (name[1] + name[2]) / 2 < x2
    sx1, sy1, sx2, sy2 = seal["rect"]
    overlap = (sx2 - x1) / (x2 - x1)
    assert 0.25 <= overlap <= 0.4 and sx1 < x1
    assert abs((sx2 - sx1) - 36 * layout.MM) < 2  # real size of the seal
    assert abs((sy1 + sy2) / 2 - (y1 + y2) / 2) < 2  # centred on the signature image


def test_placeholder_and_explicit_box(personal_key, signature_image):
    pdf = samples.decision_pdf(1, signer_name="[[CHU_KY]]")
    by_placeholder = pdfsign.pdf_sign_personal(
        pdf=pdf, key=personal_key, pin=PIN, image_png=signature_image, placeholder="[[CHU_KY]]"
    )
    assert verify_pdf(by_placeholder.pdf)["verdict"] == "valid"
    explicit = pdfsign.pdf_sign_personal(
        pdf=pdf, key=personal_key, pin=PIN, image_png=signature_image, box=(0, 300, 150, 450, 210)
    )
    assert _annots(explicit.pdf)["ChuKyCaNhan1"]["rect"] == [300, 150, 450, 210]
    with pytest.raises(pdfsign.PdfRefused, match="Không tìm thấy họ tên người ký"):
        pdfsign.pdf_sign_personal(pdf=pdf, key=personal_key, pin=PIN, image_png=signature_image)


def test_attachment_signature_text_top_right_iso8601_vietnam_time(agency_key):
    result = pdfsign.pdf_sign_attachment(pdf=samples.attachment_pdf(2), key=agency_key, pin=PIN, number="12/QĐ-UBND")
    assert verify_pdf(result.pdf)["verdict"] == "valid"
    field = _annots(result.pdf)["ChuKyCoQuan"]
    assert field["page"] == 0
    x1, y1, x2, y2 = field["rect"]
    assert x2 > 595 - 20 * layout.MM and y2 > 842 - 25 * layout.MM  # top right of A4
    assert x1 > 595 / 2 and y1 > 842 - 40 * layout.MM
    reader = PdfReader(io.BytesIO(result.pdf))
    annots = reader.pages[0]["/Annots"]
    assert isinstance(annots, ArrayObject)
    annot = next(a.get_object() for a in annots if a.get_object().get("/T") == "ChuKyCoQuan")
    stream = annot["/AP"]["/N"].get_object()
    content = stream.get_data()
    assert b"/F1 10 Tf" in content  # 10 pt
    shown = _actual_texts(content)
    font = stream["/Resources"]["/Font"]["/F1"].get_object()
    assert "LiberationSerif" in str(font["/BaseFont"])
    assert shown[0] == "12/QĐ-UBND"
    assert shown[1] == pdfsign.vn_iso(result.signing_time) or re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", shown[1]
    )
    assert shown[1].endswith("+07:00")
    assert abs((datetime.fromisoformat(shown[1]) - result.signing_time).total_seconds()) < 2


def _actual_texts(content: bytes) -> list[str]:
    """The /ActualText of each shown line (pyHanko marks every line with it)."""
    texts = []
    for literal in re.findall(rb"/ActualText \(((?:\\.|[^\\)])*)\)", content):
        raw = codecs.escape_decode(literal)[0]
        texts.append(raw[2:].decode("utf-16-be") if raw.startswith(b"\xfe\xff") else raw.decode("latin-1"))
    return texts


def test_signing_an_encrypted_or_broken_pdf_is_refused(personal_key, signature_image):
    with pytest.raises(pdfsign.PdfRefused, match="không phải là PDF"):
        pdfsign.pdf_sign_personal(pdf=b"PK\x03\x04 zip", key=personal_key, pin=PIN, image_png=signature_image)
    with pytest.raises(pdfsign.PdfRefused):
        pdfsign.pdf_sign_personal(pdf=b"%PDF-1.7\n garbage", key=personal_key, pin=PIN, image_png=signature_image)


def test_a_second_personal_signature_on_a_certified_document_is_refused(issued, personal_key, signature_image):
    _original, personal, _numbered, _agency = issued
    with pytest.raises(pdfsign.PdfRefused) as refused:
        pdfsign.pdf_sign_personal(
            pdf=personal.pdf, key=personal_key, pin=PIN, image_png=signature_image, box=(0, 100, 100, 200, 150)
        )
    assert refused.value.code == "certified"


def test_two_signers_then_number_and_agency(personal_key, agency_key, signing_settings, signature_image, seal_image):
    """Several signers (TT 41/2017 case c): the first signature lays out the second signer's field."""
    from qlvb.signing.keys import Pkcs12Key
    from qlvb.signing.tests.pki import AGENCY

    second_key = Pkcs12Key(str(signing_settings.p12(AGENCY)))  # the test PKI has one personal certificate
    pdf = samples.decision_pdf(1, second_signer="Phạm Thị Mai")
    first = pdfsign.pdf_sign_personal(
        pdf=pdf, key=personal_key, pin=PIN, image_png=signature_image, further_signers=["Phạm Thị Mai"]
    )
    second = pdfsign.pdf_sign_personal(pdf=first.pdf, key=second_key, pin=PIN, image_png=signature_image)
    assert second.field_name == "ChuKyCaNhan2"
    numbered = pdfsign.pdf_write_number(pdf=second.pdf, number="3/QĐ-UBND", issue_date=date(2026, 3, 5))
    issued = pdfsign.pdf_sign_agency(pdf=numbered, key=agency_key, pin=PIN, seal_png=seal_image)
    report = verify_pdf(issued.pdf)
    assert report["verdict"] == "valid", report["reasons"]
    assert [s["field"] for s in report["signatures"]] == ["ChuKyCaNhan1", "ChuKyCaNhan2", "ChuKyCoQuan"]
    rect = _annots(issued.pdf)["ChuKyCaNhan2"]["rect"]
    assert rect[2] < 595 / 2  # the second signer's block is on the left
