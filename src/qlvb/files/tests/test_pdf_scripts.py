"""Issue 9: a PDF with JavaScript was served inline from the document pages. Now every stored file is a
download in a sandbox, and intake records which PDFs carry scripts so the pages can say so."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from qlvb.core.models import AuditEntry
from qlvb.files.intake import file_intake
from qlvb.files.models import Channel
from qlvb.files.pdfscripts import pdf_scripts
from qlvb.files.responses import content_disposition

from . import samples


def _pdf(configure=None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if configure is not None:
        configure(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _open_action_js(writer: PdfWriter) -> None:
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('x')"),
        }
    )


def _named_js(writer: PdfWriter) -> None:
    """A document-level script in the /Names tree (runs when the file opens)."""
    from pypdf.generic import ArrayObject

    action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("x")})
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {
            NameObject("/JavaScript"): DictionaryObject(
                {
                    NameObject("/Names"): ArrayObject([TextStringObject("in"), writer._add_object(action)]),
                }
            ),
        }
    )


def _launch_on_page_open(writer: PdfWriter) -> None:
    page = writer.pages[0]
    page[NameObject("/AA")] = DictionaryObject(
        {
            NameObject("/O"): DictionaryObject(
                {
                    NameObject("/S"): NameObject("/Launch"),
                    NameObject("/F"): TextStringObject("cmd.exe"),
                }
            ),
        }
    )


def _open_action_to_a_page(writer: PdfWriter) -> None:
    from pypdf.generic import ArrayObject

    writer._root_object[NameObject("/OpenAction")] = ArrayObject(
        [writer.pages[0].indirect_reference, NameObject("/Fit")]
    )


def _hand_written(body: bytes) -> bytes:
    """A one-page PDF written byte by byte (for names spelt with #xx escapes, in a compressed stream)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        body,
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@pytest.mark.parametrize(
    ("configure", "expected"),
    [
        (_open_action_js, ["JavaScript", "OpenAction"]),
        (_named_js, ["JavaScript"]),
        (_launch_on_page_open, ["AA", "Launch"]),
    ],
)
def test_active_content_is_found(tmp_path, configure, expected) -> None:
    path = tmp_path / "x.pdf"
    path.write_bytes(_pdf(configure))
    assert pdf_scripts(path) == expected


@pytest.mark.parametrize("configure", [None, _open_action_to_a_page])
def test_plain_pdfs_are_not_flagged(tmp_path, configure) -> None:
    path = tmp_path / "x.pdf"
    path.write_bytes(_pdf(configure))
    assert pdf_scripts(path) == []


def test_escaped_names_are_found(tmp_path) -> None:
    path = tmp_path / "x.pdf"
    path.write_bytes(_hand_written(b"<< /S /Java#53cript /J#53 (app.alert(1)) >>"))
    assert pdf_scripts(path) == ["JavaScript", "OpenAction"]


def test_an_unreadable_pdf_is_searched_by_its_bytes(tmp_path) -> None:
    path = tmp_path / "x.pdf"
    path.write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 100 + b"<< /S /JavaScript /JS (x) >>" + b"\n%%EOF")
    assert "JavaScript" in pdf_scripts(path)


def test_intake_records_the_scripts_and_the_audit_says_so(person) -> None:
    stored = file_intake(
        actor=person("lethuha"),
        stream=io.BytesIO(_pdf(_open_action_js)),
        original_name="co-ma.pdf",
        channel=Channel.WEB,
    )
    assert stored.has_scripts and stored.blob.scripts == "JavaScript,OpenAction"
    entry = AuditEntry.objects.filter(action="file.uploaded").latest("seq")
    assert entry.data["scripts"] == "JavaScript,OpenAction"
    plain = file_intake(
        actor=person("lethuha"), stream=io.BytesIO(samples.pdf_bytes()), original_name="sach.pdf", channel=Channel.WEB
    )
    assert not plain.has_scripts


def test_a_pdf_with_scripts_is_served_as_a_sandboxed_download(client, person) -> None:
    stored = file_intake(
        actor=person("lethuha"),
        stream=io.BytesIO(_pdf(_open_action_js)),
        original_name="Tờ trình có mã.pdf",
        channel=Channel.WEB,
    )
    client.force_login(person("lethuha"))
    response = client.get(f"/tep/{stored.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"{stored.name}\"; filename*=UTF-8''{stored.name}"
    )
    assert response["Content-Security-Policy"].split(";")[0] == "sandbox"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_content_disposition_follows_rfc_6266() -> None:
    assert content_disposition("Quyet-dinh.pdf") == (
        "attachment; filename=\"Quyet-dinh.pdf\"; filename*=UTF-8''Quyet-dinh.pdf"
    )
    header = content_disposition('Tờ "trình".pdf')
    assert header.startswith('attachment; filename="T _trnh_.pdf"'.replace(" ", "")) or 'filename="T' in header
    assert "filename*=UTF-8''T%E1%BB%9D%20%22tr%C3%ACnh%22.pdf" in header
    assert '"' not in header.split('filename="', 1)[1].split('"', 1)[0]


def test_pdfs_stored_before_the_check_are_scanned_by_the_command(person) -> None:
    from django.core.management import call_command

    from qlvb.files.models import Blob

    stored = file_intake(
        actor=person("lethuha"), stream=io.BytesIO(_pdf(_open_action_js)), original_name="cu.pdf", channel=Channel.WEB
    )
    Blob.objects.filter(pk=stored.blob_id).update(scripts="")  # as an earlier release left it
    out = io.StringIO()
    call_command("pdf_scripts_scan", stdout=out)
    assert Blob.objects.get(pk=stored.blob_id).scripts == "JavaScript,OpenAction"
    assert "Đã quét 1 tệp PDF: 1 tệp có mã lệnh" in out.getvalue()
