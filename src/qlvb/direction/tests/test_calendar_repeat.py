"""Repeated events ("giao ban thứ Hai hằng tuần") and events of several days on the week view.

A repetition makes every occurrence at once, each an ordinary event (published with its week, booked in its
room, cancelled on its own or "from this one on"); an event of several days, or one begun before Monday, is
on every day of the week it takes, with the day's part of its time."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from qlvb.core.errors import Conflict, ValidationFailed
from qlvb.direction import calendar_selectors as selectors
from qlvb.direction import calendar_services as services
from qlvb.direction.calendar_models import CalendarEvent, EventState
from qlvb.direction.calendar_print import week_xlsx
from qlvb.direction.calendar_repeat import Repeat, RepeatFreq, occurrences

from .conftest import at

pytestmark = pytest.mark.django_db


def _weekly(draft, monday, weeks: int, **fields):
    return draft(repeat=Repeat(RepeatFreq.WEEKLY, monday + dt.timedelta(weeks=weeks - 1)), **fields)


@pytest.fixture
def draft(ubnd, monday, person):
    """As the calendar's ``draft`` fixture, with an optional ``repeat``."""

    def make(title="Giao ban thứ Hai", day=0, start=8, end=10, repeat=None, **fields):
        date = monday + dt.timedelta(days=day)
        values = {
            "title": title,
            "starts_at": at(date, start),
            "ends_at": at(date, end),
            "chair": person("nguyenvanhung"),
        }
        values.update(fields)
        return services.event_create(
            actor=person("lethuha"), agency=ubnd, data=services.EventData(**values), repeat=repeat
        )

    return make


def test_a_weekly_meeting_is_one_event_a_week_at_the_same_local_time(draft, monday, ubnd, person, room):
    first = _weekly(draft, monday, 4, room=room)
    series = list(CalendarEvent.objects.filter(series=first.series).order_by("starts_at"))
    assert [e.starts_at for e in series] == [at(monday + dt.timedelta(weeks=w), 8) for w in range(4)]
    assert [e.series_index for e in series] == [1, 2, 3, 4] and first == series[0]
    assert all(e.state == EventState.DRAFT and e.room == room for e in series)
    # each occurrence is published with its own week
    services.week_publish(actor=person("nguyenvanhung"), agency=ubnd, monday=monday)
    states = list(
        CalendarEvent.objects.filter(series=first.series).order_by("starts_at").values_list("state", flat=True)
    )
    assert states == ["published", "draft", "draft", "draft"]


def test_monthly_on_the_31st_skips_the_months_without_it():
    start = dt.datetime(2027, 1, 31, 14, tzinfo=selectors.LOCAL)
    found = occurrences(start, start + dt.timedelta(hours=2), Repeat(RepeatFreq.MONTHLY, dt.date(2027, 7, 31)))
    assert [f"{s:%d/%m %H:%M}" for s, _ in found] == ["31/01 14:00", "31/03 14:00", "31/05 14:00", "31/07 14:00"]


def test_a_repetition_without_a_sensible_end_is_refused(draft, monday):
    with pytest.raises(ValidationFailed, match="phải từ ngày bắt đầu"):
        draft(repeat=Repeat(RepeatFreq.WEEKLY, monday - dt.timedelta(days=1)))
    with pytest.raises(ValidationFailed, match="tối đa 400 ngày"):
        draft(repeat=Repeat(RepeatFreq.WEEKLY, monday + dt.timedelta(weeks=60)))
    with pytest.raises(ValidationFailed, match="tối đa 400 ngày"):
        draft(repeat=Repeat(RepeatFreq.MONTHLY, monday + dt.timedelta(days=800)))
    with pytest.raises(ValidationFailed, match="Cách lặp lại"):
        draft(repeat=Repeat("yearly", monday + dt.timedelta(days=8)))
    assert not CalendarEvent.objects.exists()


def test_a_room_booked_on_one_occurrence_refuses_the_whole_repetition(draft, monday, room):
    taken = draft(title="Tiếp đoàn kiểm tra", day=14, room=room)
    with pytest.raises(Conflict) as clash:
        _weekly(draft, monday, 4, room=room)
    assert (
        "Tiếp đoàn kiểm tra" in clash.value.message
        and f"{monday + dt.timedelta(days=14):%d/%m/%Y}" in clash.value.message
    )
    assert list(CalendarEvent.objects.all()) == [taken]  # nothing half-made


def test_cancelling_from_one_occurrence_on_keeps_the_earlier_ones(draft, monday, person, ubnd):
    first = _weekly(draft, monday, 4)
    series = list(CalendarEvent.objects.filter(series=first.series).order_by("starts_at"))
    services.event_cancel(actor=person("lethuha"), event=series[3], reason="Trùng lịch")
    cancelled = services.event_series_cancel(actor=person("lethuha"), event=series[1], reason="Chuyển lịch")
    assert [e.pk for e in cancelled] == [series[1].pk, series[2].pk]  # the one cancelled before is left as it was
    states = list(
        CalendarEvent.objects.filter(series=first.series).order_by("starts_at").values_list("state", flat=True)
    )
    assert states == ["draft", "cancelled", "cancelled", "cancelled"]
    with pytest.raises(Exception, match="Bạn không phụ trách"):
        services.event_series_cancel(actor=person("dothanhhuong"), event=series[0])


