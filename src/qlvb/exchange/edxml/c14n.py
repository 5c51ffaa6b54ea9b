"""Exclusive XML canonicalisation (``xml-exc-c14n#``, W3C 2002) of a whole package, streamed: what an
enveloped XML-DSig ``Reference URI=""`` digests, computed in constant memory however large the package.

lxml (libxml2) and signxml canonicalise a document held whole in memory: a 50 MB package is a 67 MB
text node plus its copies. Here expat reads the file in chunks and the canonical form goes straight
into the digest, chunk by chunk — the base64 of an attachment is never held. The output is the same
bytes as libxml2's ``exclusive=True, with_comments=False`` canonical form (the tests compare both on
our packages, the conformance samples and a signature made by signxml), with the ``Signature`` element
(XML-DSig namespace) left out, as the enveloped-signature transform does.

The same pass hands the first ``Signature`` element back as a small lxml tree, with the namespaces in
scope where it stood (what inclusive canonicalisation of its ``SignedInfo`` needs).

Rules (exc-c14n §3, c14n 1.0 §2.3): no XML declaration, DTD or comments; ``<a></a>`` for empty
elements; a namespace declaration is written on an element that visibly uses the prefix (its own name,
a prefixed attribute; the default namespace for an unprefixed name) when the nearest output ancestor
did not write the same binding; declarations sorted by prefix, then attributes by (namespace URI, local
name); text escapes ``& < > \\r``, attributes ``& < " \\t \\n \\r``. A DOCTYPE or an entity declaration is
refused (never expanded).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any
from xml.parsers import expat

from lxml import etree

from ..errors import ErrorCode
from .errors import EdxmlRefused
from .model import DSIG_NS

CHUNK = 1024 * 1024
XML_NS = "http://www.w3.org/XML/1998/namespace"


def _text(data: str) -> str:
    return data.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#xD;")


def _attr(value: str) -> str:
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace('"', "&quot;")
        .replace("\t", "&#x9;")
        .replace("\n", "&#xA;")
        .replace("\r", "&#xD;")
    )


def _split(name: str) -> tuple[str, str, str]:
    """expat's ``uri}local}prefix`` (``namespace_prefixes``) → (uri, local, prefix)."""
    parts = name.split("}")
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    if len(parts) == 2:
        return parts[0], parts[1], ""
    return "", name, ""


def _qname(prefix: str, local: str) -> str:
    return f"{prefix}:{local}" if prefix else local


class _RefusedError(Exception):
    def __init__(self, message: str, code: ErrorCode) -> None:
        super().__init__(message)
        self.message, self.code = message, code


