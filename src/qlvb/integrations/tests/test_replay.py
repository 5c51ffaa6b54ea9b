"""Replay protection of the integration API's writes (issue 18, "a replayed or unsigned request"): a write
call needs a fresh ``X-Qlvb-Timestamp`` and a never-seen ``X-Qlvb-Nonce``; a captured call sent again, a
stale one, or one without them is refused with 401, a Vietnamese message and nothing written."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from qlvb.core.audit import AuditEntry
from qlvb.integrations.accounts import Issued
from qlvb.integrations.models import Handover
from qlvb.signing.tests.samples import attachment_pdf

from .conftest import token_of
from .test_integration_incoming import URL, fields

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_nonces() -> None:
    cache.clear()  # the nonces of an earlier test (the same ids come back in a new test database)


def _plain(issued: Issued, code: str) -> Client:
    """A client that sends only what the caller gives (no automatic timestamp and nonce)."""
    return Client(headers={"Authorization": f"Bearer {token_of(issued)}", "X-Acting-User": code})


def _send(client: Client, *, stamp: int | None = None, nonce: str | None = None, **data: Any) -> Any:
    headers = {}
    if stamp is not None:
        headers["X-Qlvb-Timestamp"] = str(stamp)
    if nonce is not None:
        headers["X-Qlvb-Nonce"] = nonce
    main = SimpleUploadedFile("don.pdf", attachment_pdf())
    return client.post(URL, {**fields(**data), "main": main}, headers=headers)


def test_a_replayed_call_is_refused_and_does_nothing(desk: Issued) -> None:
    client = _plain(desk, "V01")
    nonce = uuid.uuid4().hex
    assert _send(client, stamp=int(time.time()), nonce=nonce).status_code == 201
    replayed = _send(client, stamp=int(time.time()), nonce=nonce, external_id="HS-0099")
    assert replayed.status_code == 401
    assert replayed.json()["code"] == "request_replayed" and "nonce" in replayed.json()["detail"]
    assert list(Handover.objects.values_list("external_id", flat=True)) == ["HS-0001"]
    assert AuditEntry.objects.filter(action="integrations.call_refused", data__reason="request_replayed").exists()


def test_a_stale_or_future_call_is_refused(desk: Issued) -> None:
    client = _plain(desk, "V01")
    for stamp in (int(time.time()) - 310, int(time.time()) + 310):
        answer = _send(client, stamp=stamp, nonce=uuid.uuid4().hex)
        assert answer.status_code == 401 and answer.json()["code"] == "request_stale"
        assert "quá cũ" in answer.json()["detail"]
    assert not Handover.objects.exists()


@pytest.mark.parametrize(
    ("stamp", "nonce"),
    [(None, None), (0, None), (None, "n" * 20), (1, "short"), (1, "x" * 129), (1, "có dấu tiếng việt 1234567")],
)
def test_a_call_without_or_with_malformed_headers_is_refused(desk: Issued, stamp: Any, nonce: Any) -> None:
    if stamp == 1:
        stamp = int(time.time())
    answer = _send(_plain(desk, "V01"), stamp=stamp, nonce=nonce)
    assert answer.status_code == 401 and answer.json()["code"] == "request_unprotected"
    assert not Handover.objects.exists()


def test_reads_need_no_nonce_and_nonces_are_per_system(
    desk: Issued, one_stop: Issued, system_client: Callable[..., Client]
) -> None:
    assert _plain(desk, "V01").get(f"{URL}/HS-0001").status_code == 404  # a read: no headers needed
    nonce = uuid.uuid4().hex
    assert _send(_plain(desk, "V01"), stamp=int(time.time()), nonce=nonce).status_code == 201
    # the same nonce from another system is not a replay of this one's call (it is refused for its own reason)
    other = _send(_plain(one_stop, "U01"), stamp=int(time.time()), nonce=nonce)
    assert other.json().get("code") != "request_replayed"
