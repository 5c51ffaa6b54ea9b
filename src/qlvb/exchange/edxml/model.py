"""Typed model of an edXML package (QCVN 102:2016, regulations.md §3.2–3.8).

Every text value is kept as a string exactly as received (NFC, stripped): the field sends values
outside the nominal formats and the module keeps them and warns (see ``validate.py``). ``""``
means "absent or empty"; optional blocks are ``None`` or an empty list.

Names follow the standard's elements in snake case (``Bussiness`` keeps the standard's spelling).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
DSIG_NS = "http://www.w3.org/2000/09/xmldsig#"
XLINK_NS = "http://www.w3.org/1999/xlink"
DATE_FORMAT = "%Y/%m/%d"
DATETIME_FORMAT = "%Y/%m/%d %H:%M:%S"

#: BussinessDocType (§3.4)
BUSSINESS_DOC_TYPES = {"0": "Văn bản mới", "1": "Thu hồi", "2": "Cập nhật", "3": "Thay thế"}
NEW, REVOKE, UPDATE, REPLACE = "0", "1", "2", "3"


@dataclass
class Organization:
    """``From`` / ``To``: an agency (OrganId = 13-character code, §4.1)."""

    organ_id: str = ""
    organization_in_charge: str = ""
    organ_name: str = ""
    organ_add: str = ""
    email: str = ""
    telephone: str = ""
    fax: str = ""
    website: str = ""


@dataclass
class Code:
    code_number: str = ""
    code_notation: str = ""


@dataclass
class PromulgationInfo:
    place: str = ""
    promulgation_date: str = ""  # yyyy/MM/dd


@dataclass
class DocumentType:
    type: str = ""  # code table unverified (§3.2): kept as received
    type_detail: str = ""
    type_name: str = ""


@dataclass
class SignerInfo:
    competence: str = ""
    position: str = ""
    full_name: str = ""


@dataclass
class OtherInfo:
    priority: str = ""
    sphere_of_promulgation: str = ""
    typer_notation: str = ""
    promulgation_amount: str = ""
    page_amount: str = ""
    direction: str = ""
    appendixes: list[str] = field(default_factory=list)


@dataclass
class ResponseFor:
    """The earlier document a reply, revocation or status is about."""

    organ_id: str = ""
    code: str = ""  # "số/ký hiệu" in one string
    promulgation_date: str = ""
    document_id: str = ""


@dataclass
class TraceHeader:
    organ_id: str = ""
    timestamp: str = ""  # yyyy/MM/dd HH:mm:ss


@dataclass
class StaffInfo:
    department: str = ""
    staff: str = ""
    email: str = ""
    mobile: str = ""


@dataclass
class Receiver:
    organ_id: str = ""
    receiver_type: str = ""


@dataclass
class BussinessDocumentInfo:
    """Update (BussinessDocType 2): what changed, and the receivers concerned."""

    document_info: str = ""
    document_receiver: str = ""
    receivers: list[Receiver] = field(default_factory=list)


@dataclass
class ReplacementInfo:
    """Replacement (BussinessDocType 3): the replaced document and whose copies."""

    document_id: str = ""
    organ_ids: list[str] = field(default_factory=list)


@dataclass
class Bussiness:
    bussiness_doc_type: str = NEW
    bussiness_doc_reason: str = ""
    paper: str = "0"
    document_id: str = ""
    document_info: BussinessDocumentInfo | None = None
    replacements: list[ReplacementInfo] = field(default_factory=list)
    staff_info: StaffInfo | None = None


@dataclass
class EdocHeader:
    """``MessageHeader`` of a document package (§3.2)."""

    from_: Organization = field(default_factory=Organization)
    to: list[Organization] = field(default_factory=list)
    document_id: str = ""
    code: Code = field(default_factory=Code)
    promulgation_info: PromulgationInfo = field(default_factory=PromulgationInfo)
    document_type: DocumentType = field(default_factory=DocumentType)
    subject: str = ""
    content: str = ""
    signer_info: SignerInfo = field(default_factory=SignerInfo)
    due_date: str = ""
    to_places: list[str] = field(default_factory=list)
    other_info: OtherInfo = field(default_factory=OtherInfo)
    response_for: list[ResponseFor] = field(default_factory=list)
    steering_type: str = ""


@dataclass
class Attachment:
    """One attachment: manifest ``Reference`` + ``AttachmentEncoded/Attachment``.

    When building, ``path`` is the file to send. After parsing, ``path`` is where the inflated file
    was written (``None`` when the caller asked for no output), ``size`` and ``sha256`` describe it.
    """

    content_id: str = ""
    attachment_name: str = ""
    description: str = ""
    content_type: str = "application/zip"
    path: Path | None = None
    size: int = 0
    sha256: str = ""


@dataclass
class Edoc:
    """A document package (``edoc``): new, revocation, update, replacement or reply."""

    header: EdocHeader = field(default_factory=EdocHeader)
    trace_headers: list[TraceHeader] = field(default_factory=list)
    bussiness: Bussiness | None = None
    attachments: list[Attachment] = field(default_factory=list)

    kind: Literal["edoc"] = "edoc"


@dataclass
class Status:
    """A status package (§3.6): StatusCode 01–06, 13, 15, 16 about ``response_for``."""

    from_: Organization = field(default_factory=Organization)
    response_for: ResponseFor = field(default_factory=ResponseFor)
    staff_info: StaffInfo = field(default_factory=StaffInfo)
    status_code: str = ""
    description: str = ""
    timestamp: str = ""

    kind: Literal["status"] = "status"


# --- dict <-> dataclass (JSON metadata for the command line, --json output) -----------------------


def to_dict(obj: Any) -> Any:
    """A JSON-ready view of a model object (paths as strings, ``from_`` as ``from``)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out = {}
        for f in dataclasses.fields(obj):
            out["from" if f.name == "from_" else f.name] = to_dict(getattr(obj, f.name))
        return out
    if isinstance(obj, list):
        return [to_dict(x) for x in obj]
    if isinstance(obj, Path):
        return str(obj)
    return obj


def from_dict(cls: type[Any], data: Any) -> Any:
    """Build ``cls`` from a dict as :func:`to_dict` writes it; unknown keys are a ``ValueError``."""
    if not isinstance(data, dict):
        raise ValueError(f"{cls.__name__}: cần một đối tượng JSON")
    hints = typing.get_type_hints(cls)
    names = {("from" if f.name == "from_" else f.name): f.name for f in dataclasses.fields(cls)}
    unknown = set(data) - set(names)
    if unknown:
        raise ValueError(f"{cls.__name__}: trường không biết {', '.join(sorted(unknown))}")
    kwargs = {}
    for key, value in data.items():
        if key == "kind":
            continue
        kwargs[names[key]] = _convert(hints[names[key]], value, key)
    return cls(**kwargs)


def _convert(hint: Any, value: Any, key: str) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if value is None:
            return None
        return _convert(args[0], value, key)
    if origin is list:
        if not isinstance(value, list):
            raise ValueError(f"{key}: cần một danh sách")
        (inner,) = typing.get_args(hint)
        return [_convert(inner, v, key) for v in value]
    if dataclasses.is_dataclass(hint):
        return from_dict(hint, value)  # type: ignore[arg-type]
    if hint is Path:
        return Path(value)
    if hint is int:
        return int(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
