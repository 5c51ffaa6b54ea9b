"""Refusals of the work calendar, each with a clear Vietnamese message: an event ending before it starts, a
meeting room booked twice (the message names the other event), an event changed by someone not responsible
(403), another agency's event (404), people and units of another agency as attendees."""

from __future__ import annotations

import datetime as dt

import pytest

from qlvb.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from qlvb.direction import calendar_selectors as selectors
from qlvb.direction import calendar_services as services
from qlvb.direction.calendar_models import CalendarEvent, Scope

from .conftest import at

pytestmark = pytest.mark.django_db


def test_an_event_ending_before_it_starts(draft, monday):
    with pytest.raises(ValidationFailed) as refused:
        draft(start=10, end=9)
    assert refused.value.code == "event_ends_before_start"
    assert "phải sau thời gian bắt đầu" in refused.value.message and "09:00" in refused.value.message
    with pytest.raises(ValidationFailed):
        draft(start=10, end=10)
    assert not CalendarEvent.objects.exists()


def test_a_room_booked_twice_names_the_other_event(draft, room, monday):
    first = draft("Hội nghị tổng kết công tác y tế", start=8, end=11, room=room)
    with pytest.raises(Conflict) as refused:
        draft("Tiếp công dân", start=10, end=12, room=room)
    assert refused.value.code == "room_booked"
    assert "Hội nghị tổng kết công tác y tế" in refused.value.message
    assert "Phòng họp tầng 2" in refused.value.message and "08:00" in refused.value.message
    assert refused.value.details["event_id"] == first.pk
    # back to back is no clash; another day neither
    draft("Tiếp công dân", start=11, end=12, room=room)
    draft("Họp chi bộ", day=1, start=8, end=9, room=room)


def test_moving_an_event_onto_a_booked_room_is_refused_and_a_cancelled_one_frees_it(draft, room, person, monday):
    first = draft("Hội nghị A", start=8, end=10, room=room)
    second = draft("Hội nghị B", start=14, end=16, room=room)
    data = services.EventData(title="Hội nghị B", starts_at=at(monday, 9), ends_at=at(monday, 11), room=room)
    with pytest.raises(Conflict, match="Hội nghị A"):
        services.event_update(actor=person("lethuha"), event=second, data=data)
    services.event_cancel(actor=person("lethuha"), event=first)
    services.event_update(actor=person("lethuha"), event=second, data=data)


def test_an_event_changed_by_someone_not_responsible(draft, person, monday, ubnd):
    event = draft()
    services.week_publish(actor=person("nguyenvanhung"), agency=ubnd, monday=monday)
    data = services.EventData(title="Đổi", starts_at=at(monday, 8), ends_at=at(monday, 9))
    for who in ("dothanhhuong", "hoangvannam"):  # an attendee, a department head
        with pytest.raises(PermissionDenied) as refused:
            services.event_update(actor=person(who), event=event, data=data)
        assert "không phụ trách sự kiện này" in refused.value.message
        with pytest.raises(PermissionDenied):
            services.event_cancel(actor=person(who), event=event)
    with pytest.raises(PermissionDenied, match="Duyệt và công bố lịch công tác"):
        services.week_publish(actor=person("lethuha"), agency=ubnd, monday=monday + dt.timedelta(days=7))
    with pytest.raises(PermissionDenied, match="Soạn lịch công tác của cơ quan"):
        draft(by="dothanhhuong")


def test_another_persons_personal_event_cannot_be_changed(person, ubnd, monday):
    mine = services.event_create(
        actor=person("dothanhhuong"),
        agency=ubnd,
        scope=Scope.PERSONAL,
        data=services.EventData(title="Việc riêng", starts_at=at(monday, 8), ends_at=at(monday, 9)),
    )
    with pytest.raises(NotFound):
        selectors.event_get(person("lethuha"), mine.pk)
    with pytest.raises(PermissionDenied):
        services.event_cancel(actor=person("lethuha"), event=mine)


def test_another_agencys_event_is_not_found(draft, person, monday, ubnd):
    event = draft()
    services.week_publish(actor=person("nguyenvanhung"), agency=ubnd, monday=monday)
    with pytest.raises(NotFound):
        selectors.event_get(person("tytlienminh_dangvantoan"), event.pk)
    assert list(selectors.agency_week(person("tytlienminh_buithiloan"), *selectors.week_range(monday))) == []


def test_attendees_of_another_agency_are_refused(draft, person, tyt):
    with pytest.raises(ValidationFailed) as refused:
        draft(attendee_users=[person("tytlienminh_buithiloan")])
    assert refused.value.code == "outside_agency"
    with pytest.raises(ValidationFailed):
        draft(attendee_units=[tyt])
    assert not CalendarEvent.objects.exists()


def test_the_cancelled_event_is_not_changed_again(draft, person, monday):
    event = draft()
    services.event_cancel(actor=person("lethuha"), event=event)
    with pytest.raises(Conflict, match="đã hủy"):
        services.event_update(
            actor=person("lethuha"),
            event=event,
            data=services.EventData(title="x", starts_at=at(monday, 8), ends_at=at(monday, 9)),
        )


def test_a_week_without_drafts_has_nothing_to_publish(person, ubnd, monday):
    with pytest.raises(Conflict) as refused:
        services.week_publish(actor=person("nguyenvanhung"), agency=ubnd, monday=monday)
    assert refused.value.code == "nothing_to_publish"
