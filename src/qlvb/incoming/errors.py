"""The codes of the incoming flow's domain errors (``DomainError.code``; API clients read them as they are)."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    DUPLICATE = "duplicate"  # a document with the same number, notation and organ this year (confirm to go on)
    STATE_SECRET = "state_secret"  # noqa: S105 — Mật, Tối mật, Tuyệt mật: never received (not a password)
    REGISTRATION_FIXED = "registration_fixed"  # the arrival number and register are given by the register
