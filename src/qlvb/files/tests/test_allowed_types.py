"""Every type the seed allows (Điều 8.3) is taken in, decided by its content."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest

from qlvb.files.intake import file_intake
from qlvb.files.models import Channel
from qlvb.files.sniffing import sniff

from . import samples

CASES: list[tuple[str, Callable[[], bytes], str, str]] = [
    ("Tờ trình.txt", samples.txt_bytes, "txt", "text/plain"),
    ("Danh sách.csv", samples.csv_bytes, "csv", "text/csv"),
    ("Công văn.rtf", samples.rtf_bytes, "rtf", "application/rtf"),
    ("Quyết định.doc", samples.doc_bytes, "doc", "application/msword"),
    ("Bảng lương.xls", samples.xls_bytes, "xls", "application/vnd.ms-excel"),
    (
        "Quyết định.docx",
        samples.docx_bytes,
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("Bảng kê.xlsx", samples.xlsx_bytes, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("Báo cáo.odt", lambda: samples.odf_bytes("text"), "odt", "application/vnd.oasis.opendocument.text"),
    ("Số liệu.ods", lambda: samples.odf_bytes("spreadsheet"), "ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ("Văn bản ký số.pdf", samples.pdf_bytes, "pdf", "application/pdf"),
    ("Ảnh chụp.jpg", lambda: samples.image_bytes("JPEG"), "jpg", "image/jpeg"),
    ("Sơ đồ.png", lambda: samples.image_bytes("PNG"), "png", "image/png"),
    ("Bản quét.tif", lambda: samples.image_bytes("TIFF"), "tif", "image/tiff"),
]


@pytest.mark.parametrize(("name", "make", "ext", "mime"), CASES, ids=[c[2] for c in CASES])
def test_allowed_type_is_taken_in(person, name, make, ext, mime):
    clerk = person("lethuha")
    data = make()
    stored = file_intake(actor=clerk, stream=io.BytesIO(data), original_name=name, channel=Channel.WEB)
    assert stored.blob.kind == ext
    assert stored.blob.content_type == mime
    assert stored.name.endswith("." + ext)
    assert stored.original_name == name
    assert stored.blob.size == len(data)
    assert stored.uploaded_by == clerk


@pytest.mark.parametrize(("name", "make", "ext", "mime"), CASES, ids=[c[2] for c in CASES])
def test_sniffing_ignores_the_name(tmp_path, name, make, ext, mime):
    path = tmp_path / "no-extension"
    path.write_bytes(make())
    assert sniff(path).type.ext == ext


def test_legacy_vietnamese_text_without_utf8_is_text(person):
    data = "Đơn xin phép Ông Bà\n".encode("cp1258")
    stored = file_intake(actor=person("lethuha"), stream=io.BytesIO(data), original_name="cu.txt", channel=Channel.WEB)
    assert stored.blob.kind == "txt"
