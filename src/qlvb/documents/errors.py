"""Error codes of the documents app (as API clients see them in the error body). Values never change."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    SAVED_SEARCH_EXISTS = "saved_search_exists"
    SAVED_SEARCHES_FULL = "saved_searches_full"
    NOT_RECIPIENT = "not_recipient"
    SEEN_MODE = "seen_mode"
