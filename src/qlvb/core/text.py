"""Vietnamese text: NFC normalisation, the folded form used for search and account names, and the
cleaning of a text a person typed (``text_clean``).

One function folds text for the search index and for queries alike (architecture: cross-cutting
rules), so "quyet dinh" finds "Quyết định".
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext

from .errors import ValidationFailed

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


def _refused_character(text: str) -> str | None:
    """The first character no stored text may hold: NUL and the other control characters (tab, line
    feed and carriage return excepted) and lone surrogates, which UTF-8 cannot encode."""
    for ch in text:
        if ch in "\t\n\r":
            continue
        if unicodedata.category(ch) in ("Cc", "Cs"):
            return ch
    return None


def text_clean(value: str | None, *, label: str, limit: int, required: bool = False) -> str:
    """A text a person typed, ready to store: NFC, surrounding white space removed, at most ``limit``
    characters, not empty when ``required``. Refuses NUL and other control characters (a service can be
    reached without the web layer's NUL check: a task, the exchange). ``label`` names the field in the
    message, in lower case ("lý do trả lại")."""
    text = nfc(value or "")
    what = label[:1].upper() + label[1:]
    if required and not text:
        raise ValidationFailed(gettext("Cần nhập %(label)s.") % {"label": label})
    if len(text) > limit:
        raise ValidationFailed(gettext("%(what)s dài quá %(limit)d ký tự.") % {"what": what, "limit": limit})
    refused = _refused_character(text)
    if refused is not None:
        raise ValidationFailed(
            gettext("%(what)s có ký tự điều khiển không hợp lệ (U+%(code)04X).") % {"what": what, "code": ord(refused)}
        )
    return text
