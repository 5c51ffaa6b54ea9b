"""core/person_counts.py: a count kept for a person is counted on the primary even in a page read that may
use the replica (a lagging replica's count would be kept until the next change), and a cache that fails
leaves the counts computed as without it."""

from __future__ import annotations

import pytest
from django.test import override_settings

from qlvb.core import person_counts
from qlvb.core.replica import replica_reads_allowed, replica_reads_now, replica_reads_reset


@pytest.mark.django_db
def test_counted_on_the_primary_in_a_replica_read() -> None:
    seen: list[bool] = []

    def compute() -> int:
        seen.append(replica_reads_now())
        return 4

    token = replica_reads_allowed()
    try:
        assert person_counts.cached(11, "incoming", compute) == 4
        assert replica_reads_now()  # the page's other reads may still use the replica
    finally:
        replica_reads_reset(token)
    assert seen == [False]


def test_a_cache_that_fails_is_skipped() -> None:
    down = {"default": {"BACKEND": "qlvb.core.rediscache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
    with override_settings(CACHES=down, QLVB_COUNTS_CACHE=True):
        assert person_counts.cached(11, "incoming", lambda: 5) == 5
