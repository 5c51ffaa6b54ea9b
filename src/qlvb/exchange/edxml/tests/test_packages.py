"""Build and parse: the standard's shape, round trips, refusals of hostile packages, constant memory."""

from __future__ import annotations

import base64
import io
import os
import re
import tracemalloc
import unicodedata
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qlvb.exchange.edxml import EdxmlRefused, Limits, build, parse
from qlvb.exchange.edxml.model import (
    BussinessDocumentInfo,
    Edoc,
    Organization,
    Receiver,
    ReplacementInfo,
    ResponseFor,
    Status,
)
from qlvb.exchange.edxml.status import make_status

from .conftest import make_edoc

MiB = 1024 * 1024


def _build_bytes(package: Edoc | Status) -> bytes:
    buf = io.BytesIO()
    build(package, buf)
    return buf.getvalue()


def test_built_package_has_the_standard_shape(tmp_path: Path) -> None:
    f = tmp_path / "cv.pdf"
    f.write_bytes(b"%PDF-1.7 cong van")
    xml = _build_bytes(make_edoc([f])).decode()
    envelope = xml[xml.index("<edXML:edXMLEnvelope") : xml.index("</edXML:edXMLEnvelope>")]
    # every element inside the envelope carries the explicit edXML: prefix (.NET XmlSerializer on the axis)
    assert not re.findall(r"<(?!edXML:|/edXML:)[A-Za-z]", envelope)
    assert "<edXML:Bussiness>" in xml and "<edXML:BussinessDocType>0</edXML:BussinessDocType>" in xml
    assert "<edXML:PromulgationDate>2026/12/01</edXML:PromulgationDate>" in xml
    # attachment: outside the envelope, zipped then base64, referenced by the manifest
    assert "<edXML:ContentId>cid:1</edXML:ContentId>" in envelope
    b64 = re.search(r"<edXML:ContentTransferEncoded[^>]*>([^<]+)<", xml)
    assert b64
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(b64.group(1)))) as zf:
        assert zf.read(zf.namelist()[0]) == b"%PDF-1.7 cong van"


def test_compressible_files_are_deflated_incompressible_ones_stored(tmp_path: Path) -> None:
    text, noise = tmp_path / "a.txt", tmp_path / "b.pdf"
    text.write_bytes("Ủy ban nhân dân xã Liên Minh. ".encode() * 5000)
    noise.write_bytes(os.urandom(200_000))
    xml = _build_bytes(make_edoc([text, noise])).decode()
    methods = []
    for b64 in re.findall(r"<edXML:ContentTransferEncoded[^>]*>([^<]+)<", xml):
        with zipfile.ZipFile(io.BytesIO(base64.b64decode(b64))) as zf:
            methods.append(zf.infolist()[0].compress_type)
    assert methods == [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED]


def test_empty_steering_type_is_written_as_0(tmp_path: Path) -> None:
    # the VPCP Java library (EdXML102) throws NumberFormatException on <edXML:SteeringType />
    edoc = make_edoc([])
    edoc.header.steering_type = ""
    assert b"<edXML:SteeringType>0</edXML:SteeringType>" in _build_bytes(edoc)


def test_every_business_type_and_status_round_trips(tmp_path: Path) -> None:
    f = tmp_path / "a.docx"
    f.write_bytes(b"PK\x03\x04 not really a docx, zipped anyway")
    for kind in "0123":
        edoc = make_edoc([f])
        assert edoc.bussiness is not None
        edoc.bussiness.bussiness_doc_type = kind
        if kind == "1":
            edoc.header.response_for = [ResponseFor("000.00.00.H41", "120/UBND-VX", "2026/11/20", "x")]
        if kind == "2":
            edoc.bussiness.document_id = "000.00.00.H41,2026/11/20,120/UBND-VX"
            edoc.bussiness.document_info = BussinessDocumentInfo("1", "1", [Receiver("000.00.12.H41", "0")])
        if kind == "3":
            edoc.bussiness.replacements = [ReplacementInfo("000.00.00.H41,2026/11/20,120/UBND-VX", ["000.00.12.H41"])]
        first = _build_bytes(edoc)
        out = tmp_path / f"out{kind}"
        parsed = parse(io.BytesIO(first), attachments_dir=out)
        assert parsed.warnings == []
        assert _build_bytes(parsed.package) == first
    for code in ("01", "02", "03", "04", "05", "06", "13", "15", "16"):
        st_pkg = make_status(
            code=code,
            sender=Organization("000.00.12.H41", organ_name="UBND xã Liên Minh"),
            about=ResponseFor("000.00.00.H41", "125/UBND-VX", "2026/12/01", "000.00.00.H41,2026/12/01,125/UBND-VX"),
            description="Từ chối: sai nơi nhận" if code == "02" else "",
        )
        first = _build_bytes(st_pkg)
        parsed = parse(io.BytesIO(first))
        assert isinstance(parsed.package, Status) and parsed.package.status_code == code
        assert _build_bytes(parsed.package) == first


