"""The address of an object's page by its id, without a ``reverse()`` per row (issue 17, "CPU per request").

A list of 20 documents reversed ``incoming:detail`` 20 times: each ``reverse`` walks the resolver's
candidates and checks the arguments against the pattern's converters. The address is the same text around
the id for every row, so it is reversed once per name and script prefix (a marker id in place of the
real one) and the id written into it."""

from __future__ import annotations

from django.urls import get_script_prefix, reverse

_MARK = "987654321"  # an id no pattern rewrites (an int path converter writes it as it is)
_SPLIT: dict[tuple[str, str], tuple[str, str] | None] = {}


def _split(name: str) -> tuple[str, str] | None:
    marked = reverse(name, args=[int(_MARK)])
    if marked.count(_MARK) != 1:
        return None
    before, after = marked.split(_MARK)
    return before, after


def id_url(name: str, pk: int) -> str:
    """``reverse(name, args=[pk])`` for a pattern whose one argument is an integer id."""
    key = (name, get_script_prefix())
    if key not in _SPLIT:
        _SPLIT[key] = _split(name)
    parts = _SPLIT[key]
    if parts is None:
        return reverse(name, args=[pk])
    return f"{parts[0]}{int(pk)}{parts[1]}"
