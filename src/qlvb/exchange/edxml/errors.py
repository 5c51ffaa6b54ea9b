"""Refusals and warnings of the edXML package module.

A package is *refused* (:class:`EdxmlRefused`, HTTP 422) when it cannot be trusted at all: not
well-formed XML, a DTD or entity declaration (XXE, billion laughs), base64 that does not decode, a
manifest reference without its attachment, an attachment that inflates past the per-file limit.
The message is Vietnamese and names the position (line, column) or the element when known.

Everything the field gets wrong without harm (an odd ``OrganId``, a ``CodeNumber`` with letters, an
impossible date, an unknown code, a dummy signature) is *kept* and reported as a
:class:`EdxmlWarning`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from qlvb.core.errors import ValidationFailed

from ..errors import ErrorCode


class EdxmlRefused(ValidationFailed):
    """The package is refused; ``message`` is the Vietnamese reason (HTTP 422)."""

    def __init__(
        self,
        message: str,
        *,
        code: str = ErrorCode.EDXML_REFUSED,
        line: int | None = None,
        column: int | None = None,
        element: str = "",
        details: dict[str, Any] | None = None,
    ) -> None:
        where = []
        if line:
            where.append(f"dòng {line}")
            if column:
                where.append(f"cột {column}")
        if element:
            where.append(f"phần tử {element}")
        full = f"{message} ({', '.join(where)})" if where else message
        super().__init__(full, code=code, details={**(details or {}), "line": line, "column": column})
        self.line = line
        self.column = column
        self.element = element


class WarningCode(StrEnum):
    """The codes of :class:`EdxmlWarning`: the ``qlvb edxml parse`` command prints them in its JSON
    (``warnings[].code``), so values never change once published."""

    BUSSINESS_DOC_TYPE = "bussiness_doc_type"
    CODE_NUMBER = "code_number"
    DATE_FORMAT = "date_format"
    DOCUMENT_ID_MISSING = "document_id_missing"
    DOCUMENT_TYPE = "document_type"
    NAMESPACE = "namespace"
    NO_RECIPIENT = "no_recipient"
    NOT_ZIPPED = "not_zipped"
    ORGAN_ID_FORMAT = "organ_id_format"
    ORGAN_ID_MISSING = "organ_id_missing"
    RESPONSE_FOR = "response_for"
    REVOKE_TARGET = "revoke_target"
    SIGNATURE_NAMESPACE = "signature_namespace"
    STATUS_CODE = "status_code"
    SUBJECT_MISSING = "subject_missing"
    UNLISTED_ATTACHMENT = "unlisted_attachment"
    ZIP_MANY = "zip_many"


@dataclass(frozen=True)
class EdxmlWarning:
    """A value kept as received but outside the nominal format (Vietnamese ``message``)."""

    code: str
    message: str
    element: str = ""

    def __str__(self) -> str:
        return f"{self.element}: {self.message}" if self.element else self.message
