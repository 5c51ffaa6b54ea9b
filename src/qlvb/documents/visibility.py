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

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

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


# Dossiers (layer 5) fill this at start-up, so that a sibling workflow (a task linking dossiers) may ask
# "may this person see these dossiers" without importing them. Unregistered: no dossier is visible.
DossierRule = Callable[["User"], "QuerySet[Any]"]
_DOSSIER_RULE: list[DossierRule] = []


def dossier_visibility_register(rule: DossierRule) -> None:
    """Make ``rule(actor) -> QuerySet[Dossier]`` (filtered in SQL) the one rule for seeing dossiers."""
    if _DOSSIER_RULE and _DOSSIER_RULE[0] is not rule:
        raise ImproperlyConfigured("A visibility rule for dossiers is already registered.")
    _DOSSIER_RULE[:] = [rule]


def dossiers_visible(actor: User) -> QuerySet[Any] | None:
    """The dossiers ``actor`` may see, or ``None`` when no app registered the rule (then none is)."""
    return _DOSSIER_RULE[0](actor) if _DOSSIER_RULE else None


def dossier_ids_visible(actor: User, ids: Iterable[int]) -> set[int]:
    """Those of ``ids`` naming a dossier ``actor`` may see — one SQL statement."""
    wanted = {int(i) for i in ids}
    found = dossiers_visible(actor)
    if not wanted or found is None:
        return set()
    return set(found.filter(pk__in=wanted).values_list("pk", flat=True))
