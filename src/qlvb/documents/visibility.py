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

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import connection
from django.db.models import QuerySet

from qlvb.core.errors import NotFound

from .models import Direction, Document

if TYPE_CHECKING:
    from qlvb.directory.models import User

VisibilityRule = Callable[["User"], "QuerySet[Document]"]
VisibilityKey = Callable[["User"], Hashable | None]
_RULES: dict[str, VisibilityRule] = {}
_KEYS: dict[str, VisibilityKey] = {}


def visibility_register(direction: str, rule: VisibilityRule, *, key: VisibilityKey | None = None) -> None:
    """Make ``rule`` the one visibility rule for documents of ``direction``.

    ``key(actor)``: a value that decides the whole SQL of ``rule(actor)`` (the person's id and the day, the
    units he holds roles in...), or ``None`` when there is none; with it, :func:`documents_visible_sql`
    compiles the rule once per key instead of once per call."""
    if direction not in Direction.values:
        raise ImproperlyConfigured(f"Unknown document direction {direction!r}.")
    current = _RULES.get(direction)
    if current is not None and current is not rule:
        raise ImproperlyConfigured(f"A visibility rule for {direction!r} documents is already registered.")
    _RULES[direction] = rule
    if key is not None:
        _KEYS[direction] = key


def documents_visible_to(actor: User, direction: str) -> QuerySet[Document]:
    """The documents of ``direction`` that ``actor`` may see, as a queryset filtered in SQL."""
    rule = _RULES.get(direction)
    if rule is None:
        return Document.objects.none()
    return rule(actor)


# The compiled rules: (direction, key, agencies left out, database vendor) → SQL and parameters, or None (no rows).
_COMPILED: OrderedDict[tuple[Any, ...], tuple[str, tuple[Any, ...]] | None] = OrderedDict()
_COMPILED_MAX = 4096
_COMPILED_LOCK = threading.Lock()


def documents_visible_sql(
    actor: User, direction: str, *, outside: tuple[int, ...] = ()
) -> tuple[str, tuple[Any, ...]] | None:
    """``SELECT id`` of the documents of ``direction`` that ``actor`` may see (``outside``: only those of
    other agencies than these), as SQL and parameters to write into a larger statement; ``None`` when the
    rule shows him nothing. Compiled once per the rule's key (:func:`visibility_register`) and kept: the
    search page writes the rule into two or three statements, and building and compiling it was a fifth of
    the page's CPU (docs/benchmarks.md, "CPU per request, part 8"). The parameters are values, never
    evaluated querysets: the rows are read when the larger statement runs."""
    if direction not in _RULES:
        return None  # a direction no app registered shows nothing (fail closed)
    keyer = _KEYS.get(direction)
    key = keyer(actor) if keyer is not None else None
    if key is None:
        return _compiled(documents_visible_to(actor, direction), outside)
    cache_key = (direction, key, outside, connection.vendor)
    with _COMPILED_LOCK:
        if cache_key in _COMPILED:
            _COMPILED.move_to_end(cache_key)
            kept = _COMPILED[cache_key]
            hit = True
        else:
            hit = False
    if hit:
        if settings.QLVB_STATEMENTS_CHECK:  # on in the tests: the key must decide the whole SQL
            fresh = _compiled(documents_visible_to(actor, direction), outside)
            if fresh != kept:
                raise AssertionError(f"visibility key of {direction!r} does not decide its SQL: {key!r}")
        return kept
    found = _compiled(documents_visible_to(actor, direction), outside)
    with _COMPILED_LOCK:
        _COMPILED[cache_key] = found
        while len(_COMPILED) > _COMPILED_MAX:
            _COMPILED.popitem(last=False)
    return found


def _compiled(rule: QuerySet[Document], outside: tuple[int, ...]) -> tuple[str, tuple[Any, ...]] | None:
    if outside:
        rule = rule.exclude(agency_id__in=outside)
    if rule.query.is_empty():
        return None
    try:
        sql, params = rule.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:
        return None
    return sql, tuple(params)


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
