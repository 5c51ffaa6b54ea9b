"""The fields a clerk registers, read from the text of a văn bản (``documents/fieldread.py``): the layout of
Nghị định 30/2020 Phụ lục I as the tools hand it — columns one after the other or side by side, "Số : 15 /
QĐ - UBND", a subject over two lines, a text without diacritics, an urgency stamp. The measured precision
and recall on 42 documents are in docs/benchmarks.md (bench/bench_fields.py)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from qlvb.core.text import strip_marks
from qlvb.documents.fieldread import fields_read
from qlvb.documents.models import MAX, Urgency

DECISION_SIDE_BY_SIDE = """ỦY BAN NHÂN DÂN          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
HUYỆN BẾN LỨC            Độc lập - Tự do - Hạnh phúc
Số : 15 / QĐ - UBND      Bến Lức, ngày 05 tháng 3 năm 2026
HỎA TỐC
QUYẾT ĐỊNH
Về việc phê duyệt kế hoạch chuyển đổi số
năm 2026 của huyện
CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN BẾN LỨC
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ;
QUYẾT ĐỊNH:
Điều 1. Phê duyệt kế hoạch.
Nơi nhận:            KT. CHỦ TỊCH
- Như Điều 3;        PHÓ CHỦ TỊCH
- Lưu: VT, KGVX.
Nguyễn Văn An"""

LETTER_IN_COLUMNS = """UBND HUYỆN BẾN LỨC
PHÒNG TÀI CHÍNH - KẾ HOẠCH
-------
Số: 45/TCKH-NS
V/v hướng dẫn lập dự toán ngân sách
năm 2027

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
Bến Lức, ngày 12 tháng 01 năm 2026

Kính gửi: Ủy ban nhân dân các xã, thị trấn.
Thực hiện Thông tư số 342/2016/TT-BTC ngày 30 tháng 12 năm 2016, Phòng đề nghị các đơn vị lập dự toán.
Nơi nhận:
- Như trên;
- Lưu: VT.

TRƯỞNG PHÒNG


Lê Thị Bích Ngọc"""

INVITATION = """SỞ GIÁO DỤC VÀ ĐÀO TẠO
Số:03/GM-SGDĐT
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Ninh Bình, ngày 28 tháng 02 năm 2026
GIẤY MỜI
Dự hội nghị sơ kết công tác quý I năm 2026
Sở Giáo dục và Đào tạo trân trọng kính mời đại diện lãnh đạo đến dự.
TL. GIÁM ĐỐC
CHÁNH VĂN PHÒNG
Võ Minh Tuấn"""


def test_a_decision_read_side_by_side_with_spaces_in_the_number():
    read = fields_read(DECISION_SIDE_BY_SIDE)
    assert (read.code_number, read.code_notation) == ("15", "QĐ-UBND")
    assert read.issued_date == dt.date(2026, 3, 5) and read.place == "Bến Lức"
    assert read.organ_name == "Ủy ban nhân dân huyện Bến Lức"
    assert read.doc_type == "Quyết định"
    assert read.subject == "Về việc phê duyệt kế hoạch chuyển đổi số năm 2026 của huyện"
    assert (read.signer_position, read.signer_name) == ("Phó Chủ tịch", "Nguyễn Văn An")
    assert read.urgency == Urgency.FLASH
    assert read.recipients == ("Như Điều 3", "Lưu: VT, KGVX")  # not the signature block beside them


def test_a_letter_of_a_department_read_column_after_column():
    read = fields_read(LETTER_IN_COLUMNS)
    assert (read.code_number, read.code_notation) == ("45", "TCKH-NS")
    assert read.issued_date == dt.date(2026, 1, 12)  # not the date of the Thông tư in the body
    assert read.organ_name == "Phòng Tài chính - Kế hoạch"  # the issuing organ, not the governing one
    assert read.doc_type == "Công văn"  # a "V/v" line and a notation without a type's abbreviation
    assert read.subject == "Hướng dẫn lập dự toán ngân sách năm 2027"
    assert (read.signer_position, read.signer_name) == ("Trưởng phòng", "Lê Thị Bích Ngọc")
    assert read.urgency is None  # nothing stamped: nothing suggested
    assert read.recipients == ("Như trên", "Lưu: VT")


def test_the_recipients_of_a_scan_with_blank_lines_between_them():
    # what Tesseract gives for a scanned "Nơi nhận": a blank line after each line of the list
    read = fields_read("QUYẾT ĐỊNH\n\nNơi nhận:\n\n- Như Điều 2;\n\n- Lưu: VT\n\nKT. CHỦ TỊCH\n\nPHÓ CHỦ TỊCH\n")
    assert read.recipients == ("Như Điều 2", "Lưu: VT")


def test_an_invitation_signed_by_order():
    read = fields_read(INVITATION)
    assert (read.code_number, read.code_notation, read.doc_type) == ("03", "GM-SGDĐT", "Giấy mời")
    assert read.issued_date == dt.date(2026, 2, 28)
    assert read.organ_name == "Sở Giáo dục và Đào tạo"
    assert read.subject == "Dự hội nghị sơ kết công tác quý I năm 2026"
    assert (read.signer_position, read.signer_name) == ("Chánh Văn phòng", "Võ Minh Tuấn")
    assert read.recipients == ()  # no "Nơi nhận" printed


def test_a_text_without_diacritics_still_gives_the_fields():
    read = fields_read(strip_marks(DECISION_SIDE_BY_SIDE))
    assert (read.code_number, read.code_notation) == ("15", "QĐ-UBND")  # the type's abbreviation given its mark
    assert read.issued_date == dt.date(2026, 3, 5)
    assert read.doc_type == "Quyết định"
    assert read.organ_name == "Uy ban nhan dan huyen Ben Luc"  # what the text says: the clerk adds the marks
    assert read.signer_name == "Nguyen Van An"
    assert read.urgency == Urgency.FLASH


def test_a_text_that_is_no_document_suggests_nothing():
    assert fields_read("").found() == {}
    assert fields_read("Biên lai nộp tiền điện tháng 3\n123456 đồng").found() == {}


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=3000))
def test_any_text_gives_fields_that_fit_the_form(text):
    read = fields_read(text)
    for name, limit in MAX.items():
        value = getattr(read, name, "")
        assert not isinstance(value, str) or len(value) <= limit, name


def test_a_long_text_is_read_by_its_first_and_last_lines_only():
    body = "Điều 1. Nội dung rất dài.\n" * 100_000  # ~2.6 MB, as a long report's text layer
    read = fields_read(DECISION_SIDE_BY_SIDE.replace("Điều 1. Phê duyệt kế hoạch.\n", body))
    assert (read.code_number, read.signer_name) == ("15", "Nguyễn Văn An")
