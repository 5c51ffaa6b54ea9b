"""The "Thiết bị nhận thông báo" page: the person's devices and settings; saving the kinds, quiet hours and
the lock-screen choice; a half-filled quiet hours refused in Vietnamese with nothing saved; a device
removed by its owner only (another person's answers 404)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from qlvb.notifications.models import PushPreference, PushSubscription
from qlvb.notifications.subscriptions import push_subscription_create

pytestmark = pytest.mark.django_db
URL = "/van-ban-den/thong-bao/thiet-bi/"


def test_the_page_lists_devices_and_settings(page_as, person, push_service):
    sub = push_service.subscribe()
    push_subscription_create(actor=person("lethuha"), endpoint=sub.endpoint, **sub.keys, label="Chrome trên Android")
    answer = page_as("lethuha").get(URL)
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "Thiết bị nhận thông báo" in html and "Chrome trên Android" in html and "127.0.0.1" in html
    assert "Giờ yên lặng" in html and "Hiện trích yếu văn bản trên màn hình khóa" in html
    assert len(re.findall(r'<input type="checkbox" name="kinds" value="\w+"[^>]* checked>', html)) == 9  # all on
    assert page_as("lethuha").get("/van-ban-den/thong-bao/").content.decode().count(URL) == 1  # linked


def test_the_page_needs_sign_in(client, db):
    assert client.get(URL).status_code == 302


def test_saving_the_settings(page_as, person):
    answer = page_as("lethuha").post(
        URL, {"kinds": ["register", "reminder"], "quiet_start": "22:00", "quiet_end": "06:30", "show_subject": "on"}
    )
    assert answer.status_code == 302
    saved = PushPreference.objects.get(user=person("lethuha"))
    assert set(saved.kinds_off) == {"directive", "approval", "deadline", "calendar", "announcement", "reply", "other"}
    assert (saved.quiet_start, saved.quiet_end, saved.show_subject) == (dt.time(22), dt.time(6, 30), True)


def test_half_quiet_hours_are_refused(page_as, person):
    answer = page_as("lethuha").post(URL, {"kinds": ["register"], "quiet_start": "22:00"})
    assert answer.status_code == 400
    assert "Giờ yên lặng cần cả giờ bắt đầu và giờ kết thúc" in answer.content.decode()
    assert not PushPreference.objects.exists()
    bad = page_as("lethuha").post(URL, {"kinds": ["không-có"]})
    assert bad.status_code == 400 and not PushPreference.objects.exists()


def test_a_device_is_removed_by_its_owner_only(page_as, person, push_service):
    sub = push_service.subscribe()
    mine = push_subscription_create(actor=person("lethuha"), endpoint=sub.endpoint, **sub.keys)
    assert page_as("nguyenvanhung").post(f"{URL}{mine.pk}/huy/").status_code == 404
    assert PushSubscription.objects.filter(pk=mine.pk).exists()
    assert page_as("lethuha").get(f"{URL}{mine.pk}/huy/").status_code == 405
    answer = page_as("lethuha").post(f"{URL}{mine.pk}/huy/")
    assert answer.status_code == 302 and not PushSubscription.objects.exists()
