"""Reads from a replica (core/replica.py): a person's page reads go to the replica; the person who just
wrote reads the primary; a replica that is down or lags is left out and the pages still answer; writes,
transactions and background work never touch the replica.

The replica here is a second connection to the test database (the same data, as after replication): the
tests look at which connection ran the queries."""

from __future__ import annotations

import copy
from collections.abc import Iterator

import pytest
from django.db import connections, transaction
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext

from qlvb.core.replica import REPLICA, ROUTER, WROTE_COOKIE, ReplicaRouter, replica_forget, replica_probe, replica_state
from qlvb.directory.models import User
from qlvb.documents.models import Document

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def replica(settings) -> Iterator[dict]:
    """A replica alias next to the test database (added after the test's databases are set up, as the
    deployment's settings add it when QLVB_REPLICA_URL is set) and the router that uses it."""
    config = copy.deepcopy(connections.settings["default"])
    _connect(config)
    settings.DATABASE_ROUTERS = [ROUTER]
    settings.QLVB_REPLICA_CHECK_SECONDS = 3600
    settings.QLVB_REPLICA_STICKY_SECONDS = 15
    settings.QLVB_REPLICA_MAX_LAG_SECONDS = 5
    replica_forget()
    yield config
    connections[REPLICA].close()
    del connections[REPLICA]
    replica_forget()


def _connect(config: dict) -> None:
    """The replica's connection, made as Django makes one (a connection the test did not declare is
    refused by the test case unless it is made at run time, as here)."""
    wrapper = load_backend(config["ENGINE"]).DatabaseWrapper(config, REPLICA)
    setattr(connections._connections, REPLICA, wrapper)  # type: ignore[attr-defined]


def _unreachable(config: dict, *, forget: bool = True) -> None:
    """The replica gone; ``forget=False``: after a probe found it well, the next one still far off."""
    connections[REPLICA].close()
    if config["ENGINE"].endswith("sqlite3"):
        config["NAME"] = "/nonexistent-folder/replica.sqlite3"
    else:
        config.update(HOST="127.0.0.1", PORT="1")  # nothing listens there: refused at once
    _connect(config)
    if forget:
        replica_forget()


def test_a_page_read_goes_to_the_replica_a_writer_reads_the_primary_a_forged_cookie_too(replica, page_as):
    client = page_as("lethuha")
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert client.get("/van-ban-den/").status_code == 200
    assert len(on_replica) > 0, "the list was not read from the replica"
    assert replica_state().usable and replica_state().lag_seconds is not None

    # A write (here: choosing the language) marks the browser: its next reads go to the primary.
    response = client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert response.status_code == 302 and WROTE_COOKIE in response.cookies
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert client.get("/van-ban-den/").status_code == 200
    assert len(on_replica) == 0, "a person who just wrote read the replica"

    # Once the sticky time has passed, reads go back to the replica.
    client.cookies[WROTE_COOKIE] = "0"
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert client.get("/van-ban-den/").status_code == 200
    assert len(on_replica) > 0

    # A forged or garbled cookie only ever sends reads to the primary.
    client.cookies[WROTE_COOKIE] = "not-a-time"
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert client.get("/van-ban-den/").status_code == 200
    assert len(on_replica) == 0


def test_a_replica_that_is_down_leaves_the_pages_on_the_primary(replica, page_as):
    _unreachable(replica)
    client = page_as("lethuha")
    response = client.get("/van-ban-den/")
    assert response.status_code == 200
    state = replica_state()
    assert not state.usable and state.error  # the reason is kept for the status page


def test_a_replica_that_stops_between_two_probes_is_left_out_at_once(replica, page_as):
    """Stopped after a probe found it well, the next probe an hour away (make cluster-faults: the replica
    stopped under load gave 77 pages out of 1,344 a 500 until the next probe): the page still answers, from
    the primary, and the replica is left out from then on."""
    client = page_as("lethuha")
    assert client.get("/van-ban-den/").status_code == 200
    assert replica_state().usable
    _unreachable(replica, forget=False)
    assert replica_state().usable  # the last probe does not know yet
    with CaptureQueriesContext(connections["default"]) as on_primary:
        assert client.get("/van-ban-den/").status_code == 200
    assert len(on_primary) > 0
    state = replica_state()
    assert not state.usable and state.error


def test_a_connection_the_replica_dropped_is_noticed_not_a_failed_page(replica, page_as):
    """A replica stopped with ``-m fast`` drops the nodes' kept connections: the next request's health check
    (``CONN_HEALTH_CHECKS``, which settings.py turns on for the replica; without it this page fails with
    "terminating connection due to administrator command") notices and connects again."""
    if connections["default"].vendor != "postgresql":
        pytest.skip("a server that drops a connection: PostgreSQL's")
    connections[REPLICA].close()
    replica["CONN_HEALTH_CHECKS"] = True
    _connect(replica)
    client = page_as("lethuha")
    assert client.get("/van-ban-den/").status_code == 200
    kept = connections[REPLICA].connection
    assert kept is not None
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [kept.info.backend_pid])
    connections[REPLICA].close_if_unusable_or_obsolete()  # what Django does as each request starts
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert client.get("/van-ban-den/").status_code == 200
    assert len(on_replica) > 0 and connections[REPLICA].connection is not kept  # a new connection
    assert replica_state().usable


def test_a_lagging_replica_is_left_out(replica, settings):
    settings.QLVB_REPLICA_MAX_LAG_SECONDS = -1  # any lag, even none, is too much
    state = replica_probe()
    assert not state.usable and state.error == "lag"


def test_writes_transactions_and_background_work_use_the_primary(replica):
    router = ReplicaRouter()
    # no request (a Celery task, a command): the primary
    assert router.db_for_read(User) == "default"
    assert router.db_for_write(User) == "default"
    assert not router.allow_migrate(REPLICA, "directory")
    from qlvb.core.replica import replica_reads_allowed, replica_reads_reset

    token = replica_reads_allowed()
    try:
        assert router.db_for_read(Document) == REPLICA
        # who the caller is and what he may do: always the primary (a lock or a revoked token acts at once)
        assert router.db_for_read(User) == "default"
        with transaction.atomic():  # a read inside a write's transaction sees that transaction
            assert router.db_for_read(Document) == "default"
    finally:
        replica_reads_reset(token)
