"""Where the nonces of the integration API's calls are kept (replay protection, ``replay.py``): one store
shared by every web node, whose "keep this nonce unless it is already there, for so many seconds" is one
atomic step — else a captured call could be accepted once per node.

- **Redis** when one is configured: ``QLVB_INTEGRATION_NONCE_REDIS_URL``, else the deployment's cache
  ``QLVB_CACHE_URL`` (a ``redis://`` or ``rediss://`` address): ``SET key 1 NX EX ttl``.
- **The database** otherwise: a row per nonce (``RequestNonce``, unique on the system and the nonce's
  digest) inserted in its own savepoint; a row past its expiry is taken over by one conditional UPDATE;
  the beat job ``qlvb.integrations.nonces_sweep`` deletes expired rows.

Never Django's local-memory cache: it is one per process."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import RequestNonce

KEY_PREFIX = "qlvb:integration-nonce"


class NonceStore(Protocol):
    def keep(self, system_id: int, digest: str, ttl: int) -> bool:
        """True if the nonce is new (and is now kept for ``ttl`` seconds), False if it was seen."""
        ...


class RedisNonces:
    def __init__(self, url: str, prefix: str = KEY_PREFIX) -> None:
        import redis

        self.client = redis.Redis.from_url(url)
        self.prefix = prefix

    def keep(self, system_id: int, digest: str, ttl: int) -> bool:
        return bool(self.client.set(f"{self.prefix}:{system_id}:{digest}", 1, nx=True, ex=max(1, ttl)))


class DatabaseNonces:
    def keep(self, system_id: int, digest: str, ttl: int) -> bool:
        now = timezone.now()
        expires = now + dt.timedelta(seconds=ttl)
        try:
            with transaction.atomic():
                RequestNonce.objects.create(system_id=system_id, digest=digest, expires_at=expires)
            return True
        except IntegrityError:  # seen: refused, unless that row has expired (then it is this call's now)
            return bool(
                RequestNonce.objects.filter(system_id=system_id, digest=digest, expires_at__lte=now).update(
                    expires_at=expires
                )
            )


def redis_url() -> str:
    url = str(getattr(settings, "QLVB_INTEGRATION_NONCE_REDIS_URL", "") or "")
    if not url:
        cache = str(getattr(settings, "QLVB_CACHE_URL", "") or "")
        url = cache if cache.startswith(("redis://", "rediss://", "unix://")) else ""
    return url


_stores: dict[str, NonceStore] = {}
_lock = threading.Lock()


def nonce_store() -> NonceStore:
    """The store the settings name (one Redis client per address and process)."""
    url = redis_url()
    with _lock:
        found = _stores.get(url)
        if found is None:
            found = _stores[url] = RedisNonces(url) if url else DatabaseNonces()
    return found


def nonces_sweep() -> int:
    """Delete the expired nonces of the database store; the number deleted."""
    deleted, _ = RequestNonce.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
