"""``files.pdfinfo.pdf_page_count``: the one page count of a stored PDF, capped at
``PDF_PAGE_COUNT_MAX`` (Phụ lục VI "Số trang", three digits)."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfWriter

from qlvb.files.intake import file_intake
from qlvb.files.models import Channel, StoredFile
from qlvb.files.pdfinfo import PDF_PAGE_COUNT_MAX, pdf_page_count
from qlvb.files.storage import blob_path

from . import samples


def _stored(person, data: bytes, name: str) -> StoredFile:
    return file_intake(actor=person("lethuha"), stream=io.BytesIO(data), original_name=name, channel=Channel.WEB)


def _pdf(pages: int, *, user_password: str = "", owner_password: str = "") -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if user_password or owner_password:
        writer.encrypt(user_password=user_password, owner_password=owner_password or user_password + "-owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_pages_of_a_pdf_are_counted(person) -> None:
    assert pdf_page_count(_stored(person, _pdf(3), "ba-trang.pdf")) == 3


@pytest.mark.django_db
def test_another_type_of_file_has_no_page_count(person) -> None:
    assert pdf_page_count(_stored(person, samples.docx_bytes(), "du-thao.docx")) is None


@pytest.mark.django_db
def test_a_count_above_the_cap_is_the_cap(person) -> None:
    assert pdf_page_count(_stored(person, _pdf(PDF_PAGE_COUNT_MAX + 2), "dai.pdf")) == PDF_PAGE_COUNT_MAX


@pytest.mark.django_db
def test_the_page_tree_is_counted_not_its_stated_count(person) -> None:
    """A PDF whose page tree states 10¹² pages (/Count), encrypted for an owner only as many are, is
    counted from its pages."""
    data = _pdf(1, owner_password="chu-so-huu")
    forged = re.sub(rb"/Count 1\b", b"/Count 999999999999", data, count=1)
    assert forged != data
    assert pdf_page_count(_stored(person, forged, "khoa.pdf")) == 1


@pytest.mark.django_db
def test_a_pdf_locked_by_a_password_has_no_count(person) -> None:
    assert pdf_page_count(_stored(person, _pdf(2, user_password="mat-khau"), "khoa.pdf")) is None


@pytest.mark.django_db
def test_a_pdf_that_cannot_be_read_has_no_count(person) -> None:
    stored = _stored(person, _pdf(2), "hong.pdf")
    path = blob_path(stored.blob.sha256)
    path.chmod(0o644)
    path.write_bytes(b"%PDF-1.4 broken")  # damaged on disk after intake: its checksum fails on reading
    assert pdf_page_count(stored) is None


@pytest.mark.django_db
def test_a_pdf_with_a_broken_page_tree_has_no_count(person) -> None:
    data = _pdf(1)
    broken = re.sub(rb"/Type /Pages", b"/Type /Nothing", data, count=1)
    broken = re.sub(rb"/Pages \d+ 0 R", b"/Pages 999 0 R", broken, count=1)
    assert pdf_page_count(_stored(person, broken, "cay-hong.pdf")) is None
