"""Hostile ZIPs made in the test run, streamed so that building a 200 MiB bomb costs the test a few MiB:
a docx whose ``word/document.xml`` unpacks to hundreds of MiB, one that lies about its sizes, one with
``..`` in a name, nested archives, and a normal docx of a given size (for the benchmark)."""

from __future__ import annotations

import io
import os
import struct
import zipfile
from pathlib import Path

MIB = 1024 * 1024
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
    '"/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
    'document.main+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.'
    b'openxmlformats.org/wordprocessingml/2006/main"><w:body>'
)
TAIL = b"</w:body></w:document>"
PARAGRAPH = "<w:p><w:r><w:t>Nội dung lặp lại của văn bản.</w:t></w:r></w:p>".encode()


def _docx_frame(archive: zipfile.ZipFile) -> None:
    archive.writestr("[Content_Types].xml", CONTENT_TYPES)
    archive.writestr("_rels/.rels", RELS)


def bomb_docx(path: Path, *, unpacked: int = 200 * MIB, secret_at_end: bool = False) -> Path:
    """A docx whose document.xml unpacks to ``unpacked`` bytes of repeated paragraphs (compresses
    and blanks between them (valid XML that compresses about 1000 : 1), written in 1 MiB chunks."""
    block = PARAGRAPH + b" " * (MIB - len(PARAGRAPH))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        _docx_frame(archive)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(HEAD)
            written = len(HEAD)
            while written < unpacked:
                member.write(block)
                written += len(block)
            if secret_at_end:
                member.write("<w:p><w:r><w:t>MẬT</w:t></w:r></w:p>".encode())
            member.write(TAIL)
    return path


def plain_docx(*, paragraphs: int = 40, extra: dict[str, bytes] | None = None) -> bytes:
    body = (
        HEAD
        + b"".join(  # numbered, as real text varies: compresses about 20 : 1
            f"<w:p><w:r><w:t>Điều {i}. Nội dung của khoản {i * 7919 % 10007} trong văn bản.</w:t></w:r></w:p>".encode()
            for i in range(paragraphs)
        )
        + TAIL
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        _docx_frame(archive)
        archive.writestr("word/document.xml", body)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def sized_docx(size: int) -> bytes:
    """A normal docx of about ``size`` bytes: text plus incompressible 'images' (what makes a real
    docx large), as Word saves it."""
    images = {f"word/media/image{i}.png": os.urandom(512 * 1024) for i in range(max(1, size // (512 * 1024)))}
    return plain_docx(paragraphs=2000, extra=images)


def lying_docx(*, real: int = 20 * MIB, declared: int = 1000) -> bytes:
    """document.xml unpacks to ``real`` bytes but the local header and central directory say
    ``declared`` (and the ratio they show is harmless)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        _docx_frame(archive)
        archive.writestr("word/document.xml", HEAD + b"A" * real + TAIL)
    data = bytearray(out.getvalue())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/document.xml")
    real_size = struct.pack("<I", info.file_size)
    # local header: uncompressed size at +22; central directory entry: at +24
    local = info.header_offset
    assert data[local + 22 : local + 26] == real_size
    data[local + 22 : local + 26] = struct.pack("<I", declared)
    central = data.rfind(b"PK\x01\x02")  # the entry of document.xml is the last
    assert data[central + 24 : central + 28] == real_size
    data[central + 24 : central + 28] = struct.pack("<I", declared)
    return bytes(data)


def traversal_docx() -> bytes:
    return plain_docx(extra={"../../etc/cron.d/x": b"* * * * * root sh"})


def nested_docx(depth: int) -> bytes:
    """A docx with an embedded workbook (depth 1), which itself embeds a zip (depth 2), and so on."""
    inner = b""
    for level in range(depth, 0, -1):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"level{level}.xml", "<x/>" * 10)
            if inner:
                archive.writestr("embedded.zip", inner)
        inner = out.getvalue()
    return plain_docx(extra={"word/embeddings/Microsoft_Excel_Worksheet.xlsx": inner})


def many_entries_docx(count: int) -> bytes:
    return plain_docx(extra={f"word/media/e{i}.xml": b"<x/>" for i in range(count)})
