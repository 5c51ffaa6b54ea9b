"""Quiet hours hold pushes (issue 16): what comes in a person's quiet hours is held, then released as ONE
summary per person when the hours end (the beat job ``held_pushes_release``); a khẩn, thượng khẩn or hỏa
tốc document goes at once. Read through the local push service, which decrypts what it receives."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from qlvb.assignments.models import Notification
from qlvb.directory.models import Unit
from qlvb.documents.models import Urgency
from qlvb.incoming.receiving import incoming_receive
from qlvb.incoming.tests.conftest import make_data
from qlvb.notifications import tasks
from qlvb.notifications.fanout import push_send
from qlvb.notifications.held import SUMMARY_TAG, held_pushes_release
from qlvb.notifications.models import HeldPush, PushPreference
from qlvb.notifications.preferences import push_preference_update, quiet_hours_end
from qlvb.notifications.subscriptions import push_subscription_create
from qlvb.notifications.vapid import vapid_key

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def device(push_service, person):
    def make(name: str) -> Any:
        sub = push_service.subscribe(server_key=vapid_key().public_key)
        push_subscription_create(actor=person(name), endpoint=sub.endpoint, **sub.keys, label="Điện thoại")
        return sub

    return make


@pytest.fixture
def arrived(demo, celery_eager, django_capture_on_commit_callbacks):
    ubnd = Unit.objects.get(short_name="UBND", kind="agency")
    numbers = iter(range(100, 200))

    def run(**fields: Any) -> Any:
        fields.setdefault("code_number", str(next(numbers)))
        with django_capture_on_commit_callbacks(execute=True):
            return incoming_receive(
                actor=None, agency=ubnd, channel="email", data=make_data(**fields), register=False
            ).document

    return run


@pytest.fixture
def quiet(person):
    """``quiet("lethuha")``: that person's quiet hours hold now (from an hour ago to an hour from now)."""

    def make(name: str, *, kinds_on: list[str] | None = None) -> PushPreference:
        now = timezone.localtime()
        return push_preference_update(
            actor=person(name),
            kinds_on=kinds_on or ["register", "approval", "directive", "other"],
            quiet_start=(now - dt.timedelta(hours=1)).time(),
            quiet_end=(now + dt.timedelta(hours=1)).time(),
            show_subject=True,
        )

    return make


def _release(at: dt.datetime) -> Any:
    release = held_pushes_release(now=at)
    push_send(release.sends)
    return release


def test_pushes_in_quiet_hours_are_held_then_come_as_one_summary(device, push_service, arrived, quiet, person):
    phone, laptop = device("lethuha"), device("lethuha")
    preference = quiet("lethuha")
    documents = [arrived(subject=f"Về việc số {n}") for n in range(3)]
    assert push_service.messages_for(phone) == [] and push_service.messages_for(laptop) == []
    held = list(HeldPush.objects.filter(user=person("lethuha")))
    assert len(held) == 3 and {h.kind for h in held} == {"register"}
    end = quiet_hours_end(preference, timezone.now())
    assert {h.release_at for h in held} == {end}
    assert timezone.localtime(end).time().replace(second=0) == preference.quiet_end.replace(second=0, microsecond=0)

    early = _release(end - dt.timedelta(minutes=1))  # the hours are not over: nothing goes
    assert (early.held, early.people) == (0, 0) and HeldPush.objects.count() == 3

    done = _release(end)
    assert (done.held, done.people, len(done.sends)) == (3, 1, 2)  # one summary, on each of the two devices
    for sub in (phone, laptop):
        [message] = push_service.messages_for(sub)
        payload = message.json()
        assert payload["title"] == "3 thông báo trong giờ yên lặng"
        assert payload["body"] == "Văn bản mới chờ vào sổ: 3"
        assert payload["tag"] == SUMMARY_TAG and payload["url"] == "/van-ban-den/thong-bao/"
        assert all(d.subject not in message.payload.decode() for d in documents)  # no subject in a summary
        assert message.urgency == "normal"
    assert HeldPush.objects.count() == 0
    again = _release(end + dt.timedelta(minutes=5))  # the next run finds nothing: never twice
    assert again.held == 0 and len(push_service.messages_for(phone)) == 1
    assert Notification.objects.filter(user=person("lethuha")).count() == 3  # in the app, all along


