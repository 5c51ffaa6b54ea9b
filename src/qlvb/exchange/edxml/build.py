"""Write edXML packages (``edoc`` and ``status``) as the standard and the VPCP samples show them.

Every element carries the explicit ``edXML:`` prefix (the VPCP side validates with .NET
XmlSerializer and refuses unprefixed children, regulations.md §3.1); ``Bussiness`` keeps the
standard's spelling; element order follows the VPCP samples; attachments are zipped then
base64-encoded and written outside the envelope in ``AttachmentEncoded``. The writer streams: the
header is a few kilobytes of text, each attachment goes file → zip (temp file) → base64 in chunks.

The output is deterministic (fixed zip timestamps, text normalised to NFC and stripped), so
build → parse → build gives the same bytes.
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..errors import ErrorCode
from .attachments import base64_chunks, safe_name, zip_file
from .errors import EdxmlRefused
from .model import (
    NS,
    Attachment,
    Bussiness,
    Edoc,
    Organization,
    ResponseFor,
    StaffInfo,
    Status,
)

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(value: object) -> str:
    """The text as it goes into the package: NFC, one kind of newline, no characters XML forbids,
    no surrounding blanks (the parser strips too, so a round trip is stable)."""
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return _INVALID_XML.sub("", text).strip()


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _Writer:
    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.depth = 0

    def raw(self, text: str) -> None:
        self.out.write(text.encode("utf-8"))

    def leaf(self, name: str, value: object, *, prefix: str = "edXML:") -> None:
        text = clean(value)
        pad = "  " * self.depth
        if text:
            self.raw(f"{pad}<{prefix}{name}>{_esc(text)}</{prefix}{name}>\n")
        else:
            self.raw(f"{pad}<{prefix}{name} />\n")

    @contextmanager
    def el(self, name: str, attrs: str = "", *, prefix: str = "edXML:") -> Iterator[None]:
        pad = "  " * self.depth
        self.raw(f"{pad}<{prefix}{name}{attrs}>\n")
        self.depth += 1
        yield
        self.depth -= 1
        self.raw(f"{pad}</{prefix}{name}>\n")


def _organization(w: _Writer, tag: str, org: Organization) -> None:
    with w.el(tag):
        w.leaf("OrganId", org.organ_id)
        w.leaf("OrganizationInCharge", org.organization_in_charge)
        w.leaf("OrganName", org.organ_name)
        w.leaf("OrganAdd", org.organ_add)
        w.leaf("Email", org.email)
        w.leaf("Telephone", org.telephone)
        w.leaf("Fax", org.fax)
        w.leaf("Website", org.website)


def _response_for(w: _Writer, rf: ResponseFor) -> None:
    with w.el("ResponseFor"):
        w.leaf("OrganId", rf.organ_id)
        w.leaf("Code", rf.code)
        w.leaf("PromulgationDate", rf.promulgation_date)
        w.leaf("DocumentId", rf.document_id)


def _staff(w: _Writer, staff: StaffInfo) -> None:
    with w.el("StaffInfo"):
        w.leaf("Department", staff.department)
        w.leaf("Staff", staff.staff)
        w.leaf("Email", staff.email)
        w.leaf("Mobile", staff.mobile)


def _bussiness(w: _Writer, b: Bussiness) -> None:
    with w.el("Bussiness"):
        if clean(b.document_id):
            w.leaf("DocumentId", b.document_id)
        w.leaf("BussinessDocType", b.bussiness_doc_type)
        w.leaf("BussinessDocReason", b.bussiness_doc_reason)
        w.leaf("Paper", b.paper)
        if b.document_info is not None:
            with w.el("BussinessDocumentInfo"):
                w.leaf("DocumentInfo", b.document_info.document_info)
                w.leaf("DocumentReceiver", b.document_info.document_receiver)
                with w.el("ReceiverList"):
                    for r in b.document_info.receivers:
                        with w.el("Receiver"):
                            w.leaf("OrganId", r.organ_id)
                            w.leaf("ReceiverType", r.receiver_type)
        if b.replacements:
            with w.el("ReplacementInfoList"):
                for rep in b.replacements:
                    with w.el("ReplacementInfo"):
                        w.leaf("DocumentId", rep.document_id)
                        with w.el("OrganIdList"):
                            for oid in rep.organ_ids:
                                w.leaf("OrganId", oid)
        if b.staff_info is not None:
            _staff(w, b.staff_info)


def _open_envelope(w: _Writer) -> None:
    w.raw('<?xml version="1.0" encoding="UTF-8"?>\n')
    w.raw(f'<edXML xmlns="{NS}">\n')
    w.depth = 1


def inner_name(a: Attachment) -> str:
    """The file name inside the attachment's zip: as the VPCP library, a UUID with the file's
    extension (``3ed3cc90-….edxml`` in the samples) — here a name-based UUID, so the same
    attachment always gives the same package. Receivers use ``AttachmentName``, not this name."""
    ext = Path(a.attachment_name).suffix.lower()[:10]
    return f"{uuid.uuid5(uuid.NAMESPACE_URL, f'{a.content_id}/{a.attachment_name}')}{ext}"


def attachment_plan(edoc: Edoc) -> list[Attachment]:
    """The attachments as they will be written: content ids and names filled in, checked unique."""
    plan: list[Attachment] = []
    seen: set[str] = set()
    for i, a in enumerate(edoc.attachments, start=1):
        if a.path is None:
            raise EdxmlRefused(f"Tệp đính kèm thứ {i} không có đường dẫn tệp", code=ErrorCode.ATTACHMENT_MISSING)
        if not Path(a.path).is_file():
            raise EdxmlRefused(f"Không đọc được tệp đính kèm: {a.path}", code=ErrorCode.ATTACHMENT_MISSING)
        cid = clean(a.content_id) or f"cid:{i}"
        if cid in seen:
            raise EdxmlRefused(f"ContentId trùng nhau: {cid}", code=ErrorCode.DUPLICATE_CONTENT_ID)
        seen.add(cid)
        name = clean(a.attachment_name) or safe_name(Path(a.path).name)
        plan.append(
            Attachment(
                content_id=cid,
                attachment_name=name,
                description=clean(a.description) or name,
                content_type=clean(a.content_type) or "application/zip",
                path=Path(a.path),
            )
        )
    return plan


def _edoc_header(w: _Writer, edoc: Edoc) -> None:
    h = edoc.header
    with w.el("MessageHeader"):
        _organization(w, "From", h.from_)
        for to in h.to:
            _organization(w, "To", to)
        w.leaf("DocumentId", h.document_id)
        with w.el("Code"):
            w.leaf("CodeNumber", h.code.code_number)
            w.leaf("CodeNotation", h.code.code_notation)
        with w.el("PromulgationInfo"):
            w.leaf("Place", h.promulgation_info.place)
            w.leaf("PromulgationDate", h.promulgation_info.promulgation_date)
        with w.el("DocumentType"):
            w.leaf("Type", h.document_type.type)
            w.leaf("TypeDetail", h.document_type.type_detail)
            w.leaf("TypeName", h.document_type.type_name)
        w.leaf("Subject", h.subject)
        w.leaf("Content", h.content)
        with w.el("SignerInfo"):
            w.leaf("Competence", h.signer_info.competence)
            w.leaf("Position", h.signer_info.position)
            w.leaf("FullName", h.signer_info.full_name)
        if clean(h.due_date):
            w.leaf("DueDate", h.due_date)
        o = h.other_info
        with w.el("OtherInfo"):
            w.leaf("Priority", o.priority)
            w.leaf("SphereOfPromulgation", o.sphere_of_promulgation)
            w.leaf("TyperNotation", o.typer_notation)
            w.leaf("PromulgationAmount", o.promulgation_amount)
            w.leaf("PageAmount", o.page_amount)
            w.leaf("Direction", o.direction)
            if o.appendixes:
                with w.el("Appendixes"):
                    for ap in o.appendixes:
                        w.leaf("Appendix", ap)
        for rf in h.response_for:
            _response_for(w, rf)
        # the VPCP library fails on an empty SteeringType (Integer.valueOf("")): 0 = not a directive
        w.leaf("SteeringType", clean(h.steering_type) or "0")
        with w.el("ToPlaces"):
            for place in h.to_places:
                w.leaf("Place", place)
    with w.el("TraceHeaderList"):
        for t in edoc.trace_headers:
            with w.el("TraceHeader"):
                w.leaf("OrganId", t.organ_id)
                w.leaf("Timestamp", t.timestamp)
        if edoc.bussiness is not None:
            _bussiness(w, edoc.bussiness)


@dataclass(frozen=True)
class EncodedAttachments:
    """The ``AttachmentEncoded`` part of a package (the zipped, base64 files), written once to ``path``
    and copied into every package that carries the same files — one document issued to many outside
    recipients is read, zipped and encoded once, not once per recipient (:func:`encode_attachments`)."""

    plan: list[Attachment]
    path: Path


def encode_attachments(edoc: Edoc, dest: Path, *, tmp_dir: str | None = None) -> EncodedAttachments:
    """Write ``edoc``'s attachments part to ``dest``, for :func:`build` (``encoded=``) to reuse."""
    plan = attachment_plan(edoc)
    with open(dest, "wb") as out:
        w = _Writer(out)
        w.depth = 1
        _write_attachments(w, plan, tmp_dir)
    return EncodedAttachments(plan=plan, path=dest)


