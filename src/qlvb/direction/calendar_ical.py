"""A person's calendar as an iCalendar (RFC 5545) feed, for a phone's calendar app.

Times are written in the Asia/Ho_Chi_Minh time zone with its VTIMEZONE (UTC+07:00, no daylight saving);
DTSTAMP and LAST-MODIFIED in UTC. Text values are escaped (backslash, semicolon, comma, new line) and
lines folded at 75 octets without splitting a UTF-8 character; lines end in CRLF. A cancelled event stays
in the feed with STATUS:CANCELLED and a higher SEQUENCE, so the phone removes it. A whole-day event is
written with ``VALUE=DATE`` (its DTEND the day after its last day).

A repeated event is one VEVENT with an RRULE (its UID ``series-<id>@host``): the rule as it was made when the
person sees every occurrence, else bounded to the occurrences he sees (DTSTART the first, UNTIL the last).
An occurrence he does not see in between — cancelled, not published yet, or not his — is an EXDATE; an
occurrence moved or changed is written after it as an override with the same UID and its RECURRENCE-ID
(the start the rule gave it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from .calendar_models import CalendarEvent, EventSeries, EventState
from .calendar_repeat import Repeat, occurrences, rrule
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


def _date(value: dt.datetime) -> str:
    return f";VALUE=DATE:{value.astimezone(LOCAL):%Y%m%d}"


def _moment(value: dt.datetime, all_day: bool) -> str:
    """A DTSTART/DTEND/RECURRENCE-ID/EXDATE value with its parameters: a DATE or a local DATE-TIME."""
    return _date(value) if all_day else _local(value)


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


def master_texts(event: CalendarEvent) -> dict[str, str]:
    """SUMMARY, LOCATION and DESCRIPTION of ``event`` (kept on its series as the master's)."""
    return {"summary": event.title, "location": event.place_label, "description": _description(event)}


def _texts(texts: dict[str, str]) -> list[str]:
    lines = [f"SUMMARY:{escape(texts['summary'])}"]
    if texts.get("location"):
        lines.append(f"LOCATION:{escape(texts['location'])}")
    if texts.get("description"):
        lines.append(f"DESCRIPTION:{escape(texts['description'])}")
    return lines


def vevent(event: CalendarEvent, *, host: str, stamp: dt.datetime, uid: str = "", recurrence: str = "") -> list[str]:
    cancelled = event.state == EventState.CANCELLED
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid or f'event-{event.pk}@{host}'}",
        f"DTSTAMP:{_utc(stamp)}",
        *([f"RECURRENCE-ID{recurrence}"] if recurrence else []),
        f"DTSTART{_moment(event.starts_at, event.all_day)}",
        f"DTEND{_moment(event.ends_at, event.all_day)}",
        f"SEQUENCE:{event.sequence}",
        f"LAST-MODIFIED:{_utc(event.updated_at)}",
        *_texts(master_texts(event)),
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "END:VEVENT",
    ]
    return lines


def _rule_starts(series: EventSeries) -> list[dt.datetime]:
    """Every start the series' rule gives (the occurrences as they were made)."""
    repeat = Repeat(series.freq, until=series.until, count=series.count)
    return [start for start, _end in occurrences(series.starts_at, series.ends_at, repeat)]


def _as_made(event: CalendarEvent, series: EventSeries) -> bool:
    """The occurrence is still what its series' master says (its rule time and texts): no override needed."""
    return (
        event.starts_at == event.recurrence_id
        and event.ends_at - event.starts_at == series.ends_at - series.starts_at
        and event.all_day == series.all_day
        and master_texts(event) == series.master
    )


def series_vevents(series: EventSeries, seen: list[CalendarEvent], *, host: str, stamp: dt.datetime) -> list[str]:
    """The series' master VEVENT (RRULE, EXDATE) and its overrides, for a person who sees ``seen`` of its
    occurrences; nothing when he sees none that is not cancelled."""
    live = {e.recurrence_id: e for e in seen if e.state != EventState.CANCELLED and e.recurrence_id is not None}
    if not live:
        return []
    rule, all_day = _rule_starts(series), series.all_day
    first, last = min(live), max(live)
    if first == rule[0] and last == rule[-1]:
        value = rrule(series.freq, count=series.count) if series.count else None
    else:
        value = None
    if value is None:
        until = f"{last.astimezone(LOCAL):%Y%m%d}" if all_day else _utc(last)
        value = rrule(series.freq, until=until)
    uid = f"series-{series.pk}@{host}"
    length = series.ends_at - series.starts_at
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART{_moment(first, all_day)}",
        f"DTEND{_moment(first + length, all_day)}",
        f"RRULE:{value}",
        *[f"EXDATE{_moment(start, all_day)}" for start in rule if first <= start <= last and start not in live],
        f"SEQUENCE:{series.sequence}",
        f"LAST-MODIFIED:{_utc(series.updated_at)}",
        *_texts(series.master),
        "STATUS:CONFIRMED",
        "END:VEVENT",
    ]
    for start, event in sorted(live.items(), key=lambda item: item[0]):
        if not _as_made(event, series):
            lines += vevent(event, host=host, stamp=stamp, uid=uid, recurrence=_moment(start, all_day))
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
    events = list(events)
    ruled = {
        s.pk: s
        for s in EventSeries.objects.filter(pk__in={e.series_id for e in events if e.series_id}).exclude(freq="")
    }
    grouped: dict[Any, list[CalendarEvent]] = {}
    for event in events:
        if event.series_id in ruled:
            grouped.setdefault(event.series_id, []).append(event)
        else:
            lines.extend(vevent(event, host=host, stamp=stamp))
    for series_id, seen in grouped.items():
        lines.extend(series_vevents(ruled[series_id], seen, host=host, stamp=stamp))
    lines.append("END:VCALENDAR")
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")
