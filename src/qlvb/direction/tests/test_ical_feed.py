"""The personal iCalendar feed: RFC 5545 read by a strict parser (CRLF, folding at 75 octets, escaping, the
Asia/Ho_Chi_Minh VTIMEZONE), only the person's events, a change raising SEQUENCE, a cancelled event marked
CANCELLED; the token in the URL is revocable and rotatable, and a revoked one answers 410 with no data."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from qlvb.direction import calendar_services as services
from qlvb.direction.calendar_ical import fold

from . import ics
from .conftest import at

pytestmark = pytest.mark.django_db


def _feed(key: str):
    return Client().get(reverse("direction:feed", args=[key]))


def test_the_attendee_reads_his_published_events_in_the_feed(draft, person, monday, ubnd, room):
    long_title = "Hội nghị sơ kết công tác y tế, dân số; vệ sinh an toàn thực phẩm\nquý IV năm 2026 " * 2
    event = draft(long_title, start=8, end=11, room=room, guests="Đại diện Trung tâm Y tế huyện, Công an xã")
    draft("Họp riêng của lãnh đạo", day=2, attendee_users=[])  # he is not in it
    services.week_publish(actor=person("nguyenvanhung"), agency=ubnd, monday=monday)
    draft("Dự thảo chưa công bố", day=3)
    key = services.feed_token_rotate(actor=person("dothanhhuong"))

    response = _feed(key)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = ics.parse(response.content)
    assert ics.prop(calendar, "VERSION")[1] == "2.0"
    zone = [c for c in calendar["children"] if c["name"] == "VTIMEZONE"]
    assert len(zone) == 1 and ics.prop(zone[0], "TZID")[1] == "Asia/Ho_Chi_Minh"
    assert ics.prop(zone[0]["children"][0], "TZOFFSETTO")[1] == "+0700"
    [vevent] = ics.events(calendar)
    assert ics.unescape(ics.prop(vevent, "SUMMARY")[1]) == long_title.strip()
    params, start = ics.prop(vevent, "DTSTART")
    assert params == {"TZID": "Asia/Ho_Chi_Minh"} and start == f"{monday:%Y%m%d}T080000"
    assert ics.prop(vevent, "DTEND")[1] == f"{monday:%Y%m%d}T110000"
    assert ics.prop(vevent, "DTSTAMP")[1].endswith("Z")
    assert ics.prop(vevent, "UID")[1] == f"event-{event.pk}@testserver"
    assert ics.unescape(ics.prop(vevent, "LOCATION")[1]) == "Phòng họp tầng 2"
    description = ics.unescape(ics.prop(vevent, "DESCRIPTION")[1])
    assert "Chủ trì: Nguyễn Văn Hùng" in description and "Công an xã" in description
    assert ics.prop(vevent, "STATUS")[1] == "CONFIRMED" and ics.prop(vevent, "SEQUENCE")[1] == "0"


def test_a_change_and_a_cancellation_reach_the_phone(draft, person, monday, ubnd):
    event = draft()
    services.week_publish(actor=person("nguyenvanhung"), agency=ubnd, monday=monday)
    key = services.feed_token_rotate(actor=person("dothanhhuong"))
    data = services.EventData(
        title=event.title,
        starts_at=at(monday, 9),
        ends_at=at(monday, 10),
        chair=person("nguyenvanhung"),
        attendee_users=[person("dothanhhuong")],
    )
    services.event_update(actor=person("lethuha"), event=event, data=data)
    [vevent] = ics.events(ics.parse(_feed(key).content))
    assert ics.prop(vevent, "SEQUENCE")[1] == "1" and ics.prop(vevent, "DTSTART")[1].endswith("T090000")
    services.event_cancel(actor=person("lethuha"), event=event)
    [vevent] = ics.events(ics.parse(_feed(key).content))
    assert ics.prop(vevent, "STATUS")[1] == "CANCELLED" and ics.prop(vevent, "SEQUENCE")[1] == "2"


def test_a_revoked_or_rotated_token_answers_410_with_no_data(draft, person, monday, ubnd):
    draft()
    services.week_publish(actor=person("nguyenvanhung"), agency=ubnd, monday=monday)
    officer = person("dothanhhuong")
    old = services.feed_token_rotate(actor=officer)
    new = services.feed_token_rotate(actor=officer)
    assert _feed(new).status_code == 200
    gone = _feed(old)
    assert gone.status_code == 410 and gone.content == b""
    services.feed_token_revoke(actor=officer)
    revoked = _feed(new)
    assert revoked.status_code == 410 and revoked.content == b""
    unknown = _feed("lich_" + "x" * 43)
    assert unknown.status_code == 404 and b"VEVENT" not in unknown.content


def test_a_locked_account_feed_stops(draft, person):
    officer = person("dothanhhuong")
    key = services.feed_token_rotate(actor=officer)
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    assert _feed(key).status_code == 410


def test_folding_never_splits_a_vietnamese_character():
    line = "SUMMARY:" + "Hội nghị tổng kết ờ ậ ữ " * 10
    folded = fold(line).encode("utf-8")
    parts = folded.split(b"\r\n")
    assert all(len(p) <= 75 for p in parts) and len(parts) > 2
    assert b"".join(p[1:] if i else p for i, p in enumerate(parts)).decode("utf-8") == line
