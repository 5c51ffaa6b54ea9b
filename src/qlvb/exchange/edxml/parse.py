"""Read edXML packages as a stream.

The XML is fed in 64 KiB chunks to expat (the C parser in the standard library) with SAX-like
callbacks: the metadata (a few kilobytes) is collected into a light tree, while the base64 text of
each attachment goes straight through an incremental decoder to a temporary file and is then
inflated, bounded, to the caller's folder. Memory stays constant whatever the package size.

Why expat and not lxml ``iterparse``: iterparse builds each element's text in memory, and with
``huge_tree`` off libxml2 refuses any text node over 10 MB — a 50 MB attachment is one text node of
67 MB. lxml's callback (target) parser streams, but silently drops undeclared namespace prefixes
(the SDK sample ``edoc.edxml``), which expat reports as the fatal error it is, with its position.

Security: no DTD is read, a package that declares a DOCTYPE or an entity at all is refused (XXE,
billion laughs), external entities are never fetched (no network). Every refusal is an
:class:`~.errors.EdxmlRefused` with a Vietnamese reason naming the line/column or the element;
nothing else escapes :func:`parse`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

from ..errors import ErrorCode
from .attachments import Limits
from .errors import EdxmlRefused
from .interpret import Parsed, interpret
from .peek import SenderHint, peek_sender
from .reader import Target, read_tree

__all__ = ["Parsed", "SenderHint", "parse", "peek_sender"]


def parse(
    source: str | os.PathLike[str] | IO[bytes],
    *,
    attachments_dir: str | os.PathLike[str] | None = None,
    limits: Limits | None = None,
    tmp_dir: str | None = None,
) -> Parsed:
    """Parse the package at ``source`` (a path or a binary stream).

    With ``attachments_dir`` each attachment is written there under its ``AttachmentName``;
    without it, attachments are decoded, checked and hashed, and nothing is kept.
    Raises :class:`EdxmlRefused` (and nothing else) when the package is refused; on refusal no
    attachment is left behind.
    """
    limits = limits or Limits()
    out_dir = Path(attachments_dir) if attachments_dir is not None else None
    target = Target(out_dir=out_dir, limits=limits, tmp_dir=tmp_dir)
    try:
        try:
            root = read_tree(source, target)
            return interpret(root, target)
        except EdxmlRefused:
            raise
        except (OSError, UnicodeError, ValueError, MemoryError) as exc:
            raise EdxmlRefused(
                f"Không đọc được gói tin ({exc.__class__.__name__}: {exc})", code=ErrorCode.UNREADABLE
            ) from None
    except EdxmlRefused:
        target.cleanup()
        for p in target.written():
            p.unlink(missing_ok=True)
        raise
