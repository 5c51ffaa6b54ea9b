"""Settings of the incoming flow (from the Django settings or the environment)."""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Iterable

from django.conf import settings


def direct_routing_enabled() -> bool:
    """Whether a clerk may route a document straight to a department (NĐ 30 Điều 23.1: when the
    agency's rules make the handler obvious). ``QLVB_INCOMING_DIRECT_ROUTING``; on by default."""
    value = getattr(settings, "QLVB_INCOMING_DIRECT_ROUTING", None)
    if value is None:
        value = os.environ.get("QLVB_INCOMING_DIRECT_ROUTING", "1").strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def acceptance_required() -> bool:
    """Whether the lead's completion waits for whoever assigned the lead part to accept it before the document
    counts as completed. ``QLVB_INCOMING_ACCEPTANCE_REQUIRED``; on by default (off: the lead's completion
    completes the document at once)."""
    value = getattr(settings, "QLVB_INCOMING_ACCEPTANCE_REQUIRED", None)
    if value is None:
        value = os.environ.get("QLVB_INCOMING_ACCEPTANCE_REQUIRED", "1").strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def _dates(value: str | Iterable[str | dt.date] | None) -> frozenset[dt.date]:
    if not value:
        return frozenset()
    return _parsed(value if isinstance(value, str) else tuple(value))


@functools.lru_cache(maxsize=16)
def _parsed(value: str | tuple[str | dt.date, ...]) -> frozenset[dt.date]:
    """The dates of one configured value, parsed once (a list page asks for every row that waits)."""
    items = value.replace(";", ",").split(",") if isinstance(value, str) else value
    out = set()
    for item in items:
        if isinstance(item, dt.date):
            out.add(item)
            continue
        text = item.strip()
        if not text:
            continue
        for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                out.add(dt.datetime.strptime(text, fmt).date())  # noqa: DTZ007 (a calendar date)
                break
            except ValueError:
                continue
        else:
            raise ValueError(f"ngày không hợp lệ trong cấu hình ngày nghỉ/ngày làm bù: {text!r} (dùng yyyy-mm-dd)")
    return frozenset(out)


def _setting(name: str) -> str | Iterable[str | dt.date] | None:
    value = getattr(settings, name, None)
    return value if value is not None else os.environ.get(name, "")


def public_holidays() -> frozenset[dt.date]:
    """Ngày nghỉ lễ, Tết (Bộ luật Lao động Điều 112 and the yearly notice of the Government):
    ``QLVB_PUBLIC_HOLIDAYS`` — a list of dates in the settings, or in the environment dates separated by
    commas (``2026-01-01,2026-02-16,…``; ``dd/mm/yyyy`` also accepted). The lunar holidays move every
    year, so the list is the agency's to keep up."""
    return _dates(_setting("QLVB_PUBLIC_HOLIDAYS"))


def extra_working_days() -> frozenset[dt.date]:
    """Ngày làm bù: Saturdays or Sundays declared working days (``QLVB_EXTRA_WORKING_DAYS``, same format)."""
    return _dates(_setting("QLVB_EXTRA_WORKING_DAYS"))


def is_working_day(day: dt.date) -> bool:
    if day in extra_working_days():
        return True
    return day.weekday() < 5 and day not in public_holidays()
