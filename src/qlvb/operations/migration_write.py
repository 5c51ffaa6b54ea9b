"""The writes of a migration bundle, one sheet per transaction (``migration`` has checked every row first):
units and accounts through the directory's services (the naming rule, roles, audit), assignments and
dossiers written as the history they are — in bulk, no notification, one audit entry per sheet — and every
created thing recorded against its old key (``MigratedAccount``, ``MigratedRecord``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from qlvb.assignments.models import Assignment, AssignmentStatus
from qlvb.core import audit
from qlvb.core.text import fold
from qlvb.directory.models import Unit, UnitKind, User
from qlvb.directory.services import NewUser, unit_create, user_create
from qlvb.documents.models import Direction, Document
from qlvb.dossiers.models import MAX as DOSSIER_MAX
from qlvb.dossiers.models import Dossier, DossierItem, DossierState

from .migration_models import MigratedAccount, MigratedRecord, MigrationRun, RecordKind
from .migration_rows import AccountRow, AssignmentRow, DossierRow, UnitRow

if TYPE_CHECKING:
    from .migration import _Plan

AGENCY_ROLES = {"leader", "clerk", "admin", "archivist"}  # held at the agency; the others at the person's unit
LOCK_REASON = "Tài khoản chuyển đổi từ hệ thống cũ: chờ quản trị kích hoạt và cấp mật khẩu ban đầu."


def _noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def _sheet_audit(run: MigrationRun, actor: User, sheet: str, created: int) -> None:
    audit.record(
        "operations.bundle_sheet_imported",
        actor=actor,
        obj=run,
        data={"file": run.file_name, "sheet": sheet, "created": created},
    )


def recorded(agency: Unit, kind: str, keys: list[str]) -> set[str]:
    return set(MigratedRecord.objects.filter(agency=agency, kind=kind, key__in=keys).values_list("key", flat=True))


# --- Units and accounts --------------------------------------------------------------------------------------------


@transaction.atomic
def units_write(
    *, run: MigrationRun, plan_units: dict[str, int | None], agency: Unit, rows: list[tuple[UnitRow, Unit | None]]
) -> int:
    actor = run.created_by
    created = 0
    for row, existing in rows:
        if existing is None:
            parent_id = plan_units[row.parent] if row.parent else agency.pk
            parent = Unit.objects.get(pk=parent_id or 0)
            unit = unit_create(
                actor=actor, kind=UnitKind.DEPARTMENT, name=row.name, short_name=row.short_name, parent=parent
            )
            created += 1
        else:
            unit = existing
        MigratedRecord.objects.create(agency=agency, kind=RecordKind.UNIT, key=row.code, object_id=unit.pk, run=run)
        plan_units[row.code] = unit.pk
    _sheet_audit(run, actor, "don-vi.xlsx", created)
    return created


@transaction.atomic
def accounts_write(*, run: MigrationRun, plan: _Plan, rows: list[AccountRow]) -> list[tuple[str, str, str]]:
    """Each account created by ``user_create`` (the naming rule and its suffix), then locked with a forced
    password change: it signs in only once the administrator opens it and gives an initial password."""
    actor, agency = run.created_by, plan.agency
    units = Unit.objects.in_bulk([pk for pk in plan.units.values() if pk])
    out: list[tuple[str, str, str]] = []
    now = timezone.now()
    for row in rows:
        unit_id = plan.units[row.unit] if row.unit else agency.pk
        unit = units.get(unit_id or 0, agency)
        roles = [(role, agency if role in AGENCY_ROLES else unit) for role in row.roles]
        user = user_create(
            actor=actor,
            data=NewUser(full_name=row.full_name, unit=unit, position=row.position, email=row.email, roles=roles),
        )
        User.objects.filter(pk=user.pk).update(
            is_active=False, locked_at=now, locked_reason=LOCK_REASON, must_change_password=True
        )
        MigratedAccount.objects.create(agency=agency, old_code=row.code, user=user, run=run)
        audit.record("operations.account_migrated", actor=actor, obj=user, data={"old_code": row.code, "run": run.pk})
        plan.users[row.code] = user.pk
        out.append((row.code, user.username, user.full_name))
    _sheet_audit(run, actor, "nguoi-dung.xlsx", len(out))
    return out


# --- Assignments ---------------------------------------------------------------------------------------------------


def incoming_ids(agency: Unit, keys: set[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """(year, arrival number) → the agency's incoming document, for the keys asked."""
    if not keys:
        return {}
    rows = Document.objects.filter(
        agency=agency,
        direction=Direction.INCOMING,
        year__in={y for y, _ in keys},
        arrival_number__in={n for _, n in keys},
    ).values_list("year", "arrival_number", "pk")
    return {(int(y or 0), int(n or 0)): pk for y, n, pk in rows}


