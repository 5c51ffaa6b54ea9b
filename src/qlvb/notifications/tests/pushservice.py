"""A local Web Push service for tests and benchmarks: an HTTP server speaking RFC 8030 that checks what a
real push service checks and — playing the browser too — decrypts what it receives.

- ``POST /push/<id>``: 201 with a ``Location``; 404 for an unknown subscription, 410 for a removed one;
  ``TTL`` required (400 without), ``Urgency`` one of RFC 8030's four values (400 otherwise).
- VAPID (RFC 8292): ``Authorization: vapid t=<JWT>, k=<key>``; the JWT is ES256, signed by ``k``, with
  ``aud`` = this service's origin, ``exp`` in the future and at most 24 h ahead, and ``k`` the key the
  subscription was made with (``applicationServerKey``). Anything else: 401 / 403.
- The body is ``Content-Encoding: aes128gcm`` (RFC 8188), encrypted for the subscriber (RFC 8291): the
  service holds each subscriber's private key and auth secret (made as a browser makes them) and keeps
  the decrypted payload in ``messages``.
- ``POST /subscribe`` makes a subscriber, ``POST /remove/<id>`` removes one (for a service run in another
  process);
  ``fail(id, 500, 503, ...)`` answers the next sends to that subscription with those statuses (retries);
  ``remove(id)`` makes it answer 410. ``GET /stats`` gives the counts (for a service in another process).

Run alone: ``python -m qlvb.notifications.tests.pushservice [port]`` (prints its origin).
"""

from __future__ import annotations

import base64
import json
import secrets
import struct
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

URGENCIES = ("very-low", "low", "normal", "high")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _raw(public_key: ec.EllipticCurvePublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


def _hkdf(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


class DecryptError(ValueError):
    pass


def decrypt_aes128gcm(body: bytes, ua_private: ec.EllipticCurvePrivateKey, auth_secret: bytes) -> bytes:
    """RFC 8291 §3.4 + RFC 8188 §2: the user agent's side of Web Push message encryption."""
    if len(body) < 21 + 65:
        raise DecryptError("body shorter than the aes128gcm header")
    salt, (rs,), idlen = body[:16], struct.unpack(">I", body[16:20]), body[20]
    if idlen != 65 or rs < 18:
        raise DecryptError("keyid is not an uncompressed P-256 point, or record size too small")
    as_public_raw = body[21 : 21 + idlen]
    try:
        as_public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), as_public_raw)
    except ValueError as exc:
        raise DecryptError("keyid is no point of P-256") from exc
    ua_public_raw = _raw(ua_private.public_key())
    ecdh_secret = ua_private.exchange(ec.ECDH(), as_public)
    key_info = b"WebPush: info\x00" + ua_public_raw + as_public_raw
    ikm = _hkdf(auth_secret, ecdh_secret, key_info, 32)
    cek = _hkdf(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
    base_nonce = _hkdf(salt, ikm, b"Content-Encoding: nonce\x00", 12)
    ciphertext = body[21 + idlen :]
    records = [ciphertext[i : i + rs] for i in range(0, len(ciphertext), rs)] or [b""]
    plain = b""
    for seq, record in enumerate(records):
        nonce = (int.from_bytes(base_nonce, "big") ^ seq).to_bytes(12, "big")
        try:
            padded = AESGCM(cek).decrypt(nonce, record, None)
        except Exception as exc:  # cryptography's InvalidTag
            raise DecryptError("authentication tag does not match") from exc
        stripped = padded.rstrip(b"\x00")
        last = seq == len(records) - 1
        if not stripped or stripped[-1] != (2 if last else 1):
            raise DecryptError("bad padding delimiter")
        plain += stripped[:-1]
    return plain


@dataclass
class Subscriber:
    """One browser's subscription: its keys, as ``PushManager.subscribe`` makes them."""

    id: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes
    server_key: str = ""  # the applicationServerKey (base64url) it was made with; "" = any

    @property
    def keys(self) -> dict[str, str]:
        return {"p256dh": b64url(_raw(self.private_key.public_key())), "auth": b64url(self.auth)}

    def info(self) -> dict[str, Any]:
        """What ``PushSubscription.toJSON()`` gives."""
        return {"endpoint": self.endpoint, "keys": self.keys}


@dataclass
class Message:
    subscription: str
    payload: bytes
    ttl: int
    urgency: str
    topic: str
    claims: dict[str, Any]

    def json(self) -> Any:
        return json.loads(self.payload)


@dataclass
class _State:
    subscribers: dict[str, Subscriber] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    fail: dict[str, list[int]] = field(default_factory=dict)
    messages: list[Message] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)
    tokens: dict[str, dict[str, Any]] = field(default_factory=dict)  # verified JWTs (a sender reuses one)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: PushService

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _answer(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def _refuse(self, status: int, reason: str) -> None:
        with self.server.state.lock:
            self.server.state.refused.append((status, reason))
        self._answer(status, json.dumps({"reason": reason}).encode(), {"Content-Type": "application/json"})

    def do_GET(self) -> None:
        if self.path == "/stats":
            state = self.server.state
            with state.lock:
                body = {"received": len(state.messages), "refused": len(state.refused)}
            self._answer(200, json.dumps(body).encode(), {"Content-Type": "application/json"})
            return
        self._answer(404)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path == "/subscribe":  # the browser's side, for a service in another process (benchmarks)
            asked = json.loads(body or b"{}")
            made = self.server.subscribe(server_key=asked.get("server_key", ""))
            return self._answer(201, json.dumps(made.info()).encode(), {"Content-Type": "application/json"})
        if self.path.startswith("/remove/"):  # the browser unsubscribed (another process's benchmark)
            with self.server.state.lock:
                self.server.state.removed.add(self.path.removeprefix("/remove/"))
            return self._answer(204)
        if not self.path.startswith("/push/"):
            return self._refuse(404, "unknown path")
        sub_id = self.path.removeprefix("/push/")
        state = self.server.state
        with state.lock:
            subscriber = state.subscribers.get(sub_id)
            gone = sub_id in state.removed
            planned = state.fail.get(sub_id)
            forced = planned.pop(0) if planned else None
        if gone:
            return self._refuse(410, "subscription removed")
        if subscriber is None:
            return self._refuse(404, "no such subscription")
        if forced:
            return self._refuse(forced, "failure asked by the test")
        ttl = self.headers.get("TTL")
        if ttl is None or not ttl.isdigit():
            return self._refuse(400, "TTL header missing or not a number")
        urgency = self.headers.get("Urgency", "normal")
        if urgency not in URGENCIES:
            return self._refuse(400, f"bad Urgency {urgency!r}")
        claims = self._vapid(subscriber)
        if isinstance(claims, tuple):
            return self._refuse(*claims)
        if self.headers.get("Content-Encoding") != "aes128gcm":
            return self._refuse(415, "Content-Encoding must be aes128gcm")
        try:
            payload = decrypt_aes128gcm(body, subscriber.private_key, subscriber.auth)
        except DecryptError as exc:
            return self._refuse(400, f"cannot decrypt: {exc}")
        message = Message(sub_id, payload, int(ttl), urgency, self.headers.get("Topic", ""), claims)
        with state.lock:
            state.messages.append(message)
        self._answer(201, headers={"Location": f"{self.server.origin}/message/{uuid.uuid4().hex}"})

    def _vapid(self, subscriber: Subscriber) -> dict[str, Any] | tuple[int, str]:
        header = self.headers.get("Authorization", "")
        scheme, _, params = header.partition(" ")
        if scheme.lower() != "vapid":
            return 401, "Authorization is not vapid"
        fields = {}
        for part in params.split(","):
            name, _, value = part.strip().partition("=")
            fields[name.strip()] = value.strip()
        token, key = fields.get("t", ""), fields.get("k", "")
        if not token or not key:
            return 401, "vapid t= and k= needed"
        if subscriber.server_key and key.rstrip("=") != subscriber.server_key.rstrip("="):
            return 403, "k is not the applicationServerKey of the subscription"
        state = self.server.state
        with state.lock:
            known = state.tokens.get(token)
        if known is None or known.get("_k") != key:
            try:
                public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(key))
                claims = jwt.decode(
                    token,
                    key=public,
                    algorithms=["ES256"],
                    audience=self.server.origin,
                    options={"require": ["exp", "aud"]},
                )
            except (ValueError, jwt.PyJWTError) as exc:
                return 401, f"VAPID JWT refused: {exc}"
            known = {**claims, "_k": key}
            with state.lock:
                state.tokens[token] = known
        if known["exp"] < time.time():
            return 401, "VAPID JWT expired"
        if known["exp"] > time.time() + 24 * 60 * 60:
            return 401, "VAPID JWT exp more than 24 hours ahead"
        return {k: v for k, v in known.items() if k != "_k"}


