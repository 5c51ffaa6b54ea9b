"""Who may see which documents: one registry, filled by the workflow apps at start-up.

The rule for each direction lives in the app that owns that flow (the incoming rule needs the
assignments of layer 4, which this layer sits below), so this module never imports them. Each app
registers its selector in ``AppConfig.ready``::

    visibility_register(Direction.INCOMING, documents_visible_to)

A rule is ``rule(actor) -> QuerySet[Document]`` already restricted inside the SQL query; callers
narrow it further (``.filter(pk=...)``) and the whole check stays one statement. Another workflow
that must check sight of a document of another direction (outgoing checking the incoming document a
draft answers) asks :func:`documents_visible_to` here instead of importing its sibling. A direction no
app registered shows nothing (fail closed).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from qlvb.core.errors import NotFound

from .models import Direction, Document

if TYPE_CHECKING:
    from qlvb.directory.models import User

VisibilityRule = Callable[["User"], "QuerySet[Document]"]
_RULES: dict[str, VisibilityRule] = {}


def visibility_register(direction: str, rule: VisibilityRule) -> None:
    """Make ``rule`` the one visibility rule for documents of ``direction``."""
    if direction not in Direction.values:
        raise ImproperlyConfigured(f"Unknown document direction {direction!r}.")
    current = _RULES.get(direction)
    if current is not None and current is not rule:
        raise ImproperlyConfigured(f"A visibility rule for {direction!r} documents is already registered.")
    _RULES[direction] = rule


def documents_visible_to(actor: User, direction: str) -> QuerySet[Document]:
    """The documents of ``direction`` that ``actor`` may see, as a queryset filtered in SQL."""
    rule = _RULES.get(direction)
    if rule is None:
        return Document.objects.none()
    return rule(actor)


def document_visible_get(actor: User, direction: str, pk: int | str) -> Document:
    """One document of ``direction`` that ``actor`` may see; else :class:`NotFound` (no hint that it
    exists)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    document = documents_visible_to(actor, direction).filter(pk=pk).first()
    if document is None:
        raise NotFound()
    return document
