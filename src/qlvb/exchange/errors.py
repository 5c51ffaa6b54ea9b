"""The codes of the exchange app's domain errors (``DomainError.code``; API clients and the
``qlvb edxml`` command read them as they are, so values never change once published).

- the national axis transport (``TransportError``): ``AXIS_*``;
- edXML packages refused by the ``edxml`` library (``EdxmlRefused``): the others. Warnings about a
  package kept as received are not errors: their codes are ``edxml.errors.WarningCode``.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # The national axis (transport/)
    AXIS_AUTH = "axis_auth"
    AXIS_BAD_ACK = "axis_bad_ack"
    AXIS_DOWN = "axis_down"
    AXIS_ERROR = "axis_error"
    AXIS_NOT_CONFIGURED = "axis_not_configured"
    AXIS_REFUSED = "axis_refused"
    AXIS_TIMEOUT = "axis_timeout"
    AXIS_TOO_LARGE = "axis_too_large"
    AXIS_UNREACHABLE = "axis_unreachable"

    # edXML packages refused (edxml/)
    EDXML_REFUSED = "edxml_refused"
    ATTACHMENT_MISSING = "attachment_missing"
    BAD_ATTACHMENT = "bad_attachment"
    BAD_BASE64 = "bad_base64"
    BAD_KEY = "bad_key"
    BAD_ZIP = "bad_zip"
    DOCTYPE = "doctype"
    DUPLICATE_CONTENT_ID = "duplicate_content_id"
    EMPTY = "empty"
    MISSING_ATTACHMENT = "missing_attachment"
    NO_HEADER = "no_header"
    NOT_EDXML = "not_edxml"
    NOT_WELL_FORMED = "not_well_formed"
    TEXT_TOO_LONG = "text_too_long"
    TOO_LARGE = "too_large"
    TOO_MANY_ATTACHMENTS = "too_many_attachments"
    TOO_MANY_ELEMENTS = "too_many_elements"
    UNREADABLE = "unreadable"
    ZIP_BOMB = "zip_bomb"
    ZIP_ENTRIES = "zip_entries"

    # Connections and the outbox (axis_services.py)
    NOT_FAILED = "outbox_not_failed"
    ENDPOINT_INVALID = "axis_endpoint_invalid"
    SYSTEM_ID_INVALID = "axis_system_id_invalid"
    SECRET_MISSING = "axis_secret_missing"  # noqa: S105 — an error code, not a secret
