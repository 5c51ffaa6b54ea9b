"""The personal iCalendar feed of a person with over 1,000 events (issue 14): server time of
``GET /lich-cong-tac/ical/<token>.ics`` through Django's test client (the whole view: token check, the
permission-filtered query, the VEVENTs), its SQL queries and its size — with the repeated events written as
series (RRULE, EXDATE, RECURRENCE-ID overrides) and, for comparison, as one VEVENT per occurrence (the same
occurrences with their series' rule taken away, as before migration 0004).

The person (Đỗ Thanh Hương of the demo agency) gets, in the feed's window (60 days back, a year ahead):
personal one-off events, published agency events she attends, daily and weekly series with some occurrences
moved and some cancelled. Made once per database (titles start with "[bench]"; ``--fresh`` remakes them).

    DATABASE_URL=postgresql:///qlvb_h_calendar?host=/var/run/postgresql \\
        .venv/bin/python bench/bench_calendar_feed.py [--rounds 20] [--fresh]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]
PREFIX = "[bench]"


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))]


def make_events() -> None:
    """About 1,100 events for the officer: 300 one-off personal, 200 published agency events she attends, 12
    daily series of 40 and 8 weekly series of 20 (one moved and one cancelled occurrence in each series)."""
    from django.utils import timezone

    from qlvb.direction import calendar_services as services
    from qlvb.direction.calendar_models import CalendarEvent, EventState, Scope
    from qlvb.direction.calendar_repeat import Repeat, RepeatFreq
    from qlvb.direction.calendar_selectors import LOCAL
    from qlvb.directory.models import User

    officer = User.objects.get(username="ublienminh_dothanhhuong")
    clerk = User.objects.get(username="ublienminh_lethuha")
    chairman = User.objects.get(username="ublienminh_nguyenvanhung")
    assert officer.unit is not None
    agency = officer.unit.agency
    today = timezone.localdate()

    def at(day: dt.date, hour: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour), tzinfo=LOCAL)

    now = timezone.now()
    one_off = []
    for i in range(300):
        day = today + dt.timedelta(days=i - 50)
        one_off.append(
            CalendarEvent(
                agency=agency,
                scope=Scope.PERSONAL,
                owner=officer,
                title=f"{PREFIX} Việc riêng {i}",
                starts_at=at(day, 7 + i % 9),
                ends_at=at(day, 8 + i % 9),
                created_by=officer,
                state=EventState.PUBLISHED,
                published_at=now,
                published_by=officer,
                all_day=i % 25 == 0,
                note="Ghi chú, có dấu phẩy; và chấm phẩy" if i % 3 == 0 else "",
            )
        )
    for i in range(200):
        day = today + dt.timedelta(days=i % 300 - 40)
        one_off.append(
            CalendarEvent(
                agency=agency,
                scope=Scope.AGENCY,
                title=f"{PREFIX} Họp cơ quan {i}",
                starts_at=at(day, 14),
                ends_at=at(day, 16),
                chair=chairman,
                created_by=clerk,
                state=EventState.PUBLISHED,
                published_at=now,
                published_by=chairman,
                place="Hội trường UBND xã",
            )
        )
    made = CalendarEvent.objects.bulk_create(one_off)
    through = CalendarEvent.attendee_users.through
    through.objects.bulk_create(
        [through(calendarevent_id=e.pk, user_id=officer.pk) for e in made if e.scope == Scope.AGENCY]
    )
    series = [(RepeatFreq.DAILY, 40, 12), (RepeatFreq.WEEKLY, 20, 8)]
    n = 0
    for freq, count, how_many in series:
        for k in range(how_many):
            start = at(today + dt.timedelta(days=k * 7 - 30), 7 + k % 3)
            data = services.EventData(
                title=f"{PREFIX} {freq} {k}", starts_at=start, ends_at=start + dt.timedelta(hours=1)
            )
            first = services.event_create(
                actor=officer, agency=agency, data=data, scope=Scope.PERSONAL, repeat=Repeat(freq, count=count)
            )
            rows = list(CalendarEvent.objects.filter(series_id=first.series_id).order_by("starts_at"))
            moved = rows[3]
            services.event_update(
                actor=officer,
                event=moved,
                data=services.EventData(
                    title=moved.title,
                    starts_at=moved.starts_at + dt.timedelta(hours=2),
                    ends_at=moved.ends_at + dt.timedelta(hours=2),
                ),
            )
            services.event_cancel(actor=officer, event=rows[5])
            n += count
    print(f"made {len(made)} one-off events and {n} occurrences in {sum(h for _f, _c, h in series)} series")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--fresh", action="store_true", help="remake the bench events")
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", "postgresql:///qlvb_h_calendar?host=/var/run/postgresql")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from qlvb.direction import calendar_services as services
    from qlvb.direction.calendar_models import CalendarEvent, EventSeries
    from qlvb.direction.calendar_selectors import personal_q
    from qlvb.directory.models import User

    call_command("migrate", verbosity=0, interactive=False)
    if not User.objects.filter(username="ublienminh_dothanhhuong").exists():
        call_command("demo", verbosity=0)
    officer = User.objects.get(username="ublienminh_dothanhhuong")
    if args.fresh:
        mine = CalendarEvent.objects.filter(title__startswith=PREFIX)
        series_ids = set(mine.exclude(series=None).values_list("series_id", flat=True))
        mine.delete()
        EventSeries.objects.filter(pk__in=series_ids).delete()
    if not CalendarEvent.objects.filter(title__startswith=PREFIX).exists():
        make_events()
    total = CalendarEvent.objects.filter(personal_q(officer)).count()
    key = services.feed_token_rotate(actor=officer)
    url = reverse("direction:feed", args=[key])
    client = Client()

    def measure(label: str) -> None:
        times: list[float] = []
        queries = size = vevents = 0
        for _ in range(args.rounds):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
            queries, size = len(captured), len(response.content)
            vevents = response.content.count(b"BEGIN:VEVENT")
        print(
            f"{label:<34} p50 {statistics.median(times):7.1f} ms  p95 {pct(times, 95):7.1f} ms  "
            f"{queries:3d} queries  {size / 1024:7.1f} KiB  {vevents:5d} VEVENTs"
        )

    print(f"{connection.vendor}: {total} events in the officer's calendars ({args.rounds} rounds each)")
    measure("feed, repeated events as series")
    ruled = list(EventSeries.objects.exclude(freq="").filter(occurrences__title__startswith=PREFIX).distinct())
    freqs = {s.pk: s.freq for s in ruled}
    EventSeries.objects.filter(pk__in=freqs).update(freq="")
    try:
        measure("feed, one VEVENT per occurrence")
    finally:
        for pk, freq in freqs.items():
            EventSeries.objects.filter(pk=pk).update(freq=freq)


if __name__ == "__main__":
    main()
