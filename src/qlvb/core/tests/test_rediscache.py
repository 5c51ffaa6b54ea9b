"""The Redis cache backend (core/rediscache.py) on the machine's Redis: values stored and read as with
Django's own backend, one client kept per connection pool instead of a new one per call, and the per-person
counts (core/person_counts.py) kept and renewed through it."""

from __future__ import annotations

import socket
import uuid

import pytest
from django.core.cache import caches
from django.test import override_settings

from qlvb.core import person_counts

REDIS_URL = "redis://127.0.0.1:6379/14"


def _redis_is_running() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not _redis_is_running(), reason="Redis không chạy tại 127.0.0.1:6379")


def _redis() -> dict[str, dict[str, str]]:
    prefix = f"qlvb-test-{uuid.uuid4().hex}"  # nothing of another run or another process is read
    return {"default": {"BACKEND": "qlvb.core.rediscache.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}}


def test_one_client_serves_every_call() -> None:
    with override_settings(CACHES=_redis()):
        cache = caches["default"]
        cache.set("a", {"to_handle": 3}, timeout=30)
        assert cache.get_many(["a", "b"]) == {"a": {"to_handle": 3}}
        assert cache.add("b", 1, timeout=30) and not cache.add("b", 2, timeout=30)
        client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
        assert cache._cache.get_client(write=False) is client  # type: ignore[attr-defined]
        cache.delete_many(["a", "b"])
        assert cache.get("a") is None


@pytest.mark.django_db
def test_person_counts_are_kept_and_renewed_in_redis() -> None:
    with override_settings(CACHES=_redis(), QLVB_COUNTS_CACHE=True):
        computed: list[int] = []

        def compute() -> int:
            computed.append(1)
            return len(computed)

        assert person_counts.cached(7, "incoming", compute) == 1
        assert person_counts.cached(7, "incoming", compute) == 1  # from Redis
        person_counts.people_changed([7])  # renewed at once (and again after commit)
        assert person_counts.cached(7, "incoming", compute) == 2
        assert person_counts.cached(8, "incoming", compute) == 3  # another person, another value
