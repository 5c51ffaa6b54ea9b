"""Webhooks through a REAL local HTTP receiver (a threaded ``http.server``): signed payloads that verify,
an endpoint answering 500 retried until it succeeds, a hanging one timed out, retried and the subscription
paused (audited, notified), then resumed and a failed delivery replayed; nothing for a person who may not
see the document, nothing for a rolled-back transaction, nothing twice when the consumer runs twice."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.utils import timezone

from qlvb.assignments.models import Notification
from qlvb.core.errors import Conflict, ValidationFailed
from qlvb.core.models import AuditEntry
from qlvb.directory.models import Unit, User
from qlvb.documents.events import event_dispatch
from qlvb.documents.models import DocumentEvent
from qlvb.integrations.accounts import Issued, system_register
from qlvb.integrations.drafts import UploadedFile
from qlvb.integrations.mapping import code_map
from qlvb.integrations.models import (
    CodeKind,
    DeliveryState,
    EventKind,
    Scope,
    Subscription,
    WebhookAttempt,
    WebhookDelivery,
)
from qlvb.integrations.receiving import IncomingRequest, incoming_from_system
from qlvb.integrations.webhook_purge import deliveries_purge
from qlvb.integrations.webhook_services import (
    IssuedSecret,
    delivery_replay,
    subscription_create,
    subscription_pause,
    subscription_resume,
)
from qlvb.signing.tests.samples import attachment_pdf

from .receiver import Receiver

URL = "/api/integration/v1/incoming"


def verify(secret: str, headers: dict[str, str], body: bytes, *, now: float | None = None) -> bool:
    """What a receiver does (the snippet of docs/integration.md)."""
    stamp = headers["X-Qlvb-Timestamp"]
    if abs((now or time.time()) - int(stamp)) > 300:
        return False
    expected = "sha256=" + hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["X-Qlvb-Signature"])


@pytest.fixture(autouse=True)
def webhook_settings(settings: Any) -> None:
    settings.QLVB_WEBHOOK_HTTP_HOSTS = ["127.0.0.1"]
    settings.QLVB_WEBHOOK_BACKOFF_SECONDS = 0
    settings.QLVB_WEBHOOK_CONNECT_TIMEOUT = 2
    settings.QLVB_WEBHOOK_READ_TIMEOUT = 0.3
    settings.QLVB_WEBHOOK_MAX_ATTEMPTS = 3
    settings.QLVB_WEBHOOK_PAUSE_AFTER = 5


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver().start()
    yield found
    found.stop()


@pytest.fixture
def hooks(person: Callable[[str], User], cong_van: Any) -> Issued:
    """A system of the whole agency that hands over incoming documents and receives events; V01 is the
    clerk Lê Thu Hà (sees every incoming document), U01 Đỗ Thanh Hương (sees only what she handles)."""
    admin = person("tranthilan")
    agency = Unit.objects.get(short_name="UBND", kind="agency")
    issued = system_register(
        actor=admin, name="Theo dõi", owner_unit=agency, scopes=[Scope.REGISTER_INCOMING, Scope.RECEIVE_EVENTS]
    )
    code_map(actor=admin, system=issued.system, kind=CodeKind.USER, code="V01", user=person("lethuha"))
    code_map(actor=admin, system=issued.system, kind=CodeKind.USER, code="U01", user=person("dothanhhuong"))
    code_map(actor=admin, system=issued.system, kind=CodeKind.DOC_TYPE, code="CV", doc_type=cong_van)
    return issued


def subscribe(person: Callable[[str], User], hooks: Issued, url: str, code: str = "V01") -> IssuedSecret:
    return subscription_create(
        actor=person("tranthilan"), system=hooks.system, url=url, kinds=[EventKind.DOCUMENT_REGISTERED], user_code=code
    )


def hand_over(client: Client, n: int) -> int:
    answer = client.post(
        URL,
        {
            "external_id": f"HS-{n}",
            "type_code": "CV",
            "subject": f"Đơn đề nghị số {n}",
            "organ_name": "Hội Nông dân xã Liên Minh",
            "code_number": str(100 + n),
            "code_notation": "HND",
            "issued_date": "2026-11-30",
            "main": SimpleUploadedFile("don.pdf", attachment_pdf()),
        },
    )
    assert answer.status_code == 201, answer.content
    return int(answer.json()["id"])


def test_a_signed_payload_reaches_the_receiver_and_only_for_who_sees_it(
    hooks, person, receiver, system_client, committed
):
    clerk = subscribe(person, hooks, receiver.url + "/clerk")
    officer = subscribe(person, hooks, receiver.url + "/officer", code="U01")
    with committed():
        document_id = hand_over(system_client(hooks, "V01"), 1)
    assert [r.path for r in receiver.requests] == ["/clerk"]  # the officer may not see the new document
    got = receiver.requests[0]
    assert verify(clerk.secret, got.headers, got.body)
    assert not verify(officer.secret, got.headers, got.body)
    assert not verify(clerk.secret, got.headers, got.body, now=time.time() + 301)  # too old
    payload = json.loads(got.body)
    assert payload["kind"] == "document.registered" and got.headers["X-Qlvb-Event"] == "document.registered"
    assert payload["data"]["document"]["id"] == document_id
    assert payload["data"]["document"]["subject"] == "Đơn đề nghị số 1"
    assert payload["id"] == f"doc-{DocumentEvent.objects.get(document_id=document_id, action='registered').pk}"
    delivery = WebhookDelivery.objects.get(subscription=clerk.subscription)
    assert got.headers["X-Qlvb-Delivery"] == str(delivery.pk)
    assert delivery.state == DeliveryState.DELIVERED and delivery.last_status_code == 200
    assert [(a.number, a.status_code, a.error) for a in delivery.log.all()] == [(1, 200, "")]
    assert not WebhookDelivery.objects.filter(subscription=officer.subscription).exists()


def test_the_consumer_run_twice_sends_once(hooks, person, receiver, system_client, committed):
    subscribe(person, hooks, receiver.url)
    with committed():
        document_id = hand_over(system_client(hooks, "V01"), 1)
    event = DocumentEvent.objects.get(document_id=document_id, action="registered")
    with committed():
        event_dispatch(event.pk)
    assert len(receiver.requests) == 1
    assert WebhookDelivery.objects.count() == 1


def test_a_receiver_answering_500_is_retried_until_it_succeeds(hooks, person, receiver, system_client, committed):
    receiver.behaviour = lambda _d, nth: (500 if nth < 3 else 200, 0.0)
    sub = subscribe(person, hooks, receiver.url).subscription
    with committed():
        hand_over(system_client(hooks, "V01"), 1)
    delivery = WebhookDelivery.objects.get(subscription=sub)
    assert delivery.state == DeliveryState.DELIVERED and delivery.attempts == 3
    assert sorted((a.number, a.status_code) for a in delivery.log.all()) == [(1, 500), (2, 500), (3, 200)]
    assert len({r.headers["X-Qlvb-Delivery"] for r in receiver.requests}) == 1  # the same delivery id each time
    sub.refresh_from_db()
    assert sub.failure_streak == 0 and sub.active


def test_a_hanging_receiver_times_out_and_pauses_then_resume_and_replay(
    hooks, person, receiver, system_client, committed
):
    hanging = True
    receiver.behaviour = lambda _d, _n: (200, 1.0 if hanging else 0.0)
    sub = subscribe(person, hooks, receiver.url).subscription
    client = system_client(hooks, "V01")
    for n in (1, 2):  # 3 timeouts (failed for good), then 2 more: 5 in a row → paused
        with committed():
            hand_over(client, n)
    first, second = WebhookDelivery.objects.filter(subscription=sub).order_by("pk")
    assert first.state == DeliveryState.FAILED and first.attempts == 3
    assert "timeout" in first.last_error and first.last_status_code is None
    assert second.state == DeliveryState.PENDING and second.attempts == 2  # held while paused
    sub.refresh_from_db()
    assert not sub.active and "5 lần" in sub.paused_reason
    assert AuditEntry.objects.filter(action="integrations.webhook_auto_paused").count() == 1
    assert Notification.objects.filter(user=person("tranthilan"), text__contains="tạm dừng").exists()
    admin = person("tranthilan")
    with pytest.raises(Conflict):
        delivery_replay(actor=admin, sub=sub, delivery=first)  # paused: resume first
    hanging = False
    with committed():
        subscription_resume(actor=admin, sub=sub)
    second.refresh_from_db()
    assert second.state == DeliveryState.DELIVERED
    with committed():
        delivery_replay(actor=admin, sub=sub, delivery=first)
    first.refresh_from_db()
    assert first.state == DeliveryState.DELIVERED and first.attempts == 4
    with pytest.raises(Conflict):
        delivery_replay(actor=admin, sub=sub, delivery=first)  # only a failed delivery is replayed
    actions = set(AuditEntry.objects.filter(action__startswith="integrations.webhook").values_list("action", flat=True))
    assert {"integrations.webhook_created", "integrations.webhook_resumed", "integrations.webhook_replayed"} <= actions


def test_a_rolled_back_transaction_sends_nothing(hooks, person, receiver, committed):
    subscribe(person, hooks, receiver.url)
    pdf = attachment_pdf()
    request = IncomingRequest(
        external_id="HS-9",
        type_code="CV",
        subject="Sẽ bị hủy",
        organ_name="Hội Nông dân",
        main_file=UploadedFile(name="don.pdf", stream=SimpleUploadedFile("don.pdf", pdf), size=len(pdf)),
        code_number="9",
    )
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        incoming_from_system(system=hooks.system, person=person("lethuha"), request=request)
        raise RuntimeError("rolled back")
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


@pytest.mark.parametrize(
    "url",
    ["http://example.org/hook", "https://user:pw@example.org/hook", "ftp://example.org/", "https://", "x" * 600],
)
def test_an_address_that_is_not_https_or_carries_a_password_is_refused(hooks, person, url):
    with pytest.raises(ValidationFailed):
        subscribe(person, hooks, url)
    assert not Subscription.objects.exists()


def test_a_system_without_the_receive_scope_cannot_subscribe(person, cong_van):
    admin = person("tranthilan")
    agency = Unit.objects.get(short_name="UBND", kind="agency")
    plain = system_register(actor=admin, name="Khác", owner_unit=agency, scopes=[Scope.READ_ISSUED])
    code_map(actor=admin, system=plain.system, kind=CodeKind.USER, code="V01", user=person("lethuha"))
    with pytest.raises(ValidationFailed, match="nhận sự kiện"):
        subscribe(person, plain, "https://example.org/hook")
    assert not Subscription.objects.exists()


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("https://127.0.0.1:8000/quan-tri/", "loopback"),
        ("https://localhost/hook", "localhost"),
        ("https://[::1]/hook", "loopback"),
        ("https://[::ffff:127.0.0.1]/hook", "loopback"),
        ("https://169.254.169.254/latest/meta-data/", "link-local"),
        ("https://0.0.0.0/hook", "loopback"),
        ("https://224.0.0.1/hook", "multicast"),
    ],
)
def test_an_address_of_the_server_itself_or_the_cloud_metadata_is_refused(hooks, person, url, says, settings):
    settings.QLVB_WEBHOOK_HTTP_HOSTS = []  # the tests' own receiver's host is trusted elsewhere in this module
    with pytest.raises(ValidationFailed) as refused:
        subscribe(person, hooks, url)
    assert says in refused.value.message and "không gửi vào chính máy chủ" in refused.value.message
    assert not Subscription.objects.exists()


def test_an_address_on_the_agencys_network_is_taken_unless_private_ranges_are_blocked(hooks, person, settings):
    assert subscribe(person, hooks, "https://10.20.30.40/mot-cua/hook").subscription.pk
    settings.QLVB_WEBHOOK_BLOCK_PRIVATE = True
    with pytest.raises(ValidationFailed, match="mạng nội bộ"):
        subscribe(person, hooks, "https://192.168.1.20/hook")
    assert Subscription.objects.count() == 1


def test_a_name_that_leads_to_the_server_itself_gets_nothing(hooks, person, receiver, system_client, committed):
    """A name is resolved when sending: ``localhost`` (not a trusted host here, only 127.0.0.1 is) reaches
    the same receiver by address, yet the connection is refused before a byte is sent — as for a name
    whose DNS answer changed after the subscription was saved."""
    sub = subscribe(person, hooks, receiver.url).subscription
    Subscription.objects.filter(pk=sub.pk).update(url=receiver.url.replace("127.0.0.1", "localhost"))
    with committed():
        hand_over(system_client(hooks, "V01"), 1)
    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get(subscription=sub)
    assert delivery.state != DeliveryState.DELIVERED and delivery.last_status_code is None
    assert "Không gửi: địa chỉ nhận localhost trỏ tới địa chỉ của chính máy chủ (loopback)" in delivery.last_error


def test_deliveries_over_for_the_keeping_period_are_purged_and_their_old_events_never_sent_again(
    hooks, person, receiver, system_client, committed, settings
):
    settings.QLVB_WEBHOOK_KEEP_DAYS = 90
    failing = False
    receiver.behaviour = lambda _d, _n: (500 if failing else 200, 0.0)
    sub = subscribe(person, hooks, receiver.url).subscription
    client = system_client(hooks, "V01")
    with committed():
        delivered_doc = hand_over(client, 1)
    failing = True
    with committed():
        hand_over(client, 2)  # 3 attempts answered 500: failed for good
    admin = person("tranthilan")
    with committed():
        subscription_pause(actor=admin, sub=sub)
        hand_over(client, 3)  # held while paused: pending
    states = dict(WebhookDelivery.objects.filter(subscription=sub).values_list("state", "pk"))
    assert set(states) == {DeliveryState.DELIVERED, DeliveryState.FAILED, DeliveryState.PENDING}
    assert deliveries_purge() == 0  # all made today
    long_ago = timezone.now() - dt.timedelta(days=91)
    WebhookDelivery.objects.update(created_at=long_ago)
    DocumentEvent.objects.update(created_at=long_ago)
    sent_before = len(receiver.requests)

    assert deliveries_purge(batch=1) == 2  # in batches of one: two transactions
    assert list(WebhookDelivery.objects.values_list("pk", flat=True)) == [states[DeliveryState.PENDING]]
    assert not WebhookAttempt.objects.exclude(delivery_id=states[DeliveryState.PENDING]).exists()
    old_event = DocumentEvent.objects.get(document_id=delivered_doc, action="registered")
    with committed():
        event_dispatch(old_event.pk)  # a replayed old queue: its row is gone, the age limit holds
    assert WebhookDelivery.objects.count() == 1 and len(receiver.requests) == sent_before

    settings.QLVB_WEBHOOK_KEEP_DAYS = 0  # kept forever
    WebhookDelivery.objects.update(state=DeliveryState.DELIVERED)
    assert deliveries_purge() == 0 and WebhookDelivery.objects.count() == 1