def _write_attachments(w: _Writer, plan: list[Attachment], tmp_dir: str | None) -> None:
    with w.el("AttachmentEncoded", prefix=""):
        for a in plan:
            assert a.path is not None
            with w.el("Attachment", prefix=""):
                w.leaf("ContentId", a.content_id, prefix="")
                w.leaf("AttachmentName", a.attachment_name, prefix="")
                w.leaf("Description", a.description, prefix="")
                w.leaf("ContentType", a.content_type, prefix="")
                w.raw("  " * w.depth + f'<edXML:ContentTransferEncoded xmlns:edXML="{NS}">')
                zipped = zip_file(a.path, inner_name=inner_name(a), tmp_dir=tmp_dir)
                try:
                    for chunk in base64_chunks(zipped):
                        w.out.write(chunk)
                finally:
                    os.unlink(zipped)
                w.raw("</edXML:ContentTransferEncoded>\n")


def write_edoc(
    edoc: Edoc, out: IO[bytes], *, tmp_dir: str | None = None, encoded: EncodedAttachments | None = None
) -> None:
    """Write the document package ``edoc`` to the binary stream ``out`` (``encoded``: its attachments part,
    already written by :func:`encode_attachments` for the same files — ``edoc.attachments`` is then not read)."""
    plan = encoded.plan if encoded is not None else attachment_plan(edoc)
    w = _Writer(out)
    _open_envelope(w)
    with w.el("edXMLEnvelope", f' xmlns:edXML="{NS}"'):
        with w.el("edXMLHeader"):
            _edoc_header(w, edoc)
        with w.el("edXMLBody"), w.el("edXMLManifest", ' version="1.0"'):
            for a in plan:
                with w.el("Reference"):
                    w.leaf("ContentId", a.content_id)
                    w.leaf("ContentType", a.content_type)
                    w.leaf("Description", a.description)
                    w.leaf("AttachmentName", a.attachment_name)
    if encoded is not None:
        with open(encoded.path, "rb") as part:
            shutil.copyfileobj(part, out, 1024 * 1024)
    else:
        _write_attachments(w, plan, tmp_dir)
    w.raw("</edXML>\n")