def test_an_event_of_several_days_is_on_each_day_it_takes(draft, monday, person, ubnd):
    # a training from Sunday before the week to Wednesday 11:30, and a whole Friday
    training = draft(
        title="Tập huấn chuyển đổi số", day=-1, start=8, end=9, ends_at=at(monday + dt.timedelta(days=2), 11, 30)
    )
    friday = monday + dt.timedelta(days=4)
    whole = draft(title="Kiểm tra cơ sở", day=4, starts_at=at(friday, 0), ends_at=at(friday + dt.timedelta(days=1), 0))
    days = selectors.days_of_week(monday, [training, whole])
    spans = {d.date: [(x.event.title, x.span, x.continued) for x in d.entries] for d in days}
    assert spans[monday] == [("Tập huấn chuyển đổi số", "Cả ngày (ngày 2/4)", True)]
    assert spans[monday + dt.timedelta(days=1)] == [("Tập huấn chuyển đổi số", "Cả ngày (ngày 3/4)", True)]
    assert spans[monday + dt.timedelta(days=2)] == [("Tập huấn chuyển đổi số", "Đến 11:30 (ngày 4/4)", True)]
    assert spans[monday + dt.timedelta(days=3)] == []
    assert spans[friday] == [("Kiểm tra cơ sở", "Cả ngày", False)]
    assert spans[friday + dt.timedelta(days=1)] == []  # ending at midnight does not take Saturday
    # the week before shows the first day with the end
    before = selectors.days_of_week(monday - dt.timedelta(days=7), [training])
    assert before[6].entries[0].span == f"08:00 – 11:30 ngày {monday + dt.timedelta(days=2):%d/%m}"

    # the week's view (the agency's week query finds the event begun before Monday) and its print
    services.week_publish(actor=person("nguyenvanhung"), agency=ubnd, monday=monday)
    services.week_publish(actor=person("nguyenvanhung"), agency=ubnd, monday=monday - dt.timedelta(days=7))
    start, end = selectors.week_range(monday)
    events = list(selectors.agency_week(person("dothanhhuong"), start, end))
    assert {e.title for e in events} == {"Tập huấn chuyển đổi số", "Kiểm tra cơ sở"}
    sheet = load_workbook(io.BytesIO(week_xlsx(agency=ubnd, monday=monday, events=events))).active
    column_b = [c.value for c in sheet["B"] if c.value]
    assert "Cả ngày (ngày 2/4)" in column_b and "Đến 11:30 (ngày 4/4)" in column_b and "Cả ngày" in column_b


def test_the_form_makes_a_repetition_and_the_page_cancels_from_one_on(person, monday, page_as):
    clerk = page_as("lethuha")
    day = f"{monday:%Y-%m-%d}"
    form = {
        "title": "Giao ban thứ Hai",
        "starts_at": f"{day}T07:30",
        "ends_at": f"{day}T09:00",
        "chair": person("nguyenvanhung").pk,
        "repeat": "weekly",
    }
    refused = clerk.post("/lich-cong-tac/them/", form).content.decode()
    assert "Chọn ngày kết thúc lặp lại" in refused and not CalendarEvent.objects.exists()
    form["repeat_until"] = f"{monday + dt.timedelta(weeks=2):%d/%m/%Y}"
    response = clerk.post("/lich-cong-tac/them/", form)
    first = CalendarEvent.objects.order_by("starts_at")[0]
    assert response.status_code == 302 and response["Location"] == f"/lich-cong-tac/{first.pk}/"
    assert CalendarEvent.objects.filter(series=first.series).count() == 3
    second = CalendarEvent.objects.get(series=first.series, series_index=2)
    page = clerk.get(f"/lich-cong-tac/{second.pk}/").content.decode()
    assert "Buổi 2 trong 3 buổi" in page and 'data-qlvb="event-cancel-following"' in page
    assert "Hủy 2 buổi từ buổi này trở đi" in page
    edit = clerk.get(f"/lich-cong-tac/{second.pk}/sua/").content.decode()
    assert 'name="repeat"' not in edit  # a change applies to one occurrence
    clerk.post(f"/lich-cong-tac/{second.pk}/", {"action": "cancel_following", "reason": "Nghỉ Tết"})
    states = list(
        CalendarEvent.objects.filter(series=first.series).order_by("starts_at").values_list("state", flat=True)
    )
    assert states == ["draft", "cancelled", "cancelled"]
    week = clerk.get(f"/lich-cong-tac/?tuan={day}").content.decode()
    assert 'data-qlvb="repeats"' in week


def test_the_api_makes_a_repetition_and_cancels_from_one_on(person, monday, api_as):
    clerk = api_as("lethuha")
    body = {
        "title": "Họp thường kỳ",
        "starts_at": f"{monday}T14:00:00",
        "ends_at": f"{monday}T16:00:00",
        "repeat": "weekly",
    }
    missing = clerk.post("/api/v1/calendar/events", body, content_type="application/json")
    assert missing.status_code == 422 and "repeat_until" in missing.json()["detail"]
    body["repeat_until"] = f"{monday + dt.timedelta(weeks=3)}"
    created = clerk.post("/api/v1/calendar/events", body, content_type="application/json")
    assert created.status_code == 201, created.content
    event = created.json()
    assert event["series_index"] == 1 and event["series_id"]
    third = CalendarEvent.objects.get(series=event["series_id"], series_index=3)
    done = clerk.post(
        f"/api/v1/calendar/events/{third.pk}/cancel", {"following": True}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["state"] == "cancelled"
    assert CalendarEvent.objects.filter(series=event["series_id"], state="cancelled").count() == 2
