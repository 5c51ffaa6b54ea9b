"""Subscribing a device (``/api/v1/push``): the VAPID key is made once and kept, a browser's subscription
is kept for its person; a wrong key, a non-https or unknown push service, another person's device are
refused in Vietnamese and nothing is written; a person removes only his own devices."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from qlvb.core.audit import AuditEntry
from qlvb.notifications.models import PushSubscription, VapidKeyPair
from qlvb.notifications.vapid import VapidKey, b64url, vapid_key

pytestmark = pytest.mark.django_db

URL = "/api/v1/push/subscriptions"


def _body(sub, **over):
    body = {"endpoint": sub.endpoint, "keys": dict(sub.keys)}
    body.update(over)
    return body


def test_the_key_is_made_once_and_kept_in_the_database(api_as, demo):
    assert not VapidKeyPair.objects.exists()
    first = api_as("lethuha").get("/api/v1/push/key")
    assert first.status_code == 200
    key = first.json()["public_key"]
    assert len(b64url_decode_len(key)) == 65
    assert api_as("nguyenvanhung").get("/api/v1/push/key").json()["public_key"] == key
    assert VapidKeyPair.objects.count() == 1 and VapidKeyPair.objects.get().public_key == key


def b64url_decode_len(text):
    from qlvb.notifications.vapid import b64url_decode

    return b64url_decode(text)


def test_the_key_can_come_from_the_setting(settings, db):
    private = ec.generate_private_key(ec.SECP256R1())
    settings.QLVB_VAPID_PRIVATE_KEY = b64url(private.private_numbers().private_value.to_bytes(32, "big"))
    assert vapid_key().public_key == VapidKey(private).public_key
    assert not VapidKeyPair.objects.exists()


def test_the_key_needs_a_signed_in_person(client, db):
    assert client.get("/api/v1/push/key").status_code in (401, 403)


def test_a_person_subscribes_a_device_and_lists_it(api_as, push_service):
    sub = push_service.subscribe()
    ha = api_as("lethuha")
    made = ha.post(URL, _body(sub, label="Chrome trên Android"), content_type="application/json")
    assert made.status_code == 201, made.content
    assert made.json()["push_service"] == "127.0.0.1" and made.json()["label"] == "Chrome trên Android"
    again = ha.post(URL, _body(sub), content_type="application/json")  # the browser subscribes again: one row
    assert again.status_code == 201 and again.json()["id"] == made.json()["id"]
    assert [d["id"] for d in ha.get(URL).json()] == [made.json()["id"]]
    saved = PushSubscription.objects.get()
    assert saved.user.username == "ublienminh_lethuha" and saved.p256dh == sub.keys["p256dh"]
    assert AuditEntry.objects.filter(action="push.subscribed").count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"keys": {"p256dh": "AAAA", "auth": "x"}}, "65 byte"),
        ({"keys": {"p256dh": b64url(b"\x04" + b"\x01" * 64), "auth": b64url(b"a" * 16)}}, "đường cong P-256"),
        ({"keys": {"p256dh": "không phải base64!", "auth": b64url(b"a" * 16)}}, "base64url"),
        ("auth", "16 byte"),
        ({"endpoint": "http://fcm.googleapis.com/fcm/send/abc"}, "https"),
        ({"endpoint": "https://10.0.0.5/push/abc"}, "không nằm trong danh sách được phép"),
        ({"endpoint": "https://user:pw@fcm.googleapis.com/x"}, "không hợp lệ"),
        ({"endpoint": "ftp://127.0.0.1/x"}, "https"),
    ],
)
def test_a_bad_subscription_is_refused_in_vietnamese(api_as, push_service, change, message):
    sub = push_service.subscribe()
    body = _body(sub)
    if change == "auth":
        body["keys"]["auth"] = b64url(b"short")
    else:
        body.update(change)
    answer = api_as("lethuha").post(URL, body, content_type="application/json")
    assert answer.status_code == 422, answer.content
    assert message in answer.json()["detail"]
    assert not PushSubscription.objects.exists()


def test_plain_http_to_this_machine_only_when_allowed(api_as, push_service, settings):
    settings.QLVB_PUSH_ALLOW_LOCAL_HTTP = False
    answer = api_as("lethuha").post(URL, _body(push_service.subscribe()), content_type="application/json")
    assert answer.status_code == 422 and "https" in answer.json()["detail"]


def test_a_known_push_service_over_https_is_taken(api_as, push_service):
    sub = push_service.subscribe()
    for endpoint in (
        "https://fcm.googleapis.com/fcm/send/abc:def",
        "https://updates.push.services.mozilla.com/wpush/v2/x",
        "https://web.push.apple.com/QGx",
    ):
        answer = api_as("lethuha").post(URL, _body(sub, endpoint=endpoint), content_type="application/json")
        assert answer.status_code == 201, (endpoint, answer.content)


def test_another_persons_device_is_refused(api_as, push_service):
    sub = push_service.subscribe()
    assert api_as("lethuha").post(URL, _body(sub), content_type="application/json").status_code == 201
    other = api_as("nguyenvanhung").post(URL, _body(sub), content_type="application/json")
    assert other.status_code == 409
    assert "tài khoản khác" in other.json()["detail"]
    assert PushSubscription.objects.get().user.username == "ublienminh_lethuha"


def test_a_person_removes_only_his_own_device(api_as, push_service):
    sub = push_service.subscribe()
    made = api_as("lethuha").post(URL, _body(sub), content_type="application/json").json()
    hung = api_as("nguyenvanhung")
    assert hung.delete(f"{URL}/{made['id']}").status_code == 404
    assert (
        hung.post(f"{URL}/unsubscribe", {"endpoint": sub.endpoint}, content_type="application/json").status_code == 404
    )
    assert PushSubscription.objects.count() == 1
    ha = api_as("lethuha")
    assert ha.post(f"{URL}/unsubscribe", {"endpoint": sub.endpoint}, content_type="application/json").status_code == 204
    assert not PushSubscription.objects.exists()
    assert AuditEntry.objects.filter(action="push.unsubscribed").count() == 1
