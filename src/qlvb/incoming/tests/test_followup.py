"""Extensions (gia hạn), reminders (đôn đốc) and the daily deadline sweep."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qlvb.assignments.models import ExtensionStatus, Notification, Reminder
from qlvb.core.appendonly import AppendOnlyError
from qlvb.core.errors import Conflict, PermissionDenied, ValidationFailed
from qlvb.incoming.services import (
    Target,
    assignment_complete,
    deadlines_sweep,
    extension_decide,
    extension_request,
    incoming_direct,
    reminder_send,
)


@pytest.fixture
def assigned(receive, person):
    today = timezone.localdate()
    doc = receive(due_date=today + dt.timedelta(days=5))
    (a,) = incoming_direct(
        actor=person("nguyenvanhung"),
        document=doc,
        directive="Xử lý gấp",
        targets=[Target(role="lead", user=person("dothanhhuong"))],
    )
    return a


def test_extension_granted_moves_the_due_date(assigned, person):
    huong, hung = person("dothanhhuong"), person("nguyenvanhung")
    new_due = assigned.due_date + dt.timedelta(days=7)
    ext = extension_request(actor=huong, assignment=assigned, new_due_date=new_due, reason="Chờ số liệu của xã")
    with pytest.raises(Conflict):
        extension_request(actor=huong, assignment=assigned, new_due_date=new_due, reason="Lần nữa")
    with pytest.raises(PermissionDenied):
        extension_decide(actor=huong, extension=ext, grant=True)
    extension_decide(actor=hung, extension=ext, grant=True, note="Đồng ý")
    assigned.refresh_from_db()
    assert assigned.due_date == new_due
    assert assigned.document.events.filter(action="extension_granted").exists()


def test_extension_refused_keeps_the_due_date(assigned, person):
    old = assigned.due_date
    with pytest.raises(ValidationFailed):
        extension_request(actor=person("dothanhhuong"), assignment=assigned, new_due_date=old, reason="x")
    ext = extension_request(
        actor=person("dothanhhuong"), assignment=assigned, new_due_date=old + dt.timedelta(days=1), reason="Bận họp"
    )
    ext = extension_decide(actor=person("nguyenvanhung"), extension=ext, grant=False, note="Không đồng ý")
    assigned.refresh_from_db()
    assert ext.status == ExtensionStatus.REFUSED and assigned.due_date == old


def test_reminders_are_typed_numbered_and_immutable(assigned, person):
    hung, ha = person("nguyenvanhung"), person("lethuha")
    first = reminder_send(actor=hung, assignment=assigned, kind="nhac_nho", text="Đề nghị khẩn trương")
    second = reminder_send(actor=ha, assignment=assigned, kind="phe_binh", text="Đã quá hạn nhắc lần 1")
    assert (first.seq, second.seq) == (1, 2)
    with pytest.raises(ValidationFailed):
        reminder_send(actor=hung, assignment=assigned, kind="khen_thuong", text="x")
    with pytest.raises(ValidationFailed):
        reminder_send(actor=hung, assignment=assigned, kind="nhac_nho", text="x" * 1001)
    with pytest.raises(PermissionDenied):
        reminder_send(actor=person("ngothuytrang"), assignment=assigned, kind="nhac_nho", text="x")
    first.text = "sửa"
    with pytest.raises(AppendOnlyError):
        first.save()
    with pytest.raises(AppendOnlyError):
        second.delete()
    assert Reminder.objects.filter(assignment=assigned).count() == 2
    assert assigned.document.events.filter(action="reminded").count() == 2
    assignment_complete(actor=person("dothanhhuong"), assignment=assigned, result="Xong")
    with pytest.raises(Conflict):
        reminder_send(actor=hung, assignment=assigned, kind="nhac_nho", text="Muộn")


def test_daily_sweep_notifies_overdue_and_due_soon_once(assigned, person, settings, django_capture_on_commit_callbacks):
    from qlvb.celery_app import app

    app.conf.task_always_eager = True
    try:
        soon_day = assigned.due_date - dt.timedelta(days=1)
        with django_capture_on_commit_callbacks(execute=True):
            assert deadlines_sweep(today=soon_day) == {"overdue": 0, "due_soon": 1}
            assert deadlines_sweep(today=soon_day) == {"overdue": 0, "due_soon": 0}
            late_day = assigned.due_date + dt.timedelta(days=1)
            assert deadlines_sweep(today=late_day) == {"overdue": 1, "due_soon": 0}
    finally:
        app.conf.task_always_eager = False
    huong = person("dothanhhuong")
    assert Notification.objects.filter(user=huong, kind="due_soon").count() == 1
    assert Notification.objects.filter(user=huong, kind="overdue").count() == 1
    assert Notification.objects.filter(user=person("nguyenvanhung"), kind="overdue").count() == 1


def test_nothing_is_notified_when_the_action_rolls_back(receive, person, django_capture_on_commit_callbacks):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        doc = receive()
        incoming_direct(
            actor=person("nguyenvanhung"),
            document=doc,
            directive="",
            targets=[Target(role="lead", user=person("dothanhhuong"))],
        )
        raise RuntimeError
    assert callbacks == []


def test_the_daily_job_is_scheduled_and_runs(assigned, settings):
    from qlvb.incoming.tasks import deadlines_sweep_task

    entry = settings.CELERY_BEAT_SCHEDULE["incoming-deadlines"]
    assert entry["task"] == deadlines_sweep_task.name
    assert deadlines_sweep_task.apply().get() == {"overdue": 0, "due_soon": 0}