class PushService(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.state = _State()
        self.origin = f"http://127.0.0.1:{self.server_address[1]}"
        self._thread: threading.Thread | None = None

    # --- the browser's side -------------------------------------------------------------------
    def subscribe(self, *, server_key: str = "") -> Subscriber:
        sub_id = secrets.token_urlsafe(16)
        subscriber = Subscriber(
            sub_id,
            f"{self.origin}/push/{sub_id}",
            ec.generate_private_key(ec.SECP256R1()),
            secrets.token_bytes(16),
            server_key,
        )
        with self.state.lock:
            self.state.subscribers[sub_id] = subscriber
        return subscriber

    def remove(self, subscriber: Subscriber) -> None:
        with self.state.lock:
            self.state.removed.add(subscriber.id)

    def fail(self, subscriber: Subscriber, *statuses: int) -> None:
        with self.state.lock:
            self.state.fail.setdefault(subscriber.id, []).extend(statuses)

    @property
    def messages(self) -> list[Message]:
        with self.state.lock:
            return list(self.state.messages)

    @property
    def refused(self) -> list[tuple[int, str]]:
        with self.state.lock:
            return list(self.state.refused)

    def messages_for(self, subscriber: Subscriber) -> list[Message]:
        return [m for m in self.messages if m.subscription == subscriber.id]

    # --- running ------------------------------------------------------------------------------
    def start(self) -> PushService:
        self._thread = threading.Thread(target=self.serve_forever, name="pushservice", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


if __name__ == "__main__":
    service = PushService(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    print(service.origin, flush=True)
    service.serve_forever()
