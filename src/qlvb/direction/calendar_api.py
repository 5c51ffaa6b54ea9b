"""The work calendar under ``/api/v1/calendar``: the same selectors and services as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from qlvb.core.bounds import Id
from qlvb.core.errors import NotFound, ValidationFailed
from qlvb.directory.models import Unit, User
from qlvb.directory.selectors import acting_user, agency_of, unit_get, users_get
from qlvb.files.models import StoredFile

from . import calendar_selectors as selectors
from . import calendar_services as services
from .calendar_models import CALENDAR_MAX, CalendarEvent, MeetingRoom, Scope
from .calendar_preconditions import event_actions
from .calendar_repeat import MAX_COUNT, Repeat

router = Router(tags=["calendar"])


class CalendarChangeOut(Schema):
    field: str
    label: str
    old_value: str
    new_value: str
    changed_by: str
    changed_at: dt.datetime


class CalendarEventOut(Schema):
    id: int
    scope: str
    unit_id: int | None
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    all_day: bool
    place: str
    room_id: int | None
    room: str
    chair_id: int | None
    chair: str
    attendee_user_ids: list[int]
    attendee_unit_ids: list[int]
    guests: str
    preparing_unit_id: int | None
    note: str
    file_ids: list[int]
    state: str
    sequence: int
    published_at: dt.datetime | None
    series_id: str | None
    series_index: int | None
    recurrence_id: dt.datetime | None
    changes: list[CalendarChangeOut]
    actions: list[str]


class CalendarEventIn(Schema):
    title: str = Field(..., max_length=CALENDAR_MAX["title"])
    starts_at: dt.datetime = Field(..., description="Giờ Việt Nam nếu không ghi múi giờ")
    ends_at: dt.datetime = Field(..., description="Cả ngày: ngày cuối (giờ bỏ qua; 00:00 của ngày sau cũng được)")
    all_day: bool = Field(False, description="Cả ngày: chỉ lấy ngày của starts_at và ends_at")
    place: str = Field("", max_length=CALENDAR_MAX["place"])
    room_id: Id | None = None
    chair_id: Id | None = None
    attendee_user_ids: list[Id] = Field(default_factory=list, max_length=500)
    attendee_unit_ids: list[Id] = Field(default_factory=list, max_length=200)
    guests: str = Field("", max_length=CALENDAR_MAX["guests"])
    preparing_unit_id: Id | None = None
    note: str = Field("", max_length=CALENDAR_MAX["note"])
    file_ids: list[Id] = Field(default_factory=list, max_length=20, description="Tệp đã tải lên qua /files")


class CalendarEventCreateIn(CalendarEventIn):
    scope: str = Field("agency", description="agency | unit | personal")
    unit_id: Id | None = None
    repeat: str | None = Field(None, description="daily | weekly | monthly: mỗi buổi là một sự kiện riêng")
    repeat_until: dt.date | None = Field(None, description="Lặp đến ngày này (hoặc repeat_count)")
    repeat_count: int | None = Field(None, ge=1, le=MAX_COUNT, description="Số buổi (hoặc repeat_until)")


class CalendarWeekOut(Schema):
    week_start: dt.date
    events: list[CalendarEventOut]


class CalendarCancelIn(Schema):
    reason: str = Field("", max_length=CALENDAR_MAX["reason"])
    following: bool = Field(False, description="Hủy cả các buổi sau của sự kiện lặp lại")


class CalendarPublishIn(Schema):
    week_start: dt.date = Field(..., description="Một ngày bất kỳ của tuần")


class CalendarPublishOut(Schema):
    published: int


class MeetingRoomOut(Schema):
    id: int
    name: str
    capacity: int | None


class MeetingRoomIn(Schema):
    name: str = Field(..., max_length=CALENDAR_MAX["room"])
    capacity: int | None = Field(None, ge=1, le=10000)


class CalendarFeedOut(Schema):
    url: str


class CalendarWeekQuery(Schema):
    day: dt.date | None = None
    scope: str = Field("agency", description="agency | mine | unit")
    unit_id: Id | None = None


def _agency(actor: User) -> Unit:
    agency = agency_of(actor)
    if agency is None or agency.external:
        raise NotFound()
    return agency


def _aware(value: dt.datetime) -> dt.datetime:
    return value if timezone.is_aware(value) else value.replace(tzinfo=selectors.LOCAL)


def _out(actor: User, e: CalendarEvent) -> dict[str, Any]:
    return {
        "id": e.pk,
        "scope": e.scope,
        "unit_id": e.unit_id,
        "title": e.title,
        "starts_at": e.starts_at,
        "ends_at": e.ends_at,
        "all_day": e.all_day,
        "place": e.place,
        "room_id": e.room_id,
        "room": e.room.name if e.room else "",
        "chair_id": e.chair_id,
        "chair": str(e.chair or ""),
        "attendee_user_ids": [u.pk for u in e.attendee_users.all()],
        "attendee_unit_ids": [u.pk for u in e.attendee_units.all()],
        "guests": e.guests,
        "preparing_unit_id": e.preparing_unit_id,
        "note": e.note,
        "file_ids": [f.pk for f in e.files.all()],
        "state": e.state,
        "sequence": e.sequence,
        "published_at": e.published_at,
        "series_id": str(e.series_id) if e.series_id else None,
        "series_index": e.series_index,
        "recurrence_id": e.recurrence_id,
        "changes": [
            {
                "field": c.field,
                "label": c.label,
                "old_value": c.old_value,
                "new_value": c.new_value,
                "changed_by": str(c.changed_by),
                "changed_at": c.changed_at,
            }
            for c in e.changes.all()
        ],
        "actions": sorted(event_actions(actor, e)),
    }


def _data(actor: User, agency: Unit, p: CalendarEventIn) -> tuple[services.EventData, list[StoredFile]]:
    def unit(pk: int | None) -> Unit | None:
        return unit_get(actor, unit_id=pk) if pk is not None else None

    room = None
    if p.room_id is not None:
        room = MeetingRoom.objects.filter(pk=p.room_id, agency=agency).first()
        if room is None:
            raise NotFound("Không tìm thấy phòng họp.")
    files = list(StoredFile.objects.filter(pk__in=p.file_ids, uploaded_by=actor))
    if len(files) != len(set(p.file_ids)):
        raise NotFound("Không tìm thấy tệp hoặc bạn không có quyền dùng tệp này.")
    data = services.EventData(
        title=p.title,
        starts_at=_aware(p.starts_at),
        ends_at=_aware(p.ends_at),
        all_day=p.all_day,
        place=p.place,
        room=room,
        chair=users_get(actor, user_ids=[p.chair_id])[0] if p.chair_id else None,
        attendee_users=users_get(actor, user_ids=p.attendee_user_ids),
        attendee_units=[u for u in (unit(pk) for pk in dict.fromkeys(p.attendee_unit_ids)) if u is not None],
        guests=p.guests,
        preparing_unit=unit(p.preparing_unit_id),
        note=p.note,
    )
    return data, files


@router.get("/week", response=CalendarWeekOut, summary="Lịch một tuần: của cơ quan, của tôi hoặc của một đơn vị")
def week(request: HttpRequest, q: Query[CalendarWeekQuery]) -> dict[str, Any]:
    actor = acting_user(request)
    monday = selectors.week_start(q.day or timezone.localdate())
    start, end = selectors.week_range(monday)
    if q.scope == "agency":
        events = selectors.agency_week(actor, start, end)
    elif q.scope == "mine":
        events = selectors.my_week(actor, start, end)
    elif q.scope == "unit" and q.unit_id is not None:
        events = selectors.unit_week(actor, unit_get(actor, unit_id=q.unit_id), start, end)
    else:
        raise ValidationFailed("scope phải là agency, mine hoặc unit (kèm unit_id).")
    return {"week_start": monday, "events": [_out(actor, e) for e in events]}


@router.post("/events", response={201: CalendarEventOut}, summary="Thêm sự kiện (lịch cơ quan: dự thảo)")
def event_create(request: HttpRequest, payload: CalendarEventCreateIn) -> Status:
    actor = acting_user(request)
    agency = _agency(actor)
    if payload.scope not in Scope.values:
        raise ValidationFailed("scope phải là agency, unit hoặc personal.")
    unit = unit_get(actor, unit_id=payload.unit_id) if payload.unit_id is not None else None
    data, files = _data(actor, agency, payload)
    repeat = None
    if payload.repeat:
        if (payload.repeat_until is None) == (payload.repeat_count is None):
            raise ValidationFailed("Khi có repeat, ghi một trong hai: repeat_until (ngày buổi cuối) hoặc repeat_count.")
        repeat = Repeat(freq=payload.repeat, until=payload.repeat_until, count=payload.repeat_count)
    event = services.event_create(
        actor=actor, agency=agency, data=data, scope=payload.scope, unit=unit, files=files, repeat=repeat
    )
    return Status(201, _out(actor, selectors.event_get(actor, event.pk)))


@router.get("/events/{event_id}", response=CalendarEventOut, summary="Một sự kiện, với các thay đổi sau khi công bố")
def event_detail(request: HttpRequest, event_id: Id) -> dict[str, Any]:
    actor = acting_user(request)
    return _out(actor, selectors.event_get(actor, event_id))


@router.put(
    "/events/{event_id}", response=CalendarEventOut, summary="Sửa sự kiện (đã công bố: ghi thay đổi, báo người dự)"
)
def event_update(request: HttpRequest, event_id: Id, payload: CalendarEventIn) -> dict[str, Any]:
    actor = acting_user(request)
    event = selectors.event_get(actor, event_id)
    data, files = _data(actor, event.agency, payload)
    services.event_update(actor=actor, event=event, data=data, files=files)
    return _out(actor, selectors.event_get(actor, event_id))


@router.post(
    "/events/{event_id}/cancel",
    response=CalendarEventOut,
    summary="Hủy sự kiện (following: cả các buổi sau của sự kiện lặp lại)",
)
def event_cancel(request: HttpRequest, event_id: Id, payload: CalendarCancelIn) -> dict[str, Any]:
    actor = acting_user(request)
    event = selectors.event_get(actor, event_id)
    if payload.following:
        services.event_series_cancel(actor=actor, event=event, reason=payload.reason)
    else:
        services.event_cancel(actor=actor, event=event, reason=payload.reason)
    return _out(actor, selectors.event_get(actor, event_id))


@router.post("/publish", response=CalendarPublishOut, summary="Lãnh đạo duyệt và công bố lịch tuần của cơ quan")
def publish(request: HttpRequest, payload: CalendarPublishIn) -> dict[str, int]:
    actor = acting_user(request)
    monday = selectors.week_start(payload.week_start)
    return {"published": services.week_publish(actor=actor, agency=_agency(actor), monday=monday)}


@router.get("/rooms", response=list[MeetingRoomOut], summary="Phòng họp của cơ quan")
def rooms(request: HttpRequest) -> list[MeetingRoom]:
    return list(selectors.rooms_of(_agency(acting_user(request))))


@router.post("/rooms", response={201: MeetingRoomOut}, summary="Thêm phòng họp")
def room_create(request: HttpRequest, payload: MeetingRoomIn) -> Status:
    actor = acting_user(request)
    room = services.room_create(actor=actor, agency=_agency(actor), name=payload.name, capacity=payload.capacity)
    return Status(201, room)


@router.post(
    "/feed", response={201: CalendarFeedOut}, summary="Tạo hoặc đổi đường dẫn iCalendar của tôi (hiện một lần)"
)
def feed_rotate(request: HttpRequest) -> Status:
    key = services.feed_token_rotate(actor=acting_user(request))
    return Status(201, {"url": request.build_absolute_uri(reverse("direction:feed", args=[key]))})


@router.delete("/feed", response={204: None}, summary="Thu hồi đường dẫn iCalendar của tôi")
def feed_revoke(request: HttpRequest) -> HttpResponse:
    services.feed_token_revoke(actor=acting_user(request))
    return HttpResponse(status=204)
