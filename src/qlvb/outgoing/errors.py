"""The error codes the outgoing flow answers with (API clients match on the values: never change one)."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    STATE_SECRET = "state_secret"  # noqa: S105  (a state secret, not a password)
    PAST_DATE = "past_date"
    DRAFT_FORMAT = "draft_format"
    PDF_NOT_FAILED = "pdf_not_failed"
    PDF_FAILED = "pdf_failed"
    PDF_PENDING = "pdf_pending"
    NO_SIGNING_PROFILE = "no_signing_profile"
    NO_SIGNING_IMAGE = "no_signing_image"
    NOT_APPROVED_VERSION = "not_approved_version"
    PLUGIN_METHOD = "plugin_method"
    NOT_PLUGIN_METHOD = "not_plugin_method"
    PLUGIN_WRONG_CERTIFICATE = "plugin_wrong_certificate"
    ALREADY_NUMBERED = "already_numbered"
    UNSIGNED = "unsigned"
    UNREACHABLE_RECIPIENTS = "unreachable_recipients"
    CONSULTATION_CLOSED = "consultation_closed"
    SIGNATURE_BLOCK = "signature_block"  # signing for a delegating leader: the draft lacks the "KT. …" line
    SIGNER_NAME_MISSING = "signer_name_missing"  # the draft's PDF lacks the signer's name (ô 7c)
