"""Files of an incoming document: taken in through the foundation's intake, attached in the
registration transaction, page count of the main PDF filled in automatically."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfWriter

from qlvb.core.errors import ValidationFailed
from qlvb.documents.models import Attachment
from qlvb.files.intake import file_intake
from qlvb.incoming.services import IncomingFile, incoming_receive

from .conftest import make_data


def pdf_bytes(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def files_dir(settings, tmp_path):
    settings.FILES_DIR = tmp_path / "files"
    return settings.FILES_DIR


def take_in(actor, name: str, content: bytes):
    return file_intake(actor=actor, stream=io.BytesIO(content), original_name=name, channel="scan")


def test_scanned_pdf_fills_the_page_count(person, ubnd, files_dir):
    ha = person("lethuha")
    main = take_in(ha, "cong-van-15.pdf", pdf_bytes(3))
    appendix = take_in(ha, "phu-luc.pdf", pdf_bytes(2))
    result = incoming_receive(
        actor=ha,
        agency=ubnd,
        channel="paper",
        data=make_data(),
        files=[IncomingFile(main), IncomingFile(appendix, kind="appendix")],
    )
    doc = result.document
    doc.refresh_from_db()
    assert doc.page_amount == 3
    assert [(a.kind, a.page_count, a.ordinal) for a in doc.attachments.all()] == [("main", 3, 1), ("appendix", 2, 2)]
    assert doc.events.filter(action="file_attached").count() == 2


def test_one_main_file_only(person, ubnd, files_dir):
    ha = person("lethuha")
    a, b = take_in(ha, "a.pdf", pdf_bytes(1)), take_in(ha, "b.pdf", pdf_bytes(2))
    with pytest.raises(ValidationFailed):
        incoming_receive(
            actor=ha, agency=ubnd, channel="email", data=make_data(), files=[IncomingFile(a), IncomingFile(b)]
        )
    assert not Attachment.objects.exists()


def test_declared_page_count_is_kept(person, ubnd, files_dir):
    ha = person("lethuha")
    doc = incoming_receive(
        actor=ha,
        agency=ubnd,
        channel="email",
        data=make_data(page_amount=7),
        files=[IncomingFile(take_in(ha, "a.pdf", pdf_bytes(1)))],
    ).document
    doc.refresh_from_db()
    assert doc.page_amount == 7
