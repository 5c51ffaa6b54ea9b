"""The content decides the type; a name whose extension disagrees is offered the sniffed type's
extension (not refused), and the name as sent is kept as ``original_name``."""

from __future__ import annotations

import io

import pytest

from qlvb.files.intake import file_intake
from qlvb.files.models import Channel

from . import samples


@pytest.mark.parametrize(
    ("offered", "data", "expected"),
    [
        ("anh-chup.jpg", samples.image_bytes("PNG"), "anh-chup.png"),
        ("Báo cáo.doc", samples.docx_bytes(), "Bao-cao.docx"),
        ("van-ban", samples.pdf_bytes(), "van-ban.pdf"),
        ("scan.JPEG", samples.image_bytes("JPEG"), "scan.jpeg"),
        ("scan.tiff", samples.image_bytes("TIFF"), "scan.tiff"),
        ("so-lieu.txt", samples.csv_bytes(), "so-lieu.txt"),  # a delimited text may stay a .txt
        ("so-lieu.dat", samples.csv_bytes(), "so-lieu.csv"),
        ("ghi-chu.csv", samples.txt_bytes(), "ghi-chu.txt"),  # not delimited: it is a plain text
    ],
)
def test_offered_name_takes_the_sniffed_extension(person, offered, data, expected):
    stored = file_intake(actor=person("lethuha"), stream=io.BytesIO(data), original_name=offered, channel=Channel.WEB)
    assert stored.name == expected
    assert stored.original_name == offered
