"""The request and response schemas of the incoming API (``api.py``, ``api_actions.py``)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal

from ninja import Schema
from pydantic import create_model

from qlvb.core.bounds import Id, PageNumber, SmallCount

from .fields import schema_fields


class DocumentRow(Schema):
    id: int
    status: str
    urgency: int
    doc_type: str
    number_notation: str
    issued_date: dt.date | None
    organ_name: str
    subject: str
    arrival_number: int | None
    arrival_date: dt.date | None
    due_date: dt.date | None  # the document's own "thời hạn giải quyết"
    my_due_date: dt.date | None = None  # in lists: the caller's own open assignment's deadline
    unseen: bool = False  # in lists: one the caller received and has not seen yet ("đã xem")


class DocumentPage(Schema):
    count: int
    page: int
    pages: int
    results: list[DocumentRow]


class AttachmentOut(Schema):
    id: int
    kind: str
    name: str
    page_count: int | None
    size: int
    sha256: str
    signature_status: str  # "", pending, valid, invalid, unknown, unsigned, error
    signature_label: str
    signature_reasons: list[str]
    signature_report_id: int | None
    signature_checked_at: dt.datetime | None
    version: int = 1
    current: bool = True  # False: an earlier version, replaced (still downloadable)
    replaces_id: int | None = None


class AssignmentOut(Schema):
    id: int
    parent_id: int | None
    role: str
    unit_id: int
    unit_name: str
    user_id: int | None
    user_name: str
    assigned_by: str
    due_date: dt.date | None
    status: str
    progress: int
    result: str
    reminders: int


class EventOut(Schema):
    at: dt.datetime
    actor: str
    action: str
    label: str
    text: str


class DocumentOut(DocumentRow):
    code_number: str
    code_notation: str
    organ_id: str
    language: str
    page_amount: int | None
    description: str
    signer_position: str
    signer_name: str
    to_places: str
    document_identifier: str
    channel: str
    agency_organ_id: str
    year: int | None
    duplicate_of: int | None
    actions: list[str]
    attachments: list[AttachmentOut]
    assignments: list[AssignmentOut]
    events: list[EventOut]


class FileRef(Schema):
    file_id: Id
    kind: str = "main"


class _Receive(Schema):
    """Receiving: the channel, the files, and the Phụ lục VI metadata (``fields.INCOMING_FIELDS``, added
    below from the model; ``doc_type`` is the name of the type, e.g. "Quyết định")."""

    channel: str = "email"
    doc_type: str
    files: list[FileRef] = []
    confirm_duplicate: bool = False
    defer_registration: bool = False  # True: wait in "chờ vào sổ" until the clerk has seen the signature verdicts


class FilesIn(Schema):
    files: list[FileRef]


class FileReplaceIn(Schema):
    file_id: int


class _Correct(Schema):
    """Only the fields sent are changed (the metadata of ``fields.INCOMING_FIELDS`` but the secrecy, added
    below from the model). The arrival number, date and register cannot be changed."""

    arrival_number: int | None = None  # refused with a message if sent


if TYPE_CHECKING:  # the metadata fields are read through ``.dict()``; mypy sees the hand-written part
    ReceiveIn = _Receive
    CorrectIn = _Correct
else:
    ReceiveIn = create_model("ReceiveIn", __base__=_Receive, **schema_fields(optional=False))
    CorrectIn = create_model("CorrectIn", __base__=_Correct, **schema_fields(optional=True, omit=("secrecy",)))
    ReceiveIn.__doc__ = _Receive.__doc__
    CorrectIn.__doc__ = _Correct.__doc__


class TargetIn(Schema):
    role: str
    unit_id: Id | None = None
    user_id: Id | None = None
    due_date: dt.date | None = None


class DirectIn(Schema):
    directive: str = ""
    targets: list[TargetIn]


class SubmitIn(Schema):
    leader_id: Id | None = None
    note: str = ""


class ReasonIn(Schema):
    reason: str


class NoteIn(Schema):
    note: str = ""


class ConfirmIn(Schema):
    confirm_duplicate: bool = False


class ReportIn(Schema):
    kind: str = "progress"
    text: str
    progress: SmallCount | None = None


class CompleteIn(Schema):
    result: str = ""


class ExtensionIn(Schema):
    new_due_date: dt.date
    reason: str


class DecideIn(Schema):
    grant: bool
    note: str = ""


class RemindIn(Schema):
    kind: str
    text: str


class FilterIn(Schema):
    box: str = "all"
    q: str = ""
    status: str = ""
    urgency: SmallCount | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    doc_type: Id | None = None
    organ: str = ""
    sort: Literal["", "unseen"] = ""  # "unseen": "Chưa xem trước"
    page: PageNumber = 1


class Ok(Schema):
    id: int
    status: str


class RangeIn(Schema):
    date_from: dt.date
    date_to: dt.date


class IncomingSeenReceiptOut(Schema):
    user_id: int
    user_name: str
    seen_at: dt.datetime
    how: str  # opened, explicit, api


class IncomingSeenOut(Schema):
    document_id: int
    mode: str  # the agency's: "opening" or "explicit"
    receipts: list[IncomingSeenReceiptOut]
