"""Điều 14.3.b: the reply due date of an issued document reminds the drafter — once when near, once when
passed —, naming the recipients that have not completed it; nothing once they all have, once the
document is revoked, or once the drafter ended the follow-up. The daily job is in the beat schedule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from qlvb.assignments.models import Notification
from qlvb.core.errors import Conflict, PermissionDenied
from qlvb.incoming.handling import assignment_complete, incoming_handle_self
from qlvb.incoming.services import incoming_register
from qlvb.outgoing import services
from qlvb.outgoing.followup import reply_due_sweep, reply_followup_close
from qlvb.outgoing.tasks import followup_sweep_task

pytestmark = pytest.mark.django_db


def _notes(user, kind):
    return list(Notification.objects.filter(user=user, kind=kind).values_list("text", flat=True))


def test_drafter_is_reminded_once_near_and_once_past(issued, person, committed):
    due = timezone.localdate() + dt.timedelta(days=5)
    outgoing = issued(due_date=due)
    huong = person("dothanhhuong")
    with committed():
        assert reply_due_sweep(today=due - dt.timedelta(days=4)) == {"due_soon": 0, "overdue": 0}  # not yet
    with committed():
        assert reply_due_sweep(today=due - dt.timedelta(days=2)) == {"due_soon": 1, "overdue": 0}
    with committed():
        assert reply_due_sweep(today=due - dt.timedelta(days=1)) == {"due_soon": 0, "overdue": 0}  # once
    [text] = _notes(huong, "due_soon")
    assert text.startswith(f"Sắp đến hạn trả lời ({due:%d/%m/%Y}) văn bản 01/UBND-VHXH")
    assert "Chưa hoàn thành: Trạm Y tế xã Liên Minh" in text
    with committed():
        assert reply_due_sweep(today=due) == {"due_soon": 0, "overdue": 0}  # the due day itself is not late
    with committed():
        assert reply_due_sweep(today=due + dt.timedelta(days=1)) == {"due_soon": 0, "overdue": 1}
    with committed():
        assert reply_due_sweep(today=due + dt.timedelta(days=2)) == {"due_soon": 0, "overdue": 0}
    assert len(_notes(huong, "overdue")) == 1
    assert outgoing.document.events.filter(action="reply_due_reminded").count() == 2
    assert outgoing.follow_up.overdue_notified_on == due + dt.timedelta(days=1)


def test_no_reminder_when_every_recipient_completed(issued, person, committed):
    due = timezone.localdate() + dt.timedelta(days=1)
    outgoing = issued(due_date=due)
    copy = outgoing.document.deliveries.get().incoming_document
    toan = person("tytlienminh_dangvantoan")
    with committed():
        incoming_register(actor=person("tytlienminh_buithiloan"), document=copy)
    with committed():
        assignment = incoming_handle_self(actor=toan, document=copy, note="Trả lời")
    with committed():
        assignment_complete(actor=toan, assignment=assignment, result="Đã có văn bản trả lời")
    assert outgoing.document.deliveries.get().status == "06"
    with committed():
        assert reply_due_sweep(today=due + dt.timedelta(days=3)) == {"due_soon": 0, "overdue": 0}
    assert _notes(person("dothanhhuong"), "overdue") == []


def test_revoked_or_closed_follow_up_reminds_nobody(issued, person, committed):
    due = timezone.localdate() + dt.timedelta(days=1)
    revoked = issued(due_date=due)
    services.outgoing_revoke(actor=person("lethuha"), outgoing=revoked, reason="Sai")
    closed = issued(due_date=due)
    with pytest.raises(PermissionDenied):
        reply_followup_close(actor=person("ngothuytrang"), outgoing=closed)
    reply_followup_close(actor=person("dothanhhuong"), outgoing=closed, note="Đã nhận đủ báo cáo")
    with pytest.raises(Conflict):
        reply_followup_close(actor=person("dothanhhuong"), outgoing=closed)
    with committed():
        assert reply_due_sweep(today=due + dt.timedelta(days=1)) == {"due_soon": 0, "overdue": 0}
    assert closed.document.events.filter(action="reply_followed_up", text="Đã nhận đủ báo cáo").exists()


def test_daily_job_is_scheduled_and_runs(issued, committed):
    entry = settings.CELERY_BEAT_SCHEDULE["outgoing-followup"]
    assert entry["task"] == followup_sweep_task.name == "qlvb.outgoing.followup_sweep"
    issued(due_date=timezone.localdate())
    with committed():
        assert followup_sweep_task() == {"due_soon": 1, "overdue": 0, "consultations_due_soon": 0}


def test_page_and_api_end_the_follow_up(issued, person, page_as, api_as):
    outgoing = issued(due_date=timezone.localdate() + dt.timedelta(days=3))
    web = page_as("dothanhhuong")
    page = web.get(f"/van-ban-di/{outgoing.pk}/").content.decode()
    assert 'data-qlvb="followup-close"' in page
    web.post(f"/van-ban-di/{outgoing.pk}/followup_close/", {"comment": "Đã nhận trả lời"})
    assert outgoing.document.events.filter(action="reply_followed_up").exists()

    api = api_as("dothanhhuong")
    body = api.get(f"/api/v1/outgoing/{outgoing.pk}").json()
    assert body["reply_follow_up"]["done_note"] == "Đã nhận trả lời" and "followup_close" not in body["actions"]
    r = api.post(f"/api/v1/outgoing/{outgoing.pk}/reply-follow-up/close", {"note": ""}, content_type="application/json")
    assert r.status_code == 409
