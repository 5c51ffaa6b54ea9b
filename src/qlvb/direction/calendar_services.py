"""Every write of the work calendar: events (create, change, cancel), publishing the agency's week, meeting
rooms, and the personal iCalendar feed tokens.

Each service checks through the one precondition of its action (``calendar_preconditions.py``), writes in
one transaction, records the audit entry and sends the notifications after commit. A change to a published
event is kept field by field (``EventChange``: the old value is shown struck through) and told to its
attendees; the meeting room is locked while its clash is checked, so two bookings never overlap."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from qlvb.assignments.models import NotificationKind
from qlvb.assignments.notify import notify_after_commit
from qlvb.core import audit
from qlvb.core.errors import Conflict, NotFound, ValidationFailed
from qlvb.core.locks import row_locked
from qlvb.core.permissions import require
from qlvb.core.text import text_clean
from qlvb.directory.models import Unit, User
from qlvb.files import policies as file_policies
from qlvb.files.models import StoredFile

from . import calendar_policies as policies
from .calendar_ical import master_texts
from .calendar_models import (
    CALENDAR_MAX,
    CalendarEvent,
    EventChange,
    EventSeries,
    EventState,
    FeedToken,
    MeetingRoom,
    Scope,
)
from .calendar_preconditions import event_create_check, event_edit_check, week_publish_check
from .calendar_repeat import Repeat, occurrences
from .calendar_selectors import LOCAL, day_checked, events_visible_to, week_range
from .errors import ErrorCode


@dataclass
class EventData:
    """What a person fills in for an event (the ids already resolved to objects the actor may see)."""

    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str = ""
    room: MeetingRoom | None = None
    chair: User | None = None
    attendee_users: list[User] = field(default_factory=list)
    attendee_units: list[Unit] = field(default_factory=list)
    guests: str = ""
    preparing_unit: Unit | None = None
    note: str = ""
    all_day: bool = False  # the days of starts_at and ends_at (inclusive) are taken whole; their times ignored


def when(value: dt.datetime) -> str:
    return f"{value.astimezone(LOCAL):%H:%M %d/%m/%Y}"


def whole_days(starts_at: dt.datetime, ends_at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """A whole-day event's stored bounds: local midnight of its first day, local midnight after its last day
    (``ends_at``'s day, inclusive; an end at 00:00 of a later day means the day before)."""
    first, last = starts_at.astimezone(LOCAL).date(), ends_at.astimezone(LOCAL)
    last_day = last.date()
    if last.time() == dt.time(0) and last_day > first:
        last_day -= dt.timedelta(days=1)
    begin = dt.datetime.combine(first, dt.time(0), tzinfo=LOCAL)
    return begin, dt.datetime.combine(max(last_day, first) + dt.timedelta(days=1), dt.time(0), tzinfo=LOCAL)


def event_time_text(event: CalendarEvent | EventData) -> str:
    """The time as a change records it: "08:00 07/12/2026 – 10:30 07/12/2026", or "Cả ngày 07/12/2026"
    (and " – 09/12/2026" for several days)."""
    if event.all_day:
        first = event.starts_at.astimezone(LOCAL).date()
        last = (event.ends_at.astimezone(LOCAL) - dt.timedelta(days=1)).date()
        return f"Cả ngày {first:%d/%m/%Y}" + (f" – {last:%d/%m/%Y}" if last > first else "")
    return f"{when(event.starts_at)} – {when(event.ends_at)}"


def _in_agency(agency: Unit, data: EventData) -> None:
    units = [*data.attendee_units, *([data.preparing_unit] if data.preparing_unit else [])]
    people = [*data.attendee_users, *([data.chair] if data.chair else [])]
    outside = [u for u in units if u.agency_id != agency.pk] + [
        p for p in people if p.unit is None or p.unit.agency_id != agency.pk
    ]
    if outside or (data.room is not None and data.room.agency_id != agency.pk):
        raise ValidationFailed(
            "Thành phần, đơn vị chuẩn bị, người chủ trì và phòng họp phải thuộc cơ quan của bạn "
            "(khách ngoài cơ quan ghi vào ô “Khách mời”).",
            code=ErrorCode.OUTSIDE_AGENCY,
        )


def _clean(agency: Unit, data: EventData) -> EventData:
    for moment in (data.starts_at, data.ends_at):
        day_checked(moment.date())
    if data.all_day:
        if data.ends_at.astimezone(LOCAL).date() < data.starts_at.astimezone(LOCAL).date():
            raise ValidationFailed(
                f"Ngày kết thúc ({data.ends_at.astimezone(LOCAL):%d/%m/%Y}) phải từ ngày bắt đầu "
                f"({data.starts_at.astimezone(LOCAL):%d/%m/%Y}) trở đi.",
                code=ErrorCode.EVENT_ENDS_BEFORE_START,
            )
        data.starts_at, data.ends_at = whole_days(data.starts_at, data.ends_at)
    if data.ends_at <= data.starts_at:
        raise ValidationFailed(
            f"Thời gian kết thúc ({when(data.ends_at)}) phải sau thời gian bắt đầu ({when(data.starts_at)}).",
            code=ErrorCode.EVENT_ENDS_BEFORE_START,
        )
    _in_agency(agency, data)
    data.title = text_clean(data.title, label="nội dung", limit=CALENDAR_MAX["title"], required=True)
    data.place = text_clean(data.place, label="địa điểm", limit=CALENDAR_MAX["place"])
    data.guests = text_clean(data.guests, label="khách mời", limit=CALENDAR_MAX["guests"])
    data.note = text_clean(data.note, label="ghi chú", limit=CALENDAR_MAX["note"])
    return data


def _room_free(data: EventData, *, exclude: int | None = None) -> None:
    """Refuse a booking that overlaps another live event in the same room (the room row locked first)."""
    if data.room is None:
        return
    room = row_locked(data.room)
    overlapping = (
        CalendarEvent.objects.filter(room=room, starts_at__lt=data.ends_at, ends_at__gt=data.starts_at)
        .exclude(state=EventState.CANCELLED)
        .order_by("starts_at")
    )
    if exclude is not None:
        overlapping = overlapping.exclude(pk=exclude)
    other = overlapping.first()
    if other is not None:
        raise Conflict(
            f"Phòng họp “{room.name}” đã được đặt cho “{other.title}” từ {when(other.starts_at)} "
            f"đến {when(other.ends_at)}.",
            code=ErrorCode.ROOM_BOOKED,
            details={"event_id": other.pk, "title": other.title},
        )


def _attach(event: CalendarEvent, actor: User, files: Iterable[StoredFile]) -> None:
    files = list(files)
    if any(f.uploaded_by_id != actor.pk for f in files):
        raise NotFound("Không tìm thấy tệp hoặc bạn không có quyền dùng tệp này.")
    if files:
        event.files.add(*files)


def event_people(event: CalendarEvent) -> list[int]:
    """Who takes part: the chair, the attendees named, the people of the attendee units (and of their
    departments), the owner of a personal event."""
    unit_ids = list(event.attendee_units.values_list("pk", flat=True))
    ids = set(event.attendee_users.values_list("pk", flat=True))
    if unit_ids:
        ids |= set(
            User.objects.filter(Q(unit_id__in=unit_ids) | Q(unit__parent_id__in=unit_ids), is_active=True).values_list(
                "pk", flat=True
            )
        )
    ids |= {pk for pk in (event.chair_id, event.owner_id) if pk}
    return sorted(ids)


@transaction.atomic
def event_create(
    *,
    actor: User,
    agency: Unit,
    data: EventData,
    scope: str = Scope.AGENCY,
    unit: Unit | None = None,
    files: Iterable[StoredFile] = (),
    repeat: Repeat | None = None,
) -> CalendarEvent:
    """A draft of the agency's calendar; a unit's or a personal event is in force at once. With ``repeat``,
    every occurrence is made at once (each booked in the room: one clash refuses them all) and the first
    one is returned."""
    if scope not in Scope.values:
        raise ValidationFailed("Loại lịch không hợp lệ.")
    event_create_check(actor, agency=agency, scope=scope, unit=unit)
    data = _clean(agency, data)
    times = occurrences(data.starts_at, data.ends_at, repeat) if repeat else [(data.starts_at, data.ends_at)]
    for moment in (times[-1][0], times[-1][1]):
        day_checked(moment.date())
    series = _series_make(agency, data, repeat) if repeat is not None and len(times) > 1 else None
    files = list(files)
    made: list[CalendarEvent] = []
    for index, (starts_at, ends_at) in enumerate(times, start=1):
        one = replace(data, starts_at=starts_at, ends_at=ends_at)
        _room_free(one)
        made.append(_event_make(actor, agency, one, scope, unit, series=series, index=index if series else None))
        _attach(made[-1], actor, files)
    event = made[0]
    if series is not None:
        series.master = master_texts(event)
        series.save(update_fields=["master"])
    audit.record(
        "calendar.event_created",
        actor=actor,
        obj=event,
        data={"scope": scope, "starts_at": event.starts_at, "all_day": data.all_day}
        | ({"repeat": repeat.freq, "occurrences": len(made)} if repeat is not None and series else {}),
    )
    if event.published_at is not None and scope == Scope.UNIT:
        again = f" (lặp lại {len(made)} buổi, đến {when(made[-1].starts_at)})" if series else ""
        _notify(event, actor, f"Lịch công tác đơn vị: “{event.title}” lúc {when(event.starts_at)}{again}.")
    return event


def _series_make(agency: Unit, data: EventData, repeat: Repeat) -> EventSeries:
    return EventSeries.objects.create(
        id=uuid.uuid4(),
        agency=agency,
        freq=repeat.freq,
        until=repeat.until,
        count=repeat.count,
        all_day=data.all_day,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
    )


def _event_make(
    actor: User,
    agency: Unit,
    data: EventData,
    scope: str,
    unit: Unit | None,
    *,
    series: EventSeries | None,
    index: int | None,
) -> CalendarEvent:
    direct = scope != Scope.AGENCY
    now = timezone.now()
    event = CalendarEvent.objects.create(
        agency=agency,
        scope=scope,
        unit=unit if scope == Scope.UNIT else None,
        owner=actor if scope == Scope.PERSONAL else None,
        title=data.title,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        place=data.place,
        room=data.room,
        chair=data.chair,
        guests=data.guests,
        preparing_unit=data.preparing_unit,
        note=data.note,
        created_by=actor,
        state=EventState.PUBLISHED if direct else EventState.DRAFT,
        published_at=now if direct else None,
        published_by=actor if direct else None,
        all_day=data.all_day,
        series=series,
        series_index=index,
        recurrence_id=data.starts_at if series is not None else None,
    )
    event.attendee_users.set(data.attendee_users)
    event.attendee_units.set(data.attendee_units)
    return event


def _snapshot(event: CalendarEvent) -> dict[str, tuple[str, str]]:
    """field → (label, value as shown) of what a change is compared on."""
    names = ", ".join(str(u) for u in event.attendee_users.all())
    units = ", ".join(u.name for u in event.attendee_units.all())
    return {
        "title": ("Nội dung", event.title),
        "time": ("Thời gian", event_time_text(event)),
        "place": ("Địa điểm", event.place_label),
        "chair": ("Chủ trì", str(event.chair or "")),
        "attendees": ("Thành phần", "; ".join(p for p in (names, units, event.guests) if p)),
        "preparing_unit": ("Chuẩn bị", event.preparing_unit.name if event.preparing_unit else ""),
        "note": ("Ghi chú", event.note),
    }


def _apply(event: CalendarEvent, data: EventData) -> None:
    for name in (
        "title",
        "starts_at",
        "ends_at",
        "all_day",
        "place",
        "room",
        "chair",
        "guests",
        "preparing_unit",
        "note",
    ):
        setattr(event, name, getattr(data, name))
    event.save()
    event.attendee_users.set(data.attendee_users)
    event.attendee_units.set(data.attendee_units)


def _record_changes(
    event: CalendarEvent, actor: User, before: dict[str, tuple[str, str]], after: dict[str, tuple[str, str]]
) -> list[EventChange]:
    now = timezone.now()
    changes = [
        EventChange(
            event=event,
            field=name,
            label=label,
            old_value=before[name][1][:1000],
            new_value=value[:1000],
            changed_by=actor,
            changed_at=now,
        )
        for name, (label, value) in after.items()
        if before[name][1] != value
    ]
    EventChange.objects.bulk_create(changes)
    return changes


def _notify(event: CalendarEvent, actor: User, text: str, people: Iterable[int] = ()) -> None:
    notify_after_commit(
        users=sorted({*event_people(event), *people}), kind=NotificationKind.CALENDAR, text=text, exclude=actor
    )


@transaction.atomic
def event_update(
    *, actor: User, event: CalendarEvent, data: EventData, files: Iterable[StoredFile] = ()
) -> CalendarEvent:
    """Change an event. Once published, each changed field is kept as a change and the attendees (before
    and after the change) are notified."""
    event = row_locked(event, related=("agency", "room", "chair", "preparing_unit"))
    event_edit_check(actor, event)
    data = _clean(event.agency, data)
    _room_free(data, exclude=event.pk)
    before, people_before = _snapshot(event), event_people(event)
    _apply(event, data)
    _attach(event, actor, files)
    event.refresh_from_db()
    changes: list[EventChange] = []
    if event.published_at is not None:
        changes = _record_changes(event, actor, before, _snapshot(event))
        if changes:
            event.sequence += 1
            event.save(update_fields=["sequence"])
            what = ", ".join(c.label.lower() for c in changes)
            _notify(
                event,
                actor,
                f"Lịch công tác thay đổi ({what}): “{event.title}” {when(event.starts_at)}.",
                people_before,
            )
    audit.record("calendar.event_changed", actor=actor, obj=event, data={"changed": [c.field for c in changes]})
    return event


@transaction.atomic
def event_cancel(*, actor: User, event: CalendarEvent, reason: str = "") -> CalendarEvent:
    """Cancel: a published event stays on the calendar struck through, and its attendees are told."""
    event = row_locked(event, related=("agency",))
    event_edit_check(actor, event)
    reason = text_clean(reason, label="lý do hủy", limit=CALENDAR_MAX["reason"])
    event.state = EventState.CANCELLED
    event.sequence += 1
    event.save(update_fields=["state", "sequence", "updated_at"])
    if event.series_id is not None:  # the feed's series gains an EXDATE
        EventSeries.objects.filter(pk=event.series_id).update(sequence=F("sequence") + 1, updated_at=timezone.now())
    if event.published_at is not None:
        EventChange.objects.create(
            event=event,
            field="state",
            label="Trạng thái",
            old_value="Đã công bố",
            new_value=f"Hủy{': ' + reason if reason else ''}",
            changed_by=actor,
            changed_at=timezone.now(),
        )
        _notify(event, actor, f"Lịch công tác: hủy “{event.title}” {when(event.starts_at)}.")
    audit.record("calendar.event_cancelled", actor=actor, obj=event, data={"reason": reason})
    return event


def series_following(event: CalendarEvent) -> list[CalendarEvent]:
    """This occurrence and the later ones of its series that are not cancelled yet, in order."""
    if event.series_id is None:
        return [event]
    return list(
        CalendarEvent.objects.filter(series_id=event.series_id, starts_at__gte=event.starts_at)
        .exclude(state=EventState.CANCELLED)
        .order_by("starts_at", "id")
    )


@transaction.atomic
def event_series_cancel(*, actor: User, event: CalendarEvent, reason: str = "") -> list[CalendarEvent]:
    """Cancel this occurrence of a repeated event and every later one ("hủy các buổi từ buổi này"): each is
    cancelled as :func:`event_cancel` does (its attendees told); the earlier ones stay."""
    event_edit_check(actor, event)
    return [event_cancel(actor=actor, event=one, reason=reason) for one in series_following(event)]


@transaction.atomic
def week_publish(*, actor: User, agency: Unit, monday: dt.date) -> int:
    """A leader approves and publishes the drafts of the agency's week; each attendee is told. Returns how
    many events were published."""
    week_publish_check(actor, agency)
    start, end = week_range(monday)
    drafts = list(
        CalendarEvent.objects.select_for_update()
        .filter(agency=agency, scope=Scope.AGENCY, state=EventState.DRAFT, starts_at__gte=start, starts_at__lt=end)
        .order_by("starts_at")
    )
    if not drafts:
        raise Conflict(
            f"Tuần {monday:%d/%m/%Y} không có sự kiện dự thảo nào để công bố.", code=ErrorCode.NOTHING_TO_PUBLISH
        )
    now = timezone.now()
    for event in drafts:
        event.state, event.published_at, event.published_by = EventState.PUBLISHED, now, actor
        event.save(update_fields=["state", "published_at", "published_by", "updated_at"])
        _notify(event, actor, f"Lịch công tác: “{event.title}” lúc {when(event.starts_at)}.")
    audit.record(
        "calendar.week_published",
        actor=actor,
        obj=agency,
        data={"week": monday.isoformat(), "events": [e.pk for e in drafts]},
    )
    return len(drafts)


@transaction.atomic
def room_create(*, actor: User, agency: Unit, name: str, capacity: int | None = None) -> MeetingRoom:
    require(actor, policies.ROOM_MANAGE, unit=agency)
    name = text_clean(name, label="tên phòng họp", limit=CALENDAR_MAX["room"], required=True)
    if MeetingRoom.objects.filter(agency=agency, name=name).exists():
        raise Conflict(f"Đã có phòng họp “{name}”.")
    room = MeetingRoom.objects.create(agency=agency, name=name, capacity=capacity)
    audit.record("calendar.room_created", actor=actor, obj=room)
    return room


# --- iCalendar feed tokens ----------------------------------------------------------------------------------

FEED_PREFIX = "lich_"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@transaction.atomic
def feed_token_rotate(*, actor: User) -> str:
    """A new secret for the actor's feed URL (shown once); the previous one stops working (410)."""
    feed_token_revoke(actor=actor, audit_it=False)
    key = FEED_PREFIX + secrets.token_urlsafe(32)
    token = FeedToken.objects.create(user=actor, key_hash=_hash(key), prefix=key[:12])
    audit.record("calendar.feed_issued", actor=actor, obj=token)
    return key


@transaction.atomic
def feed_token_revoke(*, actor: User, audit_it: bool = True) -> int:
    live = list(FeedToken.objects.select_for_update().filter(user=actor, revoked_at__isnull=True))
    for token in live:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        if audit_it:
            audit.record("calendar.feed_revoked", actor=actor, obj=token)
    return len(live)


class FeedGone(NotFound):
    """A revoked token (HTTP 410, no data)."""

    status_code = 410


def feed_owner(key: str) -> User:
    """The person whose feed ``key`` opens: unknown → NotFound, revoked or locked account → FeedGone."""
    token = FeedToken.objects.select_related("user", "user__unit").filter(key_hash=_hash(key or "")).first()
    if token is None:
        raise NotFound()
    if token.revoked_at is not None or not token.user.is_active:
        raise FeedGone("Đường dẫn lịch này đã bị thu hồi.", code=ErrorCode.FEED_REVOKED)
    FeedToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def feed_live(actor: User) -> FeedToken | None:
    return FeedToken.objects.filter(user=actor, revoked_at__isnull=True).first()


def _event_file_readable(actor: Any, stored_file: StoredFile) -> bool:
    """A file attached to an event the actor may see."""
    if not isinstance(actor, User):
        return False
    return events_visible_to(actor).filter(files=stored_file).exists()


file_policies.content_access_register(_event_file_readable)
