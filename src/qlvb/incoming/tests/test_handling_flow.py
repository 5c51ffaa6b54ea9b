"""The handling flow: submit → direction → department assignment → progress → completion, and the
other paths (return to clerk, leader handles himself, direct routing, department returns)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qlvb.assignments.models import Assignment, AssignmentStatus, Notification
from qlvb.core.errors import Conflict, PermissionDenied, ValidationFailed
from qlvb.documents.models import DocumentStatus
from qlvb.incoming.services import (
    Target,
    assignment_accept,
    assignment_assign,
    assignment_complete,
    assignment_report,
    assignment_return,
    incoming_direct,
    incoming_handle_self,
    incoming_return_to_clerk,
    incoming_route,
    incoming_submit,
)


def test_main_path_from_clerk_to_completion(receive, person, dept, celery_eager, django_capture_on_commit_callbacks):
    ha, hung, nam, huong = person("lethuha"), person("nguyenvanhung"), person("hoangvannam"), person("dothanhhuong")
    due = timezone.localdate() + dt.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        doc = receive(due_date=due)
        incoming_submit(actor=ha, document=doc, leader=hung, note="Kính trình Chủ tịch")
    assert Notification.objects.filter(user=hung, kind="new_document", document=doc).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        lead, support, _info = incoming_direct(
            actor=hung,
            document=doc,
            directive="VHXH chủ trì",
            targets=[
                Target(role="lead", unit=dept("VHXH")),
                Target(role="support", unit=dept("KT"), due_date=due - dt.timedelta(days=3)),
                Target(role="info", user=person("phamthimai")),
            ],
        )
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.IN_PROGRESS
    assert lead.due_date == due and support.due_date == due - dt.timedelta(days=3)
    assert Notification.objects.filter(user=nam, kind="assigned").count() == 1
    assert Notification.objects.filter(user=person("vuquanghuy"), kind="assigned").count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        (mine,) = assignment_assign(
            actor=nam, assignment=lead, note="Hương chủ trì", targets=[Target(role="lead", user=huong)]
        )
    assert mine.due_date == due and mine.parent == lead
    assert Notification.objects.filter(user=huong, kind="assigned").count() == 1

    assignment_report(actor=huong, assignment=mine, text="Đã liên hệ Trạm Y tế", progress=50)
    mine.refresh_from_db()
    assert (mine.status, mine.progress) == (AssignmentStatus.IN_PROGRESS, 50)

    with django_capture_on_commit_callbacks(execute=True):
        assignment_complete(actor=huong, assignment=mine, result="Đã xây dựng kế hoạch, trình ký ngày 20/3")
    doc.refresh_from_db()
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.AWAITING and doc.status == DocumentStatus.IN_PROGRESS
    assert Notification.objects.filter(user=hung, kind="acceptance", assignment=lead).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        assignment_accept(actor=hung, assignment=lead, note="Đạt yêu cầu")
    doc.refresh_from_db()
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.DONE and lead.accepted_by == hung
    assert doc.status == DocumentStatus.COMPLETED and doc.completed_at is not None
    assert Notification.objects.filter(user=ha, kind="completed", document=doc).exists()
    actions = list(doc.events.values_list("action", flat=True))
    assert actions == [
        "received",
        "registered",
        "submitted",
        "directed",
        "assigned",
        "progress",
        "assignment_done",
        "completion_submitted",
        "completion_accepted",
        "completed",
        "assignments_closed",
    ]
    assert all(e.actor_name for e in doc.events.all())


def test_support_completing_does_not_complete_the_document(receive, person, dept):
    doc = receive()
    _lead, support = incoming_direct(
        actor=person("nguyenvanhung"),
        document=doc,
        directive="",
        targets=[Target(role="lead", unit=dept("VHXH")), Target(role="support", unit=dept("KT"))],
    )
    assignment_complete(actor=person("vuquanghuy"), assignment=support, result="Phòng KT đã góp ý")
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.IN_PROGRESS


def test_direction_needs_exactly_one_lead_in_the_agency(receive, person, dept, tyt):
    doc = receive()
    hung = person("nguyenvanhung")
    with pytest.raises(ValidationFailed):
        incoming_direct(actor=hung, document=doc, directive="", targets=[Target(role="support", unit=dept("KT"))])
    with pytest.raises(ValidationFailed):
        incoming_direct(
            actor=hung,
            document=doc,
            directive="",
            targets=[Target(role="lead", unit=dept("KT")), Target(role="lead", unit=dept("VHXH"))],
        )
    with pytest.raises(ValidationFailed):
        incoming_direct(
            actor=hung,
            document=doc,
            directive="",
            targets=[Target(role="lead", user=person("tytlienminh_dangvantoan"))],
        )
    with pytest.raises(PermissionDenied):
        incoming_direct(
            actor=person("hoangvannam"), document=doc, directive="", targets=[Target(role="lead", unit=dept("KT"))]
        )


def test_leader_returns_to_clerk_with_a_reason_then_clerk_resubmits(receive, person):
    ha, hung = person("lethuha"), person("nguyenvanhung")
    doc = receive()
    incoming_submit(actor=ha, document=doc)
    with pytest.raises(ValidationFailed):
        incoming_return_to_clerk(actor=hung, document=doc, reason="  ")
    incoming_return_to_clerk(actor=hung, document=doc, reason="Thiếu phụ lục kèm theo")
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.RETURNED
    assert doc.events.get(action="returned_to_clerk").text == "Thiếu phụ lục kèm theo"
    incoming_submit(actor=ha, document=doc)
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.SUBMITTED


def test_leader_handles_it_himself(receive, person):
    hung = person("nguyenvanhung")
    doc = receive()
    a = incoming_handle_self(actor=hung, document=doc, note="Tôi trực tiếp xử lý")
    assignment_complete(actor=hung, assignment=a, result="Đã trả lời bằng điện thoại")
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.COMPLETED


def test_clerk_routes_directly_when_the_agency_allows_it(receive, person, dept, settings):
    ha = person("lethuha")
    doc = receive()
    settings.QLVB_INCOMING_DIRECT_ROUTING = False
    with pytest.raises(PermissionDenied):
        incoming_route(actor=ha, document=doc, targets=[Target(role="lead", unit=dept("KT"))])
    settings.QLVB_INCOMING_DIRECT_ROUTING = True
    (a,) = incoming_route(actor=ha, document=doc, targets=[Target(role="lead", unit=dept("KT"))], note="Theo quy chế")
    assert a.unit == dept("KT") and a.assigned_by == ha
    assert doc.events.filter(action="routed").exists()


def test_department_leader_returns_the_assignment(receive, person, dept):
    doc = receive()
    hung, huy = person("nguyenvanhung"), person("vuquanghuy")
    (lead,) = incoming_direct(actor=hung, document=doc, directive="", targets=[Target(role="lead", unit=dept("KT"))])
    with pytest.raises(PermissionDenied):
        assignment_return(actor=person("hoangvannam"), assignment=lead, reason="Không đúng chức năng")
    assignment_return(actor=huy, assignment=lead, reason="Không thuộc chức năng của phòng Kinh tế")
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.RETURNED
    with pytest.raises(Conflict):
        assignment_assign(actor=huy, assignment=lead, targets=[Target(role="lead", user=person("ngothuytrang"))])


def test_department_leader_assigns_only_own_officers(receive, person, dept):
    doc = receive()
    (lead,) = incoming_direct(
        actor=person("nguyenvanhung"), document=doc, directive="", targets=[Target(role="lead", unit=dept("VHXH"))]
    )
    with pytest.raises(ValidationFailed):
        assignment_assign(
            actor=person("hoangvannam"), assignment=lead, targets=[Target(role="lead", user=person("ngothuytrang"))]
        )
    with pytest.raises(PermissionDenied):
        assignment_assign(
            actor=person("vuquanghuy"), assignment=lead, targets=[Target(role="lead", user=person("dothanhhuong"))]
        )


def test_only_the_assignee_reports_and_completes(receive, person, dept):
    doc = receive()
    (lead,) = incoming_direct(
        actor=person("nguyenvanhung"),
        document=doc,
        directive="",
        targets=[Target(role="lead", user=person("dothanhhuong"))],
    )
    for outsider in ("ngothuytrang", "vuquanghuy", "lethuha"):
        with pytest.raises(PermissionDenied):
            assignment_complete(actor=person(outsider), assignment=lead, result="x")
    assert Assignment.objects.get(pk=lead.pk).status == AssignmentStatus.PENDING
