"""The calendar and announcement pages and API for each role: the week view with previous/next week, the
event form's refusals shown on the page, 403 with the reason for someone not responsible, 404 for another
agency's event, the print of the week as a landscape PDF, the feed link on one's own calendar."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from django.urls import reverse

from qlvb.direction import calendar_services as services
from qlvb.direction.calendar_models import CalendarEvent

pytestmark = pytest.mark.django_db
SHOTS = Path(__file__).resolve().parents[4] / "var" / "screenshots" / "calendar"


def _published(draft, person, ubnd, monday, **fields):
    event = draft(**fields)
    services.week_publish(actor=person("nguyenvanhung"), agency=ubnd, monday=monday)
    event.refresh_from_db()
    return event


def test_the_week_view_and_its_neighbours(draft, person, ubnd, monday, page_as):
    _published(draft, person, ubnd, monday, title="Tiếp công dân định kỳ")
    officer = page_as("dothanhhuong")
    page = officer.get(f"/lich-cong-tac/?tuan={monday:%Y-%m-%d}").content.decode()
    assert "Tiếp công dân định kỳ" in page and f"{monday:%d/%m/%Y}" in page
    assert (
        f"?tuan={monday - dt.timedelta(days=7):%Y-%m-%d}" in page
        and f"?tuan={monday + dt.timedelta(days=7):%Y-%m-%d}" in page
    )
    assert 'data-qlvb="event-new"' not in page and 'data-qlvb="publish"' not in page
    assert (
        "Tiếp công dân định kỳ"
        not in officer.get(f"/lich-cong-tac/?tuan={monday + dt.timedelta(days=7):%Y-%m-%d}").content.decode()
    )
    assert officer.get("/lich-cong-tac/?tuan=khong-phai-ngay").status_code == 200
    assert "Tiếp công dân định kỳ" in officer.get(f"/lich-cong-tac/cua-toi/?tuan={monday:%Y-%m-%d}").content.decode()


def test_the_office_drafts_through_the_form_and_sees_refusals(person, ubnd, monday, page_as, room):
    clerk = page_as("lethuha")
    day = f"{monday:%Y-%m-%d}"
    form = {
        "title": "Họp Ban chỉ đạo phòng chống dịch",
        "starts_at": f"{day}T08:00",
        "ends_at": f"{day}T07:00",
        "chair": person("phamthimai").pk,
        "room": room.pk,
    }
    refused = clerk.post("/lich-cong-tac/them/", form).content.decode()
    assert "phải sau thời gian bắt đầu" in refused
    form["ends_at"] = f"{day}T10:00"
    response = clerk.post("/lich-cong-tac/them/", form)
    event = CalendarEvent.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/lich-cong-tac/{event.pk}/"
    form["title"] = "Họp trùng phòng"
    clash = clerk.post("/lich-cong-tac/them/", form).content.decode()
    assert "Họp Ban chỉ đạo phòng chống dịch" in clash and "đã được đặt" in clash
    week = clerk.get(f"/lich-cong-tac/?tuan={day}").content.decode()
    assert 'data-qlvb="drafts"' in week and 'data-qlvb="publish"' not in week  # the clerk does not publish
    leader = page_as("nguyenvanhung")
    assert 'data-qlvb="publish"' in leader.get(f"/lich-cong-tac/?tuan={day}").content.decode()
    leader.post("/lich-cong-tac/cong-bo/", {"tuan": day})
    assert CalendarEvent.objects.get().state == "published"


def test_not_responsible_gets_403_with_the_reason(draft, person, ubnd, monday, page_as, api_as):
    event = _published(draft, person, ubnd, monday)
    officer = page_as("dothanhhuong")
    response = officer.get(f"/lich-cong-tac/{event.pk}/sua/")
    assert response.status_code == 403 and "không phụ trách sự kiện này" in response.content.decode()
    assert officer.post(f"/lich-cong-tac/{event.pk}/", {"action": "cancel"}).status_code == 403
    assert officer.get("/lich-cong-tac/them/").status_code == 200  # the form; saving is refused
    body = {"title": "x", "starts_at": f"{monday}T08:00:00", "ends_at": f"{monday}T09:00:00"}
    api = api_as("dothanhhuong").put(f"/api/v1/calendar/events/{event.pk}", body, content_type="application/json")
    assert api.status_code == 403 and "không phụ trách" in api.json()["detail"]
    assert page_as("dothanhhuong").post("/lich-cong-tac/cong-bo/", {"tuan": f"{monday}"}).status_code == 403
    assert CalendarEvent.objects.get().changes.count() == 0


def test_another_agencys_event_is_404(draft, person, ubnd, monday, page_as, api_as):
    event = _published(draft, person, ubnd, monday)
    outsider = "tytlienminh_dangvantoan"
    assert page_as(outsider).get(f"/lich-cong-tac/{event.pk}/").status_code == 404
    assert page_as(outsider).get(f"/lich-cong-tac/{event.pk}/sua/").status_code == 404
    assert api_as(outsider).get(f"/api/v1/calendar/events/{event.pk}").status_code == 404
    assert (
        api_as(outsider)
        .post(f"/api/v1/calendar/events/{event.pk}/cancel", {}, content_type="application/json")
        .status_code
        == 404
    )
    assert api_as(outsider).get(f"/api/v1/calendar/events/{2**62}").status_code == 404


def test_the_api_flow(person, ubnd, monday, api_as, room):
    clerk = api_as("lethuha")
    body = {
        "title": "Hội nghị tổng kết",
        "starts_at": f"{monday}T08:00:00",
        "ends_at": f"{monday}T11:00:00",
        "room_id": room.pk,
        "chair_id": person("nguyenvanhung").pk,
        "attendee_user_ids": [person("dothanhhuong").pk],
        "guests": "Đại diện UBND huyện",
    }
    created = clerk.post("/api/v1/calendar/events", body, content_type="application/json")
    assert created.status_code == 201, created.content
    event = created.json()
    assert event["state"] == "draft" and event["starts_at"] == f"{monday}T01:00:00Z"  # 08:00 in Việt Nam
    clash = clerk.post("/api/v1/calendar/events", body, content_type="application/json")
    assert (
        clash.status_code == 409
        and clash.json()["code"] == "room_booked"
        and "Hội nghị tổng kết" in clash.json()["detail"]
    )
    backwards = dict(body, room_id=None, ends_at=f"{monday}T07:00:00")
    refused = clerk.post("/api/v1/calendar/events", backwards, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["code"] == "event_ends_before_start"
    assert (
        api_as("lethuha")
        .post("/api/v1/calendar/publish", {"week_start": f"{monday}"}, content_type="application/json")
        .status_code
        == 403
    )
    published = api_as("nguyenvanhung").post(
        "/api/v1/calendar/publish", {"week_start": f"{monday}"}, content_type="application/json"
    )
    assert published.json() == {"published": 1}
    mine = api_as("dothanhhuong").get(f"/api/v1/calendar/week?scope=mine&day={monday}").json()
    assert [e["title"] for e in mine["events"]] == ["Hội nghị tổng kết"]
    feed = api_as("dothanhhuong").post("/api/v1/calendar/feed")
    assert feed.status_code == 201 and "/lich-cong-tac/ical/lich_" in feed.json()["url"]
    assert api_as("dothanhhuong").delete("/api/v1/calendar/feed").status_code == 204


def test_announcements_api_refuses_another_agencys_unit(person, tyt, api_as, dept):
    for who, status in (("lethuha", 404), ("tranthilan", 422)):  # the UBND's administrator sees the TYT's units
        r = api_as(who).post(
            "/api/v1/announcements",
            {"title": "x", "audience": "units", "unit_ids": [tyt.pk]},
            content_type="application/json",
        )
        assert r.status_code in (status, 403), r.content
    ok = api_as("lethuha").post(
        "/api/v1/announcements",
        {"title": "Họp toàn cơ quan", "must_read": True},
        content_type="application/json",
    )
    assert ok.status_code == 201
    a = ok.json()["id"]
    officer = api_as("dothanhhuong")
    assert [x["id"] for x in officer.get("/api/v1/announcements?unread=true").json()] == [a]
    assert officer.post(f"/api/v1/announcements/{a}/read").json()["read"] is True
    assert officer.get("/api/v1/announcements?unread=true").json() == []
    assert officer.get(f"/api/v1/announcements/{a}/receipts").status_code == 404
    receipts = api_as("lethuha").get(f"/api/v1/announcements/{a}/receipts").json()
    assert "Đỗ Thanh Hương" in [r["name"] for r in receipts["read"]]
    assert api_as("tytlienminh_buithiloan").get(f"/api/v1/announcements/{a}").status_code == 404


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_the_week_prints_as_a_landscape_pdf(draft, person, ubnd, monday, page_as, tmp_path):
    from pypdf import PdfReader

    event = _published(draft, person, ubnd, monday, title="Hội nghị tổng kết công tác năm 2026")
    services.event_update(
        actor=person("lethuha"),
        event=event,
        data=services.EventData(
            title=event.title,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            chair=person("phamthimai"),
            attendee_users=[person("dothanhhuong")],
        ),
    )
    response = page_as("dothanhhuong").get(f"/lich-cong-tac/in/?tuan={monday:%Y-%m-%d}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "lich.pdf"
    path.write_bytes(response.content)
    reader = PdfReader(str(path))
    box = reader.pages[0].mediabox
    assert box.width > box.height  # landscape
    text = reader.pages[0].extract_text()
    for words in (
        "LỊCH CÔNG TÁC TUẦN",
        "Thứ/ngày",
        "Chủ trì",
        "Thành phần",
        "Chuẩn bị",
        "Hội nghị tổng kết",
        "Phạm Thị Mai",
        "Nguyễn Văn Hùng",
    ):
        assert words in text, words
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "week.pdf").write_bytes(response.content)  # rendered with pdftoppm and looked at (docs/calendar.md)


def test_the_feed_link_is_shown_once_on_my_calendar(person, page_as):
    officer = page_as("dothanhhuong")
    response = officer.post(reverse("direction:feed_manage"), {"action": "rotate"})
    assert response.status_code == 302
    page = officer.get(reverse("direction:my_calendar")).content.decode()
    assert 'data-qlvb="feed-url"' in page and "/lich-cong-tac/ical/lich_" in page
    assert 'data-qlvb="feed-url"' not in officer.get(reverse("direction:my_calendar")).content.decode()


def test_dates_outside_the_calendars_years_are_refused_not_crashed(person, page_as, api_as, monday):
    """Found by schemathesis: the year 1 overflowed when turned into UTC (a 500)."""
    assert page_as("dothanhhuong").get("/lich-cong-tac/?tuan=0001-01-01").status_code == 200
    leader = api_as("nguyenvanhung")
    r = leader.post("/api/v1/calendar/publish", {"week_start": "0001-01-01"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "date_out_of_range"
    body = {"title": "x", "starts_at": "9999-12-31T08:00:00", "ends_at": "9999-12-31T09:00:00"}
    r = api_as("lethuha").post("/api/v1/calendar/events", body, content_type="application/json")
    assert r.status_code == 422 and "2000–2100" in r.json()["detail"]
    assert leader.get("/api/v1/calendar/week?day=0001-01-01").status_code == 422
