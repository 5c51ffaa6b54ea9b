"""Reads from a PostgreSQL streaming replica, when one is configured (``QLVB_REPLICA_URL``).

Only a person's page reads (GET/HEAD of the web) go to the replica; everything else — writes, reads inside
a transaction, Celery tasks, management commands, the API's writes — stays on the primary. Three guards keep
"I saved it and it vanished" from happening:

- **read your writes**: a request that may have written (any other method) sets the cookie
  ``qlvb_wrote`` to its time; for ``QLVB_REPLICA_STICKY_SECONDS`` after it, that browser's reads go to the
  primary. The cookie only ever sends reads to the primary, so a forged one costs the primary a little work
  and reveals nothing;
- **lag**: the replica's replay lag is read at most every ``QLVB_REPLICA_CHECK_SECONDS``; over
  ``QLVB_REPLICA_MAX_LAG_SECONDS`` (or unreadable) the replica is left out until the next check;
- **down**: a replica that does not answer in a second is left out the same way: reads go to the primary.
  Between two probes, the router also checks the replica's connection before it sends a request's first read
  there (Django's health check, once a request; a new connection waits at most 1 s): a replica stopped since
  the last probe is left out at that moment, and the read goes to the primary instead of failing the page.

Without ``QLVB_REPLICA_URL`` there is no router at all (settings.py): one database, as before.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
WROTE_COOKIE = "qlvb_wrote"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Who a caller is and what he may do is always read from the primary: a token issued a moment ago works
# at once, and a locked account, a revoked token or a removed role takes effect at once (not a lag later).
PRIMARY_ONLY_APPS = frozenset({"directory", "sessions", "auth", "axes", "otp_totp", "otp_static", "integrations"})

# True only while a person's page read is being answered and the replica may serve it
_replica_allowed: contextvars.ContextVar[bool] = contextvars.ContextVar("qlvb_replica_allowed", default=False)


@dataclass
class ReplicaState:
    usable: bool
    checked_at: float
    lag_seconds: float | None
    error: str = ""


_lock = threading.Lock()
_state = ReplicaState(usable=False, checked_at=float("-inf"), lag_seconds=None, error="chưa kiểm tra")


ROUTER = "qlvb.core.replica.ReplicaRouter"


def replica_configured() -> bool:
    """settings.py installs the router exactly when QLVB_REPLICA_URL names a replica."""
    return ROUTER in settings.DATABASE_ROUTERS


def replica_probe(alias: str = REPLICA) -> ReplicaState:
    """Ask the replica once: does it answer, and how far behind the primary is it? (no cache)"""
    now = time.monotonic()
    try:
        conn = connections[alias]
        with conn.cursor() as cursor:
            if conn.vendor == "postgresql":
                # Caught up (all WAL received is replayed) = no lag, however long ago the primary last
                # wrote; otherwise the age of the last replayed transaction. A primary answers 0.
                cursor.execute(
                    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0 "
                    "WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
                    "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
                )
            else:
                cursor.execute("SELECT 0")
            row = cursor.fetchone()
        lag = float(row[0] or 0) if row else 0.0
    except Exception as exc:  # any failure leaves the replica out; the reason is shown on the status page
        connections[alias].close()
        return ReplicaState(usable=False, checked_at=now, lag_seconds=None, error=type(exc).__name__)
    limit = float(settings.QLVB_REPLICA_MAX_LAG_SECONDS)
    if lag > limit:
        return ReplicaState(usable=False, checked_at=now, lag_seconds=lag, error="lag")
    return ReplicaState(usable=True, checked_at=now, lag_seconds=lag)


def replica_state() -> ReplicaState:
    """The last probe, renewed when older than ``QLVB_REPLICA_CHECK_SECONDS`` (one prober at a time)."""
    global _state
    if time.monotonic() - _state.checked_at < float(settings.QLVB_REPLICA_CHECK_SECONDS):
        return _state
    with _lock:
        if time.monotonic() - _state.checked_at >= float(settings.QLVB_REPLICA_CHECK_SECONDS):
            _state = replica_probe()
        return _state


def _left_out(error: str) -> None:
    """The replica failed between two probes: left out from now until the next probe."""
    global _state
    with _lock:
        _state = ReplicaState(usable=False, checked_at=time.monotonic(), lag_seconds=None, error=error)
    with contextlib.suppress(DatabaseError):
        connections[REPLICA].close()


def _answers() -> bool:
    """The replica's connection in this thread is usable: checked once a request (``CONN_HEALTH_CHECKS``, a
    connection the replica dropped is noticed), made if there is none (``connect_timeout`` 1 s)."""
    conn = connections[REPLICA]
    try:
        conn.close_if_health_check_failed()
        conn.ensure_connection()
    except DatabaseError as exc:
        _left_out(type(exc).__name__)
        return False
    return True


def replica_forget() -> None:
    """Probe again on the next read (tests; the status page's "Kiểm tra lại")."""
    global _state
    _state = ReplicaState(usable=False, checked_at=float("-inf"), lag_seconds=None, error="chưa kiểm tra")


class ReplicaRouter:
    """Django database router: page reads to the replica when allowed and usable, the rest to the primary."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str:
        if not _replica_allowed.get() or transaction.get_connection("default").in_atomic_block:
            return "default"
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return "default"
        instance = hints.get("instance")
        if instance is not None and instance._state.db == "default":
            return "default"
        return REPLICA if replica_state().usable and _answers() else "default"

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the same data on both

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"  # the replica gets every change through replication


def _recently_wrote(request: HttpRequest) -> bool:
    try:
        wrote = float(request.COOKIES.get(WROTE_COOKIE, "0"))
    except ValueError:
        return True  # an unreadable cookie: the primary, to be safe
    return time.time() - wrote < float(settings.QLVB_REPLICA_STICKY_SECONDS)


class ReplicaReadsMiddleware:
    """Marks which requests may read from the replica, and remembers a browser that just wrote."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_configured():
            return self.get_response(request)
        safe = request.method in SAFE_METHODS
        token = _replica_allowed.set(safe and not _recently_wrote(request))
        try:
            response = self.get_response(request)
        finally:
            _replica_allowed.reset(token)
        if not safe:
            response.set_cookie(
                WROTE_COOKIE,
                f"{time.time():.3f}",
                max_age=int(settings.QLVB_REPLICA_STICKY_SECONDS),
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response


def replica_reads_allowed() -> contextvars.Token[bool]:
    """Let the reads of the current context use the replica (tests, a read-only report task)."""
    return _replica_allowed.set(True)


def replica_reads_reset(token: contextvars.Token[bool]) -> None:
    _replica_allowed.reset(token)


def replica_reads_now() -> bool:
    """Whether the current context's reads may go to the replica."""
    return _replica_allowed.get()


@contextlib.contextmanager
def primary_reads() -> Iterator[None]:
    """The block reads from the primary: what is kept for others (``core.person_counts``) must not carry
    the replica's lag beyond the lag itself."""
    token = _replica_allowed.set(False)
    try:
        yield
    finally:
        _replica_allowed.reset(token)
