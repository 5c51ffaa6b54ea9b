"""The Web Push wire: what qlvb sends (pywebpush through ``delivery.Sender``) is what a push service
accepts — VAPID (RFC 8292) checked by the local push service, the body decrypted as a browser does
(RFC 8291, checked first against the RFC's own example), TTL and Urgency carried; and the service's
answers are sorted right (410 gone, 5xx retry)."""

from __future__ import annotations

import json
import time

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import ec

from qlvb.notifications.delivery import Outcome, Send, Sender
from qlvb.notifications.vapid import VapidKey

from .pushservice import b64url_decode, decrypt_aes128gcm

# RFC 8291 §5 / Appendix A: "When I grow up, I want to be a watermelon" sent to this receiver.
RFC = {
    "ua_private": "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94",
    "auth": "BTBZMqHH6r4Tts7J_aSIgg",
    "body": "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8"
    "wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN",
}


def test_the_local_service_decrypts_the_rfc_8291_example():
    ua_private = ec.derive_private_key(int.from_bytes(b64url_decode(RFC["ua_private"]), "big"), ec.SECP256R1())
    plain = decrypt_aes128gcm(b64url_decode(RFC["body"]), ua_private, b64url_decode(RFC["auth"]))
    assert plain == b"When I grow up, I want to be a watermelon"


def _send(sub, payload: dict, *, urgency="normal", ttl=3600) -> Send:
    data = json.dumps(payload, ensure_ascii=False).encode()
    return Send(1, sub.endpoint, sub.keys["p256dh"], sub.keys["auth"], data, urgency, ttl)


def test_a_push_arrives_signed_and_encrypted(push_service, settings):
    settings.QLVB_VAPID_SUBJECT = "mailto:vanthu@lienminh.gov.vn"
    key = VapidKey(ec.generate_private_key(ec.SECP256R1()))
    sub = push_service.subscribe(server_key=key.public_key)
    before = time.time()
    result = Sender(key).send(_send(sub, {"title": "Văn bản mới chờ vào sổ", "url": "/van-ban-den/7/"}, urgency="high"))
    assert (result.outcome, result.status) == (Outcome.SENT, 201), push_service.refused
    [message] = push_service.messages_for(sub)
    assert message.json() == {"title": "Văn bản mới chờ vào sổ", "url": "/van-ban-den/7/"}
    assert (message.ttl, message.urgency) == (3600, "high")
    assert message.claims["aud"] == push_service.origin
    assert message.claims["sub"] == "mailto:vanthu@lienminh.gov.vn"
    assert before < message.claims["exp"] <= time.time() + 24 * 3600


def test_many_pushes_at_once_each_decrypt_for_their_own_device(push_service):
    key = VapidKey(ec.generate_private_key(ec.SECP256R1()))
    subs = [push_service.subscribe(server_key=key.public_key) for _ in range(20)]
    sends = [
        Send(i, s.endpoint, s.keys["p256dh"], s.keys["auth"], f'{{"n": {i}}}'.encode(), "normal", 60)
        for i, s in enumerate(subs)
    ]
    results = Sender(key, workers=8).send_all(sends)
    assert [r.outcome for r in results] == [Outcome.SENT] * 20
    for i, s in enumerate(subs):
        assert [m.json() for m in push_service.messages_for(s)] == [{"n": i}]


def test_a_push_signed_by_another_key_is_refused(push_service):
    ours = VapidKey(ec.generate_private_key(ec.SECP256R1()))
    sub = push_service.subscribe(server_key=ours.public_key)
    stranger = VapidKey(ec.generate_private_key(ec.SECP256R1()))
    result = Sender(stranger).send(_send(sub, {"title": "x"}))
    assert (result.outcome, result.status) == (Outcome.REFUSED, 403)
    assert push_service.messages == []


def test_the_service_checks_the_jwt_itself(push_service):
    """A JWT whose signature is not by ``k``, or for another audience, or expired: 401 (not just "k matches")."""
    key = VapidKey(ec.generate_private_key(ec.SECP256R1()))
    sub = push_service.subscribe(server_key=key.public_key)
    body = Sender(key)  # only to make a well-formed encrypted body through pywebpush
    from pywebpush import WebPusher

    prepared = WebPusher(sub.info())._prepare_send_data(b'{"a": 1}', headers={}, ttl=60)
    other = ec.generate_private_key(ec.SECP256R1())
    cases = {
        "forged": jwt.encode(
            {"aud": push_service.origin, "exp": int(time.time()) + 600, "sub": "mailto:a@b.vn"},
            other,
            algorithm="ES256",
        ),
        "audience": jwt.encode(
            {"aud": "https://fcm.googleapis.com", "exp": int(time.time()) + 600}, key.private_key, algorithm="ES256"
        ),
        "expired": jwt.encode(
            {"aud": push_service.origin, "exp": int(time.time()) - 10}, key.private_key, algorithm="ES256"
        ),
        "too far": jwt.encode(
            {"aud": push_service.origin, "exp": int(time.time()) + 48 * 3600}, key.private_key, algorithm="ES256"
        ),
    }
    for name, token in cases.items():
        headers = {**prepared["headers"], "Authorization": f"vapid t={token}, k={key.public_key}"}
        answer = requests.post(sub.endpoint, data=prepared["data"], headers=dict(headers), timeout=5)
        assert answer.status_code == 401, name
    no_ttl = {k: v for k, v in prepared["headers"].items() if k.lower() != "ttl"}
    headers = {**no_ttl, **body._vapid(sub.endpoint)}
    assert requests.post(sub.endpoint, data=prepared["data"], headers=headers, timeout=5).status_code == 400
    assert push_service.messages == []


@pytest.mark.parametrize(
    ("status", "outcome"),
    [(410, Outcome.GONE), (404, Outcome.GONE), (503, Outcome.RETRY), (429, Outcome.RETRY), (413, Outcome.REFUSED)],
)
def test_the_answers_are_sorted(push_service, status, outcome):
    key = VapidKey(ec.generate_private_key(ec.SECP256R1()))
    sub = push_service.subscribe()
    push_service.fail(sub, status)
    assert Sender(key).send(_send(sub, {"t": 1})).outcome == outcome


def test_a_removed_subscription_answers_410_and_a_silent_service_times_out(push_service, settings):
    key = VapidKey(ec.generate_private_key(ec.SECP256R1()))
    sub = push_service.subscribe()
    push_service.remove(sub)
    assert Sender(key).send(_send(sub, {"t": 1})).status == 410
    # nothing listens on this port: a connection error is retried later, not raised
    dead = Send(1, "http://127.0.0.1:9/push/x", sub.keys["p256dh"], sub.keys["auth"], b"{}", "normal", 60)
    assert Sender(key).send(dead).outcome == Outcome.RETRY
