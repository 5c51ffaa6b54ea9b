"""From the existing notification events to a person's devices, through the local push service: a new
document to register reaches the clerks, a submitted one the leader, an announcement its audience — each
decrypted and read here. The person's settings hold (kinds, quiet hours with hỏa tốc breaking through,
the subject only when allowed); a device the service says is gone (410) is removed, one failing (5xx) is
retried; nothing is pushed about a document the person may not see; a rolled-back action pushes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from qlvb.assignments.models import Notification
from qlvb.core.audit import AuditEntry
from qlvb.direction import announcements
from qlvb.direction.announcement_models import Audience
from qlvb.directory.models import Unit
from qlvb.documents.models import Urgency
from qlvb.incoming.directing import incoming_submit
from qlvb.incoming.receiving import incoming_receive
from qlvb.incoming.tests.conftest import make_data
from qlvb.notifications.fanout import push_send, sends_for
from qlvb.notifications.models import HeldPush, PushSubscription
from qlvb.notifications.preferences import push_preference_update
from qlvb.notifications.subscriptions import push_subscription_create
from qlvb.notifications.vapid import vapid_key

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def device(push_service, person):
    """``device("lethuha")`` → the local push service's subscriber for a new device of that person."""

    def make(name: str) -> Any:
        sub = push_service.subscribe(server_key=vapid_key().public_key)
        push_subscription_create(actor=person(name), endpoint=sub.endpoint, **sub.keys, label="Điện thoại")
        return sub

    return make


@pytest.fixture
def ubnd(demo):
    return Unit.objects.get(short_name="UBND", kind="agency")


