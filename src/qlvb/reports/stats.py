"""The figures, each one SQL aggregate restricted to the actor's scope (``scope.Scope``).

**Work** is every lead assignment with a deadline — of a document (incoming, outgoing follow-up) or of a
task (a task is an ``Assignment`` whose document is empty). Work *due* in the period is, by where it
stands:

- ``on_time``  reported done (``completed_at``) on or before its deadline (local date);
- ``late``     reported done after its deadline;
- ``overdue``  not done, its deadline passed (before today);
- ``not_due``  not done, its deadline today or later.

"By unit" counts the top-level lead rows (what the leader or the clerk gave to a department or a
person: each document once); "by person" the lead rows held by a person (``user`` set, at any level).
The drill-down lists (``work_list``) use the very same filters, so a list has exactly as many rows as
the number that links to it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from qlvb.assignments.models import Assignment, AssignmentRole, AssignmentStatus, Reminder
from qlvb.directory.models import Unit, User
from qlvb.documents.models import Direction, Document
from qlvb.outgoing.models import Outgoing, State

from .periods import Period
from .scope import Scope

CATEGORIES = ("on_time", "late", "overdue", "not_due")
LEVELS = ("unit", "person")
KINDS = ("all", "documents", "tasks")


@dataclass(frozen=True)
class Filters:
    period: Period
    unit_id: int | None = None
    user_id: int | None = None
    doc_type_id: int | None = None
    kind: str = "all"  # all | documents | tasks

    def query(self) -> str:
        parts = [self.period.query()]
        if self.unit_id:
            parts.append(f"don_vi={self.unit_id}")
        if self.user_id:
            parts.append(f"nguoi={self.user_id}")
        if self.doc_type_id:
            parts.append(f"loai={self.doc_type_id}")
        if self.kind != "all":
            parts.append(f"nhom={self.kind}")
        return "&".join(parts)


def category_q(category: str, today: dt.date) -> Q:
    if category == "on_time":
        return Q(completed_at__isnull=False, completed_at__date__lte=F("due_date"))
    if category == "late":
        return Q(completed_at__isnull=False, completed_at__date__gt=F("due_date"))
    if category == "overdue":
        return Q(completed_at__isnull=True, due_date__lt=today)
    if category == "not_due":
        return Q(completed_at__isnull=True, due_date__gte=today)
    return Q()


def _scoped_work(scope: Scope, f: Filters, *, level: str) -> QuerySet[Assignment]:
    query = Assignment.objects.filter(agency_id=scope.agency.pk, role=AssignmentRole.LEAD, due_date__isnull=False)
    query = query.filter(parent__isnull=True) if level == "unit" else query.filter(user__isnull=False)
    if scope.unit_ids is not None:
        query = query.filter(unit_id__in=scope.unit_ids)
    if f.unit_id:
        query = query.filter(unit_id=f.unit_id)
    if f.user_id:
        query = query.filter(user_id=f.user_id)
    if f.doc_type_id:
        query = query.filter(document__doc_type_id=f.doc_type_id)
    if f.kind == "documents":
        query = query.filter(document__isnull=False)
    elif f.kind == "tasks":
        query = query.filter(document__isnull=True)
    return query


def work_due(scope: Scope, f: Filters, *, level: str = "unit") -> QuerySet[Assignment]:
    return _scoped_work(scope, f, level=level).filter(due_date__gte=f.period.start, due_date__lte=f.period.end)


def _aggregates(today: dt.date) -> dict[str, Any]:
    return {c: Count("pk", filter=category_q(c, today)) for c in CATEGORIES}


def work_counts(scope: Scope, f: Filters, *, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    found = work_due(scope, f).aggregate(**_aggregates(today))
    return {c: int(found[c] or 0) for c in CATEGORIES}


def work_by(scope: Scope, f: Filters, *, level: str, today: dt.date | None = None) -> list[dict[str, Any]]:
    """One row per unit (``level="unit"``) or person, with the four counts and a label, most behind first."""
    today = today or timezone.localdate()
    field = "unit_id" if level == "unit" else "user_id"
    rows = list(work_due(scope, f, level=level).values(field).annotate(**_aggregates(today)).order_by())
    ids = [r[field] for r in rows]
    if level == "unit":
        names = dict(Unit.objects.filter(pk__in=ids).values_list("pk", "name"))
    else:
        names = {
            pk: full or user
            for pk, full, user in User.objects.filter(pk__in=ids).values_list("pk", "full_name", "username")
        }
    out = [{"id": r[field], "label": names.get(r[field], "—"), **{c: int(r[c]) for c in CATEGORIES}} for r in rows]
    for row in out:
        row["total"] = sum(row[c] for c in CATEGORIES)
    out.sort(key=lambda r: (-(r["overdue"] + r["late"]), -r["total"], r["label"]))
    return out


def overdue_now(scope: Scope, f: Filters, *, today: dt.date | None = None) -> QuerySet[Assignment]:
    """Every top-level lead row not done whose deadline passed, whatever the period: oldest deadline first."""
    today = today or timezone.localdate()
    every = replace(f, period=Period(dt.date(1900, 1, 1), today))
    return _scoped_work(scope, every, level="unit").filter(completed_at__isnull=True, due_date__lt=today)


def longest_overdue(scope: Scope, f: Filters, *, limit: int = 10, today: dt.date | None = None) -> list[dict[str, Any]]:
    today = today or timezone.localdate()
    rows = (
        overdue_now(scope, f, today=today)
        .select_related("unit", "user", "document", "document__doc_type")
        .only(
            "pk",
            "due_date",
            "completed_at",
            "directive",
            "document_id",
            "unit_id",
            "user_id",
            "unit__name",
            "user__full_name",
            "document__subject",
            "document__code_number",
            "document__code_notation",
            "document__doc_type__name",
        )
        .order_by("due_date", "pk")[:limit]
    )
    return [work_row(a, today) for a in rows]


def work_row(a: Assignment, today: dt.date) -> dict[str, Any]:
    doc = a.document
    title = f"{doc.number_notation} {doc.subject}".strip() if doc is not None else (a.directive or "").strip()
    return {
        "id": a.pk,
        "document_id": a.document_id,
        "title": title[:200],
        "who": a.user.full_name if a.user_id and a.user is not None else a.unit.name,
        "due_date": a.due_date,
        "days_late": (today - a.due_date).days if a.due_date and a.completed_at is None and a.due_date < today else 0,
        "completed_at": a.completed_at,
    }


def work_by_state(scope: Scope, f: Filters) -> list[dict[str, Any]]:
    """Top-level lead rows assigned in the period, by state, documents and tasks apart."""
    query = _scoped_work(scope, f, level="unit").filter(
        assigned_at__gte=f.period.start_at, assigned_at__lt=f.period.end_before
    )
    rows = query.values("status").annotate(
        documents=Count("pk", filter=Q(document__isnull=False)), tasks=Count("pk", filter=Q(document__isnull=True))
    )
    found: dict[str, dict[str, Any]] = {r["status"]: dict(r) for r in rows.order_by()}
    return [
        {
            "status": value,
            "label": str(label),
            "documents": int(found.get(value, {}).get("documents", 0)),
            "tasks": int(found.get(value, {}).get("tasks", 0)),
        }
        for value, label in AssignmentStatus.choices
    ]


# --- volumes ------------------------------------------------------------------------------------------------------


def incoming_in(scope: Scope, f: Filters) -> QuerySet[Document]:
    query = Document.objects.filter(
        agency_id=scope.agency.pk,
        direction=Direction.INCOMING,
        received_at__gte=f.period.start_at,
        received_at__lt=f.period.end_before,
    )
    if f.doc_type_id:
        query = query.filter(doc_type_id=f.doc_type_id)
    units = [f.unit_id] if f.unit_id else scope.unit_ids
    if units is not None:
        query = query.filter(
            pk__in=Assignment.objects.filter(parent__isnull=True, unit_id__in=units).values("document_id")
        )
    if f.user_id:
        query = query.filter(pk__in=Assignment.objects.filter(user_id=f.user_id).values("document_id"))
    return query


def outgoing_in(scope: Scope, f: Filters) -> QuerySet[Outgoing]:
    query = Outgoing.objects.filter(
        document__agency_id=scope.agency.pk,
        state__in=(State.ISSUED, State.REVOKED, State.REPLACED),
        issued_at__gte=f.period.start_at,
        issued_at__lt=f.period.end_before,
    )
    if f.doc_type_id:
        query = query.filter(document__doc_type_id=f.doc_type_id)
    units = [f.unit_id] if f.unit_id else scope.unit_ids
    if units is not None:
        query = query.filter(drafting_unit_id__in=units)
    if f.user_id:
        query = query.filter(drafter_id=f.user_id)
    return query


def volumes(scope: Scope, f: Filters) -> dict[str, int]:
    return {"incoming": incoming_in(scope, f).count(), "outgoing": outgoing_in(scope, f).count()}


def volumes_split(scope: Scope, week: Filters, month: Filters) -> dict[str, dict[str, int]]:
    """This week's and this month's volumes in one query per table: the union of the two periods, with a
    conditional count for each."""
    both = replace(
        month, period=Period(min(week.period.start, month.period.start), max(week.period.end, month.period.end))
    )
    in_week = Q(received_at__gte=week.period.start_at, received_at__lt=week.period.end_before)
    in_month = Q(received_at__gte=month.period.start_at, received_at__lt=month.period.end_before)
    incoming = incoming_in(scope, both).aggregate(week=Count("pk", filter=in_week), month=Count("pk", filter=in_month))
    out_week = Q(issued_at__gte=week.period.start_at, issued_at__lt=week.period.end_before)
    out_month = Q(issued_at__gte=month.period.start_at, issued_at__lt=month.period.end_before)
    outgoing = outgoing_in(scope, both).aggregate(
        week=Count("pk", filter=out_week), month=Count("pk", filter=out_month)
    )
    return {
        "week": {"incoming": incoming["week"], "outgoing": outgoing["week"]},
        "month": {"incoming": incoming["month"], "outgoing": outgoing["month"]},
    }


# --- reminders ("số lần bị đôn đốc") ------------------------------------------------------------------------------


def reminders_in(scope: Scope, f: Filters) -> QuerySet[Reminder]:
    query = Reminder.objects.filter(
        assignment__agency_id=scope.agency.pk, sent_at__gte=f.period.start_at, sent_at__lt=f.period.end_before
    )
    if scope.unit_ids is not None:
        query = query.filter(assignment__unit_id__in=scope.unit_ids)
    if f.unit_id:
        query = query.filter(assignment__unit_id=f.unit_id)
    if f.user_id:
        query = query.filter(assignment__user_id=f.user_id)
    if f.kind == "documents":
        query = query.filter(assignment__document__isnull=False)
    elif f.kind == "tasks":
        query = query.filter(assignment__document__isnull=True)
    return query


def reminders_by_person(scope: Scope, f: Filters) -> list[dict[str, Any]]:
    """Reminders received per person (the personal assignments) and per unit (a department's assignment
    before its leader passed it on), most reminded first."""
    grouped = (
        reminders_in(scope, f)
        .values("assignment__user_id", "assignment__unit_id")
        .annotate(
            total=Count("pk"),
            nhac_nho=Count("pk", filter=Q(kind="nhac_nho")),
            phe_binh=Count("pk", filter=Q(kind="phe_binh")),
            kiem_diem=Count("pk", filter=Q(kind="kiem_diem")),
        )
        .order_by()
    )
    rows: list[dict[str, Any]] = [dict(r) for r in grouped]
    users = dict(User.objects.filter(pk__in={r["assignment__user_id"] for r in rows}).values_list("pk", "full_name"))
    units = dict(Unit.objects.filter(pk__in={r["assignment__unit_id"] for r in rows}).values_list("pk", "name"))
    merged: dict[tuple[str, int], dict[str, Any]] = {}
    for r in rows:
        user_id = r["assignment__user_id"]
        key = ("person", user_id) if user_id else ("unit", r["assignment__unit_id"])
        label = users.get(user_id, "—") if user_id else units.get(r["assignment__unit_id"], "—")
        entry = merged.setdefault(
            key,
            {
                "level": key[0],
                "id": key[1],
                "label": label,
                "unit": units.get(r["assignment__unit_id"], ""),
                "total": 0,
                "nhac_nho": 0,
                "phe_binh": 0,
                "kiem_diem": 0,
            },
        )
        for name in ("total", "nhac_nho", "phe_binh", "kiem_diem"):
            entry[name] += int(r[name])
    return sorted(merged.values(), key=lambda e: (-e["total"], e["label"]))
