"""Vietnamese text: NFC normalisation and the folded form used for search and account names.

One function folds text for the search index and for queries alike (architecture: cross-cutting
rules), so "quyet dinh" finds "Quyết định".
"""

from __future__ import annotations

import re
import unicodedata

_D_MAP = str.maketrans({"đ": "d", "Đ": "D"})
_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC with surrounding white space removed."""
    return unicodedata.normalize("NFC", text).strip()


def strip_marks(text: str) -> str:
    """Remove every combining mark (tones, breve, circumflex, horn); ``đ`` becomes ``d``.

    Case is kept. Characters that have no ASCII base are kept as they are.
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def fold(text: str) -> str:
    """Folded form for search: lower case, diacritics removed, ``đ``→``d``, spaces collapsed."""
    return _SPACES.sub(" ", strip_marks(text).lower()).strip()


def fold_compact(text: str) -> str:
    """Folded form without any space and ASCII only: ``Trần Thị Lan`` → ``tranthilan``."""
    folded = fold(text)
    return "".join(ch for ch in folded if ch.isascii() and ch.isalnum())