_VI = st.text(
    alphabet=st.sampled_from(
        list(
            "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệ"
            "ìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵĐ /-,.<>&\"'0123456789"
        )
    ),
    max_size=40,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    subject=_VI,
    signer=_VI,
    places=st.lists(_VI, max_size=3),
    contents=st.lists(st.binary(max_size=2000), min_size=1, max_size=4),
    names=st.lists(_VI, min_size=4, max_size=4),
)
def test_build_parse_build_is_the_same_package(
    tmp_path_factory: pytest.TempPathFactory,
    subject: str,
    signer: str,
    places: list[str],
    contents: list[bytes],
    names: list[str],
) -> None:
    d = tmp_path_factory.mktemp("rt")
    files = []
    for i, data in enumerate(contents):
        p = d / f"f{i}.bin"
        p.write_bytes(data)
        files.append(p)
    edoc = make_edoc(files)
    edoc.header.subject = unicodedata.normalize("NFD", subject)  # the builder stores NFC
    edoc.header.signer_info.full_name = signer
    edoc.header.to_places = places
    for a, n in zip(edoc.attachments, names, strict=False):
        a.attachment_name = n
    first = _build_bytes(edoc)
    parsed = parse(io.BytesIO(first), attachments_dir=d / "out")
    assert isinstance(parsed.package, Edoc)
    assert parsed.package.header.subject == unicodedata.normalize("NFC", subject).strip()
    assert [a.path.read_bytes() for a in parsed.package.attachments if a.path] == contents
    assert _build_bytes(parsed.package) == first


# --- refusals -----------------------------------------------------------------------------------

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">'
    '<edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXML:edXMLHeader>'
    "<edXML:MessageHeader><edXML:From><edXML:OrganId>000.00.00.H41</edXML:OrganId></edXML:From>"
    "<edXML:Subject>{subject}</edXML:Subject></edXML:MessageHeader></edXML:edXMLHeader>"
    "<edXML:edXMLBody><edXML:edXMLManifest>{refs}</edXML:edXMLManifest></edXML:edXMLBody>"
    "</edXML:edXMLEnvelope><AttachmentEncoded>{atts}</AttachmentEncoded></edXML>"
)


def _pkg(*, subject: str = "x", refs: str = "", atts: str = "", prolog: str = "") -> io.BytesIO:
    xml = HEAD.format(subject=subject, refs=refs, atts=atts)
    if prolog:
        xml = xml.replace("\n", "\n" + prolog + "\n", 1)
    return io.BytesIO(xml.encode())


def _att(cid: str, b64: str, *, name: str = "a.pdf", content_type: str = "application/zip") -> str:
    return (
        f"<Attachment><ContentId>{cid}</ContentId><AttachmentName>{name}</AttachmentName>"
        f"<ContentType>{content_type}</ContentType>"
        f'<edXML:ContentTransferEncoded xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">{b64}'
        "</edXML:ContentTransferEncoded></Attachment>"
    )


def _ref(cid: str) -> str:
    return f"<edXML:Reference><edXML:ContentId>{cid}</edXML:ContentId></edXML:Reference>"


def _zip_b64(name: str, data: bytes) -> str:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, data)
    return base64.b64encode(buf.getvalue()).decode()


