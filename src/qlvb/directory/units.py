"""Changes to an agency's own units after creation (``services.unit_create``): rename and set the short name
and identifier, move under another unit of the same agency, close. Each action has one precondition
function (``unit_move_refusal``, ``unit_close_refusal``) that the page calls to explain a refusal before
the person tries, and the service calls again inside its transaction."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from qlvb.core import audit
from qlvb.core.errors import Conflict, DomainError, ValidationFailed
from qlvb.core.text import nfc

from . import policies
from .errors import ErrorCode
from .models import Unit, UnitKind, User
from .selectors import _subtree_sql
from .services import _require_in, organ_id_check

# The open work a unit may still hold (assignments app, reached through its relation: no import upward).
OPEN_ASSIGNMENT_STATUSES = ("pending", "in_progress")


def unit_subtree_ids(unit: Unit) -> set[int]:
    """``unit`` and every unit below it (one recursive query)."""
    return set(Unit.objects.filter(pk__in=_subtree_sql(unit.pk)).values_list("pk", flat=True))


@transaction.atomic
def unit_update(*, actor: User, unit: Unit, name: str, short_name: str, organ_id: str) -> Unit:
    """Rename a unit, set its short name and its identifier (QĐ 20/2020 format, as at creation)."""
    _require_in(actor, policies.UNIT_MANAGE, unit)
    if unit.external:
        raise DomainError("Cơ quan ngoài hệ thống được sửa trong danh bạ cơ quan ngoài.")
    name, short_name = nfc(name), nfc(short_name)
    if not name or not short_name:
        raise ValidationFailed("Cần nhập tên đầy đủ và tên viết tắt của đơn vị.")
    check = organ_id_check(organ_id, external=False)
    if unit.kind == UnitKind.AGENCY and not check.value:
        raise ValidationFailed("Cơ quan trong hệ thống phải có mã định danh.", code=ErrorCode.ORGAN_ID_FORMAT)
    before = {"name": unit.name, "short_name": unit.short_name, "organ_id": unit.organ_id}
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    unit.name, unit.short_name, unit.organ_id, unit.organ_id_warning = name, short_name, check.value, ""
    try:
        with transaction.atomic():
            unit.save(update_fields=["name", "short_name", "organ_id", "organ_id_warning", "name_folded"])
    except IntegrityError as exc:
        raise Conflict(f"Mã định danh {check.value} đã là của đơn vị khác.", code=ErrorCode.DUPLICATE_ORGAN_ID) from exc
    after = {"name": unit.name, "short_name": unit.short_name, "organ_id": unit.organ_id}
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    audit.record("unit.updated", actor=actor, obj=unit, data=changed)
    return unit


def unit_move_refusal(unit: Unit, parent: Unit) -> str | None:
    """Why ``unit`` may not move under ``parent``, or None: only a department moves, within its own
    agency, under an open unit that is not itself nor below it."""
    if unit.kind != UnitKind.DEPARTMENT:
        return "Chỉ phòng ban mới chuyển được sang đơn vị cấp trên khác; cơ quan thì không."
    if parent.agency_id != unit.agency_id or parent.external:
        return "Chỉ chuyển được sang một đơn vị của cùng cơ quan."
    if not parent.is_active:
        return "Đơn vị cấp trên mới đã giải thể."
    if parent.pk in unit_subtree_ids(unit):
        return "Không thể chuyển đơn vị vào chính nó hoặc một đơn vị cấp dưới của nó."
    if parent.pk == unit.parent_id:
        return "Đơn vị đã ở dưới đơn vị cấp trên này."
    return None


@transaction.atomic
def unit_move(*, actor: User, unit: Unit, parent: Unit) -> Unit:
    """Move a department under another unit of the same agency (the right over both places)."""
    _require_in(actor, policies.UNIT_MANAGE, unit)
    _require_in(actor, policies.UNIT_MANAGE, parent)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    refusal = unit_move_refusal(unit, parent)
    if refusal:
        raise DomainError(refusal, code=ErrorCode.UNIT_MOVE_REFUSED)
    old_parent = unit.parent_id
    unit.parent = parent
    unit.save(update_fields=["parent"])
    audit.record("unit.moved", actor=actor, obj=unit, data={"from": old_parent, "to": parent.pk})
    return unit


def unit_close_refusal(unit: Unit) -> str | None:
    """Why ``unit`` may not be closed, or None: only an open department with no active person, no open
    unit below it and no open assignment."""
    if unit.kind != UnitKind.DEPARTMENT:
        return "Chỉ giải thể được phòng ban; cơ quan thì không."
    if not unit.is_active:
        return "Đơn vị đã giải thể."
    people = unit.users.filter(is_active=True).count()
    if people:
        return f"Đơn vị còn {people} người đang hoạt động: chuyển họ sang đơn vị khác hoặc khóa tài khoản trước."
    if unit.children.filter(is_active=True).exists():
        return "Đơn vị còn đơn vị cấp dưới đang hoạt động."
    open_work = unit.assignments.filter(status__in=OPEN_ASSIGNMENT_STATUSES).count()
    if open_work:
        return f"Đơn vị còn {open_work} việc được giao chưa hoàn thành."
    return None


@transaction.atomic
def unit_close(*, actor: User, unit: Unit) -> Unit:
    """Close (giải thể) a department: it stays in the records of what it did, and takes no new work."""
    _require_in(actor, policies.UNIT_MANAGE, unit)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    refusal = unit_close_refusal(unit)
    if refusal:
        raise Conflict(refusal, code=ErrorCode.UNIT_CLOSE_REFUSED)
    unit.is_active = False
    unit.save(update_fields=["is_active"])
    audit.record("unit.closed", actor=actor, obj=unit)
    return unit
