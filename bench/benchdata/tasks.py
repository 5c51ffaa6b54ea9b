"""Tasks (giao việc, ``direction.Task``) beside the documents: about one for every ``tasks_per_document``
documents of an agency, given by its leaders over the same period as the documents, each with its lead
department (a department assignment and the officer the department head gave it to), sometimes a
supporting department and a person informed, linked to some of the agency's documents; old ones mostly
completed (some late), recent ones open, a share of the open ones overdue. The rows are what
``direction.task_services`` writes: ``Task``, its ``TaskPart`` links to top ``Assignment`` rows (``document``
empty), the officer's child row, ``TaskEvent`` history and the ``Task.documents`` links.

Read from the database (the agencies, their departments and people, a sample of each agency's
documents), so it runs inside a full generation or alone on a database generated before
(``python -m benchdata --only-tasks``)."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection

from qlvb.assignments.models import Assignment
from qlvb.direction.models import Task, TaskEvent, TaskPart

from .documents import TZ
from .tables import ASSIGN_COLS

if TYPE_CHECKING:
    from .generator import Generator

TASK_COLS = (
    "id",
    "agency_id",
    "title",
    "content",
    "priority",
    "due_date",
    "status",
    "created_by_id",
    "created_at",
    "completed_at",
    "parent_id",
    "origin",
    "source_document_id",
    "outside_lead",
    "recurrence",
    "series_id",
    "next_made",
)
NOT_LINKED = (None, "direct", None, "", "", None, False)  # parent, origin, source, outside lead, recurrence, ...
PART_COLS = ("id", "task_id", "assignment_id")
TASK_EVENT_COLS = ("id", "task_id", "actor_id", "action", "text", "data", "created_at")
LINK_COLS = ("id", "task_id", "document_id")

WORKS = (
    "Xây dựng kế hoạch {t}",
    "Tổng hợp báo cáo {t}",
    "Rà soát, đề xuất sửa đổi quy chế {t}",
    "Kiểm tra, đôn đốc việc thực hiện {t}",
    "Chuẩn bị nội dung họp về {t}",
    "Tham mưu văn bản chỉ đạo {t}",
    "Tổ chức tập huấn {t}",
    "Báo cáo tiến độ giải ngân {t}",
)
TOPICS = (
    "chuyển đổi số năm {y}",
    "cải cách hành chính quý {q}/{y}",
    "phòng, chống thiên tai",
    "xây dựng nông thôn mới",
    "giải quyết khiếu nại, tố cáo",
    "quản lý đất đai trên địa bàn",
    "an toàn giao thông dịp cuối năm",
    "tiêm chủng mở rộng",
    "thu ngân sách nhà nước năm {y}",
    "phòng cháy, chữa cháy",
    "đầu tư công năm {y}",
    "bảo vệ môi trường",
)


@dataclass
class Unit:
    id: int
    head: int | None = None
    officers: list[int] = field(default_factory=list)


@dataclass
class Place:
    """One agency as the tasks see it."""

    id: int
    leaders: list[int] = field(default_factory=list)
    depts: list[Unit] = field(default_factory=list)
    documents: list[int] = field(default_factory=list)  # a sample of its documents, to link tasks to
    size: int = 0  # its documents


def _places() -> list[Place]:
    places: dict[int, Place] = {}
    units: dict[int, Unit] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, agency_id FROM directory_unit WHERE kind = 'department' AND NOT external ORDER BY id"
        )
        departments = cursor.fetchall()
        cursor.execute(
            "SELECT r.role, r.unit_id, r.user_id FROM directory_roleassignment r "
            "WHERE r.role IN ('leader', 'dept_leader', 'officer') ORDER BY r.id"
        )
        roles = cursor.fetchall()
        cursor.execute("SELECT agency_id, count(*) FROM documents_document GROUP BY agency_id")
        sizes = dict(cursor.fetchall())
        cursor.execute("SELECT agency_id, id FROM documents_document WHERE mod(id, 20) = 0 ORDER BY id")
        sample = cursor.fetchall()
    for unit_id, agency_id in departments:
        places.setdefault(agency_id, Place(agency_id))
        units[unit_id] = Unit(unit_id)
        places[agency_id].depts.append(units[unit_id])
    for role, unit_id, user_id in roles:
        if role == "leader" and unit_id in places:
            places[unit_id].leaders.append(user_id)
        elif role == "dept_leader" and unit_id in units:
            units[unit_id].head = units[unit_id].head or user_id
        elif role == "officer" and unit_id in units:
            units[unit_id].officers.append(user_id)
    for agency_id, doc_id in sample:
        if agency_id in places:
            places[agency_id].documents.append(doc_id)
    for agency_id, count in sizes.items():
        if agency_id in places:
            places[agency_id].size = count
    return [p for p in places.values() if p.leaders and p.size and any(d.head and d.officers for d in p.depts)]


@dataclass
class Rows:
    """The rows waiting to be written, and how many of each were written."""

    tasks: list[tuple[Any, ...]] = field(default_factory=list)
    parts: list[tuple[Any, ...]] = field(default_factory=list)
    assignments: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)
    links: list[tuple[Any, ...]] = field(default_factory=list)
    written: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def flush(self, g: Generator) -> None:
        g.writer.put(Task, TASK_COLS, self.tasks)
        g.writer.put(Assignment, ASSIGN_COLS, self.assignments)
        g.writer.put(TaskPart, PART_COLS, self.parts)
        g.writer.put(TaskEvent, TASK_EVENT_COLS, self.events)
        g.writer.put(Task.documents.through, LINK_COLS, self.links)
        for name in ("tasks", "assignments", "events", "links"):
            batch = getattr(self, name)
            self.written[name] += len(batch)
            batch.clear()
        self.parts.clear()


def tasks_make(g: Generator, per_document: float) -> None:
    """Write the tasks of every agency (about ``per_document`` per document it holds)."""
    start = dt.datetime(g.now.year - 2, 1, 1, tzinfo=TZ)
    out = Rows()
    for place in _places():
        for _ in range(max(1, round(place.size * per_document))):
            _task(g, place, start, out)
            if len(out.tasks) >= 5000:
                out.flush(g)
    out.flush(g)
    w = out.written
    g.summary.tasks = w["tasks"]
    g.summary.assignments += w["assignments"]
    g.say(
        f"{w['tasks']:,} tasks, {w['assignments']:,} of their assignments, {w['events']:,} task events, "
        f"{w['links']:,} links to documents"
    )


def _task(g: Generator, place: Place, start: dt.datetime, out: Rows) -> None:
    """One task of ``place``: created between ``start`` and now (more of them lately), due 5 to 45 days
    later; done or open as its age makes likely (some done late, some open past their date)."""
    rng, today = g.rng, g.now.date()
    depts = [d for d in place.depts if d.head and d.officers]
    created = (start + dt.timedelta(seconds=(g.now - start).total_seconds() * rng.random() ** 0.7)).replace(
        microsecond=0
    )
    due = created.date() + dt.timedelta(days=rng.randint(5, 45))
    age = (today - created.date()).days
    r = rng.random()
    done = r < (0.97 if age > 60 else 0.6) if due < today else r < 0.25
    completed = None
    if done:
        limit = (due - created.date()).days + (rng.randint(1, 15) if rng.random() < 0.12 else 0)
        completed = min(g.now, created + dt.timedelta(days=rng.uniform(0.5, max(1, limit))))
    leader = rng.choice(place.leaders)
    topic = rng.choice(TOPICS).format(y=created.year, q=(created.month - 1) // 3 + 1)
    title = rng.choice(WORKS).format(t=topic)
    task_id = g.ids.take(Task)
    content = f"Đề nghị các đơn vị {title[0].lower()}{title[1:]}, báo cáo kết quả trước hạn."
    priority = rng.choice((1, 1, 1, 1, 0, 2, 2, 3))
    state = "done" if done else "open"
    out.tasks.append((task_id, place.id, title, content, priority, due, state, leader, created, completed, *NOT_LINKED))
    lead = rng.choice(depts)
    support = rng.choice(depts) if len(depts) > 1 and rng.random() < 0.4 else None
    status = "done" if done else rng.choice(("pending", "in_progress", "in_progress", "awaiting"))
    progress = 100 if done else (0 if status == "pending" else rng.choice((20, 30, 50, 70, 90)))
    for role, dept in (("lead", lead), ("support", support if support is not lead else None)):
        if dept is None:
            continue
        top = g.ids.take(Assignment)
        out.assignments.append(
            _row(top, place.id, None, role, dept.id, None, leader, created, title, due, status, progress, completed)
        )
        out.parts.append((g.ids.take(TaskPart), task_id, top))
        if status != "pending":  # the department head gave it to an officer
            at = created + dt.timedelta(hours=rng.randint(1, 30))
            officer = rng.choice(dept.officers)
            row = _row(g.ids.take(Assignment), place.id, top, role, dept.id, officer, dept.head or leader, at, title)
            out.assignments.append(row + _tail(due, status, progress, completed))
    if rng.random() < 0.2:
        info = rng.choice(depts)
        top = g.ids.take(Assignment)
        out.assignments.append(
            _row(top, place.id, None, "info", info.id, info.head, leader, created, title, None, "pending", 0, None)
        )
        out.parts.append((g.ids.take(TaskPart), task_id, top))
    out.events.append(
        (g.ids.take(TaskEvent), task_id, leader, "created", f"Giao: {title}.", json.dumps({"generated": True}), created)
    )
    if completed is not None:
        out.events.append((g.ids.take(TaskEvent), task_id, leader, "accepted", "Chấp nhận kết quả.", "{}", completed))
    if place.documents and rng.random() < 0.3:
        for doc_id in set(rng.sample(place.documents, min(len(place.documents), rng.randint(1, 3)))):
            out.links.append((g.ids.take(Task.documents.through), task_id, doc_id))


def _row(
    pk: int,
    agency: int,
    parent: int | None,
    role: str,
    unit: int,
    user: int | None,
    by: int,
    at: dt.datetime,
    directive: str,
    *rest: Any,
) -> tuple[Any, ...]:
    """An ``Assignment`` row of a task (``document`` empty) in the column order of ``ASSIGN_COLS``; with
    ``rest`` = (due, status, progress, completed) the whole row, without it the first ten columns."""
    head = (pk, None, agency, parent, role, unit, user, by, at, directive)
    if not rest:
        return head
    return head + _tail(*rest)


def _tail(due: dt.date | None, status: str, progress: int, completed: dt.datetime | None) -> tuple[Any, ...]:
    return (due, status, progress, "", "", completed if status == "done" else None, None, None)
