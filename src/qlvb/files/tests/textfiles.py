"""Files for the text tests, made in the run: a PDF with a text layer, a scan (image-only PDF, PNG), an
encrypted PDF, PDF bombs (a huge page count, deeply nested objects), a corrupt docx, a huge image."""

from __future__ import annotations

import io
import zipfile

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from . import scans
from .bombs import _docx_frame


def text_pdf(pages: list[str]) -> bytes:
    """A born-digital PDF: one page per string, ASCII text in Helvetica."""
    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    font_ref = writer._add_object(font)
    for text in pages:
        page = writer.add_blank_page(width=595, height=842)
        stream = DecodedStreamObject()
        lines = "".join(f"({line}) Tj 0 -16 Td " for line in text.splitlines())
        stream.set_data(f"BT /F1 12 Tf 72 770 Td {lines}ET".encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font_ref})}
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(text_pdf(["Quyet dinh so 15"])))
    writer.encrypt(user_password="matkhau", owner_password="chu")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def many_pages_pdf(pages: int) -> bytes:
    """A PDF bomb by page count: ``pages`` pages sharing one tiny content stream (a few bytes each)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{3 + i} 0 R" for i in range(pages))
    objects.append(f"<< /Type /Pages /Count {pages} /Kids [{kids}] >>".encode())
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    return _assemble(objects)


def nested_pdf(depth: int = 100_000) -> bytes:
    """A PDF bomb by nesting: the page's resources hold an array nested ``depth`` deep."""
    nested = b"[" * depth + b"]" * depth
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /X " + nested + b" >> >>",
    ]
    return _assemble(objects)


def _assemble(objects: list[bytes]) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def corrupt_docx() -> bytes:
    """A docx whose frame is right (intake takes it) but whose document is broken XML, cut midway."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        _docx_frame(archive)
        archive.writestr("word/document.xml", b'<?xml version="1.0"?><w:document xmlns:w="urn:x"><w:body><w:p><w:r')
    return out.getvalue()


def huge_png(megapixels: int = 60) -> bytes:
    """A white page of ``megapixels`` million pixels, 1 bit deep (small to make, small on disk)."""
    side = int((megapixels * 1e6) ** 0.5) + 1
    out = io.BytesIO()
    Image.new("1", (side, side), 1).save(out, format="PNG")
    return out.getvalue()


def scanned_pdf(text: str = scans.QUYET_DINH, dpi: int = 300) -> bytes:
    return scans.pdf_bytes(scans.render(scans.Scan(text, dpi=dpi)), dpi=dpi)


def scanned_png(text: str = scans.CONG_VAN, dpi: int = 300) -> bytes:
    return scans.png_bytes(scans.render(scans.Scan(text, dpi=dpi)), dpi=dpi)
