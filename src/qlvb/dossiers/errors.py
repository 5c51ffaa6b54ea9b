"""The codes of the dossiers flow's domain errors (``DomainError.code``; API clients read them as they are)."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    NOTATION_TAKEN = "notation_taken"  # the notation is already used in this agency and year
    PLAN_FROZEN = "plan_frozen"  # an approved list is not changed: a change is a new version
    PLAN_NOT_APPROVED = "plan_not_approved"  # opening a dossier from a list not yet approved
    PLAN_EMPTY = "plan_empty"  # approving a list with no dossier row
    PLAN_EXISTS = "plan_exists"  # a draft list for this year already exists
    NO_PREVIOUS_PLAN = "no_previous_plan"  # copy forward with no list of an earlier year
    DOSSIER_EMPTY = "dossier_empty"  # closing a dossier with no document
    DOSSIER_FROZEN = "dossier_frozen"  # a closed dossier is not changed (reopen first)
    NOT_CLOSED = "not_closed"  # reopening a dossier that is open
    ALREADY_FILED = "already_filed"  # the document is already in this dossier
    BAD_RETENTION = "bad_retention"  # retention years out of range
