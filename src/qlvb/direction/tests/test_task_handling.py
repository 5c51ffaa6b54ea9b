"""A task's handling is the assignments' handling: the Chủ tịch gives a task to phòng VHXH, its head passes
it to an officer, the officer reports and completes, the Chủ tịch accepts — and the task is done; counts
over assignments include the task's rows; reminders and extensions work on a task's part as on a
document's."""

from __future__ import annotations

import pytest

from qlvb.assignments import followup, handling
from qlvb.assignments.assigning import Target
from qlvb.assignments.models import Assignment, AssignmentStatus, Reminder
from qlvb.assignments.preconditions import assignment_actions
from qlvb.core.errors import Conflict, PermissionDenied
from qlvb.direction.task_models import TaskStatus
from qlvb.direction.task_recurring import tasks_recur
from qlvb.direction.task_selectors import TaskFilter, task_parts, tasks_list

from .task_fixtures import dept, give, in_days

pytestmark = pytest.mark.django_db


def test_the_whole_way_of_a_task(person):
    chairman, head, officer = person("nguyenvanhung"), person("hoangvannam"), person("dothanhhuong")
    task = give(chairman, lead=dept("VHXH"), due=in_days(10))
    top = Assignment.objects.get(task_part__task=task)
    assert top.document is None and top.unit == dept("VHXH") and top.due_date == in_days(10)
    assert "assign" in assignment_actions(head, top)
    assert assignment_actions(officer, top) == []

    (mine,) = handling.assignment_assign(actor=head, assignment=top, targets=[Target(role="lead", user=officer)])
    handling.assignment_report(actor=officer, assignment=mine, text="Đã tổng hợp số liệu 5/10 thôn", progress=50)
    mine.refresh_from_db()
    assert mine.progress == 50
    handling.assignment_complete(actor=officer, assignment=mine, result="Báo cáo gửi kèm")
    top.refresh_from_db()
    task.refresh_from_db()
    assert top.status == AssignmentStatus.AWAITING and task.status == TaskStatus.OPEN
    assert assignment_actions(chairman, top) == ["accept", "return_result"]

    handling.assignment_accept(actor=chairman, assignment=top, note="Tốt")
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.completed_at is not None
    actions = list(task.events.values_list("action", flat=True))
    assert actions[:1] == ["created"] and "progress" in actions and actions[-1] == "completed"
    # nothing more is handled on a finished task
    with pytest.raises(Conflict):
        handling.assignment_report(actor=officer, assignment=mine, text="Thêm")


def test_the_assigner_sends_the_result_back(person):
    chairman, officer = person("nguyenvanhung"), person("dothanhhuong")
    task = give(chairman, lead=officer)
    top = Assignment.objects.get(task_part__task=task)
    handling.assignment_complete(actor=officer, assignment=top, result="Xong")
    handling.assignment_return_result(actor=chairman, assignment=top, reason="Thiếu số liệu thôn 3")
    top.refresh_from_db()
    assert top.status == AssignmentStatus.IN_PROGRESS and top.return_reason == "Thiếu số liệu thôn 3"
    assert task.events.filter(action="completion_returned").exists()


def test_reminders_are_typed_and_numbered_and_extensions_decided(person):
    chairman, officer, clerk = person("nguyenvanhung"), person("dothanhhuong"), person("lethuha")
    task = give(chairman, lead=officer, due=in_days(3))
    top = Assignment.objects.get(task_part__task=task)
    followup.reminder_send(actor=chairman, assignment=top, kind="nhac_nho", text="Khẩn trương")
    followup.reminder_send(actor=chairman, assignment=top, kind="phe_binh", text="Chậm")
    assert list(Reminder.objects.filter(assignment=top).values_list("seq", "kind")) == [
        (1, "nhac_nho"),
        (2, "phe_binh"),
    ]
    with pytest.raises(PermissionDenied):  # the clerk follows documents, not the Chủ tịch's tasks
        followup.reminder_send(actor=clerk, assignment=top, kind="nhac_nho", text="?")
    ext = followup.extension_request(actor=officer, assignment=top, new_due_date=in_days(9), reason="Chờ số liệu")
    followup.extension_decide(actor=chairman, extension=ext, grant=True)
    top.refresh_from_db()
    assert top.due_date == in_days(9)
    assert task.events.filter(action="extension_granted").exists()


