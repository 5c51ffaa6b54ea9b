"""Completion (issue 8): one officer's "Hoàn thành" completes the lead's part, not the document. The document
completes when whoever assigned the lead's part accepts the result (``QLVB_INCOMING_ACCEPTANCE_REQUIRED``, on
by default); he may return it with a reason instead. Parts still open then are closed and their people told."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from qlvb.assignments.models import Assignment, AssignmentStatus, Notification
from qlvb.core.errors import Conflict, PermissionDenied, ValidationFailed
from qlvb.documents.models import DocumentStatus
from qlvb.incoming import selectors
from qlvb.incoming.services import (
    Target,
    assignment_accept,
    assignment_assign,
    assignment_complete,
    assignment_return_result,
    incoming_direct,
)


@pytest.fixture
def directed(receive, person, dept):
    """VHXH leads (Hương assigned by Nam), KT supports (nobody there has started), Mai is informed."""
    doc = receive(due_date=timezone.localdate() + dt.timedelta(days=20))
    lead, support, info = incoming_direct(
        actor=person("nguyenvanhung"),
        document=doc,
        directive="VHXH chủ trì",
        targets=[
            Target(role="lead", unit=dept("VHXH")),
            Target(role="support", unit=dept("KT")),
            Target(role="info", user=person("phamthimai")),
        ],
    )
    (mine,) = assignment_assign(
        actor=person("hoangvannam"), assignment=lead, targets=[Target(role="lead", user=person("dothanhhuong"))]
    )
    return doc, lead, support, info, mine


def _status(a: Assignment) -> str:
    return Assignment.objects.get(pk=a.pk).status


def test_the_officers_completion_waits_for_the_assigner_while_the_support_is_pending(
    directed, person, celery_eager, django_capture_on_commit_callbacks
):
    doc, lead, support, info, mine = directed
    with django_capture_on_commit_callbacks(execute=True):
        assignment_complete(actor=person("dothanhhuong"), assignment=mine, result="Đã lập danh sách")
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.IN_PROGRESS and doc.completed_at is None
    assert (_status(mine), _status(lead), _status(support)) == ("done", "awaiting", "pending")
    assert Notification.objects.filter(user=person("nguyenvanhung"), kind="acceptance").count() == 1
    assert list(selectors.inbox(person("nguyenvanhung"), key="to_accept")) == [doc]
    assert "to_accept" in selectors.inboxes_for(person("nguyenvanhung"))

    with django_capture_on_commit_callbacks(execute=True):
        assignment_accept(actor=person("nguyenvanhung"), assignment=lead, note="Đạt")
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.COMPLETED
    assert (_status(lead), _status(support), _status(info)) == ("done", "closed", "closed")
    closed = doc.events.get(action="assignments_closed")
    assert "Phòng Kinh tế" in closed.text and "chờ xử lý" in closed.text
    # The supporting unit's head and the informed person are told.
    for name in ("vuquanghuy", "phamthimai"):
        told = Notification.objects.get(user=person(name), kind="completed", document=doc)
        assert "được đóng" in told.text
    assert Notification.objects.filter(user=person("lethuha"), kind="completed", document=doc).exists()


def test_the_assigner_returns_the_result_with_a_reason(
    directed, person, celery_eager, django_capture_on_commit_callbacks
):
    doc, lead, _support, _info, mine = directed
    hung, huong = person("nguyenvanhung"), person("dothanhhuong")
    assignment_complete(actor=huong, assignment=mine, result="Đã lập danh sách")
    with pytest.raises(ValidationFailed):
        assignment_return_result(actor=hung, assignment=lead, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        assignment_return_result(actor=hung, assignment=lead, reason="Thiếu số liệu thôn Đồng Tâm")
    assert (_status(lead), _status(mine)) == ("in_progress", "in_progress")
    assert Notification.objects.filter(user=huong, kind="returned", document=doc).count() == 1
    assert Notification.objects.filter(user=person("hoangvannam"), kind="returned", document=doc).count() == 1
    assert doc.events.get(action="completion_returned").text.endswith("Thiếu số liệu thôn Đồng Tâm")
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.IN_PROGRESS
    # She completes again; it waits again; accepted this time.
    assignment_complete(actor=huong, assignment=mine, result="Đã bổ sung số liệu")
    assert _status(lead) == "awaiting"
    assignment_accept(actor=hung, assignment=lead)
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.COMPLETED
    assert Assignment.objects.get(pk=lead.pk).result == "Đã bổ sung số liệu"


def test_only_the_assigner_or_a_leader_accepts_and_only_when_it_waits(directed, person):
    _doc, lead, support, _info, mine = directed
    with pytest.raises(Conflict):
        assignment_accept(actor=person("nguyenvanhung"), assignment=lead)
    assignment_complete(actor=person("dothanhhuong"), assignment=mine, result="Xong")
    for name in ("hoangvannam", "dothanhhuong", "vuquanghuy", "lethuha"):
        with pytest.raises(PermissionDenied):
            assignment_accept(actor=person(name), assignment=lead)
        with pytest.raises(PermissionDenied):
            assignment_return_result(actor=person(name), assignment=lead, reason="x")
    with pytest.raises(Conflict):
        assignment_accept(actor=person("nguyenvanhung"), assignment=support)
    assert _status(lead) == AssignmentStatus.AWAITING


def test_without_acceptance_the_leads_completion_completes_and_closes_the_rest(
    directed, person, settings, celery_eager, django_capture_on_commit_callbacks
):
    settings.QLVB_INCOMING_ACCEPTANCE_REQUIRED = False
    doc, lead, support, _info, mine = directed
    with django_capture_on_commit_callbacks(execute=True):
        assignment_complete(actor=person("dothanhhuong"), assignment=mine, result="Xong")
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.COMPLETED
    assert (_status(lead), _status(support)) == ("done", "closed")
    assert Notification.objects.filter(user=person("vuquanghuy"), kind="completed", document=doc).exists()


def test_a_leader_handling_it_himself_needs_no_acceptance(receive, person):
    from qlvb.incoming.services import incoming_handle_self

    doc = receive()
    a = incoming_handle_self(actor=person("nguyenvanhung"), document=doc)
    assignment_complete(actor=person("nguyenvanhung"), assignment=a, result="Đã trả lời")
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.COMPLETED


# --- through the pages ---------------------------------------------------------------------------------------


def test_accept_and_return_through_the_pages(client, directed, person):
    doc, lead, _support, _info, mine = directed
    client.force_login(person("dothanhhuong"))
    assert client.post(reverse("incoming:complete", args=[mine.pk]), {"result": "Đã lập danh sách"}).status_code == 302
    page = client.get(reverse("incoming:detail", args=[doc.pk])).content.decode()
    assert "Chờ chấp nhận kết quả" in page and reverse("incoming:accept", args=[lead.pk]) not in page
    assert client.post(reverse("incoming:accept", args=[lead.pk]), {}).status_code == 403

    client.force_login(person("nguyenvanhung"))
    listing = client.get(reverse("incoming:list"), {"box": "to_accept"}).content.decode()
    assert doc.subject in listing and 'data-qlvb="count-to_accept">1<' in listing
    page = client.get(reverse("incoming:detail", args=[doc.pk])).content.decode()
    assert reverse("incoming:accept", args=[lead.pk]) in page
    assert reverse("incoming:return_result", args=[lead.pk]) in page
    form = client.get(reverse("incoming:accept", args=[lead.pk])).content.decode()
    assert "Phòng Kinh tế (phối hợp, chờ xử lý)" in form  # he sees what is still open before he accepts
    refused = client.post(reverse("incoming:return_result", args=[lead.pk]), {"reason": ""})
    assert refused.status_code == 422 and _status(lead) == "awaiting"
    done = client.post(reverse("incoming:accept", args=[lead.pk]), {"note": "Đạt yêu cầu"})
    assert done.status_code == 302
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.COMPLETED


def test_outsiders_cannot_reach_the_acceptance_pages(client, directed, person):
    _doc, lead, _support, _info, mine = directed
    assignment_complete(actor=person("dothanhhuong"), assignment=mine, result="Xong")
    client.force_login(person("tytlienminh_buithiloan"))
    for name in ("accept", "return_result"):
        assert client.post(reverse(f"incoming:{name}", args=[lead.pk]), {"reason": "x"}).status_code == 404
    assert _status(lead) == "awaiting"
