"""The agency's week: the office drafts, a leader publishes, the attendees are told; a change after publishing
is kept as a change (old and new value) and told to the attendees; a cancelled event stays, struck through."""

from __future__ import annotations

import pytest

from qlvb.assignments.models import Notification
from qlvb.direction import calendar_selectors as selectors
from qlvb.direction import calendar_services as services
from qlvb.direction.calendar_models import EventState, Scope

from .conftest import at

pytestmark = pytest.mark.django_db


def test_a_draft_is_seen_by_the_office_and_the_leaders_only_until_published(draft, person, monday, ubnd):
    event = draft()
    week = selectors.week_range(monday)
    assert list(selectors.agency_week(person("lethuha"), *week)) == [event]
    assert list(selectors.agency_week(person("phamthimai"), *week)) == [event]
    assert list(selectors.agency_week(person("dothanhhuong"), *week)) == []
    assert list(selectors.my_week(person("dothanhhuong"), *week)) == []

    published = services.week_publish(actor=person("nguyenvanhung"), agency=ubnd, monday=monday)

    assert published == 1
    event.refresh_from_db()
    assert event.state == EventState.PUBLISHED and event.published_by == person("nguyenvanhung")
    assert list(selectors.agency_week(person("dothanhhuong"), *week)) == [event]
    assert list(selectors.my_week(person("dothanhhuong"), *week)) == [event]
    assert list(selectors.my_week(person("ngothuytrang"), *week)) == []  # not an attendee


def test_publishing_tells_each_attendee(
    draft, person, monday, ubnd, dept, celery_eager, django_capture_on_commit_callbacks
):
    draft(attendee_units=[dept("KT")])
    with django_capture_on_commit_callbacks(execute=True):
        services.week_publish(actor=person("phamthimai"), agency=ubnd, monday=monday)
    told = set(Notification.objects.filter(kind="calendar").values_list("user__username", flat=True))
    assert told == {
        "ublienminh_nguyenvanhung",  # the chair
        "ublienminh_dothanhhuong",  # named
        "ublienminh_vuquanghuy",  # of the Phòng Kinh tế
        "ublienminh_ngothuytrang",
        "ublienminh_tranthilan2",
    }
    assert "Họp giao ban tuần" in Notification.objects.filter(kind="calendar").get(user=person("dothanhhuong")).text


def test_a_change_after_publishing_is_kept_and_told(
    draft, person, monday, ubnd, room, celery_eager, django_capture_on_commit_callbacks
):
    event = draft()
    services.week_publish(actor=person("nguyenvanhung"), agency=ubnd, monday=monday)
    data = services.EventData(
        title=event.title,
        starts_at=at(monday, 14),
        ends_at=at(monday, 16),
        room=room,
        chair=person("phamthimai"),
        attendee_users=[person("dothanhhuong"), person("ngothuytrang")],
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(actor=person("lethuha"), event=event, data=data)

    event.refresh_from_db()
    changes = {c.field: (c.old_value, c.new_value) for c in event.changes.all()}
    assert set(changes) == {"time", "place", "chair", "attendees"}
    assert changes["time"][0].startswith("08:00") and changes["time"][1].startswith("14:00")
    assert changes["chair"] == ("Nguyễn Văn Hùng", "Phạm Thị Mai")
    assert changes["place"] == ("", "Phòng họp tầng 2")
    assert event.sequence == 1
    told = Notification.objects.filter(kind="calendar", text__contains="thay đổi")
    names = set(told.values_list("user__username", flat=True))
    # the old chair and the new one, the attendees before and after; not the clerk who made the change
    assert {"ublienminh_nguyenvanhung", "ublienminh_phamthimai", "ublienminh_ngothuytrang"} <= names
    assert "ublienminh_lethuha" not in names
    assert "thời gian" in told.get(user=person("dothanhhuong")).text


def test_a_draft_changed_keeps_no_change_record(draft, person, monday):
    event = draft()
    data = services.EventData(title="Họp giao ban (sửa)", starts_at=at(monday, 9), ends_at=at(monday, 10))
    services.event_update(actor=person("lethuha"), event=event, data=data)
    event.refresh_from_db()
    assert event.title == "Họp giao ban (sửa)" and event.changes.count() == 0 and event.sequence == 0


def test_a_cancelled_published_event_stays_struck_through(
    draft, person, monday, ubnd, celery_eager, django_capture_on_commit_callbacks
):
    event = draft()
    services.week_publish(actor=person("nguyenvanhung"), agency=ubnd, monday=monday)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(actor=person("lethuha"), event=event, reason="Lãnh đạo đi công tác")
    week = selectors.week_range(monday)
    assert [e.state for e in selectors.agency_week(person("dothanhhuong"), *week)] == [EventState.CANCELLED]
    assert event.changes.get(field="state").new_value == "Hủy: Lãnh đạo đi công tác"
    assert Notification.objects.filter(user=person("dothanhhuong"), text__contains="hủy").exists()


def test_a_unit_and_a_personal_calendar(person, ubnd, dept, monday):
    vhxh = dept("VHXH")
    head = person("hoangvannam")
    unit_event = services.event_create(
        actor=head,
        agency=ubnd,
        scope=Scope.UNIT,
        unit=vhxh,
        data=services.EventData(title="Họp phòng VHXH", starts_at=at(monday, 8), ends_at=at(monday, 9)),
    )
    mine = services.event_create(
        actor=person("dothanhhuong"),
        agency=ubnd,
        scope=Scope.PERSONAL,
        data=services.EventData(title="Đi khám sức khỏe", starts_at=at(monday, 13), ends_at=at(monday, 15)),
    )
    week = selectors.week_range(monday)
    assert unit_event.state == EventState.PUBLISHED  # a unit's calendar needs no leader's approval
    assert list(selectors.unit_week(person("ngothuytrang"), vhxh, *week)) == [unit_event]
    assert list(selectors.my_week(person("dothanhhuong"), *week)) == [unit_event, mine]
    assert list(selectors.my_week(person("hoangvannam"), *week)) == [unit_event]  # not his colleague's own
    assert list(selectors.my_week(person("ngothuytrang"), *week)) == []  # of the Phòng Kinh tế
