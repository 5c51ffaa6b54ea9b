"""Fixtures of the work calendar and the announcements: the UBND and the Trạm Y tế, next week's Monday, a
meeting room, and ``draft(...)`` — an event of the UBND's calendar drafted by the office (Lê Thu Hà)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from qlvb.direction import calendar_services as services
from qlvb.direction.calendar_models import CalendarEvent, MeetingRoom
from qlvb.direction.calendar_selectors import LOCAL, week_start
from qlvb.directory.models import Unit, User


@pytest.fixture
def ubnd(demo: None) -> Unit:
    return Unit.objects.get(short_name="UBND", kind="agency")


@pytest.fixture
def tyt(demo: None) -> Unit:
    return Unit.objects.get(short_name="TYT", kind="agency")


@pytest.fixture
def dept(ubnd: Unit) -> Callable[[str], Unit]:
    return lambda short: Unit.objects.get(short_name=short, agency=ubnd)


@pytest.fixture
def monday() -> dt.date:
    """Next week's Monday (the week the office drafts)."""
    return week_start(timezone.localdate()) + dt.timedelta(days=7)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """``day`` at ``hour:minute`` in Asia/Ho_Chi_Minh."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LOCAL)


@pytest.fixture
def room(ubnd: Unit, person: Callable[[str], User]) -> MeetingRoom:
    return services.room_create(actor=person("lethuha"), agency=ubnd, name="Phòng họp tầng 2", capacity=30)


@pytest.fixture
def draft(ubnd: Unit, monday: dt.date, person: Callable[[str], User]) -> Callable[..., CalendarEvent]:
    """``draft(title=..., day=0, start=8, end=10, **fields)`` → an event of the agency's calendar, drafted by the
    clerk: chaired by the Chủ tịch, attended by Đỗ Thanh Hương, on the ``day``-th day of next week."""

    def make(
        title: str = "Họp giao ban tuần", day: int = 0, start: int = 8, end: int = 10, **fields: Any
    ) -> CalendarEvent:
        date = monday + dt.timedelta(days=day)
        values: dict[str, Any] = {
            "title": title,
            "starts_at": at(date, start),
            "ends_at": at(date, end),
            "chair": person("nguyenvanhung"),
            "attendee_users": [person("dothanhhuong")],
        }
        values.update(fields)
        by = values.pop("by", "lethuha")
        return services.event_create(actor=person(by), agency=ubnd, data=services.EventData(**values))

    return make
