"""A registered document's handling as its status goes: submission to a leader, direction to
departments (lead, support, for information), the department leader's assignment to an officer,
progress, completion; with the events and notifications each step writes."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from qlvb.assignments.models import Assignment, AssignmentUpdate, Notification
from qlvb.documents.models import DocumentEvent

from .records import Batch, Dept, Doc, Person

if TYPE_CHECKING:
    from .generator import Generator

ROLE_LABELS = {"lead": "Chủ trì", "support": "Phối hợp", "info": "Để biết"}


def event_row(
    g: Generator, doc: Doc, actor: Person, action: str, at: dt.datetime, text: str = "", data: str = "{}"
) -> tuple[Any, ...]:
    return (g.ids.take(DocumentEvent), doc.id, actor.id, actor.name, actor.unit_name, action, text, data, at)


def later(g: Generator, t: dt.datetime, lo_min: int, hi_min: int) -> dt.datetime:
    return min(g.now, t + dt.timedelta(minutes=g.rng.randint(lo_min, hi_min)))


def flow_make(g: Generator, doc: Doc, b: Batch) -> None:
    """Submission, direction, assignments and their history, as far as the document's status goes."""
    rng, a = g.rng, doc.agency
    doc.updated_at = doc.registered_at or doc.received_at
    if doc.status in ("received", "registered"):
        return
    t = doc.registered_at
    assert t is not None
    leader = rng.choice(a.leaders)
    routed = doc.status in ("in_progress", "completed") and rng.random() < 0.15
    if not routed:
        t = later(g, t, 5, 240)
        doc.submitted_to = leader.id if rng.random() < 0.7 else None
        b.events.append(event_row(g, doc, doc.clerk, "submitted", t, f"Trình {leader.name}."))
        if doc.status == "submitted":
            doc.updated_at = t
            return
        if doc.status == "returned":
            t = later(g, t, 30, 600)
            b.events.append(
                event_row(g, doc, leader, "returned_to_clerk", t, "Đề nghị văn thư chuyển đúng đơn vị tham mưu.")
            )
            doc.updated_at = t
            return
    completed = doc.status == "completed"
    assigner = doc.clerk if routed else leader
    depts = a.depts[1:] if len(a.depts) > 1 else a.depts
    lead_dept = rng.choice(depts)
    support_dept = rng.choice(depts) if rng.random() < 0.35 else None
    if support_dept is lead_dept:
        support_dept = None
    t = later(g, t, 30, 1440)
    due = doc.due or (t + dt.timedelta(days=rng.randint(7, 20))).date()
    directive = (
        f"Giao {lead_dept.name} chủ trì tham mưu" + (f", {support_dept.name} phối hợp" if support_dept else "") + "."
    )
    b.events.append(event_row(g, doc, assigner, "routed" if routed else "directed", t, directive))
    waiting = not completed and rng.random() < 0.12  # the department leader has not assigned yet
    finished = later(g, t, 600, 60 * 24 * 12) if completed else None
    status = "done" if completed else ("pending" if waiting else "in_progress")
    parts = [("lead", lead_dept)] + ([("support", support_dept)] if support_dept is not None else [])
    for role, dept in parts:
        parent = _assignment(g, b, doc, role, dept, None, None, assigner, t, directive, due, status, finished)
        if not waiting:
            _officer(g, b, doc, role, dept, parent, t, due, completed, finished)
    if rng.random() < 0.25:
        other = rng.choice(a.depts)
        _assignment(g, b, doc, "info", other, other.leader, None, assigner, t, directive, None, "pending", None)
    doc.updated_at = t
    if completed:
        assert finished is not None
        doc.completed_at = finished
        doc.updated_at = finished


def _assignment(
    g: Generator,
    b: Batch,
    doc: Doc,
    role: str,
    unit: Dept,
    user: Person | None,
    parent: int | None,
    by: Person,
    at: dt.datetime,
    directive: str,
    due: dt.date | None,
    status: str,
    finished: dt.datetime | None,
) -> int:
    aid = g.ids.take(Assignment)
    progress = 100 if status == "done" else 0
    result = "Đã tham mưu xử lý xong." if status == "done" else ""
    b.assignments.append(
        (
            aid,
            doc.id,
            doc.agency.id,
            parent,
            role,
            unit.id,
            user.id if user else None,
            by.id,
            at,
            directive,
            due,
            status,
            progress,
            result,
            "",
            finished,
            None,
            None,
        )
    )
    if status != "done" and doc.received_at > g.now - dt.timedelta(days=60):
        for person in [user] if user is not None else [unit.leader]:
            read = g.now if doc.received_at < g.now - dt.timedelta(days=7) else None
            b.notifications.append(
                (
                    g.ids.take(Notification),
                    person.id,
                    "assigned",
                    f"{ROLE_LABELS[role]}: {doc.subject[:200]}",
                    doc.id,
                    aid,
                    at,
                    read,
                )
            )
    return aid


def _officer(
    g: Generator,
    b: Batch,
    doc: Doc,
    role: str,
    dept: Dept,
    parent: int,
    t: dt.datetime,
    due: dt.date,
    completed: bool,
    finished: dt.datetime | None,
) -> None:
    rng = g.rng
    officer = rng.choice(dept.officers)
    at = later(g, t, 30, 1440)
    if finished is not None and at > finished:
        at = finished
    b.events.append(
        event_row(
            g, doc, dept.leader, "assigned", at, f"{'Chủ trì' if role == 'lead' else 'Phối hợp'}: {officer.name}."
        )
    )
    status = "done" if completed else ("in_progress" if rng.random() < 0.6 else "pending")
    if finished is not None and role != "lead":  # a support reports its part before the lead completes
        finished = max(at, finished - dt.timedelta(minutes=rng.randint(30, 600)))
    aid = _assignment(g, b, doc, role, dept, officer, parent, dept.leader, at, "", due, status, finished)
    if status == "in_progress":
        when = later(g, at, 60, 4000)
        progress = rng.choice((20, 30, 50, 70, 80))
        text = f"Đã dự thảo văn bản trả lời, tiến độ {progress}%."
        b.updates.append((g.ids.take(AssignmentUpdate), aid, officer.id, "progress", text, progress, when))
        b.events.append(event_row(g, doc, officer, "progress", when, text))
        b.assignments[-1] = (*b.assignments[-1][:12], progress, *b.assignments[-1][13:])
    if completed:
        assert finished is not None
        b.events.append(event_row(g, doc, officer, "assignment_done", finished, "Đã tham mưu xử lý xong."))
        if role == "lead":
            b.events.append(event_row(g, doc, officer, "completed", finished, "Văn bản đã được xử lý xong."))