def test_the_deadline_sweep_covers_tasks(person, django_capture_on_commit_callbacks):
    chairman, officer = person("nguyenvanhung"), person("dothanhhuong")
    task = give(chairman, lead=officer, due=in_days(1))
    counts = followup.deadlines_sweep(today=in_days(0))
    assert counts["due_soon"] >= 1
    counts = followup.deadlines_sweep(today=in_days(2))
    assert counts["overdue"] >= 1
    top = Assignment.objects.get(task_part__task=task)
    assert top.overdue_notified_on == in_days(2)


def test_parts_and_lists(person):
    chairman, head, officer, kt_officer = (
        person("nguyenvanhung"),
        person("hoangvannam"),
        person("dothanhhuong"),
        person("ngothuytrang"),
    )
    task = give(chairman, lead=dept("VHXH"), supports=[kt_officer], infos=[person("phamthimai")])
    assert [a.role for a in task_parts(task)] == ["lead", "support", "info"]
    assert list(tasks_list(chairman, TaskFilter(box="assigned"))) == [task]
    assert list(tasks_list(kt_officer, TaskFilter(box="mine"))) == [task]
    assert list(tasks_list(officer, TaskFilter(box="unit"))) == [task]
    assert list(tasks_list(officer, TaskFilter(box="mine"))) == []
    assert list(tasks_list(head, TaskFilter(box="all", assigner=chairman.pk, status="open"))) == [task]
    assert list(tasks_list(head, TaskFilter(box="all", due_to=in_days(1)))) == []


def test_a_recurring_task_gives_its_next_occurrence_once(person):
    chairman, officer = person("nguyenvanhung"), person("dothanhhuong")
    task = give(chairman, lead=officer, due=in_days(0), recurrence="weekly", title="Báo cáo tuần")
    assert tasks_recur(today=in_days(0)) == 1
    assert tasks_recur(today=in_days(0)) == 0
    follow = task.occurrences.get()
    assert follow.due_date == in_days(7) and follow.title == "Báo cáo tuần"
    assert Assignment.objects.get(task_part__task=follow).user == officer


def test_a_subtask_ends_no_later_than_its_parent(person):
    chairman, officer = person("nguyenvanhung"), person("dothanhhuong")
    parent = give(chairman, lead=dept("VHXH"), due=in_days(10))
    child = give(chairman, lead=officer, due=in_days(5), parent=parent, title="Thu thập số liệu")
    assert list(parent.subtasks.all()) == [child]
    from qlvb.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        give(chairman, lead=officer, due=in_days(11), parent=parent, title="Quá hạn cha")


def test_a_task_adds_no_tab_to_the_incoming_inbox(person):
    """A task's parts are assignments without a document: the incoming inbox does not count them."""
    from qlvb.incoming.selectors import inboxes_for

    leader = person("phamthimai")
    before = inboxes_for(leader)
    task = give(person("nguyenvanhung"), lead=leader)
    top = Assignment.objects.get(task_part__task=task)
    handling.assignment_complete(actor=leader, assignment=top, result="Xong")
    assert inboxes_for(leader) == before


def test_the_next_due_date_of_each_period():
    import datetime as dt

    from qlvb.direction.task_recurring import next_due

    assert next_due(dt.date(2026, 1, 31), "monthly") == dt.date(2026, 2, 28)
    assert next_due(dt.date(2026, 11, 30), "quarterly") == dt.date(2027, 2, 28)
    assert next_due(dt.date(2026, 12, 31), "weekly") == dt.date(2027, 1, 7)
    assert next_due(dt.date(2028, 1, 31), "monthly") == dt.date(2028, 2, 29)
