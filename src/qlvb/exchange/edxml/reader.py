"""The streaming half of :func:`.parse.parse`: expat fed in 64 KiB chunks builds a light tree of the
metadata while each attachment's base64 text goes through an incremental decoder to a temporary file,
then inflated, bounded, by :func:`.attachments.inflate_attachment`.

Security: no DTD is read; a DOCTYPE or an entity declaration is refused (XXE, billion laughs) and
external entities are never fetched. Every refusal is an :class:`~.errors.EdxmlRefused` with the
line/column or the element.
"""

from __future__ import annotations

import os
import tempfile
import unicodedata
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

from ..errors import ErrorCode
from .attachments import Base64Sink, Limits, inflate_attachment
from .errors import EdxmlRefused, EdxmlWarning
from .model import Attachment

FEED = 64 * 1024


class Node:
    __slots__ = ("attrib", "children", "name", "ns", "parts", "size")

    def __init__(self, ns: str, name: str, attrib: dict[str, str]) -> None:
        self.ns = ns
        self.name = name
        self.attrib = attrib
        self.children: list[Node] = []
        self.parts: list[str] = []
        self.size = 0

    def child(self, name: str) -> Node | None:
        for c in self.children:
            if c.name == name:
                return c
        return None

    def all(self, name: str) -> list[Node]:
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


class Target:
    """expat callbacks: builds the metadata tree, streams attachment content."""

    def __init__(self, *, out_dir: Path | None, limits: Limits, tmp_dir: str | None) -> None:
        self.out_dir = out_dir
        self.limits = limits
        self.tmp_dir = tmp_dir
        self.stack: list[Node] = []
        self.root: Node | None = None
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
        node = Node(ns, name, dict(attrib))
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

    def close(self) -> Node | None:
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

    def _finish_attachment(self, node: Node) -> None:
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


def read_tree(source: str | os.PathLike[str] | IO[bytes], target: Target) -> Node:
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
