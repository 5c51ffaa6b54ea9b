"""Read edXML packages as a stream.

The XML is fed in 64 KiB chunks to expat (the C parser in the standard library) with SAX-like
callbacks: the metadata (a few kilobytes) is collected into a light tree, while the base64 text of
each attachment goes straight through an incremental decoder to a temporary file and is then
inflated, bounded, to the caller's folder. Memory stays constant whatever the package size.

Why expat and not lxml ``iterparse``: iterparse builds each element's text in memory, and with
``huge_tree`` off libxml2 refuses any text node over 10 MB — a 50 MB attachment is one text node of
67 MB. lxml's callback (target) parser streams, but silently drops undeclared namespace prefixes
(the SDK sample ``edoc.edxml``), which expat reports as the fatal error it is, with its position.

Security: no DTD is read, a package that declares a DOCTYPE or an entity at all is refused (XXE,
billion laughs), external entities are never fetched (no network). Every refusal is an
:class:`~.errors.EdxmlRefused` with a Vietnamese reason naming the line/column or the element;
nothing else escapes :func:`parse`.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

from ..errors import ErrorCode
from .attachments import Base64Sink, Limits, inflate_attachment
from .errors import EdxmlRefused, EdxmlWarning, WarningCode
from .model import (
    DSIG_NS,
    NS,
    Attachment,
    Bussiness,
    BussinessDocumentInfo,
    Code,
    DocumentType,
    Edoc,
    EdocHeader,
    Organization,
    OtherInfo,
    PromulgationInfo,
    Receiver,
    ReplacementInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    Status,
    TraceHeader,
)
from .validate import check_edoc, check_status

FEED = 64 * 1024


@dataclass
class Parsed:
    """What :func:`parse` read: the package, its warnings, and whether it carries a signature."""

    package: Edoc | Status
    warnings: list[EdxmlWarning] = field(default_factory=list)
    signature: str = "absent"  # "absent" | "present" (verify with signature.verify_package)
    signature_namespace: str = ""

    @property
    def kind(self) -> str:
        return self.package.kind


class _Node:
    __slots__ = ("attrib", "children", "name", "ns", "parts", "size")

    def __init__(self, ns: str, name: str, attrib: dict[str, str]) -> None:
        self.ns = ns
        self.name = name
        self.attrib = attrib
        self.children: list[_Node] = []
        self.parts: list[str] = []
        self.size = 0

    def child(self, name: str) -> _Node | None:
        for c in self.children:
            if c.name == name:
                return c
        return None

    def all(self, name: str) -> list[_Node]:
        return [c for c in self.children if c.name == name]

    def text(self, name: str | None = None) -> str:
        node = self if name is None else self.child(name)
        if node is None:
            return ""
        return unicodedata.normalize("NFC", "".join(node.parts)).replace("\r\n", "\n").strip()


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag


class _Target:
    """lxml parser target: builds the metadata tree, streams attachment content."""

    def __init__(self, *, out_dir: Path | None, limits: Limits, tmp_dir: str | None) -> None:
        self.out_dir = out_dir
        self.limits = limits
        self.tmp_dir = tmp_dir
        self.stack: list[_Node] = []
        self.root: _Node | None = None
        self.count = 0
        self.sink: Base64Sink | None = None
        self.blob: IO[bytes] | None = None
        self.blob_path: str | None = None
        self.attachments: list[tuple[Attachment, list[EdxmlWarning]]] = []
        self.used = 0

    # -- parser callbacks
    def doctype(self, *args: Any) -> None:
        raise EdxmlRefused(
            "Gói tin có khai báo DOCTYPE/thực thể (DTD): bị từ chối vì lý do an toàn (XXE, bom thực thể)",
            code=ErrorCode.DOCTYPE,
        )

    entity = doctype

    def external_entity(self, *args: Any) -> int:
        self.doctype()
        return 0

    def start(self, tag: str, attrib: Any) -> None:
        ns, name = _split(tag)
        self.count += 1
        if self.count > self.limits.max_elements:
            raise EdxmlRefused("Gói tin có quá nhiều phần tử", code=ErrorCode.TOO_MANY_ELEMENTS, element=name)
        node = _Node(ns, name, dict(attrib))
        if not self.stack:
            if name != "edXML":
                raise EdxmlRefused(
                    f"Không phải gói tin edXML (phần tử gốc là «{name}», cần «edXML»)", code=ErrorCode.NOT_EDXML
                )
            self.root = node
        else:
            parent = self.stack[-1]
            parent.children.append(node)
            if name == "ContentTransferEncoded" and parent.name == "Attachment":
                self._open_blob()
        self.stack.append(node)

    def data(self, text: str) -> None:
        if self.sink is not None:
            self.sink.feed(text)
            return
        if not self.stack:
            return
        node = self.stack[-1]
        node.size += len(text)
        if node.size > self.limits.max_text_bytes:
            raise EdxmlRefused("Nội dung phần tử quá dài", code=ErrorCode.TEXT_TOO_LONG, element=node.name)
        node.parts.append(text)

    def end(self, tag: str = "") -> None:
        node = self.stack.pop()
        if node.name == "ContentTransferEncoded" and self.sink is not None:
            self.sink.close()
            self.sink = None
            assert self.blob is not None
            self.blob.close()
        elif node.name == "Attachment" and self.stack and self.stack[-1].name == "AttachmentEncoded":
            self._finish_attachment(node)
            self.stack[-1].children.remove(node)  # constant memory with many attachments

    def close(self) -> _Node | None:
        if self.stack:
            return None
        return self.root

    # -- attachments
    def _open_blob(self) -> None:
        if self.blob_path is not None:
            raise EdxmlRefused(
                "Tệp đính kèm có nhiều hơn một phần nội dung",
                code=ErrorCode.BAD_ATTACHMENT,
                element="ContentTransferEncoded",
            )
        if len(self.attachments) >= self.limits.max_attachments:
            raise EdxmlRefused("Gói tin có quá nhiều tệp đính kèm", code=ErrorCode.TOO_MANY_ATTACHMENTS)
        fd, self.blob_path = tempfile.mkstemp(prefix="edxml-", dir=self.tmp_dir)
        self.blob = os.fdopen(fd, "wb")
        # the zip is at most a little larger than its content; the inflater bounds the content
        self.sink = Base64Sink(self.blob, limit=self.limits.max_file_bytes + self.limits.max_file_bytes // 8 + 65536)

    def _finish_attachment(self, node: _Node) -> None:
        meta = Attachment(
            content_id=node.text("ContentId"),
            attachment_name=node.text("AttachmentName"),
            description=node.text("Description"),
            content_type=node.text("ContentType"),
        )
        where = f"Attachment {meta.content_id or len(self.attachments) + 1}"
        if self.blob_path is None:
            raise EdxmlRefused(
                "Tệp đính kèm không có nội dung (ContentTransferEncoded)", code=ErrorCode.BAD_ATTACHMENT, element=where
            )
        try:
            inflated = inflate_attachment(
                Path(self.blob_path),
                name=meta.attachment_name or meta.content_id.removeprefix("cid:") or "tep-dinh-kem",
                out_dir=self.out_dir,
                limits=self.limits,
                used=self.used,
                element=where,
                content_type=meta.content_type or "application/zip",
            )
        finally:
            self.cleanup()
        self.used += inflated.size
        meta.path, meta.size, meta.sha256 = inflated.path, inflated.size, inflated.sha256
        self.attachments.append((meta, inflated.warnings))

    def cleanup(self) -> None:
        if self.blob is not None and not self.blob.closed:
            self.blob.close()
        if self.blob_path is not None:
            Path(self.blob_path).unlink(missing_ok=True)
        self.blob, self.blob_path, self.sink = None, None, None

    def written(self) -> list[Path]:
        return [a.path for a, _ in self.attachments if a.path is not None]


def parse(
    source: str | os.PathLike[str] | IO[bytes],
    *,
    attachments_dir: str | os.PathLike[str] | None = None,
    limits: Limits | None = None,
    tmp_dir: str | None = None,
) -> Parsed:
    """Parse the package at ``source`` (a path or a binary stream).

    With ``attachments_dir`` each attachment is written there under its ``AttachmentName``;
    without it, attachments are decoded, checked and hashed, and nothing is kept.
    Raises :class:`EdxmlRefused` (and nothing else) when the package is refused; on refusal no
    attachment is left behind.
    """
    limits = limits or Limits()
    out_dir = Path(attachments_dir) if attachments_dir is not None else None
    target = _Target(out_dir=out_dir, limits=limits, tmp_dir=tmp_dir)
    try:
        try:
            root = _run(source, target)
            return _interpret(root, target)
        except EdxmlRefused:
            raise
        except (OSError, UnicodeError, ValueError, MemoryError) as exc:
            raise EdxmlRefused(
                f"Không đọc được gói tin ({exc.__class__.__name__}: {exc})", code=ErrorCode.UNREADABLE
            ) from None
    except EdxmlRefused:
        target.cleanup()
        for p in target.written():
            p.unlink(missing_ok=True)
        raise


def _run(source: str | os.PathLike[str] | IO[bytes], target: _Target) -> _Node:
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.buffer_size = FEED * 4
    parser.ordered_attributes = False
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = target.doctype
    parser.EntityDeclHandler = target.entity
    parser.ExternalEntityRefHandler = target.external_entity
    parser.StartElementHandler = lambda name, attrs: target.start("{" + name if "}" in name else name, attrs)
    parser.EndElementHandler = target.end
    parser.CharacterDataHandler = target.data
    if isinstance(source, str | os.PathLike):
        fh: IO[bytes] = open(source, "rb")  # noqa: SIM115 — closed below
    else:
        fh = source
    try:
        first = fh.read(FEED)
        _check_prolog(first)
        chunk = first
        try:
            while chunk:
                parser.Parse(chunk, False)
                chunk = fh.read(FEED)
            parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise EdxmlRefused(
                f"Gói tin không đúng cú pháp XML: {_EXPAT_VI.get(exc.code, expat.ErrorString(exc.code))}",
                code=ErrorCode.NOT_WELL_FORMED,
                line=exc.lineno,
                column=exc.offset + 1,
            ) from None
        except EdxmlRefused as exc:
            if exc.line is None:
                raise EdxmlRefused(
                    exc.message,
                    code=exc.code,
                    line=parser.CurrentLineNumber,
                    column=parser.CurrentColumnNumber + 1,
                ) from None
            raise
    finally:
        if fh is not source:
            fh.close()
    root = target.close()
    if root is None:
        raise EdxmlRefused("Gói tin rỗng", code=ErrorCode.EMPTY)
    return root


_EXPAT_VI = {
    expat.errors.codes[
        expat.errors.XML_ERROR_UNBOUND_PREFIX
    ]: "tiền tố không gian tên (namespace prefix) chưa được khai báo",
    expat.errors.codes[expat.errors.XML_ERROR_TAG_MISMATCH]: "thẻ đóng không khớp thẻ mở",
    expat.errors.codes[expat.errors.XML_ERROR_NO_ELEMENTS]: "gói tin kết thúc khi chưa đủ phần tử (bị cắt cụt?)",
    expat.errors.codes[expat.errors.XML_ERROR_INVALID_TOKEN]: "có ký tự không hợp lệ",
    expat.errors.codes[expat.errors.XML_ERROR_SYNTAX]: "sai cú pháp",
    expat.errors.codes[expat.errors.XML_ERROR_UNCLOSED_TOKEN]: "thẻ chưa đóng (gói tin bị cắt cụt?)",
    expat.errors.codes[expat.errors.XML_ERROR_JUNK_AFTER_DOC_ELEMENT]: "có dữ liệu thừa sau phần tử gốc",
    expat.errors.codes[expat.errors.XML_ERROR_MISPLACED_XML_PI]: "khai báo XML không nằm ở đầu tệp",
    expat.errors.codes[expat.errors.XML_ERROR_UNDEFINED_ENTITY]: "dùng thực thể chưa khai báo",
    expat.errors.codes[expat.errors.XML_ERROR_DUPLICATE_ATTRIBUTE]: "thuộc tính bị lặp",
    expat.errors.codes[expat.errors.XML_ERROR_INCORRECT_ENCODING]: "bảng mã ký tự không đúng",
    expat.errors.codes[expat.errors.XML_ERROR_UNKNOWN_ENCODING]: "bảng mã ký tự không hỗ trợ",
}


def _check_prolog(first: bytes) -> None:
    """Name the commonest real-world fault precisely: bytes before the XML declaration."""
    if not first:
        raise EdxmlRefused("Gói tin rỗng", code=ErrorCode.EMPTY)
    body = first.removeprefix(b"\xef\xbb\xbf")
    stripped = body.lstrip(b" \t\r\n")
    if stripped and not stripped.startswith(b"<"):
        stray = stripped.find(b"<")
        n = stray if stray >= 0 else len(stripped)
        raise EdxmlRefused(
            f"Gói tin không đúng cú pháp XML: có {n} byte lạ trước phần khai báo XML",
            code=ErrorCode.NOT_WELL_FORMED,
            line=1,
            column=1,
        )


# --- the light tree → the model ----------------------------------------------------------------


def _org(node: _Node | None) -> Organization:
    if node is None:
        return Organization()
    return Organization(
        organ_id=node.text("OrganId"),
        organization_in_charge=node.text("OrganizationInCharge"),
        organ_name=node.text("OrganName"),
        organ_add=node.text("OrganAdd"),
        email=node.text("Email"),
        telephone=node.text("Telephone"),
        fax=node.text("Fax"),
        website=node.text("Website"),
    )


def _response_for(node: _Node) -> ResponseFor:
    return ResponseFor(
        organ_id=node.text("OrganId"),
        code=node.text("Code"),
        promulgation_date=node.text("PromulgationDate"),
        document_id=node.text("DocumentId"),
    )


def _staff(node: _Node | None) -> StaffInfo | None:
    if node is None:
        return None
    return StaffInfo(
        department=node.text("Department"),
        staff=node.text("Staff"),
        email=node.text("Email"),
        mobile=node.text("Mobile"),
    )


def _interpret(root: _Node, target: _Target) -> Parsed:
    warnings: list[EdxmlWarning] = []
    if root.ns != NS:
        warnings.append(
            EdxmlWarning(WarningCode.NAMESPACE, f"không gian tên «{root.ns}» khác QCVN 102 ({NS})", "edXML")
        )
    envelope = root.child("edXMLEnvelope")
    header = envelope.child("edXMLHeader") if envelope else None
    message = header.child("MessageHeader") if header else None
    if envelope is None or header is None or message is None:
        raise EdxmlRefused(
            "Gói tin thiếu phần đầu (edXMLEnvelope/edXMLHeader/MessageHeader)",
            code=ErrorCode.NO_HEADER,
            element="edXMLHeader",
        )
    assert header is not None
    signature = header.child("Signature")
    sig_state = "present" if signature is not None else "absent"
    sig_ns = signature.ns if signature is not None else ""

    if message.child("StatusCode") is not None:
        rf = message.child("ResponseFor")
        status = Status(
            from_=_org(message.child("From")),
            response_for=_response_for(rf) if rf is not None else ResponseFor(),
            staff_info=_staff(message.child("StaffInfo")) or StaffInfo(),
            status_code=message.text("StatusCode"),
            description=message.text("Description"),
            timestamp=message.text("Timestamp"),
        )
        warnings += check_status(status)
        return Parsed(status, warnings, sig_state, sig_ns)

    edoc = Edoc(header=_edoc_header(message))
    traces = header.child("TraceHeaderList")
    if traces is not None:
        edoc.trace_headers = [
            TraceHeader(organ_id=t.text("OrganId"), timestamp=t.text("Timestamp")) for t in traces.all("TraceHeader")
        ]
        b = traces.child("Bussiness")
        if b is not None:
            edoc.bussiness = _bussiness(b)

    # manifest references ↔ attachments
    body = envelope.child("edXMLBody") if envelope else None
    manifest = body.child("edXMLManifest") if body else None
    references = manifest.all("Reference") if manifest else []
    by_cid: dict[str, tuple[Attachment, list[EdxmlWarning]]] = {}
    for att, att_warnings in target.attachments:
        if att.content_id in by_cid:
            raise EdxmlRefused(
                f"Hai tệp đính kèm cùng ContentId «{att.content_id}»",
                code=ErrorCode.DUPLICATE_CONTENT_ID,
                element="Attachment",
            )
        by_cid[att.content_id] = (att, att_warnings)
    seen: set[str] = set()
    for ref in references:
        cid = ref.text("ContentId")
        if cid not in by_cid:
            raise EdxmlRefused(
                f"Danh mục (edXMLManifest) nêu tệp «{ref.text('AttachmentName') or cid}» ({cid}) "
                "nhưng gói tin không có tệp đính kèm đó",
                code=ErrorCode.MISSING_ATTACHMENT,
                element="edXMLManifest/Reference",
            )
        if cid in seen:
            raise EdxmlRefused(
                f"Danh mục nêu hai lần ContentId «{cid}»", code=ErrorCode.DUPLICATE_CONTENT_ID, element="edXMLManifest"
            )
        seen.add(cid)
        att, att_warnings = by_cid[cid]
        if not att.attachment_name:
            att.attachment_name = ref.text("AttachmentName")
        if not att.description:
            att.description = ref.text("Description")
        if not att.content_type:
            att.content_type = ref.text("ContentType")
        edoc.attachments.append(att)
        warnings += att_warnings
    for cid, (att, att_warnings) in by_cid.items():
        if cid not in seen:
            warnings.append(
                EdxmlWarning(
                    WarningCode.UNLISTED_ATTACHMENT,
                    f"tệp đính kèm «{att.attachment_name or cid}» không có trong danh mục (edXMLManifest); vẫn nhận",
                    "Attachment",
                )
            )
            edoc.attachments.append(att)
            warnings += att_warnings
    warnings += check_edoc(edoc)
    if sig_state == "present" and sig_ns != DSIG_NS:
        warnings.append(
            EdxmlWarning(
                WarningCode.SIGNATURE_NAMESPACE, "chữ ký (Signature) không thuộc không gian tên XML-DSig", "Signature"
            )
        )
    return Parsed(edoc, warnings, sig_state, sig_ns)


def _edoc_header(m: _Node) -> EdocHeader:
    code = m.child("Code")
    prom = m.child("PromulgationInfo")
    dtype = m.child("DocumentType")
    signer = m.child("SignerInfo")
    other = m.child("OtherInfo")
    places = m.child("ToPlaces")
    appendixes = other.child("Appendixes") if other else None
    h = EdocHeader(
        from_=_org(m.child("From")),
        to=[_org(t) for t in m.all("To")],
        document_id=m.text("DocumentId"),
        code=Code(code.text("CodeNumber"), code.text("CodeNotation")) if code else Code(),
        promulgation_info=PromulgationInfo(prom.text("Place"), prom.text("PromulgationDate"))
        if prom
        else PromulgationInfo(),
        document_type=DocumentType(dtype.text("Type"), dtype.text("TypeDetail"), dtype.text("TypeName"))
        if dtype
        else DocumentType(),
        subject=m.text("Subject"),
        content=m.text("Content"),
        signer_info=SignerInfo(signer.text("Competence"), signer.text("Position"), signer.text("FullName"))
        if signer
        else SignerInfo(),
        due_date=m.text("DueDate"),
        to_places=[p.text() for p in places.all("Place")] if places else [],
        steering_type=m.text("SteeringType"),
        response_for=[_response_for(r) for r in m.all("ResponseFor") if any(c.text() for c in r.children)],
    )
    if other is not None:
        h.other_info = OtherInfo(
            priority=other.text("Priority"),
            sphere_of_promulgation=other.text("SphereOfPromulgation"),
            typer_notation=other.text("TyperNotation"),
            promulgation_amount=other.text("PromulgationAmount"),
            page_amount=other.text("PageAmount"),
            direction=other.text("Direction"),
            appendixes=[a.text() for a in appendixes.all("Appendix")] if appendixes else [],
        )
    return h


def _bussiness(b: _Node) -> Bussiness:
    out = Bussiness(
        bussiness_doc_type=b.text("BussinessDocType"),
        bussiness_doc_reason=b.text("BussinessDocReason"),
        paper=b.text("Paper"),
        document_id=b.text("DocumentId"),
        staff_info=_staff(b.child("StaffInfo")),
    )
    info = b.child("BussinessDocumentInfo")
    if info is not None:
        receivers = info.child("ReceiverList")
        out.document_info = BussinessDocumentInfo(
            document_info=info.text("DocumentInfo"),
            document_receiver=info.text("DocumentReceiver"),
            receivers=[Receiver(r.text("OrganId"), r.text("ReceiverType")) for r in receivers.all("Receiver")]
            if receivers
            else [],
        )
    reps = b.child("ReplacementInfoList")
    if reps is not None:
        out.replacements = [
            ReplacementInfo(
                document_id=r.text("DocumentId"),
                organ_ids=[o.text() for o in ol.all("OrganId")] if (ol := r.child("OrganIdList")) else [],
            )
            for r in reps.all("ReplacementInfo")
        ]
    return out


@dataclass(frozen=True)
class SenderHint:
    """Who sent a package and which document it is about, read without trusting the package."""

    organ_id: str = ""
    document_id: str = ""


_FROM_RE = re.compile(rb"<(?:[\w.-]+:)?From\b[^>]*>.*?<(?:[\w.-]+:)?OrganId>\s*([^<\s]{1,35})\s*<", re.S)
_DOCID_RE = re.compile(rb"<(?:[\w.-]+:)?DocumentId>\s*([^<]{1,200}?)\s*<", re.S)


def peek_sender(source: str | os.PathLike[str] | IO[bytes], *, head: int = 256 * 1024) -> SenderHint:
    """The sender's ``OrganId`` and the ``DocumentId`` from the first ``head`` bytes, by pattern, so
    a *refused* package can still be answered with status 02 when its sender can be told. Never
    raises; empty strings when nothing is found."""
    try:
        if isinstance(source, str | os.PathLike):
            with open(source, "rb") as fh:
                data = fh.read(head)
        else:
            data = source.read(head)
    except OSError:
        return SenderHint()
    sender = _FROM_RE.search(data)
    doc = _DOCID_RE.search(data)

    def text(m: re.Match[bytes] | None) -> str:
        return unicodedata.normalize("NFC", m.group(1).decode("utf-8", "replace")).strip() if m else ""

    return SenderHint(organ_id=text(sender), document_id=text(doc))