@transaction.atomic
def assignments_write(*, run: MigrationRun, plan: _Plan, rows: list[tuple[AssignmentRow, int]]) -> int:
    actor, agency = run.created_by, plan.agency
    user_ids = {code: pk for code, pk in plan.users.items() if pk}
    unit_of = dict(User.objects.filter(pk__in=set(user_ids.values())).values_list("pk", "unit_id"))
    created = 0
    for start in range(0, len(rows), 1000):
        chunk = rows[start : start + 1000]
        docs = incoming_ids(agency, {(r.year, r.number) for r, doc in chunk if not doc})
        made: list[Assignment] = []
        for r, doc in chunk:
            assignee = user_ids[r.assignee]
            when = _noon(r.assigned)
            made.append(
                Assignment(
                    document_id=doc or docs[(r.year, r.number)],
                    agency=agency,
                    role=r.role,
                    unit_id=unit_of.get(assignee) or agency.pk,
                    user_id=assignee,
                    assigned_by_id=user_ids[r.assigner],
                    assigned_at=when,
                    directive=r.directive,
                    due_date=r.due,
                    status=AssignmentStatus.DONE if r.result else AssignmentStatus.CLOSED,
                    progress=100 if r.result else 0,
                    result=r.result,
                    completed_at=when if r.result else None,
                )
            )
        Assignment.objects.bulk_create(made, batch_size=500)
        if any(a.pk is None for a in made):  # databases that do not return ids from a bulk insert
            raise RuntimeError("bulk_create returned no ids")
        MigratedRecord.objects.bulk_create(
            [
                MigratedRecord(agency=agency, kind=RecordKind.ASSIGNMENT, key=r.key, object_id=a.pk, run=run)
                for (r, _doc), a in zip(chunk, made, strict=True)
            ],
            batch_size=500,
        )
        created += len(made)
    _sheet_audit(run, actor, "giao-xu-ly.xlsx", created)
    return created


# --- Dossiers ------------------------------------------------------------------------------------------------------


DocRef = tuple[str, str, dt.date]


def documents_by_ref(agency: Unit, wanted: Iterable[DocRef]) -> dict[DocRef, list[int]]:
    """(number, folded notation, date) → the agency's documents of that number, notation and date."""
    refs = set(wanted)
    if not refs:
        return {}
    out: dict[DocRef, list[int]] = {}
    days = sorted({day for _n, _t, day in refs})
    numbers = sorted({number for number, _t, _d in refs})
    for start in range(0, len(days), 500):  # bounded IN lists; the exact triple is matched here
        found = Document.objects.filter(
            agency=agency, issued_date__in=days[start : start + 500], code_number__in=numbers
        ).values_list("code_number", "code_notation", "issued_date", "pk")
        for number, notation, day, pk in found:
            key = (number, fold(notation), day)
            if key in refs:
                out.setdefault(key, []).append(pk)
    return out


def dossiers_taken(agency: Unit, keys: set[tuple[int, str]]) -> set[tuple[int, str]]:
    if not keys:
        return set()
    rows = Dossier.objects.filter(
        agency=agency, year__in={y for y, _ in keys}, notation__in={n for _, n in keys}
    ).values_list("year", "notation")
    return {(int(y), n) for y, n in rows} & keys


@transaction.atomic
def dossiers_write(*, run: MigrationRun, plan: _Plan, rows: list[tuple[DossierRow, list[int]]]) -> int:
    actor, agency = run.created_by, plan.agency
    creators = User.objects.in_bulk([pk for pk in plan.users.values() if pk])
    now = timezone.now()
    for r, documents in rows:
        creator = creators[plan.users[r.creator] or 0]
        closed = r.end is not None
        dossier = Dossier.objects.create(
            agency=agency,
            organ_id=agency.organ_id[: DOSSIER_MAX["organ_id"]],
            year=r.year,
            notation=r.notation,
            title=r.title,
            retention_years=r.retention_years,
            creator=creator,
            creator_name=creator.full_name[: DOSSIER_MAX["creator"]],
            start_date=r.start,
            end_date=r.end,
            doc_total=len(documents) or None,
            description=r.note,
            state=DossierState.CLOSED if closed else DossierState.OPEN,
            closed_at=_noon(r.end) if r.end is not None else None,
            closed_by=creator if closed else None,
        )
        DossierItem.objects.bulk_create(
            [
                DossierItem(dossier=dossier, document_id=doc, ordinal=i, added_by=actor, added_at=now)
                for i, doc in enumerate(dict.fromkeys(documents), start=1)
            ]
        )
        MigratedRecord.objects.create(agency=agency, kind=RecordKind.DOSSIER, key=r.key, object_id=dossier.pk, run=run)
    _sheet_audit(run, actor, "ho-so.xlsx", len(rows))
    return len(rows)
