"""The local push service (pushservice.py) for the push tests, and the settings that let qlvb send to it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .pushservice import PushService


@pytest.fixture
def push_service(settings) -> Iterator[PushService]:
    settings.QLVB_PUSH_ALLOW_LOCAL_HTTP = True  # http://127.0.0.1 is refused in production
    settings.QLVB_PUSH_TIMEOUT = 5
    service = PushService().start()
    yield service
    service.stop()
