"""Giving out the parts of a document, of a task, or of a department's part: who may receive one (a
department or a person of the agency, one lead), their due dates, the assignment rows and their
notifications. Used by the leader's direction and the clerk's routing (``incoming.directing``), by the
tasks of ``direction`` and by the department's own assignment (``handling.py``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from qlvb.core.errors import ValidationFailed
from qlvb.directory import people
from qlvb.directory.models import Unit, User
from qlvb.documents.models import Document

from .models import Assignment, AssignmentRole
from .notify import notify_after_commit


@dataclass
class Target:
    """One recipient of a direction or an assignment: a department or a person, with a role and a due date."""

    role: str
    unit: Unit | None = None
    user: User | None = None
    due_date: dt.date | None = None

    @property
    def label(self) -> str:
        if self.user is not None:
            return self.user.full_name
        return self.unit.name if self.unit is not None else "—"


def check_targets(targets: list[Target], *, agency: Unit, need_one_lead: bool) -> None:
    if not targets:
        raise ValidationFailed("Cần chọn ít nhất một đơn vị hoặc người nhận.")
    leads = [t for t in targets if t.role == AssignmentRole.LEAD]
    if need_one_lead and len(leads) != 1:
        raise ValidationFailed("Cần chọn đúng một đơn vị hoặc người chủ trì.")
    if len(leads) > 1:
        raise ValidationFailed("Chỉ được có một đơn vị hoặc người chủ trì.")
    seen: set[tuple[str, int]] = set()
    for t in targets:
        if t.role not in AssignmentRole.values:
            raise ValidationFailed("Vai trò xử lý không hợp lệ.")
        if (t.unit is None) == (t.user is None):
            raise ValidationFailed("Mỗi dòng phân công là một đơn vị hoặc một người.")
        if t.user is not None:
            if t.user.unit is None or t.user.unit.agency_id != agency.pk or not t.user.is_active:
                raise ValidationFailed(f"{t.user.full_name} không thuộc cơ quan xử lý văn bản này.")
            key = ("user", t.user.pk)
        else:
            assert t.unit is not None
            if t.unit.kind != "department" or t.unit.agency_id != agency.pk:
                raise ValidationFailed(f"{t.unit.name} không phải phòng ban của cơ quan.")
            key = ("unit", t.unit.pk)
        if key in seen:
            raise ValidationFailed(f"{t.label} được chọn hai lần.")
        seen.add(key)


def _check_dues(targets: list[Target], *, default_due: dt.date | None, parent: Assignment | None) -> None:
    """Every handling deadline lies today or later (a past one would be "quá hạn" the moment it is given),
    and a sub-assignment's deadline never lies after the deadline of the part it comes from. "Để biết" rows
    carry no deadline of their own to check."""
    today = timezone.localdate()
    limit = parent.due_date if parent is not None else None
    for t in targets:
        due = t.due_date or default_due
        if due is None or t.role == AssignmentRole.INFO:
            continue
        if due < today:
            raise ValidationFailed(
                f"Hạn xử lý của {t.label} ({due:%d/%m/%Y}) đã qua: chọn một ngày từ hôm nay ({today:%d/%m/%Y}) trở đi.",
                details={"field": "due_date"},
            )
        if limit is not None and due > limit:
            raise ValidationFailed(
                f"Hạn xử lý của {t.label} ({due:%d/%m/%Y}) không được sau hạn của phần việc được giao "
                f"({limit:%d/%m/%Y}).",
                details={"field": "due_date"},
            )


def assignments_create(
    *,
    actor: User,
    document: Document | None,
    agency: Unit,
    targets: list[Target],
    directive: str,
    parent: Assignment | None,
    default_due: dt.date | None,
) -> list[Assignment]:
    _check_dues(targets, default_due=default_due, parent=parent)
    now = timezone.now()
    created = []
    for t in targets:
        unit = t.unit if t.user is None else t.user.unit
        assert unit is not None
        a = Assignment.objects.create(
            document=document,
            agency=agency,
            parent=parent,
            role=t.role,
            unit=unit,
            user=t.user,
            assigned_by=actor,
            assigned_at=now,
            directive=directive,
            due_date=t.due_date or default_due,
        )
        created.append(a)
        recipients = [t.user] if t.user is not None else list(people.dept_leaders_of(unit))
        subject = document.subject[:200] if document is not None else directive[:200]
        notify_after_commit(
            users=recipients,
            kind="assigned",
            exclude=actor,
            text=f"{a.get_role_display()}: {subject}",
            document_id=document.pk if document else None,
            assignment_id=a.pk,
        )
    return created


def describe(targets: list[Target]) -> str:
    parts = []
    for role in (AssignmentRole.LEAD, AssignmentRole.SUPPORT, AssignmentRole.INFO):
        chosen = [t for t in targets if t.role == role]
        if chosen:
            parts.append(
                f"{role.label}: "
                + ", ".join(t.label + (f" (hạn {t.due_date:%d/%m/%Y})" if t.due_date else "") for t in chosen)
            )
    return "; ".join(parts)
