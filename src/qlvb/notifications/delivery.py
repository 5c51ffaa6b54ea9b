"""Sending pushes to the push services (RFC 8030) with pywebpush: the payload encrypted for each device
(RFC 8291, aes128gcm), the VAPID header (RFC 8292), ``TTL`` and ``Urgency``; many at once on a pool of
threads sharing one HTTP session. The answer sorts each send: delivered (201), gone (404/410: the
subscription is removed), or to retry (time-out, connection error, 429, 5xx)."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.conf import settings
from pywebpush import WebPusher, WebPushException
from requests.adapters import HTTPAdapter

from .vapid import VapidKey


class Outcome(enum.Enum):
    SENT = "sent"
    GONE = "gone"
    RETRY = "retry"
    REFUSED = "refused"  # 400/401/403/413: retrying the same request cannot help


@dataclass(frozen=True)
class Send:
    subscription_id: int
    endpoint: str
    p256dh: str
    auth: str
    payload: bytes
    urgency: str
    ttl: int


@dataclass(frozen=True)
class Result:
    send: Send
    outcome: Outcome
    status: int | None = None
    retry_after: float | None = None


def _session(workers: int) -> requests.Session:
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=workers, pool_maxsize=workers, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def _retry_after(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


class Sender:
    """One fan-out: the VAPID header made once per push service (origin), one HTTP session."""

    def __init__(self, key: VapidKey, *, workers: int | None = None) -> None:
        self.key = key
        self.workers = max(1, workers or settings.QLVB_PUSH_WORKERS)
        self.session = _session(self.workers)
        self._headers: dict[str, dict[str, str]] = {}

    def _vapid(self, endpoint: str) -> dict[str, str]:
        parts = urlsplit(endpoint)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._headers:
            self._headers[origin] = self.key.headers(endpoint)
        return self._headers[origin]

    def send(self, send: Send) -> Result:
        info = {"endpoint": send.endpoint, "keys": {"p256dh": send.p256dh, "auth": send.auth}}
        headers = {**self._vapid(send.endpoint), "Urgency": send.urgency}
        try:
            response = WebPusher(info, requests_session=self.session).send(
                send.payload, headers=headers, ttl=send.ttl, timeout=settings.QLVB_PUSH_TIMEOUT
            )
        except requests.RequestException:  # time-out, connection refused or reset: later
            return Result(send, Outcome.RETRY)
        except WebPushException:  # keys pywebpush cannot use (checked when subscribed): no retry helps
            return Result(send, Outcome.REFUSED)
        assert isinstance(response, requests.Response)
        status = response.status_code
        if status in (200, 201, 202):
            return Result(send, Outcome.SENT, status)
        if status in (404, 410):
            return Result(send, Outcome.GONE, status)
        if status == 429 or status >= 500:
            return Result(send, Outcome.RETRY, status, _retry_after(response.headers.get("Retry-After")))
        return Result(send, Outcome.REFUSED, status)

    def send_all(self, sends: Iterable[Send]) -> list[Result]:
        sends = list(sends)
        if len(sends) <= 1 or self.workers == 1:
            return [self.send(s) for s in sends]
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="push") as pool:
            return list(pool.map(self.send, sends))

    def close(self) -> None:
        self.session.close()
