"""Dates as a Vietnamese reader sees them."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def day_text(value: dt.date | dt.datetime | None) -> str:
    """``dd/mm/yyyy`` (the template's ``date:"d/m/Y"``); a moment is first taken to its day in Vietnam's time
    (``TIME_ZONE``); nothing gives ``""``."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return f"{value:%d/%m/%Y}"


def moment_text(value: dt.datetime | None) -> str:
    """``dd/mm/yyyy HH:MM`` in Vietnam's time (the template's ``date:"d/m/Y H:i"``); nothing gives ``""``."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value:%d/%m/%Y %H:%M}"
