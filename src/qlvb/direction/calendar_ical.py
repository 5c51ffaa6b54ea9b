"""A person's calendar as an iCalendar (RFC 5545) feed, for a phone's calendar app.

Times are written in the Asia/Ho_Chi_Minh time zone with its VTIMEZONE (UTC+07:00, no daylight saving);
DTSTAMP and LAST-MODIFIED in UTC. Text values are escaped (backslash, semicolon, comma, new line) and
lines folded at 75 octets without splitting a UTF-8 character; lines end in CRLF. A cancelled event stays
in the feed with STATUS:CANCELLED and a higher SEQUENCE, so the phone removes it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from .calendar_models import CalendarEvent, EventState
from .calendar_selectors import LOCAL

TZID = "Asia/Ho_Chi_Minh"
VTIMEZONE = [
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0700",
    "TZOFFSETTO:+0700",
    "TZNAME:ICT",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets, continued with a leading space."""
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return line
    parts: list[str] = []
    current = b""
    limit = 75
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > limit:
            parts.append(current.decode("utf-8"))
            current, limit = b"", 74  # a continuation line starts with one space
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _local(value: dt.datetime) -> str:
    return f";TZID={TZID}:{value.astimezone(LOCAL):%Y%m%dT%H%M%S}"


def _utc(value: dt.datetime) -> str:
    return f"{value.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"


def _description(event: CalendarEvent) -> str:
    attendees = "; ".join(
        p
        for p in (
            ", ".join(str(u) for u in event.attendee_users.all()),
            ", ".join(u.name for u in event.attendee_units.all()),
            event.guests,
        )
        if p
    )
    lines = [
        f"Chủ trì: {event.chair}" if event.chair else "",
        f"Thành phần: {attendees}" if attendees else "",
        f"Chuẩn bị: {event.preparing_unit.name}" if event.preparing_unit else "",
        event.note,
    ]
    return "\n".join(line for line in lines if line)


def vevent(event: CalendarEvent, *, host: str, stamp: dt.datetime) -> list[str]:
    cancelled = event.state == EventState.CANCELLED
    lines = [
        "BEGIN:VEVENT",
        f"UID:event-{event.pk}@{host}",
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART{_local(event.starts_at)}",
        f"DTEND{_local(event.ends_at)}",
        f"SEQUENCE:{event.sequence}",
        f"LAST-MODIFIED:{_utc(event.updated_at)}",
        f"SUMMARY:{escape(event.title)}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
    ]
    if event.place_label:
        lines.append(f"LOCATION:{escape(event.place_label)}")
    description = _description(event)
    if description:
        lines.append(f"DESCRIPTION:{escape(description)}")
    lines.append("END:VEVENT")
    return lines


def calendar_ics(events: Iterable[CalendarEvent], *, host: str, name: str) -> bytes:
    stamp = timezone.now()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//qlvb//Lich cong tac//VI",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
        f"X-WR-TIMEZONE:{TZID}",
        *VTIMEZONE,
    ]
    for event in events:
        lines.extend(vevent(event, host=host, stamp=stamp))
    lines.append("END:VCALENDAR")
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")
