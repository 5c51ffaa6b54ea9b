"""In Chromium: the office adds a whole-day event that repeats weekly through the form ("Cả ngày" hides the
times and shows the days), the week view says "Cả ngày"; the attendee's home page lists today's events under
"Việc chờ tôi". Each page checked with axe-core; screenshots in var/screenshots/calendar/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from qlvb.conftest import assert_accessible
from qlvb.direction import calendar_services as services
from qlvb.direction.calendar_models import CalendarEvent

from .conftest import at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[4] / "var" / "screenshots" / "calendar"


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_whole_day_weekly_event_through_the_form_and_todays_events_at_home(
    browser_as, live_server, person, ubnd, monday
):
    base = live_server.url
    clerk = browser_as("lethuha")
    clerk.goto(f"{base}/lich-cong-tac/them/")
    form = clerk.locator('[data-qlvb="event-form"]')
    starts, first_day = form.get_by_label("Bắt đầu"), form.get_by_label("Từ ngày")
    assert starts.is_visible() and not first_day.is_visible()
    form.get_by_label("Cả ngày").check()
    assert not starts.is_visible() and first_day.is_visible()
    form.get_by_label("Nội dung").fill("Kiểm tra cơ sở cả ngày")
    first_day.fill(f"{monday + dt.timedelta(days=2):%d/%m/%Y}")
    form.get_by_label("Chủ trì").select_option(label="Nguyễn Văn Hùng")
    form.get_by_label("Lặp lại").select_option(label="Hằng tuần")
    form.get_by_label("Số buổi").fill("3")
    assert_accessible(clerk, "the event form, whole day")
    _shot(clerk, "event-form-all-day")
    form.locator('[data-qlvb="event-save"]').click()
    clerk.wait_for_load_state("networkidle")
    made = list(CalendarEvent.objects.order_by("starts_at"))
    assert len(made) == 3 and all(e.all_day for e in made)
    assert "Cả ngày" in clerk.locator('[data-qlvb="event-time"]').inner_text()
    assert "Hằng tuần, 3 buổi." in clerk.locator('[data-qlvb="event-rule"]').inner_text()
    clerk.goto(f"{base}/lich-cong-tac/?tuan={monday:%Y-%m-%d}")
    table = clerk.locator('[data-qlvb="week-table"]')
    assert "Cả ngày" in table.inner_text() and "Kiểm tra cơ sở cả ngày" in table.inner_text()
    _shot(clerk, "week-all-day")

    # today's events on the attendee's home page
    today = timezone.localdate()
    officer = person("dothanhhuong")
    services.event_create(
        actor=officer,
        agency=ubnd,
        scope="personal",
        data=services.EventData(title="Tiếp đoàn kiểm tra của huyện", starts_at=at(today, 9), ends_at=at(today, 11)),
    )
    services.event_create(
        actor=officer,
        agency=ubnd,
        scope="personal",
        data=services.EventData(title="Trực cơ quan", starts_at=at(today, 0), ends_at=at(today, 0), all_day=True),
    )
    home = browser_as("dothanhhuong")
    home.goto(f"{base}/")
    today_box = home.locator('[data-qlvb="events-today"]')
    today_box.wait_for()
    text = today_box.inner_text()
    assert "Sự kiện hôm nay" in text and "Tiếp đoàn kiểm tra của huyện" in text and "09:00–11:00" in text
    assert "Trực cơ quan" in text and "Cả ngày" in text
    assert_accessible(home, "the home page with today's events")
    _shot(home, "home-events-today")
    phone = browser_as("dothanhhuong", phone=True)
    phone.goto(f"{base}/")
    phone.locator('[data-qlvb="events-today"]').wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    _shot(phone, "home-events-today-phone")
