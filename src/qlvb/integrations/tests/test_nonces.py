"""The nonces of the integration API are kept where every web node sees them (issue 18, replay protection
on a deployment of several nodes): a nonce kept through one application instance is refused through
another — two Redis clients of their own (the real server at 127.0.0.1:6379, a database number and a key
prefix of these tests), or two Django processes sharing the database when no Redis is configured; an
expired nonce is swept."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from qlvb.integrations import nonces
from qlvb.integrations.accounts import Issued
from qlvb.integrations.models import Handover, RequestNonce

from .test_replay import _plain, _send

REDIS_URL = "redis://127.0.0.1:6379/13"  # a database number of these tests (the webhook benchmark uses 15)


def _digest() -> str:
    return hashlib.sha256(uuid.uuid4().bytes).hexdigest()


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis server at 127.0.0.1:6379")
    prefix = f"qlvb-test-hooks:{uuid.uuid4().hex}"
    yield prefix
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_redis_two_instances_share_the_nonces(redis_prefix: str) -> None:
    """Two application instances (two clients, two connection pools) against the real Redis server."""
    first, second = nonces.RedisNonces(REDIS_URL, redis_prefix), nonces.RedisNonces(REDIS_URL, redis_prefix)
    assert first.client.connection_pool is not second.client.connection_pool
    digest = _digest()
    assert first.keep(7, digest, 600) is True
    assert second.keep(7, digest, 600) is False  # replayed against the other node: refused
    assert first.keep(7, digest, 600) is False
    assert second.keep(8, digest, 600) is True  # per system
    ttl = second.client.ttl(f"{redis_prefix}:7:{digest}")
    assert 0 < ttl <= 600


def test_redis_set_if_absent_is_atomic_under_contention(redis_prefix: str) -> None:
    """Eight instances race for the same nonce: exactly one keeps it."""
    from concurrent.futures import ThreadPoolExecutor

    stores = [nonces.RedisNonces(REDIS_URL, redis_prefix) for _ in range(8)]
    digest = _digest()
    with ThreadPoolExecutor(8) as pool:
        kept = list(pool.map(lambda store: store.keep(1, digest, 60), stores))
    assert kept.count(True) == 1


@pytest.mark.django_db
def test_the_configured_redis_is_the_store(settings: Any, redis_prefix: str) -> None:
    settings.QLVB_INTEGRATION_NONCE_REDIS_URL = ""
    settings.QLVB_CACHE_URL = REDIS_URL
    assert isinstance(nonces.nonce_store(), nonces.RedisNonces)  # the deployment's cache, when it is Redis
    settings.QLVB_CACHE_URL = ""
    assert isinstance(nonces.nonce_store(), nonces.DatabaseNonces)  # never a per-process memory


@pytest.mark.django_db
def test_a_call_replayed_through_the_api_on_another_node_with_redis(
    settings: Any, desk: Issued, redis_prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.QLVB_INTEGRATION_NONCE_REDIS_URL = REDIS_URL
    monkeypatch.setattr(nonces, "KEY_PREFIX", redis_prefix)
    monkeypatch.setattr(nonces, "_stores", {})
    nonce = uuid.uuid4().hex
    assert _send(_plain(desk, "V01"), stamp=int(time.time()), nonce=nonce).status_code == 201
    monkeypatch.setattr(nonces, "_stores", {})  # another node: a client of its own
    replayed = _send(_plain(desk, "V01"), stamp=int(time.time()), nonce=nonce, external_id="HS-0002")
    assert replayed.status_code == 401 and replayed.json()["code"] == "request_replayed"
    assert list(Handover.objects.values_list("external_id", flat=True)) == ["HS-0001"]


@pytest.mark.django_db
def test_database_store(desk: Issued) -> None:
    store, other = nonces.DatabaseNonces(), nonces.DatabaseNonces()
    digest = _digest()
    assert store.keep(desk.system.pk, digest, 600) is True
    assert other.keep(desk.system.pk, digest, 600) is False
    RequestNonce.objects.filter(digest=digest).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert other.keep(desk.system.pk, digest, 600) is True  # expired: its timestamp refuses it anyway
    old = _digest()
    store.keep(desk.system.pk, old, 600)
    RequestNonce.objects.filter(digest=old).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert nonces.nonces_sweep() == 1
    assert set(RequestNonce.objects.values_list("digest", flat=True)) == {digest}


@pytest.mark.django_db(transaction=True)
def test_without_redis_a_nonce_kept_on_one_connection_is_refused_on_another(desk: Issued, settings: Any) -> None:
    """No Redis: the database is the store. A call kept through the API (this thread's connection) is
    refused by another node (a thread with a database connection of its own)."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    settings.QLVB_CACHE_URL = ""
    settings.QLVB_INTEGRATION_NONCE_REDIS_URL = ""
    nonce = uuid.uuid4().hex
    assert _send(_plain(desk, "V01"), stamp=int(time.time()), nonce=nonce).status_code == 201

    def other_node() -> bool:
        try:
            return nonces.nonce_store().keep(desk.system.pk, hashlib.sha256(nonce.encode()).hexdigest(), 600)
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(other_node).result() is False