@pytest.mark.parametrize(
    ("prolog", "words"),
    [
        ('<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "DOCTYPE"),
        (
            '<!DOCTYPE edXML [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>',
            "DOCTYPE",
        ),
    ],
    ids=["xxe", "billion-laughs"],
)
def test_dtd_and_entities_refused(prolog: str, words: str) -> None:
    with pytest.raises(EdxmlRefused) as exc:
        parse(_pkg(prolog=prolog, subject="&c;"))
    assert words in exc.value.message and exc.value.line == 2


def test_manifest_reference_without_attachment_refused(tmp_path: Path) -> None:
    ok = _zip_b64("a.pdf", b"%PDF")
    with pytest.raises(EdxmlRefused) as exc:
        parse(_pkg(refs=_ref("cid:1") + _ref("cid:2"), atts=_att("cid:1", ok)), attachments_dir=tmp_path)
    assert "cid:2" in exc.value.message and "không có tệp đính kèm" in exc.value.message
    assert list(tmp_path.iterdir()) == []  # nothing left behind


def test_undecodable_base64_refused() -> None:
    with pytest.raises(EdxmlRefused) as exc:
        parse(_pkg(refs=_ref("cid:1"), atts=_att("cid:1", "UEsDBB!!!notbase64")))
    assert "base64" in exc.value.message and exc.value.line


def test_truncated_base64_refused() -> None:
    with pytest.raises(EdxmlRefused, match="base64"):
        parse(_pkg(refs=_ref("cid:1"), atts=_att("cid:1", _zip_b64("a.pdf", b"x" * 100)[:-3])))


def test_zip_past_50_mb_refused_without_inflating_it(tmp_path: Path) -> None:
    bomb = _zip_b64("a.pdf", b"\0" * (60 * MiB))  # ~60 KB compressed, 60 MB inflated
    tracemalloc.start()
    try:
        with pytest.raises(EdxmlRefused) as exc:
            parse(_pkg(refs=_ref("cid:1"), atts=_att("cid:1", bomb)), attachments_dir=tmp_path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert re.search(r"50 Mi?B", exc.value.message)  # the limit is named
    assert peak < 8 * MiB
    assert list(tmp_path.iterdir()) == []


def test_malformed_xml_refused_with_position() -> None:
    for broken, line in [(b"<edXML><a></b></edXML>", 1), (b'<?xml version="1.0"?>\n<edXML>\n<a>', 3), (b"", None)]:
        with pytest.raises(EdxmlRefused) as exc:
            parse(io.BytesIO(broken))
        assert exc.value.line == line


def test_not_an_edxml_package_refused() -> None:
    with pytest.raises(EdxmlRefused, match="Không phải gói tin edXML"):
        parse(io.BytesIO(b"<html><body>502 Bad Gateway</body></html>"))


def test_huge_metadata_text_refused() -> None:
    with pytest.raises(EdxmlRefused, match="quá dài"):
        parse(_pkg(subject="x" * (2 * MiB)))


def test_unzipped_pdf_and_docx_as_the_vpcp_library_sends_them(tmp_path: Path) -> None:
    # EdXML102 base64-encodes .pdf/.doc/.docx/.xls(x)/.zip as they are, with their own ContentType
    docx = _zip_b64("word/document.xml", b"<w:document/>")  # a .docx is itself a zip: never unpacked
    pdf = base64.b64encode(b"%PDF-1.7 raw").decode()
    atts = _att("cid:1", pdf, content_type="application/pdf") + _att(
        "cid:2", docx, name="b.docx", content_type="application/docx"
    )
    parsed = parse(_pkg(refs=_ref("cid:1") + _ref("cid:2"), atts=atts), attachments_dir=tmp_path)
    assert parsed.warnings == [] or all(w.code != "not_zipped" for w in parsed.warnings)
    pdf_att, docx_att = parsed.package.attachments  # type: ignore[union-attr]
    assert pdf_att.path and pdf_att.path.read_bytes() == b"%PDF-1.7 raw"
    assert docx_att.path and docx_att.path.name == "b.docx"
    assert docx_att.path.read_bytes() == base64.b64decode(docx)


def test_attachment_not_in_manifest_is_kept_with_a_warning() -> None:
    parsed = parse(_pkg(atts=_att("cid:9", _zip_b64("a.pdf", b"%PDF"))))
    assert isinstance(parsed.package, Edoc) and len(parsed.package.attachments) == 1
    assert any(w.code == "unlisted_attachment" for w in parsed.warnings)


# --- constant memory ----------------------------------------------------------------------------


def test_50_mb_package_parsed_and_written_out_with_constant_memory(tmp_path: Path) -> None:
    src = tmp_path / "big.pdf"
    with open(src, "wb") as fh:
        fh.write(b"%PDF-1.7\n")
        for _ in range(50):
            fh.write(os.urandom(MiB - 16))  # incompressible: the package is ~67 MB of base64
    edoc = make_edoc([src])
    pkg = tmp_path / "big.edxml"
    tracemalloc.start()
    try:
        build(edoc, pkg)
        build_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        parsed = parse(pkg, attachments_dir=tmp_path / "out", limits=Limits())
        parse_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert pkg.stat().st_size > 60 * MiB
    (att,) = parsed.package.attachments  # type: ignore[union-attr]
    assert att.size == src.stat().st_size and att.path and att.path.stat().st_size == att.size
    assert build_peak < 16 * MiB, build_peak
    assert parse_peak < 16 * MiB, parse_peak
