"""Two bookings of one meeting room made at the same moment: the room's row is locked while the clash is
checked, so exactly one passes and the other is refused naming it — never two overlapping events.
(PostgreSQL; SQLite's in-memory test database refuses a second writer at once instead of waiting.)"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest

from qlvb.conftest import run_together, sqlite_in_memory
from qlvb.core.errors import Conflict
from qlvb.direction import calendar_services as services
from qlvb.direction.calendar_models import CalendarEvent, MeetingRoom
from qlvb.directory.models import Unit, User

from .conftest import at

THREADS = 6


@pytest.mark.django_db(transaction=True)
def test_simultaneous_bookings_of_one_room_let_one_through(demo, monday: dt.date):
    if sqlite_in_memory():
        pytest.skip("SQLite's shared-cache in-memory test database refuses a second writer instead of waiting")
    ubnd = Unit.objects.get(short_name="UBND", kind="agency")
    clerk = User.objects.get(username="ublienminh_lethuha")
    room = services.room_create(actor=clerk, agency=ubnd, name="Hội trường lớn")
    refused: list[str] = []
    lock = threading.Lock()

    def worker(t: int, ready: Callable[[], object]) -> None:
        actor = User.objects.get(pk=clerk.pk)
        agency = Unit.objects.get(pk=ubnd.pk)
        booked = MeetingRoom.objects.get(pk=room.pk)
        ready()
        try:
            services.event_create(
                actor=actor,
                agency=agency,
                data=services.EventData(
                    title=f"Hội nghị số {t}", starts_at=at(monday, 8, t), ends_at=at(monday, 10), room=booked
                ),
            )
        except Conflict as exc:
            with lock:
                refused.append(exc.message)

    errors = run_together(THREADS, worker)
    assert not errors, errors
    [kept] = CalendarEvent.objects.filter(room=room)
    assert len(refused) == THREADS - 1
    assert all(f"“{kept.title}”" in message for message in refused)