def write_status(status: Status, out: IO[bytes]) -> None:
    """Write the status package ``status`` to the binary stream ``out``."""
    w = _Writer(out)
    _open_envelope(w)
    with w.el("edXMLEnvelope", f' xmlns:edXML="{NS}"'), w.el("edXMLHeader"), w.el("MessageHeader"):
        _organization(w, "From", status.from_)
        _response_for(w, status.response_for)
        _staff(w, status.staff_info)
        w.leaf("StatusCode", status.status_code)
        w.leaf("Description", status.description)
        w.leaf("Timestamp", status.timestamp)
    w.raw("</edXML>\n")


def build(
    package: Edoc | Status,
    dest: str | os.PathLike[str] | IO[bytes],
    *,
    tmp_dir: str | None = None,
    encoded: EncodedAttachments | None = None,
) -> None:
    """Write ``package`` to the path or binary stream ``dest`` (a path is written atomically); ``encoded``:
    the attachments part made once by :func:`encode_attachments` for many packages with the same files."""
    if not isinstance(dest, str | os.PathLike):
        _write(package, dest, tmp_dir, encoded)
        return
    target = Path(dest)
    tmp = target.with_name(f".{target.name}.part")
    try:
        with open(tmp, "wb") as fh:
            _write(package, fh, tmp_dir, encoded)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _write(
    package: Edoc | Status, out: IO[bytes], tmp_dir: str | None, encoded: EncodedAttachments | None = None
) -> None:
    if isinstance(package, Status):
        write_status(package, out)
    else:
        write_edoc(package, out, tmp_dir=tmp_dir, encoded=encoded)
