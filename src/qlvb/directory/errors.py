"""The codes of the errors the directory raises (users, units, roles, passwords, sign-in): the ``code``
of the error body API clients see. A value never changes once published."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    DUPLICATE_AGENCY = "duplicate_agency"
    DUPLICATE_ORGAN_ID = "duplicate_organ_id"
    FULL_NAME = "full_name"
    LOCKED_OUT = "locked_out"
    ORGAN_ID_FORMAT = "organ_id_format"
    PASSWORD_POLICY = "password_policy"  # noqa: S105 (an error code, not a secret)
    USERNAME_FORMAT = "username_format"
    USERNAME_TAKEN = "username_taken"
    WRONG_PASSWORD = "wrong_password"  # noqa: S105 (an error code, not a secret)
