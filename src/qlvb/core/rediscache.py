"""Django's Redis cache with one ``redis.Redis`` client per connection pool, kept for the process.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` object for every cache call; its
constructor fills the table of ~200 response callbacks, ~1.5 ms of CPU under a profiler and a few
thousand Python calls — paid four times on a list page (issue 17, docs/benchmarks.md). A client is
thread-safe and takes its connections from the pool, which redis-py renews in a forked process; keeping
one per pool changes nothing else (same pools, same servers, same serializer)."""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
