"""The box counts are kept per person in the cache (core/person_counts.py, issue 17) and never shown stale:
after each action that changes a box, the counts each person concerned sees — the incoming list's boxes,
the app's badges (/ung-dung/so-luong/), the unread notifications — change at once. Each count is read
twice before the action, so the second read comes from the cache."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from qlvb.assignments.models import Notification
from qlvb.assignments.reassign import assignment_reassign
from qlvb.assignments.services import notifications_mark_read
from qlvb.core import person_counts
from qlvb.directory.models import Unit, User
from qlvb.documents.models import Document
from qlvb.incoming.receiving import incoming_receive, incoming_register
from qlvb.incoming.services import (
    Target,
    assignment_accept,
    assignment_assign,
    assignment_complete,
    assignment_return_result,
    incoming_direct,
    incoming_return_to_clerk,
    incoming_submit,
)
from qlvb.incoming.tests.conftest import make_data


@pytest.fixture
def waiting(person: Callable[[str], User], ubnd: Unit) -> Callable[[], Document]:
    """A document received by a system channel: it waits for the clerk's registration."""
    return lambda: (
        incoming_receive(
            actor=person("lethuha"), agency=ubnd, channel="email", data=make_data(), register=False
        ).document
    )


@pytest.fixture
def boxes(page_as: Callable[..., Client]) -> Callable[[User], dict[str, int]]:
    """The counts of the incoming list's boxes as the person's page shows them, read twice (the second from
    the cache) — both reads must agree."""
    clients: dict[int, Client] = {}

    def read(user: User) -> dict[str, int]:
        client = clients.setdefault(user.pk, page_as(user))
        first = client.get("/van-ban-den/?box=all").context["counts"]
        second = client.get("/van-ban-den/?box=all").context["counts"]
        assert first == second
        return dict(second)

    return read


@pytest.fixture
def badges(page_as: Callable[..., Client]) -> Callable[[User], dict[str, int]]:
    clients: dict[int, Client] = {}

    def read(user: User) -> dict[str, int]:
        client = clients.setdefault(user.pk, page_as(user))
        first, second = client.get("/ung-dung/so-luong/").json(), client.get("/ung-dung/so-luong/").json()
        assert first == second
        return second

    return read


def test_counts_are_kept_in_the_cache(person: Callable[[str], User], boxes: Any) -> None:
    ha = person("lethuha")
    counts = boxes(ha)
    kept: Any = person_counts.cached(ha.pk, "incoming", lambda: pytest.fail("computed again"))
    assert kept[1] == counts


def test_every_step_of_the_incoming_flow_moves_the_boxes_at_once(
    waiting: Any,
    person: Callable[[str], User],
    dept: Any,
    boxes: Any,
    badges: Any,
    celery_eager: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    ha, hung, nam, huong, mai = (
        person(p) for p in ("lethuha", "nguyenvanhung", "hoangvannam", "dothanhhuong", "phamthimai")
    )
    assert boxes(ha)["to_register"] == 0

    doc = waiting()
    assert boxes(ha)["to_register"] == 1
    incoming_register(actor=ha, document=doc)
    assert boxes(ha)["to_register"] == 0

    assert boxes(hung)["to_direct"] == 0
    incoming_submit(actor=ha, document=doc, leader=hung)
    assert boxes(hung)["to_direct"] == 1
    incoming_return_to_clerk(actor=hung, document=doc, reason="Thiếu phụ lục")
    assert boxes(hung)["to_direct"] == 0
    assert boxes(ha)["returned"] == 1
    incoming_submit(actor=ha, document=doc, leader=hung)
    assert boxes(ha)["returned"] == 0
    assert boxes(hung)["to_direct"] == 1

    assert boxes(nam)["to_assign"] == 0
    assert boxes(mai).get("for_info", 0) == 0  # a leader: the box appears with her first assignment
    lead, _info = incoming_direct(
        actor=hung,
        document=doc,
        directive="VHXH chủ trì",
        targets=[Target(role="lead", unit=dept("VHXH")), Target(role="info", user=mai)],
    )
    assert boxes(hung)["to_direct"] == 0
    assert boxes(nam)["to_assign"] == 1
    assert boxes(mai)["for_info"] == 1

    before = badges(huong)
    with django_capture_on_commit_callbacks(execute=True):  # the notification is written after commit
        (mine,) = assignment_assign(actor=nam, assignment=lead, note="", targets=[Target(role="lead", user=huong)])
    assert boxes(nam)["to_assign"] == 0
    assert boxes(huong)["to_handle"] == 1
    after = badges(huong)
    assert after["incoming"] == before["incoming"] + 1
    assert after["more"] == before["more"] + 1  # "Được giao xử lý": an unread notification

    notifications_mark_read(actor=huong)
    assert badges(huong)["more"] == 0

    assignment_complete(actor=huong, assignment=mine, result="Đã xong")
    assert boxes(huong)["to_handle"] == 0
    assert boxes(hung)["to_accept"] == 1  # the document's lead part, given by the leader, awaits his acceptance
    assignment_return_result(actor=hung, assignment=lead, reason="Bổ sung số liệu")
    assert boxes(hung)["to_accept"] == 0
    assert boxes(huong)["to_handle"] == 1  # the result is back with its handler
    assignment_complete(actor=huong, assignment=mine, result="Đã bổ sung")
    assert boxes(hung)["to_accept"] == 1
    assignment_accept(actor=hung, assignment=lead, note="Đạt")
    assert boxes(hung)["to_accept"] == 0


def test_a_handed_over_assignment_leaves_one_box_for_the_other(
    receive: Any, person: Callable[[str], User], dept: Any, boxes: Any
) -> None:
    ha, hung, trang, lan2 = (person(p) for p in ("lethuha", "nguyenvanhung", "ngothuytrang", "tranthilan2"))
    doc = receive(due_date=timezone.localdate() + dt.timedelta(days=5))
    incoming_submit(actor=ha, document=doc, leader=hung)
    (lead,) = incoming_direct(actor=hung, document=doc, directive="", targets=[Target(role="lead", user=trang)])
    assert boxes(trang)["to_handle"] == 1
    assert boxes(lan2)["to_handle"] == 0
    assignment_reassign(actor=person("admin"), assignment_id=lead.pk, successor=lan2, text="Chuyển công tác")
    assert boxes(trang)["to_handle"] == 0
    assert boxes(lan2)["to_handle"] == 1


def test_a_new_notification_shows_on_the_badge_at_once(person: Callable[[str], User], badges: Any) -> None:
    huong = person("dothanhhuong")
    assert badges(huong)["more"] == 0
    Notification.objects.create(user=huong, kind="assigned", text="Được giao xử lý", created_at=timezone.now())
    assert badges(huong)["more"] == 1


def test_a_count_read_while_the_change_commits_is_not_kept(
    waiting: Any, person: Callable[[str], User], boxes: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Another request reads the boxes after the action's writes but before its commit (it still sees the
    old rows) and stores what it counted: the renewal after commit retires it."""
    ha = person("lethuha")
    assert boxes(ha)["to_register"] == 0
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        waiting()
        old = (["all"], {"to_register": 0})  # what the other request, on the committed rows, counted
        assert person_counts.cached(ha.pk, "incoming", lambda: old) == old
        assert person_counts.cached(ha.pk, "incoming", lambda: pytest.fail("computed again")) == old
    assert boxes(ha)["to_register"] == 1
