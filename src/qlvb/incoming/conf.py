"""Settings of the incoming flow (from the Django settings or the environment)."""

from __future__ import annotations

import os

from django.conf import settings


def direct_routing_enabled() -> bool:
    """Whether a clerk may route a document straight to a department (NĐ 30 Điều 23.1: when the
    agency's rules make the handler obvious). ``QLVB_INCOMING_DIRECT_ROUTING``; on by default."""
    value = getattr(settings, "QLVB_INCOMING_DIRECT_ROUTING", None)
    if value is None:
        value = os.environ.get("QLVB_INCOMING_DIRECT_ROUTING", "1").strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


DUE_SOON_DAYS = 2
