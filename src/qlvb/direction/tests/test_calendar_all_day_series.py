"""Whole-day events (the form's "Cả ngày", the week view, the print, ``VALUE=DATE`` in the feed) and repeated
events as one series in the iCalendar feed: an RRULE (daily, weekly, monthly; until a day or a number of
occurrences), a moved or changed occurrence as a RECURRENCE-ID override, a cancelled one as an EXDATE.

The feed is read with the strict reader of ``ics.py`` and its rules expanded with ``dateutil.rrule`` (a
second, independent implementation of RFC 5545's recurrence): what a phone would show must be exactly the
occurrences the person sees, at their times."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil

import pytest
from dateutil import rrule as du
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from qlvb.core.errors import ValidationFailed
from qlvb.direction import calendar_selectors as selectors
from qlvb.direction import calendar_services as services
from qlvb.direction.calendar_models import CalendarEvent, EventSeries, EventState
from qlvb.direction.calendar_print import week_xlsx
from qlvb.direction.calendar_repeat import Repeat, RepeatFreq

from . import ics
from .conftest import at

pytestmark = pytest.mark.django_db
LOCAL = selectors.LOCAL


def _moment(params: dict[str, str], value: str) -> dt.datetime | dt.date:
    if params.get("VALUE") == "DATE":
        assert len(value) == 8 and "TZID" not in params
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    assert params.get("TZID") == "Asia/Ho_Chi_Minh", params
    return dt.datetime.strptime(value, "%Y%m%dT%H%M%S").replace(tzinfo=LOCAL)


def _feed(person) -> dict:
    key = services.feed_token_rotate(actor=person)
    response = Client().get(reverse("direction:feed", args=[key]))
    assert response.status_code == 200
    return ics.parse(response.content)


def shown(calendar: dict) -> dict[str, dict[dt.datetime | dt.date, str]]:
    """UID → {start: summary} as a phone shows the feed: each rule expanded (dateutil), its EXDATEs taken
    out, its overrides put in place (RECURRENCE-ID), cancelled ones dropped."""
    out: dict[str, dict[dt.datetime | dt.date, str]] = {}
    overrides = []
    for vevent in ics.events(calendar):
        uid = ics.prop(vevent, "UID")[1]
        if any(n == "RECURRENCE-ID" for n, _p, _v in vevent["props"]):
            overrides.append((uid, vevent))
            continue
        start = _moment(*ics.prop(vevent, "DTSTART"))
        summary = ics.unescape(ics.prop(vevent, "SUMMARY")[1])
        rules = [v for n, _p, v in vevent["props"] if n == "RRULE"]
        if not rules:
            if ics.prop(vevent, "STATUS")[1] != "CANCELLED":
                out.setdefault(uid, {})[start] = summary
            continue
        assert len(rules) == 1
        first = start if isinstance(start, dt.datetime) else dt.datetime.combine(start, dt.time(0))
        expanded = list(du.rrulestr(rules[0], dtstart=first))
        assert len(expanded) <= 400
        dates = {d if isinstance(start, dt.datetime) else d.date() for d in expanded}
        for n, p, v in vevent["props"]:
            if n == "EXDATE":
                excluded = _moment(p, v)
                assert excluded in dates, f"EXDATE {excluded} is no occurrence of the rule"
                dates.discard(excluded)
        out[uid] = dict.fromkeys(dates, summary)
    for uid, vevent in overrides:
        rid = _moment(*ics.prop(vevent, "RECURRENCE-ID"))
        assert rid in out.get(uid, {}), f"RECURRENCE-ID {rid} overrides no occurrence of {uid}"
        del out[uid][rid]
        out[uid][_moment(*ics.prop(vevent, "DTSTART"))] = ics.unescape(ics.prop(vevent, "SUMMARY")[1])
    return out


def _rid(event: CalendarEvent) -> dt.datetime:
    assert event.recurrence_id is not None
    return event.recurrence_id.astimezone(LOCAL)


def _data(person, title: str, start: dt.datetime, end: dt.datetime, **fields) -> services.EventData:
    values = {"title": title, "starts_at": start, "ends_at": end, "chair": person("nguyenvanhung")}
    values.update(fields)
    return services.EventData(**values)


def _mine(person, title, start, end, repeat=None, **fields) -> CalendarEvent:
    """A personal event of Đỗ Thanh Hương (in force at once, so in her feed)."""
    data = _data(person, title, start, end, chair=None, **fields)
    return services.event_create(
        actor=person("dothanhhuong"),
        agency=person("dothanhhuong").unit.agency,
        data=data,
        scope="personal",
        repeat=repeat,
    )


# --- whole-day events ---------------------------------------------------------------------------------------


def test_a_whole_day_event_takes_its_days_from_midnight_to_midnight(person, monday):
    event = _mine(person, "Nghỉ phép", at(monday, 9), at(monday + dt.timedelta(days=2), 15), all_day=True)
    assert event.all_day
    assert event.starts_at == at(monday, 0) and event.ends_at == at(monday + dt.timedelta(days=3), 0)
    one = _mine(person, "Tập huấn cả ngày", at(monday, 0), at(monday + dt.timedelta(days=1), 0), all_day=True)
    assert one.ends_at == at(monday + dt.timedelta(days=1), 0)  # the exclusive end kept, not a second day
    days = selectors.days_of_week(monday, [event, one])
    assert [(x.event.title, x.span) for x in days[0].entries] == [
        ("Nghỉ phép", "Cả ngày (ngày 1/3)"),
        ("Tập huấn cả ngày", "Cả ngày"),
    ]
    assert [x.span for x in days[2].entries] == ["Cả ngày (ngày 3/3)"] and days[3].entries == []
    with pytest.raises(ValidationFailed, match="phải từ ngày bắt đầu"):
        _mine(person, "Sai", at(monday, 0), at(monday - dt.timedelta(days=2), 0), all_day=True)


def test_the_form_takes_days_for_a_whole_day_event_and_the_week_shows_ca_ngay(person, monday, page_as):
    clerk = page_as("lethuha")
    form = {
        "title": "Kiểm tra cơ sở cả ngày",
        "all_day": "on",
        "start_day": f"{monday + dt.timedelta(days=1):%d/%m/%Y}",
        "chair": person("nguyenvanhung").pk,
    }
    page = clerk.get("/lich-cong-tac/them/").content.decode()
    assert 'data-qlvb="all-day"' in page and 'data-qlvb-when="timed"' in page and "event-form.js" in page
    response = clerk.post("/lich-cong-tac/them/", form)
    event = CalendarEvent.objects.get()
    assert response.status_code == 302 and event.all_day
    tuesday = monday + dt.timedelta(days=1)
    assert (event.starts_at, event.ends_at) == (at(tuesday, 0), at(tuesday + dt.timedelta(days=1), 0))
    week = clerk.get(f"/lich-cong-tac/?tuan={monday:%Y-%m-%d}").content.decode()
    assert "Cả ngày" in week
    detail = clerk.get(f"/lich-cong-tac/{event.pk}/").content.decode()
    assert f"Cả ngày {tuesday:%d/%m/%Y}" in detail
    edit = clerk.get(f"/lich-cong-tac/{event.pk}/sua/").content.decode()
    assert re.search(r'<input type="checkbox" name="all_day"[^>]* checked', edit)
    # without the tick, the times are needed
    refused = clerk.post("/lich-cong-tac/them/", {**form, "all_day": ""}).content.decode()
    assert "Chọn thời gian." in refused and CalendarEvent.objects.count() == 1


def test_a_whole_day_event_is_a_date_in_the_feed_and_ca_ngay_in_the_print(person, monday, draft, ubnd):
    whole = draft(
        "Ngày hội đại đoàn kết",
        day=3,
        starts_at=at(monday + dt.timedelta(days=3), 0),
        ends_at=at(monday + dt.timedelta(days=4), 0),
        all_day=True,
    )
    services.week_publish(actor=person("nguyenvanhung"), agency=ubnd, monday=monday)
    [vevent] = ics.events(_feed(person("dothanhhuong")))
    assert ics.prop(vevent, "DTSTART") == ({"VALUE": "DATE"}, f"{monday + dt.timedelta(days=3):%Y%m%d}")
    assert ics.prop(vevent, "DTEND") == ({"VALUE": "DATE"}, f"{monday + dt.timedelta(days=4):%Y%m%d}")
    events = list(selectors.agency_week(person("dothanhhuong"), *selectors.week_range(monday)))
    sheet = load_workbook(io.BytesIO(week_xlsx(agency=ubnd, monday=monday, events=events))).active
    assert "Cả ngày" in [c.value for c in sheet["B"]] and whole.all_day


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_the_printed_week_says_ca_ngay(person, monday, draft, ubnd, page_as, tmp_path):
    from pypdf import PdfReader

    draft(
        "Ngày hội đại đoàn kết",
        day=2,
        starts_at=at(monday + dt.timedelta(days=2), 0),
        ends_at=at(monday + dt.timedelta(days=2), 0),
        all_day=True,
    )
    services.week_publish(actor=person("nguyenvanhung"), agency=ubnd, monday=monday)
    response = page_as("dothanhhuong").get(f"/lich-cong-tac/in/?tuan={monday:%Y-%m-%d}")
    path = tmp_path / "lich.pdf"
    path.write_bytes(response.content)
    text = PdfReader(str(path)).pages[0].extract_text()
    assert "Cả ngày" in text and "Ngày hội đại đoàn kết" in text


# --- repeated events as one series ---------------------------------------------------------------------------


def test_a_daily_series_is_one_vevent_with_an_rrule_and_count(person, monday):
    first = _mine(person, "Trực cơ quan", at(monday, 7, 30), at(monday, 11), repeat=Repeat(RepeatFreq.DAILY, count=5))
    assert first.series is not None
    series = first.series
    assert (series.freq, series.count, series.until) == ("daily", 5, None)
    made = list(CalendarEvent.objects.filter(series=series).order_by("starts_at"))
    assert [e.recurrence_id for e in made] == [at(monday + dt.timedelta(days=d), 7, 30) for d in range(5)]
    calendar = _feed(person("dothanhhuong"))
    [vevent] = ics.events(calendar)
    assert ics.prop(vevent, "RRULE")[1] == "FREQ=DAILY;COUNT=5"
    assert ics.prop(vevent, "UID")[1].startswith(f"series-{series.pk}@")
    assert shown(calendar) == {
        ics.prop(vevent, "UID")[1]: {at(monday + dt.timedelta(days=d), 7, 30): "Trực cơ quan" for d in range(5)}
    }


def test_a_moved_occurrence_is_an_override_and_a_cancelled_one_an_exdate(person, monday):
    first = _mine(
        person,
        "Giao ban thứ Hai",
        at(monday, 8),
        at(monday, 9),
        repeat=Repeat(RepeatFreq.WEEKLY, until=monday + dt.timedelta(weeks=4)),
    )
    made = list(CalendarEvent.objects.filter(series_id=first.series_id).order_by("starts_at"))
    assert len(made) == 5
    me = person("dothanhhuong")
    moved_to = at(monday + dt.timedelta(weeks=1, days=1), 14)
    services.event_update(
        actor=me,
        event=made[1],
        data=_data(person, "Giao ban (chuyển sang thứ Ba)", moved_to, moved_to + dt.timedelta(hours=1), chair=None),
    )
    services.event_cancel(actor=me, event=made[3], reason="Nghỉ lễ")
    calendar = _feed(me)
    vevents = ics.events(calendar)
    master = next(v for v in vevents if not any(n == "RECURRENCE-ID" for n, _p, _v in v["props"]))
    assert (
        ics.prop(master, "RRULE")[1]
        == f"FREQ=WEEKLY;UNTIL={at(monday + dt.timedelta(weeks=4), 8).astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"
    )
    assert ics.prop(master, "EXDATE") == (
        {"TZID": "Asia/Ho_Chi_Minh"},
        f"{_rid(made[3]):%Y%m%dT%H%M%S}",
    )
    assert int(ics.prop(master, "SEQUENCE")[1]) == 1  # the cancellation
    [override] = [v for v in vevents if v is not master]
    assert ics.prop(override, "RECURRENCE-ID")[1] == f"{_rid(made[1]):%Y%m%dT%H%M%S}"
    uid = ics.prop(master, "UID")[1]
    assert ics.prop(override, "UID")[1] == uid
    expected = {at(monday + dt.timedelta(weeks=w), 8): "Giao ban thứ Hai" for w in (0, 2, 4)}
    expected[moved_to] = "Giao ban (chuyển sang thứ Ba)"
    assert shown(calendar) == {uid: expected}


def test_only_the_published_weeks_of_an_agency_series_reach_the_attendee(person, monday, ubnd):
    first = services.event_create(
        actor=person("lethuha"),
        agency=ubnd,
        data=_data(person, "Họp thường kỳ", at(monday, 14), at(monday, 16), attendee_users=[person("dothanhhuong")]),
        repeat=Repeat(RepeatFreq.WEEKLY, count=4),
    )
    services.week_publish(actor=person("nguyenvanhung"), agency=ubnd, monday=monday)
    services.week_publish(actor=person("nguyenvanhung"), agency=ubnd, monday=monday + dt.timedelta(weeks=2))
    calendar = _feed(person("dothanhhuong"))
    [master] = ics.events(calendar)
    # the rule bounded to what she sees: weeks 1 and 3, the draft week 2 excluded, week 4 not yet reached
    third = at(monday + dt.timedelta(weeks=2), 14)
    assert ics.prop(master, "RRULE")[1] == f"FREQ=WEEKLY;UNTIL={third.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"
    assert shown(calendar) == {ics.prop(master, "UID")[1]: {at(monday, 14): "Họp thường kỳ", third: "Họp thường kỳ"}}
    # someone who is not invited sees none of it
    assert ics.events(_feed(person("ngothuytrang"))) == [] and first.series_id


def _next_31st() -> dt.date:
    """The next 31 January, March or August: the month after it has no 31st, the one after that has."""
    day = timezone.localdate() + dt.timedelta(days=1)
    while not (day.day == 31 and day.month in (1, 3, 8)):
        day += dt.timedelta(days=1)
    return day


def test_a_whole_day_monthly_series_is_written_in_dates(person):
    first_day = _next_31st()
    days = [first_day, first_day.replace(month=first_day.month + 2), first_day.replace(month=first_day.month + 4)]
    start = dt.datetime.combine(first_day, dt.time(0), tzinfo=LOCAL)
    first = _mine(
        person, "Kiểm kê cuối tháng", start, start, all_day=True, repeat=Repeat(RepeatFreq.MONTHLY, until=days[2])
    )
    made = list(CalendarEvent.objects.filter(series_id=first.series_id).order_by("starts_at"))
    assert [e.starts_at.astimezone(LOCAL).date() for e in made] == days  # the months without a 31st skipped
    assert all(e.all_day and e.ends_at - e.starts_at == dt.timedelta(days=1) for e in made)
    services.event_cancel(actor=person("dothanhhuong"), event=made[1])
    calendar = _feed(person("dothanhhuong"))
    [master] = ics.events(calendar)
    assert ics.prop(master, "DTSTART") == ({"VALUE": "DATE"}, f"{days[0]:%Y%m%d}")
    assert ics.prop(master, "RRULE")[1] == f"FREQ=MONTHLY;UNTIL={days[2]:%Y%m%d}"
    assert ics.prop(master, "EXDATE") == ({"VALUE": "DATE"}, f"{days[1]:%Y%m%d}")
    uid = ics.prop(master, "UID")[1]
    assert shown(calendar) == {uid: {days[0]: "Kiểm kê cuối tháng", days[2]: "Kiểm kê cuối tháng"}}


def test_a_series_made_before_the_rule_stays_separate_events(person, monday):
    first = _mine(person, "Giao ban", at(monday, 8), at(monday, 9), repeat=Repeat(RepeatFreq.WEEKLY, count=2))
    EventSeries.objects.filter(occurrences=first).update(freq="")  # as migration 0004 leaves an old series
    vevents = ics.events(_feed(person("dothanhhuong")))
    assert len(vevents) == 2 and all(not [n for n, _p, _v in v["props"] if n == "RRULE"] for v in vevents)


def test_the_form_and_the_api_take_a_count(person, monday, page_as, api_as):
    clerk = page_as("lethuha")
    form = {
        "title": "Trực ban",
        "starts_at": f"{monday:%Y-%m-%d}T07:00",
        "ends_at": f"{monday:%Y-%m-%d}T11:00",
        "repeat": "daily",
        "repeat_count": "3",
        "repeat_until": f"{monday + dt.timedelta(days=5):%d/%m/%Y}",
    }
    both = clerk.post("/lich-cong-tac/them/", form).content.decode()
    assert "Chỉ chọn một trong hai" in both and not CalendarEvent.objects.exists()
    del form["repeat_until"]
    assert clerk.post("/lich-cong-tac/them/", form).status_code == 302
    first = CalendarEvent.objects.order_by("starts_at")[0]
    assert CalendarEvent.objects.filter(series_id=first.series_id).count() == 3
    page = clerk.get(f"/lich-cong-tac/{first.pk}/").content.decode()
    assert "Hằng ngày, 3 buổi." in page

    body = {
        "title": "Tập huấn",
        "starts_at": f"{monday + dt.timedelta(days=7)}T00:00:00",
        "ends_at": f"{monday + dt.timedelta(days=8)}T00:00:00",
        "all_day": True,
        "repeat": "monthly",
        "repeat_count": 2,
        "scope": "personal",
    }
    created = api_as("dothanhhuong").post("/api/v1/calendar/events", body, content_type="application/json")
    assert created.status_code == 201, created.content
    out = created.json()
    assert out["all_day"] is True and out["recurrence_id"] and out["series_index"] == 1
    assert dt.datetime.fromisoformat(out["ends_at"]) - dt.datetime.fromisoformat(out["starts_at"]) == dt.timedelta(
        days=1
    )
    refused = api_as("dothanhhuong").post(
        "/api/v1/calendar/events", {**body, "repeat_count": None}, content_type="application/json"
    )
    assert refused.status_code == 422
    assert CalendarEvent.objects.get(pk=out["id"]).state == EventState.PUBLISHED
