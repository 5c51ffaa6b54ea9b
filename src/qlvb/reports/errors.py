"""The codes of the reports app's domain errors (``DomainError.code``; API clients read them as they are)."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    PERIOD_REVERSED = "period_reversed"  # the period ends before it starts
    PERIOD_TOO_LONG = "period_too_long"  # more than five years at once
    PERIOD_INVALID = "period_invalid"  # a date that is no date
    AGENCY_REFUSED = "agency_refused"  # an agency the actor may not report on (another agency's id)
    FILTER_REFUSED = "filter_refused"  # a unit or a person outside the actor's scope
