"""Safe file names (seed Điều 8.4): ASCII letters, digits, ``-``, ``_`` and ``.``, at most 50 characters.

A name that breaks the rule is not refused but offered a safe form: Vietnamese marks are removed
(``Quyết định`` → ``Quyet-dinh``), spaces become ``-``, anything else is dropped, and a long name is
shortened keeping its extension. :func:`safe_name` is idempotent: a safe name stays as it is.
"""

from __future__ import annotations

import re

from django.conf import settings

from qlvb.core.text import strip_marks

DEFAULT_STEM = "tep-tin"
SAFE_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*$")
_EXT = re.compile(r"^[A-Za-z0-9]{1,10}$")
_DROP = re.compile(r"[^A-Za-z0-9._-]+")
_SEPARATOR_RUN = re.compile(r"[-._]{2,}")
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def split_extension(name: str) -> tuple[str, str]:
    """``("bao-cao", "PDF")`` for ``bao-cao.PDF``; ``(name, "")`` when there is no plausible extension."""
    stem, dot, ext = name.rpartition(".")
    if dot and _EXT.match(ext):
        return stem, ext
    return name, ""


def _clean(text: str) -> str:
    text = strip_marks(text)
    text = re.sub(r"\s+", "-", text.strip())
    text = _DROP.sub("", text)
    text = _SEPARATOR_RUN.sub(_collapse, text)
    return text.strip("-._")


def _collapse(match: re.Match[str]) -> str:
    """A run of separators becomes one: ``.`` if it holds a dot, else ``-`` if it holds a dash."""
    run = match.group(0)
    if "." in run:
        return "."
    return "-" if "-" in run else "_"


def safe_name(original: str, *, ext: str | None = None, max_chars: int | None = None) -> str:
    """The safe form of ``original``. ``ext`` (without the dot) replaces the offered extension —
    intake passes the extension of the type it sniffed."""
    limit = max_chars or settings.FILE_NAME_MAX_CHARS
    base = original.replace("\\", "/").rsplit("/", 1)[-1]  # never a path
    stem, offered_ext = split_extension(base.strip())
    clean_ext = _clean(ext if ext is not None else offered_ext).replace(".", "")[:10]
    if not _EXT.match(clean_ext or "-"):
        clean_ext = ""
    stem = _clean(stem)
    if stem.upper() in WINDOWS_RESERVED:
        stem += "-tep"
    room = limit - (len(clean_ext) + 1 if clean_ext else 0)
    stem = stem[:room].rstrip("-._")
    if not stem:
        stem = DEFAULT_STEM[:room]
    return f"{stem}.{clean_ext}" if clean_ext else stem


def is_safe_name(name: str, *, max_chars: int | None = None) -> bool:
    limit = max_chars or settings.FILE_NAME_MAX_CHARS
    return 0 < len(name) <= limit and bool(SAFE_NAME.match(name))
