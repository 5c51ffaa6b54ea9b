"""Who sent a package, read by pattern from its first bytes: a refused package can still be answered."""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from typing import IO


@dataclass(frozen=True)
class SenderHint:
    """Who sent a package and which document it is about, read without trusting the package."""

    organ_id: str = ""
    document_id: str = ""


_FROM_RE = re.compile(rb"<(?:[\w.-]+:)?From\b[^>]*>.*?<(?:[\w.-]+:)?OrganId>\s*([^<\s]{1,35})\s*<", re.S)
_DOCID_RE = re.compile(rb"<(?:[\w.-]+:)?DocumentId>\s*([^<]{1,200}?)\s*<", re.S)


def peek_sender(source: str | os.PathLike[str] | IO[bytes], *, head: int = 256 * 1024) -> SenderHint:
    """The sender's ``OrganId`` and the ``DocumentId`` from the first ``head`` bytes, by pattern, so
    a *refused* package can still be answered with status 02 when its sender can be told. Never
    raises; empty strings when nothing is found."""
    try:
        if isinstance(source, str | os.PathLike):
            with open(source, "rb") as fh:
                data = fh.read(head)
        else:
            data = source.read(head)
    except OSError:
        return SenderHint()
    sender = _FROM_RE.search(data)
    doc = _DOCID_RE.search(data)

    def text(m: re.Match[bytes] | None) -> str:
        return unicodedata.normalize("NFC", m.group(1).decode("utf-8", "replace")).strip() if m else ""

    return SenderHint(organ_id=text(sender), document_id=text(doc))
