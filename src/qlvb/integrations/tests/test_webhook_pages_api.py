"""The webhook pages of the administrator and the webhook calls of the integration API: create (the secret
shown once), pause, resume, the delivery log, replay of a failed delivery, refusals; a task given in the
agency reaches a subscription to ``task.created`` through the same real receiver."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from qlvb.core.models import AuditEntry
from qlvb.direction.tests.task_fixtures import give
from qlvb.directory.models import Unit
from qlvb.integrations.accounts import system_register
from qlvb.integrations.mapping import code_map
from qlvb.integrations.models import CodeKind, DeliveryState, EventKind, Scope, Subscription, WebhookDelivery

from .receiver import Receiver
from .test_webhooks import hand_over, hooks, subscribe, webhook_settings  # noqa: F401  (fixtures)

API = "/api/integration/v1/webhooks"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver().start()
    yield found
    found.stop()


def test_a_system_manages_its_subscriptions_through_the_api(hooks, receiver, system_client, committed):  # noqa: F811
    client = system_client(hooks, "V01")
    made = client.post(API, {"url": receiver.url, "kinds": ["document.registered"]}, content_type="application/json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["secret"].startswith("whsec_") and body["user_code"] == "V01" and body["active"]
    listed = client.get(API).json()["results"]
    assert [s["id"] for s in listed] == [body["id"]] and "secret" not in listed[0]
    refused = client.post(
        API, {"url": "http://example.org/", "kinds": ["document.registered"]}, content_type="application/json"
    )
    assert refused.status_code == 422 and refused.json()["code"] == "webhook_url"
    assert client.post(f"{API}/{body['id']}/pause").json()["active"] is False
    assert client.post(f"{API}/{body['id']}/pause").status_code == 409
    assert client.post(f"{API}/{body['id']}/resume").json()["active"] is True
    rotated = client.post(f"{API}/{body['id']}/rotate-secret").json()
    assert rotated["secret"] != body["secret"]
    with committed():
        hand_over(client, 1)
    deliveries = client.get(f"{API}/{body['id']}/deliveries").json()
    assert deliveries["count"] == 1 and deliveries["results"][0]["state"] == "delivered"
    again = client.post(f"{API}/{body['id']}/deliveries/{deliveries['results'][0]['id']}/replay")
    assert again.status_code == 409 and again.json()["code"] == "not_failed"
    assert client.get(f"{API}/999999").status_code == 404
    audited = AuditEntry.objects.filter(action__startswith="integrations.webhook").values_list("action", flat=True)
    assert {
        "integrations.webhook_created",
        "integrations.webhook_paused",
        "integrations.webhook_secret_rotated",
    } <= set(audited)


def test_a_system_without_the_scope_is_refused(person, system_client, cong_van):
    admin = person("tranthilan")
    agency = Unit.objects.get(short_name="UBND", kind="agency")
    plain = system_register(actor=admin, name="Chỉ đọc", owner_unit=agency, scopes=[Scope.READ_ISSUED])
    code_map(actor=admin, system=plain.system, kind=CodeKind.USER, code="V01", user=person("lethuha"))
    answer = system_client(plain, "V01").get(API)
    assert answer.status_code == 403 and answer.json()["code"] == "not_allowed"


def test_the_pages_show_the_secret_once_the_log_and_replay(hooks, person, page_as, receiver, committed):  # noqa: F811
    client = page_as("tranthilan")
    base = f"/quan-tri/he-thong-ket-noi/{hooks.system.pk}/webhook/"
    answer = client.post(base, {"url": receiver.url + "/p", "kinds": ["document.registered"], "user_code": "V01"})
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    sub = Subscription.objects.get()
    secret = answer.content.decode().split('data-qlvb="webhook-secret">')[1].split("<")[0]
    assert secret.startswith("whsec_")
    assert secret not in client.get(base).content.decode()  # never shown again
    bad = client.post(base, {"url": "https://a:b@example.org/", "kinds": ["task.created"], "user_code": "V01"})
    assert bad.status_code == 422 and "mật khẩu" in bad.content.decode()
    failed = WebhookDelivery.objects.create(
        subscription=sub,
        event_key="doc-1",
        kind=EventKind.DOCUMENT_REGISTERED,
        body=json.dumps({"id": "doc-1"}),
        state=DeliveryState.FAILED,
        attempts=3,
        tries_left=0,
        next_attempt_at=timezone.now(),
        created_at=timezone.now(),
        last_error="Hết thời gian chờ",
    )
    page = client.get(f"{base}{sub.pk}/").content.decode()
    assert f'data-qlvb="replay-{failed.pk}"' in page and "Hết thời gian chờ" not in page  # no attempt logged yet
    with committed():
        done = client.post(f"{base}{sub.pk}/", {"action": "replay", "delivery": failed.pk})
    assert done.status_code == 302
    failed.refresh_from_db()
    assert failed.state == DeliveryState.DELIVERED and [r.path for r in receiver.requests] == ["/p"]
    assert client.post(f"{base}{sub.pk}/", {"action": "pause"}).status_code == 302
    sub.refresh_from_db()
    assert not sub.active
    assert 'data-qlvb="webhook-resume"' in client.get(f"{base}{sub.pk}/").content.decode()


def test_another_agencys_administrator_finds_no_page(hooks, person, page_as):  # noqa: F811
    subscribe(person, hooks, "https://example.org/hook")
    sub = Subscription.objects.get()
    outsider = page_as("tytlienminh_buithiloan")
    assert outsider.get(f"/quan-tri/he-thong-ket-noi/{hooks.system.pk}/webhook/").status_code == 404
    assert outsider.get(f"/quan-tri/he-thong-ket-noi/{hooks.system.pk}/webhook/{sub.pk}/").status_code == 404


def test_a_task_given_reaches_a_task_subscription(hooks, person, receiver, committed, settings: Any):  # noqa: F811
    admin = person("tranthilan")
    from qlvb.integrations.webhook_services import subscription_create

    code_map(actor=admin, system=hooks.system, kind=CodeKind.USER, code="K01", user=person("ngothuytrang"))
    issued = subscription_create(
        actor=admin, system=hooks.system, url=receiver.url, kinds=[EventKind.TASK_CREATED], user_code="K01"
    )
    code_map(actor=admin, system=hooks.system, kind=CodeKind.USER, code="L01", user=person("nguyenvanhung"))
    leader = subscription_create(
        actor=admin, system=hooks.system, url=receiver.url + "/leader", kinds=[EventKind.TASK_CREATED], user_code="L01"
    )
    with committed():
        task = give(person("nguyenvanhung"), lead=person("dothanhhuong"), title="Rà soát hồ sơ hộ nghèo")
    paths = sorted(r.path for r in receiver.requests)
    payloads = [json.loads(r.body) for r in receiver.requests]
    assert paths == ["/leader"] and all(p["data"]["task"]["id"] == task.pk for p in payloads)
    assert payloads[0]["kind"] == "task.created"
    # an officer of Kinh tế neither gave, handles nor belongs to the lead's department: nothing for her
    assert not WebhookDelivery.objects.filter(subscription=issued.subscription).exists()
    assert WebhookDelivery.objects.get(subscription=leader.subscription).state == DeliveryState.DELIVERED


def test_the_form_refuses_in_the_language_the_administrator_chose(hooks, person, page_as):  # noqa: F811
    client = page_as("tranthilan")
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    base = f"/quan-tri/he-thong-ket-noi/{hooks.system.pk}/webhook/"
    cases = [
        ("https://a:b@example.org/", ["task.created"], "Do not put a user name or password in the address"),
        ("http://example.org/hook", ["task.created"], "must use https://"),
        ("https://169.254.169.254/latest", ["task.created"], "a link-local address (169.254.x.x, fe80::)"),
        ("https://example.org/hook", [], "Choose at least one valid kind of event."),
    ]
    for url, kinds, says in cases:
        answer = client.post(base, {"url": url, "kinds": kinds, "user_code": "V01"})
        html = answer.content.decode()
        assert answer.status_code == 422 and says in html, (url, html[:2000])
        assert "Không nhận địa chỉ" not in html and "mật khẩu trong địa chỉ" not in html  # no Vietnamese left
    assert not Subscription.objects.exists()
    assert client.post("/i18n/setlang/", {"language": "vi", "next": "/"}).status_code == 302
    refused = client.post(base, {"url": "https://[::1]/hook", "kinds": ["task.created"], "user_code": "V01"})
    assert "Không nhận địa chỉ này: địa chỉ của chính máy chủ (loopback)" in refused.content.decode()


def test_a_new_system_without_user_codes_is_told_where_to_add_one(person, page_as):
    admin = person("tranthilan")
    agency = Unit.objects.get(short_name="UBND", kind="agency")
    system = system_register(actor=admin, name="Một cửa", owner_unit=agency, scopes=[Scope.RECEIVE_EVENTS]).system
    client = page_as("tranthilan")
    base = f"/quan-tri/he-thong-ket-noi/{system.pk}/webhook/"
    page = client.get(base).content.decode()
    assert 'data-qlvb="no-user-codes"' in page and f'href="/quan-tri/he-thong-ket-noi/{system.pk}/#codes-user"' in page
    assert 'id="codes-user"' in client.get(f"/quan-tri/he-thong-ket-noi/{system.pk}/").content.decode()
    code_map(actor=admin, system=system, kind=CodeKind.USER, code="V01", user=person("lethuha"))
    assert 'data-qlvb="no-user-codes"' not in client.get(base).content.decode()


def test_a_person_outside_the_systems_unit_is_refused_in_english_when_english_is_chosen(person, page_as):
    admin, clerk = person("tranthilan"), person("lethuha")
    agency = Unit.objects.get(short_name="UBND", kind="agency")
    department = Unit.objects.filter(parent=agency, is_active=True).exclude(pk=clerk.unit_id).first()
    assert department is not None
    system = system_register(actor=admin, name="Kinh tế", owner_unit=department, scopes=[Scope.RECEIVE_EVENTS]).system
    code_map(actor=admin, system=system, kind=CodeKind.USER, code="V01", user=clerk)  # of the agency, not the unit
    client = page_as("tranthilan")
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    answer = client.post(
        f"/quan-tri/he-thong-ket-noi/{system.pk}/webhook/",
        {"url": "https://motcua.example.vn/hook", "kinds": ["task.created"], "user_code": "V01"},
    )
    html = answer.content.decode()
    assert answer.status_code == 422 and f"{clerk.full_name} does not belong to {department.name}" in html
    assert not Subscription.objects.filter(system=system).exists()
