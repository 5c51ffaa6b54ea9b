"""Seen receipts ("đã xem") of tasks: the assignee's first opening is recorded once and shown to the giver on
the task page; "của tôi" marks unseen tasks and sorts them first; the API's GET/POST .../seen."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.timezone import localtime

from qlvb.documents import seen
from qlvb.documents.seen_models import SeenMode, SeenReceipt

from .task_fixtures import give, ubnd

pytestmark = pytest.mark.django_db


def test_the_assignee_opens_and_the_giver_sees_when(page_as, person):
    task = give(person("nguyenvanhung"), lead=person("dothanhhuong"))
    url = reverse("direction:task_detail", args=[task.pk])
    assert "Chưa xem" in page_as("nguyenvanhung").get(url).content.decode()
    assert not SeenReceipt.objects.filter(task_id=task.pk).exists()  # the giver is no recipient
    page_as("dothanhhuong").get(url)
    page_as("dothanhhuong").get(url)
    receipt = SeenReceipt.objects.get(task_id=task.pk)
    assert receipt.user == person("dothanhhuong") and receipt.how == "opened"
    page = page_as("nguyenvanhung").get(url).content.decode()
    assert "Đã xem " + localtime(receipt.seen_at).strftime("%d/%m/%Y %H:%M") in page


def test_mine_marks_and_sorts_unseen_first(page_as, person):
    seen.agency_seen_mode_set(actor=person("tranthilan"), agency=ubnd(), mode=SeenMode.EXPLICIT)
    first = give(person("nguyenvanhung"), lead=person("dothanhhuong"), title="Việc thứ nhất")
    second = give(person("nguyenvanhung"), lead=person("dothanhhuong"), title="Việc thứ hai")
    officer = page_as("dothanhhuong")
    assert officer.post(reverse("direction:task_mark_seen", args=[first.pk])).status_code == 302
    plain = officer.get(reverse("direction:task_list") + "?box=mine").content.decode()
    assert plain.count('data-qlvb="unseen"') == 1
    assert plain.index("Việc thứ hai") < plain.index("Việc thứ nhất")  # same deadline: newest first
    unseen = officer.get(reverse("direction:task_list") + "?box=mine&sort=unseen").content.decode()
    assert unseen.index("Việc thứ hai") < unseen.index("Việc thứ nhất")
    assert 'data-qlvb="mark-seen"' in officer.get(reverse("direction:task_detail", args=[second.pk])).content.decode()
    assert SeenReceipt.objects.filter(task_id=second.pk).count() == 0  # explicit: opening took nothing


def test_the_api(api_as, person):
    seen.agency_seen_mode_set(actor=person("tranthilan"), agency=ubnd(), mode=SeenMode.EXPLICIT)
    task = give(person("nguyenvanhung"), lead=person("dothanhhuong"))
    officer = api_as("dothanhhuong")
    assert [t["unseen"] for t in officer.get("/api/v1/tasks?box=mine&sort=unseen").json()] == [True]
    assert officer.get(f"/api/v1/tasks/{task.pk}/seen").json()["receipts"] == []
    marked = officer.post(f"/api/v1/tasks/{task.pk}/seen").json()
    assert marked["mode"] == "explicit" and [r["how"] for r in marked["receipts"]] == ["api"]
    assert officer.post(f"/api/v1/tasks/{task.pk}/seen").json() == marked
    refused = api_as("nguyenvanhung").post(f"/api/v1/tasks/{task.pk}/seen")
    assert refused.status_code == 403 and refused.json()["code"] == "not_recipient"
    assert api_as("nguyenvanhung").get(f"/api/v1/tasks/{task.pk}/seen").json() == marked
    assert api_as("tytlienminh_dangvantoan").get(f"/api/v1/tasks/{task.pk}/seen").status_code == 404
