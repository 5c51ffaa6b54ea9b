"""Does a PDF carry scripts or actions that run by themselves? Asked once, at intake (issue 9).

A PDF may hold JavaScript (``/JS``, ``/JavaScript``), run it on opening (``/OpenAction``) or on other
events (``/AA``, additional actions), or start a program (``/Launch``). qlvb never runs them, serves
every stored file as a download with a ``sandbox`` policy, and tells the reader on the document page
that the file contains scripts, so that it is opened with care in a desktop reader.

The check walks the PDF's object graph from the trailer with pypdf (names with ``#xx`` escapes and
objects inside compressed object streams included), bounded in objects visited; a PDF that pypdf
cannot read is searched byte-wise for the same markers instead.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

MAX_OBJECTS = 100_000  # beyond this the walk stops; what it found so far stands
ACTION_KEYS = {"/JS": "JavaScript", "/JavaScript": "JavaScript", "/AA": "AA", "/Launch": "Launch"}
ACTION_TYPES = {"/JavaScript": "JavaScript", "/Launch": "Launch"}
RAW_MARKERS = re.compile(rb"/(?:JS|JavaScript|Launch|AA)\b")  # /OpenAction alone is often a page view


def pdf_scripts(path: Path | str) -> list[str]:
    """The kinds of active content found (``JavaScript``, ``OpenAction``, ``AA``, ``Launch``), sorted;
    empty when none."""
    try:
        return _walk(path)
    except Exception:  # a damaged or hostile file: fall back to the bytes
        logger.info("pypdf could not walk %s; searching its bytes for scripts", path)
        return _raw(path)


def _raw(path: Path | str) -> list[str]:
    found: set[str] = set()
    with open(path, "rb") as handle:
        tail = b""
        while chunk := handle.read(1 << 20):
            for match in RAW_MARKERS.finditer(tail + chunk):
                found.add(ACTION_KEYS[match.group().decode("ascii")])
            tail = chunk[-16:]
    return sorted(found)


def _walk(path: Path | str) -> list[str]:
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    reader = PdfReader(str(path), strict=False)
    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    visited = 0
    while stack and visited < MAX_OBJECTS:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            ref = (obj.idnum, obj.generation)
            if ref in seen:
                continue
            seen.add(ref)
            obj = obj.get_object()
        visited += 1
        if isinstance(obj, DictionaryObject):
            for key, value in obj.items():
                if key in ACTION_KEYS:
                    found.add(ACTION_KEYS[key])
                if key == "/S" and value in ACTION_TYPES:
                    found.add(ACTION_TYPES[str(value)])
                if key == "/OpenAction" and _has_script(value):
                    found.add("OpenAction")
                if key in {"/Parent", "/P"}:  # back links: everything is reachable from the root anyway
                    continue
                stack.append(value)
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    if visited >= MAX_OBJECTS:
        logger.warning("PDF %s has more than %d objects; script check stopped there", path, MAX_OBJECTS)
    return sorted(found)


def _has_script(action: Any, depth: int = 0) -> bool:
    """An /OpenAction (or its /Next chain) that runs JavaScript or launches a program."""
    from pypdf.generic import ArrayObject, DictionaryObject

    action = action.get_object() if hasattr(action, "get_object") else action
    if depth > 20:
        return False
    if isinstance(action, DictionaryObject):
        if action.get("/S") in ACTION_TYPES or "/JS" in action:
            return True
        return "/Next" in action and _has_script(action["/Next"], depth + 1)
    if isinstance(action, ArrayObject):  # [page /Fit] destination: no script
        return False
    return False
