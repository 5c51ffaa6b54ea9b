"""Row locks: a row read again under ``SELECT ... FOR UPDATE`` for the rest of the transaction.

Every service that changes a row which two people may change at once (a document, an assignment, a
draft) reads it again through ``row_locked`` first, so the state it checks is the state it writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.db import connections, models, router

M = TypeVar("M", bound=models.Model)


def row_locked(instance: M, *, related: Iterable[str] = ()) -> M:
    """``instance``'s row, read again and locked until the transaction ends (call it inside one).

    ``related`` names foreign keys to load in the same query (``select_related``); their rows are read,
    not locked: on PostgreSQL a plain ``FOR UPDATE`` over a join would lock the joined rows too (a
    document, a unit, a user that everyone reads), so the lock is ``FOR UPDATE OF`` the row's own table
    wherever the database supports it. SQLite has no row locks: its write transactions are serialised.
    Raises ``DoesNotExist`` if the row is gone."""
    model = type(instance)
    query = model._default_manager.select_related(*related)
    if connections[router.db_for_write(model)].features.has_select_for_update_of:
        query = query.select_for_update(of=("self",))
    else:
        query = query.select_for_update()
    return query.get(pk=instance.pk)
