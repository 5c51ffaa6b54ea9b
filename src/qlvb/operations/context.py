"""The banner of incidents and maintenance on every page (signed in or not), and the "Có gì mới"
notice of the last upgrade for a signed-in person who has not dismissed it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from .notices import notices_shown
from .whats_new import whats_new_pending


def notices(request: HttpRequest) -> dict[str, Any]:
    if request.path.startswith(("/api/", "/static/", "/admin/jsi18n")):
        return {}
    user = getattr(request, "user", None)
    return {
        "system_notices": list(notices_shown()),
        "system_now": timezone.now(),
        "whats_new": whats_new_pending(user) if user is not None else "",
    }