@pytest.fixture
def arrived(ubnd, celery_eager, django_capture_on_commit_callbacks):
    """``arrived(**fields)`` → a document come by a system channel, waiting for the clerk to register it."""

    def run(**fields: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return incoming_receive(
                actor=None, agency=ubnd, channel="email", data=make_data(**fields), register=False
            ).document

    return run


def test_a_document_to_register_reaches_the_clerks_device_without_its_subject(device, push_service, arrived):
    phone = device("lethuha")
    document = arrived(subject="Về việc phòng chống bão số 3")
    [message] = push_service.messages_for(phone)
    payload = message.json()
    assert payload["title"] == "Văn bản mới chờ vào sổ"
    assert payload["body"] == "Bạn có văn bản mới"  # the lock screen shows no subject unless allowed
    assert "bão" not in message.payload.decode()
    assert payload["url"] == f"/van-ban-den/{document.pk}/"
    assert payload["tag"] == f"qlvb-doc-{document.pk}" and payload["kind"] == "register"
    assert (message.urgency, message.ttl) == ("normal", 24 * 60 * 60)
    assert PushSubscription.objects.get(endpoint=phone.endpoint).last_sent_at is not None


def test_the_subject_shows_when_the_person_allows_it_and_hoa_toc_is_high(device, push_service, arrived, person):
    phone = device("lethuha")
    push_preference_update(
        actor=person("lethuha"), kinds_on=["register"], quiet_start=None, quiet_end=None, show_subject=True
    )
    arrived(subject="Về việc phòng chống bão số 3", urgency=Urgency.FLASH)
    [message] = push_service.messages_for(phone)
    assert message.json()["body"] == "Văn bản mới chờ vào sổ: Về việc phòng chống bão số 3"
    assert message.json()["title"] == "HỎA TỐC · Văn bản mới chờ vào sổ"
    assert message.urgency == "high"


def test_a_submitted_document_reaches_the_leader(
    device, push_service, person, arrived, django_capture_on_commit_callbacks
):
    leader_phone, leader_laptop = device("nguyenvanhung"), device("nguyenvanhung")
    document = arrived()
    ha = person("lethuha")
    from qlvb.incoming.receiving import incoming_register

    with django_capture_on_commit_callbacks(execute=True):
        incoming_register(actor=ha, document=document)
        incoming_submit(actor=ha, document=document, leader=person("nguyenvanhung"))
    for device_of_leader in (leader_phone, leader_laptop):
        [message] = push_service.messages_for(device_of_leader)
        assert message.json()["title"] == "Chờ cho ý kiến, duyệt, ký"
        assert message.json()["url"] == f"/van-ban-den/{document.pk}/"


def test_kinds_turned_off_and_quiet_hours_hold(device, push_service, arrived, person, monkeypatch):
    phone = device("lethuha")
    ha = person("lethuha")
    push_preference_update(actor=ha, kinds_on=["directive"], quiet_start=None, quiet_end=None, show_subject=False)
    arrived()
    assert push_service.messages_for(phone) == []  # "register" is off
    now = timezone.localtime()
    push_preference_update(
        actor=ha,
        kinds_on=["register"],
        quiet_start=(now - dt.timedelta(hours=1)).time(),
        quiet_end=(now + dt.timedelta(hours=1)).time(),
        show_subject=False,
    )
    arrived(code_number="16")
    assert push_service.messages_for(phone) == []  # quiet hours: held for the summary (test_quiet_hours.py)
    assert HeldPush.objects.filter(user=ha).count() == 1
    arrived(code_number="17", urgency=Urgency.FLASH)
    assert [m.json()["title"] for m in push_service.messages_for(phone)] == ["HỎA TỐC · Văn bản mới chờ vào sổ"]
    assert Notification.objects.filter(user=ha).count() == 3  # in the app, every one


def test_a_gone_device_is_removed_and_a_failing_one_retried(device, push_service, arrived, settings):
    gone, flaky = device("lethuha"), device("lethuha")
    push_service.remove(gone)
    push_service.fail(flaky, 503, 500)  # twice, then accepted (Celery runs the retries in-process here)
    arrived()
    assert not PushSubscription.objects.filter(endpoint=gone.endpoint).exists()
    assert AuditEntry.objects.filter(action="push.expired").count() == 1
    assert len(push_service.messages_for(flaky)) == 1
    assert PushSubscription.objects.get(endpoint=flaky.endpoint).failures == 0


def test_retries_stop_after_the_limit(device, push_service, arrived, settings):
    settings.QLVB_PUSH_RETRIES = 2
    down = device("lethuha")
    push_service.fail(down, *[503] * 10)
    arrived()
    assert push_service.messages_for(down) == []
    assert PushSubscription.objects.get(endpoint=down.endpoint).failures == 3  # the first send and 2 retries
    assert len([r for r in push_service.refused if r[0] == 503]) == 3


def test_nothing_is_pushed_about_a_document_the_person_may_not_see(device, push_service, arrived, person):
    document = arrived()
    outsider = person("tytlienminh_buithiloan")  # another agency
    phone = device("tytlienminh_buithiloan")
    note = Notification.objects.create(
        user=outsider, kind="new_document", text="x", document=document, created_at=timezone.now()
    )
    assert sends_for([note.pk]) == []
    assert push_service.messages_for(phone) == []


def test_an_announcement_reaches_its_audience(
    device, push_service, person, ubnd, celery_eager, django_capture_on_commit_callbacks
):
    huong, trang = device("dothanhhuong"), device("ngothuytrang")
    with django_capture_on_commit_callbacks(execute=True):
        announcements.announcement_create(
            actor=person("lethuha"),
            agency=ubnd,
            title="Lịch trực Tết Nguyên đán 2027",
            audience=Audience.PEOPLE,
            people=[person("dothanhhuong")],
        )
    [message] = push_service.messages_for(huong)
    assert message.json()["title"] == "Thông báo nội bộ" and message.json()["url"] == "/thong-bao/"
    assert push_service.messages_for(trang) == []


def test_a_rolled_back_action_pushes_nothing(
    device, push_service, ubnd, celery_eager, django_capture_on_commit_callbacks
):
    phone = device("lethuha")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        incoming_receive(actor=None, agency=ubnd, channel="email", data=make_data(), register=False)
        raise RuntimeError("rolled back")
    assert push_service.messages_for(phone) == []


def test_push_send_reports_its_figures(device, push_service, arrived):
    phone = device("lethuha")
    arrived()
    note = Notification.objects.filter(user__username="ublienminh_lethuha").latest("pk")
    report = push_send(sends_for([note.pk]))
    assert (report.sent, report.gone, report.retry) == (1, 0, [])
    assert len(push_service.messages_for(phone)) == 2
