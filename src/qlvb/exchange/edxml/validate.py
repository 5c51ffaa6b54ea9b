"""Leniency: values outside the nominal formats are kept and reported as warnings (Vietnamese).

The conformance samples show what real traffic carries (an ``OrganId`` of 9 characters, a
``CodeNumber`` with letters, a ``DocumentId`` dated 30 February): none of it refuses a package.
"""

from __future__ import annotations

import re
from datetime import datetime

from . import status as status_codes
from .errors import EdxmlWarning, WarningCode
from .model import BUSSINESS_DOC_TYPES, DATE_FORMAT, DATETIME_FORMAT, REVOKE, Bussiness, Edoc, EdocHeader, Status

ORGAN_ID_RE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z][0-9A-Z]{2}$")
#: QĐ 20/2020: up to 35 characters, dot-separated groups of 0-9 A-Z
ORGAN_ID_QD20_RE = re.compile(r"^[0-9A-Z]+(\.[0-9A-Z]+)*$")


def check_organ_id(value: str, element: str, out: list[EdxmlWarning]) -> None:
    if not value:
        out.append(EdxmlWarning(WarningCode.ORGAN_ID_MISSING, "thiếu mã định danh cơ quan (OrganId)", element))
    elif not ORGAN_ID_RE.match(value):
        if ORGAN_ID_QD20_RE.match(value) and len(value) <= 35:
            out.append(
                EdxmlWarning(
                    WarningCode.ORGAN_ID_FORMAT,
                    f"mã định danh «{value}» không theo dạng 13 ký tự 000.00.00.A00 của trục liên thông",
                    element,
                )
            )
        else:
            out.append(
                EdxmlWarning(WarningCode.ORGAN_ID_FORMAT, f"mã định danh «{value}» không đúng định dạng", element)
            )


def check_date(value: str, element: str, out: list[EdxmlWarning], *, fmt: str = DATE_FORMAT) -> None:
    if not value:
        return
    try:
        datetime.strptime(value, fmt)  # noqa: DTZ007 — a format check; edXML times are local
    except ValueError:
        shown = "yyyy/MM/dd" if fmt == DATE_FORMAT else "yyyy/MM/dd HH:mm:ss"
        out.append(
            EdxmlWarning(WarningCode.DATE_FORMAT, f"ngày «{value}» không hợp lệ hoặc không theo dạng {shown}", element)
        )


def check_document_id(value: str, element: str, out: list[EdxmlWarning]) -> None:
    """VPCP pattern ``OrganId,yyyy/MM/dd,số/ký hiệu``; other senders send a UUID (accepted silently)."""
    parts = value.split(",")
    if len(parts) == 3:
        check_organ_id(parts[0].strip(), element, out)
        check_date(parts[1].strip(), element, out)


def check_edoc(edoc: Edoc) -> list[EdxmlWarning]:
    out: list[EdxmlWarning] = []
    _check_header(edoc.header, out)
    for t in edoc.trace_headers:
        check_organ_id(t.organ_id, "TraceHeader/OrganId", out)
        check_date(t.timestamp, "TraceHeader/Timestamp", out, fmt=DATETIME_FORMAT)
    if edoc.bussiness is not None:
        _check_bussiness(edoc.bussiness, edoc.header, out)
    return out


def _check_header(h: EdocHeader, out: list[EdxmlWarning]) -> None:
    check_organ_id(h.from_.organ_id, "From/OrganId", out)
    if not h.to:
        out.append(EdxmlWarning(WarningCode.NO_RECIPIENT, "gói tin không có nơi nhận (To)", "To"))
    for to in h.to:
        check_organ_id(to.organ_id, "To/OrganId", out)
    if not h.document_id:
        out.append(
            EdxmlWarning(WarningCode.DOCUMENT_ID_MISSING, "thiếu mã định danh văn bản (DocumentId)", "DocumentId")
        )
    else:
        check_document_id(h.document_id, "DocumentId", out)
    if h.code.code_number and not h.code.code_number.isdigit():
        out.append(
            EdxmlWarning(
                WarningCode.CODE_NUMBER, f"số văn bản «{h.code.code_number}» không phải là số", "Code/CodeNumber"
            )
        )
    check_date(h.promulgation_info.promulgation_date, "PromulgationInfo/PromulgationDate", out)
    check_date(h.due_date, "DueDate", out)
    if h.document_type.type and not h.document_type.type.isdigit():
        out.append(
            EdxmlWarning(
                WarningCode.DOCUMENT_TYPE, f"mã loại văn bản «{h.document_type.type}» không phải là số", "DocumentType"
            )
        )
    if not h.subject:
        out.append(EdxmlWarning(WarningCode.SUBJECT_MISSING, "thiếu trích yếu (Subject)", "Subject"))
    _check_response_for(h, out)


def _check_response_for(h: EdocHeader, out: list[EdxmlWarning]) -> None:
    for rf in h.response_for:
        if rf.organ_id:
            check_organ_id(rf.organ_id, "ResponseFor/OrganId", out)
        check_date(rf.promulgation_date, "ResponseFor/PromulgationDate", out)
        if rf.document_id:
            check_document_id(rf.document_id, "ResponseFor/DocumentId", out)


def _check_bussiness(b: Bussiness, h: EdocHeader, out: list[EdxmlWarning]) -> None:
    if b.bussiness_doc_type not in BUSSINESS_DOC_TYPES:
        out.append(
            EdxmlWarning(
                WarningCode.BUSSINESS_DOC_TYPE,
                f"loại nghiệp vụ «{b.bussiness_doc_type}» không biết (0 mới, 1 thu hồi, 2 cập nhật, 3 thay thế)",
                "Bussiness/BussinessDocType",
            )
        )
    if b.document_id:
        check_document_id(b.document_id, "Bussiness/DocumentId", out)
    for rep in b.replacements:
        check_document_id(rep.document_id, "ReplacementInfo/DocumentId", out)
    if b.bussiness_doc_type == REVOKE and not any(rf.document_id for rf in h.response_for):
        out.append(
            EdxmlWarning(
                WarningCode.REVOKE_TARGET,
                "gói thu hồi không chỉ ra văn bản bị thu hồi (ResponseFor)",
                "ResponseFor",
            )
        )


def check_status(status: Status) -> list[EdxmlWarning]:
    out: list[EdxmlWarning] = []
    check_organ_id(status.from_.organ_id, "From/OrganId", out)
    if not status_codes.is_known(status.status_code):
        out.append(
            EdxmlWarning(
                WarningCode.STATUS_CODE, f"mã trạng thái «{status.status_code}» không có trong QCVN 102", "StatusCode"
            )
        )
    if not status.response_for.document_id:
        out.append(
            EdxmlWarning(WarningCode.RESPONSE_FOR, "thiếu mã định danh văn bản được báo trạng thái", "ResponseFor")
        )
    else:
        check_document_id(status.response_for.document_id, "ResponseFor/DocumentId", out)
    check_date(status.timestamp, "Timestamp", out, fmt=DATETIME_FORMAT)
    return out