class _Canonicaliser:
    """expat handlers writing the exclusive canonical form to ``write`` (str chunks)."""

    def __init__(self, write: Callable[[str], None]) -> None:
        self.write = write
        # the bindings rendered by the output ancestors, one dict per open element
        self.rendered: list[dict[str, str]] = [{"": ""}]
        self.in_scope: list[dict[str, str]] = [{}]  # every binding in scope (for the Signature's tree)
        self.pending_ns: dict[str, str] = {}
        self.skip = 0  # depth inside the excluded Signature
        self.signature: Any = None  # lxml TreeBuilder while inside the first Signature
        self.signature_root: Any = None
        self.signature_done = False

    # --- expat handlers ---------------------------------------------------------------------------
    def start_ns(self, prefix: str | None, uri: str | None) -> None:
        self.pending_ns[prefix or ""] = uri or ""

    def start(self, name: str, attrs: list[str]) -> None:
        uri, local, prefix = _split(name)
        scope = {**self.in_scope[-1], **self.pending_ns}
        self.pending_ns = {}
        self.in_scope.append(scope)
        pairs = [(_split(attrs[i]), attrs[i + 1]) for i in range(0, len(attrs), 2)]
        if self.skip or (uri == DSIG_NS and local == "Signature"):
            self.skip += 1
            self._signature_start(uri, local, prefix, pairs, scope)
            return
        self._element(uri, local, prefix, pairs)

    def end(self, name: str) -> None:
        self.in_scope.pop()
        if self.skip:
            self.skip -= 1
            self._signature_end(name)
            return
        self.rendered.pop()
        _uri, local, prefix = _split(name)
        self.write(f"</{_qname(prefix, local)}>")

    def data(self, data: str) -> None:
        if self.skip:
            if self.signature is not None:
                self.signature.data(data)
            return
        if len(self.rendered) > 1:  # inside the root element (outside it: whitespace only, not output)
            self.write(_text(data))

    def pi(self, target: str, data: str) -> None:
        if not self.skip and len(self.rendered) > 1:
            self.write(f"<?{target}{' ' + data if data else ''}?>")

    # --- the output -------------------------------------------------------------------------------
    def _element(self, uri: str, local: str, prefix: str, pairs: list[tuple[tuple[str, str, str], str]]) -> None:
        rendered = self.rendered[-1]
        used = {prefix: uri}
        for (a_uri, _a_local, a_prefix), _value in pairs:
            if a_prefix and a_prefix != "xml":
                used[a_prefix] = a_uri
        declare = {p: u for p, u in used.items() if rendered.get(p, "" if p == "" else None) != u}
        self.rendered.append({**rendered, **declare})
        out = [f"<{_qname(prefix, local)}"]
        for p in sorted(declare):
            out.append(f' xmlns{":" + p if p else ""}="{_attr(declare[p])}"')
        for (_a_uri, a_local, a_prefix), value in sorted(pairs, key=lambda x: (x[0][0], x[0][1])):
            out.append(f' {_qname(a_prefix, a_local)}="{_attr(value)}"')
        out.append(">")
        self.write("".join(out))

    def _signature_start(
        self, uri: str, local: str, prefix: str, pairs: list[tuple[tuple[str, str, str], str]], scope: dict[str, str]
    ) -> None:
        if self.signature_done:
            return
        if self.signature is None:
            if self.skip != 1:
                return
            self.signature = etree.TreeBuilder()
            nsmap: dict[str | None, str] = {(p or None): u for p, u in scope.items() if u}
        else:
            nsmap = {}
        attrib = {(f"{{{a_uri}}}{a_local}" if a_uri else a_local): v for (a_uri, a_local, _p), v in pairs}
        self.signature.start(f"{{{uri}}}{local}" if uri else local, attrib, nsmap)

    def _signature_end(self, name: str) -> None:
        if self.signature is None:
            return
        uri, local, _prefix = _split(name)
        self.signature.end(f"{{{uri}}}{local}" if uri else local)
        if self.skip == 0:
            self.signature_root = self.signature.close()
            self.signature = None
            self.signature_done = True


def _refuse_doctype(*_args: object) -> None:
    raise _RefusedError("Gói tin có khai báo DOCTYPE: bị từ chối vì lý do an toàn", ErrorCode.DOCTYPE)


def _refuse_entity(*_args: object) -> None:
    raise _RefusedError("Gói tin khai báo thực thể (ENTITY): bị từ chối vì lý do an toàn", ErrorCode.DOCTYPE)


def canonicalise(path: str | os.PathLike[str], write: Callable[[str], None]) -> Any:
    """Stream the exclusive canonical form of the package at ``path`` (its XML-DSig ``Signature`` left out)
    to ``write``; return the first ``Signature`` element as an lxml element (``None`` when there is none).
    Raises :class:`EdxmlRefused` on malformed XML, a DOCTYPE or an entity declaration."""
    target = _Canonicaliser(write)
    parser = expat.ParserCreate(namespace_separator="}")
    parser.namespace_prefixes = True
    parser.ordered_attributes = True
    parser.buffer_text = True
    parser.buffer_size = 256 * 1024
    parser.StartNamespaceDeclHandler = target.start_ns
    parser.StartElementHandler = target.start
    parser.EndElementHandler = target.end
    parser.CharacterDataHandler = target.data
    parser.ProcessingInstructionHandler = target.pi
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_entity
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _RefusedError as exc:
        raise EdxmlRefused(exc.message, code=exc.code) from None
    except expat.ExpatError as exc:
        raise EdxmlRefused(
            f"Không đọc được gói tin để ký/kiểm tra chữ ký ({expat.ErrorString(exc.code)}, dòng {exc.lineno})",
            code=ErrorCode.UNREADABLE,
        ) from None
    except OSError as exc:
        raise EdxmlRefused(f"Không đọc được gói tin để ký/kiểm tra chữ ký ({exc})", code=ErrorCode.UNREADABLE) from None
    return target.signature_root