@pytest.mark.parametrize("urgency", [Urgency.URGENT, Urgency.VERY_URGENT, Urgency.FLASH])
def test_khan_and_above_go_at_once(device, push_service, arrived, quiet, urgency):
    phone = device("lethuha")
    quiet("lethuha")
    arrived(urgency=urgency)
    [message] = push_service.messages_for(phone)
    assert message.json()["kind"] == "register"
    assert HeldPush.objects.count() == 0


def test_a_single_held_push_leads_to_its_item(device, push_service, arrived, quiet):
    phone, laptop = device("lethuha"), device("lethuha")
    quiet("lethuha")
    document = arrived()
    held = HeldPush.objects.get()
    _release(held.release_at)
    for sub in (phone, laptop):
        [message] = push_service.messages_for(sub)
        assert message.json()["title"] == "1 thông báo trong giờ yên lặng"
        assert message.json()["url"] == f"/van-ban-den/{document.pk}/"


def test_the_summary_counts_only_what_may_still_be_pushed(device, push_service, arrived, quiet, person):
    phone = device("lethuha")
    quiet("lethuha")
    arrived()
    arrived()
    release_at = HeldPush.objects.first().release_at  # type: ignore[union-attr]
    outsider = person("tytlienminh_buithiloan")  # another agency: may not see UBND's documents
    other_phone = device("tytlienminh_buithiloan")
    foreign = HeldPush.objects.first()
    assert foreign is not None
    HeldPush.objects.create(
        user=outsider,
        notification=Notification.objects.create(
            user=outsider,
            kind="new_document",
            text="x",
            document=foreign.notification.document,
            created_at=timezone.now(),
        ),
        kind="register",
        held_at=timezone.now(),
        release_at=release_at,
    )
    # Hà turns "register" off before the hours end: nothing of that kind is summed up for her
    quiet("lethuha", kinds_on=["approval"])
    release = _release(release_at)
    assert release.held == 3 and release.people == 0
    assert push_service.messages_for(phone) == [] and push_service.messages_for(other_phone) == []


def test_a_locked_account_gets_no_summary(device, push_service, arrived, quiet, person):
    phone = device("lethuha")
    quiet("lethuha")
    arrived()
    ha = person("lethuha")
    ha.is_active = False
    ha.save(update_fields=["is_active"])
    release = _release(HeldPush.objects.get().release_at)
    assert release.people == 0 and push_service.messages_for(phone) == []


def test_the_beat_job_releases_what_is_due(device, push_service, arrived, quiet, celery_eager):
    phone = device("lethuha")
    quiet("lethuha")
    arrived()
    arrived()
    assert tasks.held_pushes_release() == {"held": 0, "people": 0, "sent": 0, "retry": 0}
    HeldPush.objects.update(release_at=timezone.now() - dt.timedelta(minutes=1))  # the hours just ended
    assert tasks.held_pushes_release() == {"held": 2, "people": 1, "sent": 1, "retry": 0}
    [message] = push_service.messages_for(phone)
    assert message.json()["title"] == "2 thông báo trong giờ yên lặng"
    job = settings.CELERY_BEAT_SCHEDULE["held-pushes-release"]
    assert job == {"task": "qlvb.notifications.held_pushes_release", "schedule": 300.0}


def test_the_end_of_hours_that_span_midnight():
    preference = PushPreference(quiet_start=dt.time(22, 0), quiet_end=dt.time(6, 0))
    tz = timezone.get_current_timezone()
    late = dt.datetime(2026, 12, 3, 23, 30, tzinfo=tz)
    early = dt.datetime(2026, 12, 4, 1, 15, tzinfo=tz)
    assert quiet_hours_end(preference, late) == dt.datetime(2026, 12, 4, 6, 0, tzinfo=tz)
    assert quiet_hours_end(preference, early) == dt.datetime(2026, 12, 4, 6, 0, tzinfo=tz)
    day = PushPreference(quiet_start=dt.time(12, 0), quiet_end=dt.time(13, 30))
    noon = dt.datetime(2026, 12, 3, 12, 10, tzinfo=tz)
    assert quiet_hours_end(day, noon) == dt.datetime(2026, 12, 3, 13, 30, tzinfo=tz)
