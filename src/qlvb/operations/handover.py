"""Nghỉ việc / chuyển công tác (Điều 22.1.c, 22.2.b, Điều 31 of the seed). The head of the person's unit
(a leader or the administrator of the agency) lists what the person still holds (``handover_items``),
chooses a successor for all and, item by item, another; ``handover_make`` then, in one transaction,
hands every item over (``handover_items.MOVERS``: each with its own history entry and an audit entry),
writes the Biên bản bàn giao and locks the account — never deletes it, so history keeps the name — or,
for a move inside the agency, keeps the account active and moves it to its new unit.

Every check runs before the first write, and the whole act is one transaction: one refused successor
leaves nothing changed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from qlvb.assignments.models import NotificationKind
from qlvb.assignments.notify import notify_after_commit
from qlvb.core import audit
from qlvb.core.errors import Conflict, NotFound, ValidationFailed
from qlvb.core.permissions import has, require
from qlvb.core.text import nfc
from qlvb.directory.models import ApiToken, RoleAssignment, Unit, User
from qlvb.directory.selectors import agency_of
from qlvb.outgoing import policies as outgoing_policies

from . import policies
from .errors import ErrorCode
from .handover_items import MOVERS, Item, Move, items_held
from .handover_models import Handover, HandoverLine, HandoverMode, ItemKind

REASON_MAX = 500


@dataclass
class HandoverInput:
    mode: str  # HandoverMode
    successor_id: int | None  # the default successor of every item
    overrides: Mapping[str, int] = field(default_factory=dict)  # item key ("assignment-12") → successor id
    to_unit_id: int | None = None  # a move: the new unit
    reason: str = ""


def _agency_id(unit: Unit | None) -> int:
    """The agency of ``unit`` (itself for an agency); 0 (no row) for no unit."""
    if unit is None:
        return 0
    return unit.agency_id or unit.pk


def _in_agency(agency_id: int) -> Q:
    return Q(unit_id=agency_id) | Q(unit__agency_id=agency_id)


# --- who may be handed over, and by whom ---------------------------------------------------------------


def people_for_handover(actor: User | AnonymousUser) -> QuerySet[User]:
    """The active people whose work ``actor`` may hand over, filtered in the query: the agency's people
    for its leader or administrator (the deployment's superuser: everyone), his department's for a
    department head; never himself."""
    if not actor.is_authenticated:
        return User.objects.none()
    people = User.objects.filter(is_active=True, unit__isnull=False, is_superuser=False).select_related("unit")
    if actor.is_superuser:
        return people.exclude(pk=actor.pk)
    agency = agency_of(actor)
    if agency is None:
        return User.objects.none()
    if has(actor, policies.HANDOVER, unit=agency):  # a role held over the whole agency
        return people.filter(_in_agency(agency.pk)).exclude(pk=actor.pk)
    units = actor.units_with_role("dept_leader")
    return people.filter(unit_id__in=units, unit__agency_id=agency.pk).exclude(pk=actor.pk)


def handover_person(*, actor: User, person_id: int) -> User:
    """The person whose work is handed over: 404 for a person of another agency (an outsider cannot tell
    he exists); 403 without the right over his unit; 409 for oneself or a locked account."""
    person = User.objects.select_related("unit").filter(pk=person_id).first()
    if person is None or person.unit is None or person.is_superuser:
        raise NotFound()
    if not actor.is_superuser and _agency_id(person.unit) != _agency_id(actor.unit):
        raise NotFound()
    require(actor, policies.HANDOVER, unit=person.unit)
    refusal = handover_refusal(actor, person)
    if refusal:
        raise Conflict(refusal, code=ErrorCode.HANDOVER_SELF)
    return person


def handover_refusal(actor: User, person: User) -> str:
    """The precondition shared by the page (it shows the form only when empty) and the service."""
    if person.pk == actor.pk:
        return "Không tự bàn giao công việc của chính mình: lãnh đạo đơn vị thực hiện."
    if not person.is_active:
        return f"Tài khoản của {person.full_name} đã bị khóa; không còn gì để bàn giao."
    return ""


def handover_items(*, actor: User, person_id: int) -> tuple[User, list[Item]]:
    person = handover_person(actor=actor, person_id=person_id)
    return person, items_held(person)


def successors_for(person: User) -> QuerySet[User]:
    """Who may receive the work: the active people of the person's agency, except him."""
    agency_id = _agency_id(person.unit)
    return (
        User.objects.filter(_in_agency(agency_id), is_active=True)
        .exclude(pk=person.pk)
        .select_related("unit")
        .order_by("full_name", "username")
    )


# --- the checks before any write ------------------------------------------------------------------------


def _successor(person: User, successor_id: int | None, cache: dict[int, User]) -> User:
    if successor_id is None:
        raise ValidationFailed("Cần chọn người nhận bàn giao.", code=ErrorCode.HANDOVER_SUCCESSOR)
    if successor_id in cache:
        return cache[successor_id]
    found = User.objects.select_related("unit").filter(pk=successor_id).first()
    if found is None:
        raise ValidationFailed("Không tìm thấy người nhận bàn giao.", code=ErrorCode.HANDOVER_SUCCESSOR)
    if found.pk == person.pk:
        raise ValidationFailed(
            f"{found.full_name} là người bàn giao, không thể là người nhận.", code=ErrorCode.HANDOVER_SUCCESSOR
        )
    if not found.is_active:
        raise ValidationFailed(
            f"Người nhận {found.full_name} đã bị khóa tài khoản, không nhận bàn giao được.",
            code=ErrorCode.HANDOVER_SUCCESSOR,
        )
    if found.unit is None or _agency_id(found.unit) != _agency_id(person.unit):
        raise ValidationFailed(
            f"Người nhận {found.full_name} không thuộc cơ quan của {person.full_name}.",
            code=ErrorCode.HANDOVER_SUCCESSOR,
        )
    cache[successor_id] = found
    return found


def _plan(person: User, items: list[Item], data: HandoverInput) -> list[tuple[Item, User]]:
    """Each item with its successor; refuses (naming the person) before anything is written."""
    cache: dict[int, User] = {}
    if data.successor_id is not None:
        _successor(person, data.successor_id, cache)  # the default is checked even where overridden
    for successor_id in data.overrides.values():
        if successor_id:
            _successor(person, successor_id, cache)
    plan = [(item, _successor(person, data.overrides.get(item.key) or data.successor_id, cache)) for item in items]
    agency = Unit.objects.get(pk=_agency_id(person.unit))
    for item, successor in plan:
        if item.kind == ItemKind.SIGNATURE and not has(successor, outgoing_policies.SIGN, unit=agency):
            raise ValidationFailed(
                f"Người nhận {successor.full_name} không có thẩm quyền ký để nhận văn bản chờ ký “{item.label}”.",
                code=ErrorCode.HANDOVER_SUCCESSOR,
            )
    return plan


def _new_unit(person: User, data: HandoverInput) -> Unit | None:
    if data.mode == HandoverMode.LEAVE:
        return None
    if data.mode != HandoverMode.MOVE:
        raise ValidationFailed("Hình thức phải là nghỉ việc hoặc chuyển công tác.")
    unit = Unit.objects.filter(pk=data.to_unit_id or 0).first()
    if unit is None or not unit.is_active or unit.external or _agency_id(unit) != _agency_id(person.unit):
        raise ValidationFailed(
            "Cần chọn đơn vị mới đang hoạt động trong cơ quan (chuyển sang cơ quan khác thì chọn nghỉ việc).",
            code=ErrorCode.HANDOVER_UNIT,
        )
    if unit.pk == person.unit_id:
        raise ValidationFailed(f"{person.full_name} đã thuộc {unit.name}.", code=ErrorCode.HANDOVER_UNIT)
    return unit


# --- the act ----------------------------------------------------------------------------------------------


def _lock(actor: User, person: User, reason: str) -> None:
    """As ``directory.services.user_lock`` does (the head holds the handover right, not the administrator's
    lock right): inactive, its tokens revoked for good, audited as ``user.locked``."""
    person.is_active = False
    person.locked_at = timezone.now()
    person.locked_reason = reason[:255]
    person.save(update_fields=["is_active", "locked_at", "locked_reason"])
    revoked = ApiToken.objects.filter(user=person, revoked_at__isnull=True).update(revoked_at=person.locked_at)
    audit.record("user.locked", actor=actor, obj=person, data={"reason": reason, "tokens_revoked": revoked})


def _move_person(actor: User, person: User, unit: Unit) -> None:
    """Into the new unit; the roles held in the old department end (those held over the agency stay)."""
    old = person.unit
    assert old is not None
    dropped = list(
        RoleAssignment.objects.filter(user=person, unit=old)
        .exclude(unit_id=_agency_id(old))
        .values_list("role", flat=True)
    )
    RoleAssignment.objects.filter(user=person, unit=old).exclude(unit_id=_agency_id(old)).delete()
    person.unit = unit
    person.save(update_fields=["unit"])
    person.roles_forget()
    audit.record(
        "operations.person_moved",
        actor=actor,
        obj=person,
        data={"from": old.pk, "to": unit.pk, "roles_ended": dropped},
    )


def handover_make(*, actor: User, person_id: int, data: HandoverInput) -> Handover:
    reason = nfc(data.reason or "").strip()
    if len(reason) > REASON_MAX:
        raise ValidationFailed(f"Lý do tối đa {REASON_MAX} ký tự.")
    with transaction.atomic():
        person = handover_person(actor=actor, person_id=person_id)
        person = User.objects.select_for_update(of=("self",)).select_related("unit").get(pk=person.pk)
        refusal = handover_refusal(actor, person)  # again, under the lock: two heads at once
        if refusal:
            raise Conflict(refusal, code=ErrorCode.HANDOVER_SELF)
        unit = _new_unit(person, data)
        plan = _plan(person, items_held(person), data)
        mode = HandoverMode(data.mode)
        move = Move(actor=actor, person=person, why=str(mode.label).lower())
        assert person.unit is not None
        record = Handover.objects.create(
            agency_id=_agency_id(person.unit),
            person=person,
            person_name=person.full_name,
            person_unit=person.unit.name,
            mode=mode,
            reason=reason,
            to_unit=unit,
            made_by=actor,
            made_by_name=actor.full_name or actor.username,
            made_at=timezone.now(),
        )
        lines = []
        for ordinal, (item, successor) in enumerate(plan, start=1):
            MOVERS[item.kind](move, item.pk, successor)
            lines.append(
                HandoverLine(
                    handover=record,
                    ordinal=ordinal,
                    kind=item.kind,
                    object_id=item.pk,
                    label=item.label[:600],
                    successor=successor,
                    successor_name=successor.full_name,
                )
            )
        HandoverLine.objects.bulk_create(lines)
        if unit is None:
            _lock(actor, person, f"Nghỉ việc — bàn giao theo biên bản số {record.pk}. {reason}".strip()[:255])
        else:
            _move_person(actor, person, unit)
        audit.record(
            "operations.handover_made",
            actor=actor,
            obj=record,
            data={"person": person.pk, "mode": mode.value, "items": len(lines), "to_unit": unit.pk if unit else None},
        )
        _notify(record, plan)
    return record


def _notify(record: Handover, plan: list[tuple[Item, User]]) -> None:
    counts: dict[int, int] = {}
    for _item, successor in plan:
        counts[successor.pk] = counts.get(successor.pk, 0) + 1
    for user_id, count in counts.items():
        notify_after_commit(
            users=[user_id],
            kind=NotificationKind.ASSIGNED,
            text=f"Bạn nhận bàn giao {count} việc của {record.person_name} ({record.get_mode_display().lower()}).",
        )


# --- reading the records ----------------------------------------------------------------------------------


def handovers_visible_to(actor: User | AnonymousUser) -> QuerySet[Handover]:
    """The records of the actor's agency for a holder of the handover right there (all for the superuser)."""
    query = Handover.objects.select_related("person", "to_unit")
    if not actor.is_authenticated:
        return query.none()
    if actor.is_superuser:
        return query
    agency = agency_of(actor)
    if agency is None or not (has(actor, policies.HANDOVER, unit=agency) or actor.units_with_role("dept_leader")):
        return query.none()
    return query.filter(agency=agency)


def handover_get(*, actor: User | AnonymousUser, handover_id: int) -> Handover:
    found = handovers_visible_to(actor).filter(pk=handover_id).first()
    if found is None:
        raise NotFound()
    return found
