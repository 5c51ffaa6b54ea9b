"""The notification pages, now in their own app, keep their URLs: the list, opening one (marked read,
then its document's page or the list), and "mark all read"; nobody opens another person's notification."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from qlvb.assignments.models import Notification


def _notify(user, document=None, text="Văn bản mới cần xử lý"):
    return Notification.objects.create(
        user=user, kind="assigned", text=text, document=document, created_at=timezone.now()
    )


def test_the_urls_are_the_ones_incoming_had():
    assert reverse("notifications:list") == "/van-ban-den/thong-bao/"
    assert reverse("notifications:read") == "/van-ban-den/thong-bao/da-doc/"
    assert reverse("notifications:open", args=[7]) == "/van-ban-den/thong-bao/7/"


def test_opening_a_notification_marks_it_read(client, person):
    huong = person("dothanhhuong")
    mine = _notify(huong)  # names no document: opening it leads back to the list
    client.force_login(huong)
    listed = client.get("/van-ban-den/thong-bao/")
    assert listed.status_code == 200 and "Văn bản mới cần xử lý" in listed.content.decode()
    opened = client.get(f"/van-ban-den/thong-bao/{mine.pk}/")
    assert opened.status_code == 302 and opened["Location"] == "/van-ban-den/thong-bao/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_another_persons_notification_is_not_found(client, person):
    theirs = _notify(person("lethuha"))
    client.force_login(person("dothanhhuong"))
    assert client.get(f"/van-ban-den/thong-bao/{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read(client, person):
    huong = person("dothanhhuong")
    _notify(huong), _notify(huong, text="Sắp đến hạn")
    client.force_login(huong)
    assert client.get("/van-ban-den/thong-bao/da-doc/").status_code == 405  # POST only
    response = client.post("/van-ban-den/thong-bao/da-doc/")
    assert response.status_code == 302 and response["Location"] == "/van-ban-den/thong-bao/"
    assert not Notification.objects.filter(user=huong, read_at__isnull=True).exists()
