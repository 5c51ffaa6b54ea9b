"""Real sample files of every allowed type, made in the test run (nothing binary is checked in).

.doc and .xls: no Python library writes them and olefile only reads, so :func:`compound_file` writes a
real Compound File Binary (MS-CFB v3: header, FAT, directory, stream sectors) whose ``WordDocument``
stream opens with a Word FIB (wIdent 0xA5EC) and whose ``Workbook`` stream holds BIFF8 BOF/EOF
records; olefile parses them as any other compound file.
"""

from __future__ import annotations

import io
import struct
import zipfile

from openpyxl import Workbook
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

ENDOFCHAIN = 0xFFFFFFFE
FREESECT = 0xFFFFFFFF
FATSECT = 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
SECTOR = 512


def _dir_entry(
    name: str, kind: int, *, child: int = NOSTREAM, right: int = NOSTREAM, start: int = ENDOFCHAIN, size: int = 0
) -> bytes:
    encoded = name.encode("utf-16-le") + b"\x00\x00"
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        encoded,
        len(encoded),
        kind,
        1,
        NOSTREAM,
        right,
        child,
        b"\x00" * 16,
        0,
        0,
        0,
        start,
        size,
    )


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A compound file with the given streams at the root (each padded to ≥ 4096 bytes so it lives in
    regular sectors, not in the mini stream)."""
    names = sorted(streams, key=lambda n: (len(n), n.upper()))
    data = {n: streams[n].ljust(4096, b"\x00") for n in names}
    fat: list[int] = [FATSECT, ENDOFCHAIN]  # sector 0: FAT, sector 1: directory
    starts: dict[str, int] = {}
    body = b""
    for name in names:
        count = -(-len(data[name]) // SECTOR)
        first = len(fat)
        starts[name] = first
        fat.extend([*range(first + 1, first + count), ENDOFCHAIN])
        body += data[name].ljust(count * SECTOR, b"\x00")
    assert len(fat) <= SECTOR // 4
    fat_sector = struct.pack(f"<{SECTOR // 4}I", *(fat + [FREESECT] * (SECTOR // 4 - len(fat))))
    # Directory: root (0), then the streams chained through right siblings (a valid, if unbalanced, tree).
    entries = [_dir_entry("Root Entry", 5, child=1 if names else NOSTREAM)]
    for i, name in enumerate(names, start=1):
        entries.append(
            _dir_entry(name, 2, right=i + 1 if i < len(names) else NOSTREAM, start=starts[name], size=len(data[name]))
        )
    directory = b"".join(entries)
    directory = directory.ljust(-(-len(directory) // SECTOR) * SECTOR, b"\x00")
    assert len(directory) == SECTOR, "one directory sector is enough for three streams"
    difat = [0] + [FREESECT] * 108
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII109I",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\x00" * 16,
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"\x00" * 6,
        0,
        1,
        1,
        0,
        4096,
        ENDOFCHAIN,
        0,
        ENDOFCHAIN,
        0,
        *difat,
    )
    assert len(header) == SECTOR
    return header + fat_sector + directory + body


def doc_bytes() -> bytes:
    fib = struct.pack("<HHH", 0xA5EC, 0x00C1, 0x0409) + b"\x00" * 26
    return compound_file({"WordDocument": fib + b"Quyet dinh".ljust(100, b" "), "1Table": b"\x00" * 64})


def xls_bytes() -> bytes:
    bof = struct.pack("<HHHHHHII", 0x0809, 16, 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x0006)
    eof = struct.pack("<HH", 0x000A, 0)
    return compound_file({"Workbook": bof + eof})


def msi_like_bytes() -> bytes:
    """A compound file that is neither Word nor Excel (an installer, an Outlook message...)."""
    return compound_file({"Installer": b"MSI payload"})


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "Quyết định"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_javascript() -> bytes:
    """A one-page PDF that runs JavaScript when it opens (``/OpenAction`` of type ``/JavaScript``)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>'
)
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def a4_section(*, left: int) -> str:
    """The ``w:sectPr`` of an A4 page with 2 cm margins and a left margin of ``left`` twips (1 cm = 567)."""
    return (
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
        f'<w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="{left}"/></w:sectPr>'
    )


def docx_package(body: str, *, main: str = DOCX_MAIN) -> bytes:
    """A .docx (the three parts Word needs) whose ``w:body`` holds ``body``: the one Word-file packaging
    every test that makes a Word file uses (``main`` names the main part's content type, e.g. macros)."""
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main}"/></Types>'
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", types)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("word/document.xml", document)
    return out.getvalue()


def docx_bytes(main: str = DOCX_MAIN) -> bytes:
    return docx_package("<w:p><w:r><w:t>Quyết định số 15</w:t></w:r></w:p>", main=main)


def xlsx_bytes() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["Số", "Trích yếu"])
    ws.append([15, "Kiện toàn Ban chỉ đạo"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def odf_bytes(kind: str) -> bytes:
    mime = f"application/vnd.oasis.opendocument.{kind}"
    body = "<office:text/>" if kind == "text" else "<office:spreadsheet/>"
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        f'office:version="1.2"><office:body>{body}</office:body></office:document-content>'
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mime}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), mime, compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def image_bytes(fmt: str) -> bytes:
    img = Image.new("RGB", (40, 30), (200, 30, 30))
    out = io.BytesIO()
    img.save(out, format=fmt)
    return out.getvalue()


def rtf_bytes() -> bytes:
    return b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times New Roman;}}\\f0 Quy\\u7871?t \\u273?\\u7883?nh\\par}"


def txt_bytes() -> bytes:
    return "Quyết định số 15 về việc kiện toàn Ban chỉ đạo.\nNơi nhận: như trên.\n".encode()


def csv_bytes() -> bytes:
    return "Số,Ngày,Trích yếu\n15,02/01/2025,Kiện toàn\n16,03/01/2025,Phân công\n".encode()


def zip_of_other_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("setup.exe", b"MZ" + b"\x00" * 100)
        zf.writestr("readme.txt", "xin chao")
    return out.getvalue()


EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"This program cannot be run in DOS mode."
)
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
