"""The home page's "Việc chờ tôi": today's events of the person's calendars ("Sự kiện hôm nay": his personal
ones, the published ones he chairs or attends; not the drafts, not the cancelled, not tomorrow's), each a
link to the event; the unread announcements in the direction app's slot of the home widgets."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from qlvb.direction import calendar_services as services

from .conftest import at

pytestmark = pytest.mark.django_db


def _today_block(client) -> str:
    html = client.get("/thong-ke/cho-toi/").content.decode()
    found = re.search(
        r'<li class="list-group-item px-0" data-qlvb="events-today">.*?</li>\s*</ul>\s*</li>|'
        r'<li class="list-group-item px-0" data-qlvb="events-today">.*?</li>',
        html,
        flags=re.S,
    )
    assert found, html
    return found.group(0)


def test_todays_events_of_my_calendars_are_listed(person, ubnd, page_as):
    today = timezone.localdate()
    officer = person("dothanhhuong")

    def agency_event(title: str, day: dt.date, **more):
        data = services.EventData(
            title=title, starts_at=at(day, 14), ends_at=at(day, 16), attendee_users=[officer], **more
        )
        return services.event_create(actor=person("lethuha"), agency=ubnd, data=data)

    published = agency_event("Họp bàn kế hoạch tiêm chủng", today)
    cancelled = agency_event("Họp bị hủy", today)
    tomorrow = agency_event("Họp ngày mai", today + dt.timedelta(days=1))
    monday = today - dt.timedelta(days=today.weekday())
    services.week_publish(actor=person("nguyenvanhung"), agency=ubnd, monday=monday)
    if today.weekday() == 6:  # tomorrow is next week's
        services.week_publish(actor=person("nguyenvanhung"), agency=ubnd, monday=monday + dt.timedelta(days=7))
    services.event_cancel(actor=person("lethuha"), event=cancelled)
    draft = agency_event("Dự thảo: họp chưa công bố", today)
    whole = services.event_create(
        actor=officer,
        agency=ubnd,
        scope="personal",
        data=services.EventData(title="Đi công tác cơ sở", starts_at=at(today, 0), ends_at=at(today, 0), all_day=True),
    )
    block = _today_block(page_as("dothanhhuong"))
    assert "Sự kiện hôm nay" in block and re.search(r'<span class="badge[^"]*">2</span>', block)
    assert f'href="/lich-cong-tac/{published.pk}/"' in block and "14:00–16:00" in block
    assert f'href="/lich-cong-tac/{whole.pk}/"' in block and "Cả ngày" in block
    for hidden in (draft, tomorrow, cancelled):
        assert hidden.title not in block
    assert f'href="/lich-cong-tac/cua-toi/?tuan={today:%Y-%m-%d}"' in block
    # someone not invited has none
    other = _today_block(page_as("ngothuytrang"))
    assert re.search(r'<span class="badge[^"]*">0</span>', other) and "today-event" not in other


def test_the_unread_announcements_sit_in_the_home_widgets(person, ubnd, page_as):
    from qlvb.direction import announcements

    announcements.announcement_create(
        actor=person("nguyenvanhung"),
        agency=ubnd,
        title="Lịch trực Tết",
        body="",
        audience="agency",
        units=[],
        people=[],
        must_read=True,
        valid_from=None,
        valid_until=None,
        files=[],
    )
    home = page_as("dothanhhuong").get("/").content.decode()
    assert home.count("Lịch trực Tết") == 1 and home.index("Lịch trực Tết") > home.index("Thông tin của bạn")
