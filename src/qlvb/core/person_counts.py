"""Per-person counts kept in Django's cache (Redis when ``QLVB_CACHE_URL`` is set): the inbox's box counts,
the outgoing list's, "Việc chờ tôi" and the app's badges, the unread notifications (issue 17).

Each person has a **version** (``qlvb:counts:v:<user id>``, a fresh token at every change, never expiring);
a cached value remembers the version and the local date it was computed for, and is used only while both
still hold. Whatever changes what a person's boxes count calls :func:`people_changed` with that person
(``reports/counts_invalidation.py`` does it from the domain's writes): the versions are renewed **at once**
(the writer's own next read inside his transaction, and the tests, see it) and **again after commit** — a
read that ran between the first renewal and the commit computed from the old rows and stored them under a
version that the second renewal retires. A value computed while a change was committing is thus never
used. The counts are read on the primary, never on a lagging replica (``core/replica.py``): a value
counted from rows a replica had not replayed yet would stay until the next change. The date in the value
retires the boxes that move at midnight ("Quá hạn", "Đã vào sổ hôm nay").

Off unless ``QLVB_COUNTS_CACHE`` (default: on when ``QLVB_CACHE_URL`` is set): a cache in each process's
memory would be renewed only in the process that made the change. A cache that fails (Redis down) is
skipped: the counts are computed as without it."""

from __future__ import annotations

import itertools
import logging
import os
import threading
from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .replica import primary_reads

log = logging.getLogger(__name__)
T = TypeVar("T")
TTL_SECONDS = 600  # bounds what a write outside the domain's functions (a SQL fix) can leave stale
_tokens = itertools.count()
_PREFIX = f"{os.getpid()}.{timezone.now().timestamp():.6f}"  # tokens unique across processes and restarts


def enabled() -> bool:
    return bool(getattr(settings, "QLVB_COUNTS_CACHE", False))


def _version_key(user_id: int) -> str:
    return f"qlvb:counts:v:{user_id}"


def _token() -> str:
    return f"{_PREFIX}.{next(_tokens)}"


def cached(user_id: int | None, name: str, compute: Callable[[], T]) -> T:
    """``compute()`` for the person, from the cache while his version and the date are those it was
    computed for. One cache round trip on a hit; on a miss, the computation and one write."""
    if user_id is None or not enabled():
        return compute()
    version_key, value_key = _version_key(user_id), f"qlvb:counts:{name}:{user_id}"
    today = timezone.localdate().toordinal()
    try:
        found = cache.get_many([version_key, value_key])
    except Exception:  # the cache is down: the counts as without it
        log.warning("counts cache unavailable", exc_info=True)
        return compute()
    version = found.get(version_key)
    stored = found.get(value_key)
    if version is not None and isinstance(stored, tuple) and stored[0] == version and stored[1] == today:
        return stored[2]
    with primary_reads():  # counted on the primary: a replica's lag would be kept until the next change
        value = compute()
    try:
        if version is None:  # first use (or evicted): start a version; a concurrent change wins
            version = _token()
            if not cache.add(version_key, version, timeout=None):
                return value
        cache.set(value_key, (version, today, value), timeout=TTL_SECONDS)
    except Exception:
        log.warning("counts cache unavailable", exc_info=True)
    return value


def _renew(user_ids: Iterable[int]) -> None:
    ids = sorted(set(user_ids))
    if not ids or not enabled():
        return
    try:
        cache.set_many({_version_key(i): _token() for i in ids}, timeout=None)
    except Exception:
        log.warning("counts cache unavailable: %d people's counts not renewed", len(ids), exc_info=True)


class _Pending(threading.local):
    def __init__(self) -> None:
        self.people: set[int] = set()
        self.resolvers: dict[Hashable, Callable[[], Iterable[int]]] = {}


_pending = _Pending()


def _after_commit() -> None:
    """One renewal for everything the committed transaction changed (later callbacks find nothing)."""
    people, resolvers = _pending.people, _pending.resolvers
    _pending.people, _pending.resolvers = set(), {}
    for resolve in resolvers.values():  # who is concerned, read again from the committed rows
        people.update(resolve())
    _renew(people)


def people_changed(
    user_ids: Iterable[int | None],
    *,
    resolve: Callable[[], Iterable[int]] | None = None,
    key: Hashable = None,
) -> None:
    """The counts of ``user_ids`` (and of those ``resolve()`` names, asked now and again after commit,
    once per ``key`` and transaction) change with the current transaction: renewed now and after commit."""
    if not enabled():
        return
    ids = {i for i in user_ids if i is not None}
    if resolve is not None:
        ids.update(resolve())
        _pending.resolvers[key if key is not None else resolve] = resolve
    _renew(ids)
    _pending.people.update(ids)
    transaction.on_commit(_after_commit)


def forget_pending() -> None:
    """Drop what a rolled-back transaction left to renew (tests; a renewal more is harmless anyway)."""
    _pending.people, _pending.resolvers = set(), {}
