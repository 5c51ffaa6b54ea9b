"""The error codes the integration API answers with (clients match on the values: never change one)."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID_CLIENT = "invalid_client"
    INVALID_REQUEST = "invalid_request"
    UNSUPPORTED_GRANT_TYPE = "unsupported_grant_type"
    SECRET_IN_URL = "secret_in_url"  # noqa: S105  (the name of a refusal, not a password)
    NO_ACTING_USER = "no_acting_user"
    UNMAPPED_USER = "unmapped_user"
    UNMAPPED_UNIT = "unmapped_unit"
    UNMAPPED_TYPE = "unmapped_type"
    OUTSIDE_UNIT = "outside_unit"
    NOT_ALLOWED = "not_allowed"
    REVOKED = "revoked"
    NO_MAIN_FILE = "no_main_file"
    NOT_FINISHED = "not_finished"
    DRAFT_FORMAT = "draft_format"  # a main file or an appendix of a type the draft does not take
    WEBHOOK_URL = "webhook_url"  # an address a subscription may not call
    WEBHOOK_KINDS = "webhook_kinds"
    NOT_FAILED = "not_failed"  # only a failed delivery is replayed
    PAUSED = "paused"  # the subscription is paused: resume it first
    REQUEST_REPLAYED = "request_replayed"  # a write call's nonce was seen before (replay protection)
    REQUEST_STALE = "request_stale"  # a write call's timestamp is outside the window (5 minutes)
    REQUEST_UNPROTECTED = "request_unprotected"  # a write call without its timestamp and nonce
    SIGNATURE_INVALID = "signature_invalid"  # an HMAC-signed call whose header or signature is wrong
    SIGNING_KEY_MISSING = "signing_key_missing"  # a secret issued before signing existed: rotate it
