"""Domain errors. A service raises one with a message a Vietnamese user understands; the web and
API layers turn it into a 4xx response and a visible message."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    """The codes of core's errors (the defaults of the classes below) and of the requests core's
    middleware refuses, as API clients see them in the error body. Values never change."""

    FORBIDDEN = "forbidden"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    NUL_CHARACTER = "nul_character"


class DomainError(Exception):
    """A rule of the domain refuses the request (HTTP 400 or 409)."""

    status_code = 400

    def __init__(self, message: Any, *, code: str = ErrorCode.INVALID, details: dict[str, Any] | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.code = code
        self.details = details or {}


class ValidationFailed(DomainError):  # noqa: N818 — named for the HTTP status
    status_code = 422


class Conflict(DomainError):  # noqa: N818 — named for the HTTP status
    status_code = 409


class PermissionDenied(DomainError):  # noqa: N818 — named for the HTTP status
    """The actor lacks the right (HTTP 403)."""

    status_code = 403

    def __init__(
        self, message: Any = None, *, code: str = ErrorCode.FORBIDDEN, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message or "Bạn không có quyền thực hiện thao tác này.", code=code, details=details)


class NotFound(DomainError):  # noqa: N818 — named for the HTTP status
    """The object does not exist or the actor may not see it (HTTP 404): an outsider cannot tell."""

    status_code = 404

    def __init__(
        self, message: Any = None, *, code: str = ErrorCode.NOT_FOUND, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message or "Không tìm thấy hoặc bạn không có quyền xem.", code=code, details=details)


class PayloadTooLarge(DomainError):  # noqa: N818 — named for the HTTP status
    status_code = 413


class UnsupportedMediaType(DomainError):  # noqa: N818 — named for the HTTP status
    status_code = 415
