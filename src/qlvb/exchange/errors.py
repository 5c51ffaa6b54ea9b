"""Error codes of the exchange's domain errors (stable strings for API clients)."""

from enum import StrEnum


class ErrorCode(StrEnum):
    AXIS_NOT_CONFIGURED = "axis_not_configured"
    NOT_FAILED = "outbox_not_failed"
    ENDPOINT_INVALID = "axis_endpoint_invalid"
    SYSTEM_ID_INVALID = "axis_system_id_invalid"
    SECRET_MISSING = "axis_secret_missing"  # noqa: S105 — an error code, not a secret
