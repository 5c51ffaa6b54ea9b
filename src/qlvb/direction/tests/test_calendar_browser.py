"""In Chromium: the office (Lê Thu Hà) drafts next week's calendar through the form, the Chủ tịch publishes it,
and Đỗ Thanh Hương, an attendee, sees the event on her phone (375×812) and in her iCalendar feed (fetched
and read by the strict parser of ``ics.py``). Each page is checked with axe-core (WCAG 2.1 A/AA); the week
view at desktop and phone width and the printed PDF (rendered with pdftoppm) go to var/screenshots/calendar/."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest

from qlvb.conftest import assert_accessible, browser_sign_in
from qlvb.direction import calendar_services as services
from qlvb.direction.calendar_models import CalendarEvent, EventState

from . import ics
from .conftest import at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[4] / "var" / "screenshots" / "calendar"


def _shot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def _more_events(person, ubnd, dept, monday, room) -> None:
    """The rest of a real week, so that the screenshots and the print show a full table."""
    clerk = person("lethuha")
    rows = [
        (1, 8, 11, "Tiếp công dân định kỳ", "phamthimai", [], [dept("VP")], "Trụ sở UBND xã", None),
        (
            2,
            14,
            17,
            "Kiểm tra tiến độ xây dựng nông thôn mới tại thôn Đông",
            "nguyenvanhung",
            [dept("KT")],
            [],
            "Thôn Đông",
            dept("KT"),
        ),
        (
            3,
            8,
            11,
            "Hội nghị triển khai tiêm chủng mở rộng năm 2027",
            "phamthimai",
            [dept("VHXH")],
            [],
            "",
            dept("VHXH"),
        ),
        (4, 7, 8, "Chào cờ đầu tháng", "nguyenvanhung", [], [dept("VP"), dept("KT"), dept("VHXH")], "Sân trụ sở", None),
    ]
    for day, start, end, title, chair, units, more_units, place, prep in rows:
        date = monday + dt.timedelta(days=day)
        services.event_create(
            actor=clerk,
            agency=ubnd,
            data=services.EventData(
                title=title,
                starts_at=at(date, start),
                ends_at=at(date, end),
                chair=person(chair),
                attendee_units=[*units, *more_units],
                place=place,
                preparing_unit=prep,
                room=room if day == 3 else None,
                guests="Đại diện Trung tâm Y tế khu vực" if day == 3 else "",
            ),
        )


def test_the_office_drafts_the_leader_publishes_the_attendee_sees_it_on_the_phone_and_in_the_feed(
    browser, live_server, person, ubnd, dept, room, monday, celery_eager
):
    base = live_server.url
    _more_events(person, ubnd, dept, monday, room)
    contexts = []

    def window(username: str, width: int = 1280, height: int = 900):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(60_000)
        browser_sign_in(page, base, username)
        return page

    try:
        # The office drafts next week's meeting.
        clerk = window("lethuha")
        clerk.get_by_role("link", name="Lịch công tác").first.click()
        clerk.wait_for_load_state("networkidle")
        clerk.locator('[data-qlvb="week-next"]').click()
        clerk.wait_for_load_state("networkidle")
        assert f"{monday:%d/%m/%Y}" in clerk.locator('[data-qlvb="week-range"]').inner_text()
        clerk.locator('[data-qlvb="event-new"]').click()
        clerk.wait_for_load_state("networkidle")
        form = clerk.locator('[data-qlvb="event-form"]')
        form.get_by_label("Nội dung").fill("Họp giao ban lãnh đạo UBND xã tuần")
        form.get_by_label("Bắt đầu").fill(f"{monday:%Y-%m-%d}T08:00")
        form.get_by_label("Kết thúc").fill(f"{monday:%Y-%m-%d}T10:30")
        form.get_by_label("Chủ trì").select_option(label="Nguyễn Văn Hùng")
        form.get_by_label("Thành phần (người)").select_option(label="Đỗ Thanh Hương")
        form.get_by_label("Phòng họp").select_option(label="Phòng họp tầng 2")
        form.get_by_label("Đơn vị chuẩn bị").select_option(label="Văn phòng HĐND và UBND")
        assert_accessible(clerk, "thêm sự kiện vào lịch cơ quan")
        form.locator('[data-qlvb="event-save"]').click()
        clerk.wait_for_load_state("networkidle")
        assert clerk.locator('[data-qlvb="event-state"]').inner_text() == "Dự thảo"
        assert_accessible(clerk, "sự kiện dự thảo")

        # The Chủ tịch publishes the week.
        leader = window("nguyenvanhung")
        leader.goto(f"{base}/lich-cong-tac/?tuan={monday:%Y-%m-%d}")
        assert "5 sự kiện dự thảo" in leader.locator('[data-qlvb="drafts"]').inner_text()
        leader.locator('[data-qlvb="publish"]').click()
        leader.wait_for_load_state("networkidle")
        assert "Đã công bố lịch công tác tuần (5 sự kiện)" in leader.locator("main").inner_text()
        assert not CalendarEvent.objects.filter(state=EventState.DRAFT).exists()
        table = leader.locator('[data-qlvb="week-table"]')
        assert table.is_visible() and "Họp giao ban lãnh đạo UBND xã tuần" in table.inner_text()
        assert_accessible(leader, "lịch tuần đã công bố")
        _shot(leader, "week-desktop")

        # A change after publishing: the time moves; the old time is struck through.
        event = CalendarEvent.objects.get(title="Họp giao ban lãnh đạo UBND xã tuần")
        clerk.goto(f"{base}/lich-cong-tac/{event.pk}/sua/")
        clerk.locator('[data-qlvb="event-form"]').get_by_label("Bắt đầu").fill(f"{monday:%Y-%m-%d}T14:00")
        clerk.locator('[data-qlvb="event-form"]').get_by_label("Kết thúc").fill(f"{monday:%Y-%m-%d}T16:00")
        clerk.locator('[data-qlvb="event-save"]').click()
        clerk.wait_for_load_state("networkidle")
        assert "Thời gian" in clerk.locator('[data-qlvb="changes"]').inner_text()
        assert clerk.locator('[data-qlvb="event-time"] del').inner_text().startswith("08:00")
        assert_accessible(clerk, "sự kiện đã đổi giờ sau khi công bố")
        _shot(clerk, "event-changed")

        # The attendee, on her phone: the event (with its change) on her own calendar, no sideways scrolling.
        phone = window("dothanhhuong", 375, 812)
        phone.goto(f"{base}/lich-cong-tac/cua-toi/?tuan={monday:%Y-%m-%d}")
        cards = phone.locator('[data-qlvb="event-card"]')
        assert cards.count() == 3  # her meeting, and two where the Phòng VHXH attends
        card = cards.first.inner_text()
        assert "Họp giao ban lãnh đạo UBND xã tuần" in card and "14:00–16:00" in card and "Phòng họp tầng 2" in card
        assert not phone.locator('[data-qlvb="week-table"]').is_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375
        assert_accessible(phone, "lịch của tôi trên điện thoại")
        _shot(phone, "week-phone-mine")
        phone.goto(f"{base}/lich-cong-tac/?tuan={monday:%Y-%m-%d}")
        assert phone.locator('[data-qlvb="event-card"]').count() == 5
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375
        _shot(phone, "week-phone")

        # ... and in her phone's calendar app, through the feed link.
        phone.goto(f"{base}/lich-cong-tac/cua-toi/")
        phone.locator('[data-qlvb="feed-rotate"]').click()
        phone.wait_for_load_state("networkidle")
        url = phone.locator('[data-qlvb="feed-url"]').input_value()
        assert url.startswith(f"{base}/lich-cong-tac/ical/lich_")
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
            calendar = ics.parse(response.read())
        found = {ics.unescape(ics.prop(e, "SUMMARY")[1]): e for e in ics.events(calendar)}
        assert set(found) == {
            "Họp giao ban lãnh đạo UBND xã tuần",
            "Hội nghị triển khai tiêm chủng mở rộng năm 2027",
            "Chào cờ đầu tháng",
        }
        vevent = found["Họp giao ban lãnh đạo UBND xã tuần"]
        assert ics.prop(vevent, "DTSTART") == ({"TZID": "Asia/Ho_Chi_Minh"}, f"{monday:%Y%m%d}T140000")
        assert ics.prop(vevent, "SEQUENCE")[1] == "1"

        # The print of the week, as posted on the notice board.
        pdf = clerk.request.get(f"{base}/lich-cong-tac/in/?tuan={monday:%Y-%m-%d}")
        assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
        SHOTS.mkdir(parents=True, exist_ok=True)
        (SHOTS / "week-print.pdf").write_bytes(pdf.body())
        if shutil.which("pdftoppm"):
            subprocess.run(
                [
                    "pdftoppm",
                    "-r",
                    "80",
                    "-png",
                    "-singlefile",
                    str(SHOTS / "week-print.pdf"),
                    str(SHOTS / "week-print"),
                ],
                check=True,
                timeout=60,
            )
            assert (SHOTS / "week-print.png").stat().st_size > 0
    finally:
        for context in contexts:
            context.close()
