"""Reads of the work calendar, restricted inside the SQL query to what the actor may see.

Everyone of an agency sees its published calendar (and the events cancelled after publishing, shown as
cancelled); the drafts are seen by those who draft or publish it. Unit calendars are seen by the whole
agency; a personal calendar only by its owner. Another agency's event answers as one that does not exist."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet

from qlvb.core.errors import NotFound, ValidationFailed
from qlvb.core.permissions import has
from qlvb.directory.models import Unit, User
from qlvb.directory.selectors import agency_of

from . import calendar_policies as policies
from .calendar_models import CalendarEvent, EventState, MeetingRoom, Scope
from .errors import ErrorCode

LOCAL = ZoneInfo(settings.TIME_ZONE)
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


FIRST_YEAR, LAST_YEAR = 2000, 2100  # the calendar's range: beyond it a date is a typing mistake


def day_checked(day: dt.date) -> dt.date:
    """``day`` if within the calendar's range, else the refusal (a year 1 date would overflow in UTC)."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationFailed(
            f"Ngày phải trong khoảng năm {FIRST_YEAR}–{LAST_YEAR}.", code=ErrorCode.DATE_OUT_OF_RANGE
        )
    return day


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week (refused outside the calendar's range)."""
    day = day_checked(day)
    return day - dt.timedelta(days=day.weekday())


def week_range(monday: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[Monday 00:00, next Monday 00:00) in Asia/Ho_Chi_Minh, as aware datetimes."""
    start = dt.datetime.combine(monday, dt.time.min, tzinfo=LOCAL)
    return start, start + dt.timedelta(days=7)


def may_see_drafts(actor: User, agency: Unit) -> bool:
    return has(actor, policies.CALENDAR_EDIT, unit=agency) or has(actor, policies.CALENDAR_PUBLISH, unit=agency)


def _agency_or_none(actor: User) -> Unit | None:
    agency = agency_of(actor)
    return None if agency is None or agency.external else agency


def _shown_q(actor: User, agency: Unit) -> Q:
    """Agency and unit events of ``agency`` the actor sees (drafts only for the office and the leaders)."""
    published = Q(published_at__isnull=False)
    agency_events = Q(scope=Scope.AGENCY) & (Q() if may_see_drafts(actor, agency) else published)
    return Q(agency=agency) & (agency_events | Q(scope=Scope.UNIT))


def events_visible_to(actor: User) -> QuerySet[CalendarEvent]:
    agency = _agency_or_none(actor)
    if agency is None:
        return CalendarEvent.objects.none()
    return CalendarEvent.objects.filter(_shown_q(actor, agency) | Q(scope=Scope.PERSONAL, owner=actor))


def _related(qs: QuerySet[CalendarEvent]) -> QuerySet[CalendarEvent]:
    return qs.select_related("room", "chair", "preparing_unit", "unit", "owner").prefetch_related(
        "attendee_users", "attendee_units", "changes", "files"
    )


def _between(qs: QuerySet[CalendarEvent], start: dt.datetime, end: dt.datetime) -> QuerySet[CalendarEvent]:
    return qs.filter(starts_at__lt=end, ends_at__gt=start).order_by("starts_at", "id")


def agency_week(actor: User, start: dt.datetime, end: dt.datetime) -> QuerySet[CalendarEvent]:
    """The agency's calendar between ``start`` and ``end`` (cancelled drafts left out)."""
    agency = _agency_or_none(actor)
    if agency is None:
        return CalendarEvent.objects.none()
    qs = events_visible_to(actor).filter(scope=Scope.AGENCY).exclude(state=EventState.CANCELLED, published_at=None)
    return _related(_between(qs, start, end))


def unit_week(actor: User, unit: Unit, start: dt.datetime, end: dt.datetime) -> QuerySet[CalendarEvent]:
    """A unit's calendar: its own events, and the agency's published events it attends or prepares."""
    agency = _agency_or_none(actor)
    if agency is None or unit.agency_id != agency.pk:
        raise NotFound()
    own = Q(scope=Scope.UNIT, unit=unit)
    involved = Q(scope=Scope.AGENCY, published_at__isnull=False) & (
        Q(pk__in=CalendarEvent.attendee_units.through.objects.filter(unit_id=unit.pk).values("calendarevent_id"))
        | Q(preparing_unit=unit)
    )
    qs = events_visible_to(actor).filter(own | involved).exclude(state=EventState.CANCELLED, published_at=None)
    return _related(_between(qs, start, end))


def personal_q(person: User) -> Q:
    """The events of ``person``'s own calendar: his personal events, and the published agency and unit events
    he chairs or attends (himself or through his unit)."""
    through_users = CalendarEvent.attendee_users.through.objects.filter(user_id=person.pk).values("calendarevent_id")
    involved = Q(chair=person) | Q(pk__in=through_users)
    if person.unit_id is not None:
        through_units = CalendarEvent.attendee_units.through.objects.filter(unit_id=person.unit_id).values(
            "calendarevent_id"
        )
        involved |= Q(pk__in=through_units) | Q(scope=Scope.UNIT, unit_id=person.unit_id)
    shared = Q(scope__in=[Scope.AGENCY, Scope.UNIT], published_at__isnull=False) & involved
    return Q(scope=Scope.PERSONAL, owner=person) | shared


def my_week(actor: User, start: dt.datetime, end: dt.datetime) -> QuerySet[CalendarEvent]:
    qs = events_visible_to(actor).filter(personal_q(actor))
    return _related(_between(qs, start, end))


def feed_events(person: User, start: dt.datetime, end: dt.datetime) -> QuerySet[CalendarEvent]:
    """``my_week`` for the iCalendar feed: only what a VEVENT writes is fetched (no changes, no files)."""
    qs = _between(events_visible_to(person).filter(personal_q(person)), start, end)
    return qs.select_related("room", "chair", "preparing_unit").prefetch_related("attendee_users", "attendee_units")


def event_get(actor: User, pk: int) -> CalendarEvent:
    """An event the actor may see (another agency's, another person's personal one: NotFound)."""
    found = _related(events_visible_to(actor).filter(pk=pk)).select_related("agency").first()
    if found is None:
        raise NotFound("Không tìm thấy sự kiện hoặc bạn không có quyền xem.")
    return found


def series_of(actor: User, event: CalendarEvent) -> list[CalendarEvent]:
    """The occurrences of ``event``'s repetition that the actor may see, in order (just ``event`` when it
    does not repeat)."""
    if event.series_id is None:
        return [event]
    return list(
        events_visible_to(actor)
        .filter(series_id=event.series_id)
        .order_by("starts_at", "id")
        .only("pk", "starts_at", "state")
    )


def rooms_of(agency: Unit | None) -> QuerySet[MeetingRoom]:
    if agency is None:
        return MeetingRoom.objects.none()
    return MeetingRoom.objects.filter(agency=agency, is_active=True)


TIME_SPAN = re.compile(r"^(\d\d:\d\d) (\d\d/\d\d)/\d{4} – (\d\d:\d\d) (\d\d/\d\d)/\d{4}$")


def time_short(span: str) -> str:
    """A recorded time span ("08:00 07/12/2026 – 10:30 07/12/2026") as the week's Giờ column writes it:
    "08:00–10:30" on one day, with the days when it spans two or when ``span`` is of another day."""
    match = TIME_SPAN.match(span)
    if match is None:
        return span
    start, start_day, end, end_day = match.groups()
    if start_day == end_day:
        return f"{start}–{end} ({start_day})"
    return f"{start} {start_day}–{end} {end_day}"


def event_olds(event: CalendarEvent) -> dict[str, str]:
    """field → the value it had when the event was published (the first change of each field)."""
    olds: dict[str, str] = {}
    for change in event.changes.all():
        olds.setdefault(change.field, change.old_value)
    if "time" in olds:
        olds["time"] = time_short(olds["time"])
    return olds


@dataclass(frozen=True)
class DayEntry:
    """One event on one day of the week view: an event spanning several days is on each of them."""

    event: CalendarEvent
    span: str  # the "Giờ" column for that day
    continued: bool  # the event began on an earlier day


def _days_covered(event: CalendarEvent) -> tuple[dt.date, dt.date]:
    """The first and last local day an event takes (one ending at 00:00 does not take that day)."""
    start, end = event.starts_at.astimezone(LOCAL), event.ends_at.astimezone(LOCAL)
    last = (end - dt.timedelta(microseconds=1)).date() if end > start else start.date()
    return start.date(), last


def day_span(event: CalendarEvent, day: dt.date) -> str:
    """The time of ``event`` as the week view writes it on ``day``: "08:00–10:30" on one day; on the days of
        a longer event "08:00 – 17:00 ngày 09/12" (first), "Cả ngày (ngày 2/3)" (between), "Đến 17:00 (ngày 3/3)"
        (last); a whole day from midnight to midnight, or a whole-day event, is "Cả ngày" ("Cả ngày (ngày 2/3)"
    on each day of a whole-day event of several days)."""
    start, end = event.starts_at.astimezone(LOCAL), event.ends_at.astimezone(LOCAL)
    first, last = _days_covered(event)
    if first == last:
        whole = event.all_day or (start.time() == dt.time(0) and end - start == dt.timedelta(days=1))
        return "Cả ngày" if whole else f"{start:%H:%M}–{end:%H:%M}"
    total, nth = (last - first).days + 1, (day - first).days + 1
    if event.all_day:
        return f"Cả ngày (ngày {nth}/{total})"
    if day == first:
        return f"{start:%H:%M} – {end:%H:%M} ngày {end:%d/%m}"
    if day == last and end.time() != dt.time(0):
        return f"Đến {end:%H:%M} (ngày {nth}/{total})"
    return f"Cả ngày (ngày {nth}/{total})"


@dataclass(frozen=True)
class WeekDay:
    date: dt.date
    name: str  # "Thứ Hai" ... "Chủ nhật"
    entries: list[DayEntry]


def days_of_week(monday: dt.date, events: list[CalendarEvent]) -> list[WeekDay]:
    """Seven days, each with the entries of the events taking that day (local time; an event of several days,
    or one begun before Monday, is on every day of the week it takes), for the week view and the print."""
    spans = [(e, *_days_covered(e)) for e in events]
    days: list[WeekDay] = []
    for i in range(7):
        day = monday + dt.timedelta(days=i)
        entries = [DayEntry(e, day_span(e, day), day != first) for e, first, last in spans if first <= day <= last]
        days.append(WeekDay(day, WEEKDAYS[i], entries))
    return days
