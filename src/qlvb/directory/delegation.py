"""Ủy quyền — granting, revoking and reading delegations (models in :mod:`.delegation_models`).

A delegation is *in force* on a day when it is not revoked and the day (Asia/Ho_Chi_Minh) lies in
``starts_on..ends_on``; the delegate must be active. Every check reads the table in the SQL query at
the moment of the action, so a revoked or ended delegation stops working at once. The workflows ask
:func:`delegation_in_force` (may ``delegate`` act for ``grantor`` in ``scope`` now?) and
:func:`grantors_of` (whose waiting items does ``delegate`` see?), and record each act done under a
delegation with :func:`delegation_acted`. Scopes: ``sign`` (outgoing signature), ``direct`` (direction
of incoming documents), ``approve`` (review steps of drafts), ``follow`` (follow-up of the assignments
the grantor gave)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from qlvb.core import audit
from qlvb.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from qlvb.core.permissions import has
from qlvb.core.statements import KeptStatement
from qlvb.core.text import nfc

from . import policies
from .errors import ErrorCode
from .models import Delegation, DelegationKind, DelegationScope, Unit, User
from .selectors import agency_of

REASON_MAX = 500


@dataclass
class DelegationInput:
    grantor: User
    delegate: User
    kind: str  # DelegationKind
    scopes: list[str]  # DelegationScope values
    starts_on: dt.date
    ends_on: dt.date
    reason: str = ""


def _agency_id(user: User) -> int | None:
    unit = user.unit
    return None if unit is None else (unit.agency_id or unit.pk)


def is_leader_of(user: User, agency: Unit) -> bool:
    """A person who may delegate: he holds the ``leader`` role in the agency."""
    return "leader" in user.roles_for(agency)


# --- reading -------------------------------------------------------------------------------------


def delegations_in_force(*, on: dt.date | None = None) -> QuerySet[Delegation]:
    day = on or timezone.localdate()
    return Delegation.objects.filter(
        revoked_at__isnull=True, starts_on__lte=day, ends_on__gte=day, delegate__is_active=True
    )


def _scope_q(scope: str) -> Q:
    if scope not in DelegationScope.values:
        raise ValueError(f"unknown delegation scope {scope!r}")
    return Q(**{scope: True})


def delegation_in_force(*, delegate: User, grantor_id: int | None, scope: str) -> Delegation | None:
    """The delegation that lets ``delegate`` act for ``grantor_id`` in ``scope`` today, or None."""
    if grantor_id is None or not delegate.is_active or delegate.pk == grantor_id:
        return None
    _scope_q(scope)  # an unknown scope is a programming error
    return _in_force_statement(scope).first(delegate_id=delegate.pk, grantor_id=grantor_id, day=timezone.localdate())


@lru_cache(maxsize=16)
def _in_force_statement(scope: str) -> KeptStatement[Delegation]:
    """Asked by the document pages' buttons (may he direct, follow up, sign for…): kept compiled, one per scope."""
    return KeptStatement(
        "directory.delegation_in_force:" + scope,
        lambda delegate_id, grantor_id, day: (
            delegations_in_force(on=day)
            .filter(_scope_q(scope), delegate_id=delegate_id, grantor_id=grantor_id)
            .select_related("grantor")
            .order_by("pk")[:1]
        ),
        delegate_id=int,
        grantor_id=int,
        day=dt.date,
    )


def grantors_of(delegate: User, scope: str) -> QuerySet[Delegation, Any]:
    """The ids of the people ``delegate`` acts for today in ``scope`` — a subquery for the workflows'
    lists (the grantor's waiting items appear in the delegate's)."""
    return grantors_subquery(delegate.pk, scope, on=timezone.localdate())


def grantors_subquery(delegate_id: int, scope: str, *, on: dt.date) -> QuerySet[Delegation, Any]:
    """:func:`grantors_of` from plain values (a kept statement's builder, core/statements.py)."""
    return delegations_in_force(on=on).filter(_scope_q(scope), delegate_id=delegate_id).values("grantor_id")


@lru_cache(maxsize=32)
def _grantors_statement(scopes: tuple[str, ...]) -> KeptStatement[tuple[Any, ...]]:
    """Read on every page of the incoming lists: kept compiled (core/statements.py), one per set of scopes."""
    return KeptStatement(
        "directory.grantors:" + ",".join(scopes),
        lambda delegate_id, day: (
            delegations_in_force(on=day).filter(delegate_id=delegate_id).values_list("grantor_id", *scopes)
        ),
        delegate_id=int,
        day=dt.date,
    )


def grantor_ids(delegate: User, scopes: tuple[str, ...]) -> dict[str, list[int]]:
    """For each of ``scopes``, the ids of the people ``delegate`` acts for today: one query for all of them,
    for a caller that writes them into its SQL as literals (the incoming lists' visibility, read once per
    request) instead of a subquery per scope."""
    for scope in scopes:
        _scope_q(scope)  # an unknown scope is a programming error, as in grantors_of
    if not delegate.is_active:
        return {scope: [] for scope in scopes}
    rows = _grantors_statement(scopes).fetch(delegate_id=delegate.pk, day=timezone.localdate())
    return {scope: sorted({row[0] for row in rows if row[1 + i]}) for i, scope in enumerate(scopes)}


def delegations_visible_to(actor: User | AnonymousUser) -> QuerySet[Delegation]:
    """The delegations of the actor's agency for its administrator; those he gave or received for anyone
    else. Filtered in the SQL query."""
    query = Delegation.objects.select_related("grantor", "delegate", "created_by", "revoked_by")
    if not actor.is_authenticated or not actor.is_active:
        return query.none()
    if actor.is_superuser:
        return query
    agency = agency_of(actor)
    mine = Q(grantor_id=actor.pk) | Q(delegate_id=actor.pk)
    if agency is not None and has(actor, policies.DELEGATION_MANAGE, unit=agency):
        return query.filter(mine | Q(agency=agency))
    return query.filter(mine)


def delegation_get(*, actor: User, delegation_id: int) -> Delegation:
    found = delegations_visible_to(actor).filter(pk=delegation_id).first()
    if found is None:
        raise NotFound()
    return found


def grantors_for(actor: User) -> QuerySet[User]:
    """Whose authority ``actor`` may delegate: himself when he is a leader; every active leader of his
    agency for its administrator."""
    agency = agency_of(actor)
    if agency is None:
        return User.objects.none()
    leaders = User.objects.filter(
        Q(unit_id=agency.pk) | Q(unit__agency_id=agency.pk),
        is_active=True,
        role_assignments__role="leader",
        role_assignments__unit_id=agency.pk,
    ).distinct()
    if has(actor, policies.DELEGATION_MANAGE, unit=agency):
        return leaders.order_by("full_name")
    return leaders.filter(pk=actor.pk)


def delegates_for(actor: User) -> QuerySet[User]:
    """Who may receive a delegation: the active people of the actor's agency."""
    agency = agency_of(actor)
    if agency is None:
        return User.objects.none()
    return (
        User.objects.filter(Q(unit_id=agency.pk) | Q(unit__agency_id=agency.pk), is_active=True, is_superuser=False)
        .select_related("unit")
        .order_by("full_name", "username")
    )


# --- the checks shared by the page and the services ---------------------------------------------


def delegation_grant_check(actor: User, grantor: User) -> Unit:
    """May ``actor`` grant a delegation of ``grantor``'s authority? Returns the agency. A grantor of
    another agency answers 404, like one that does not exist."""
    agency = agency_of(grantor)
    if agency is None or (not actor.is_superuser and _agency_id(actor) != agency.pk):
        raise NotFound()
    if not is_leader_of(grantor, agency):
        raise PermissionDenied(f"{grantor.full_name} không phải lãnh đạo của cơ quan: không có thẩm quyền để ủy quyền.")
    if actor.pk != grantor.pk and not has(actor, policies.DELEGATION_MANAGE, unit=agency):
        raise PermissionDenied("Chỉ lãnh đạo tự ủy quyền của mình, hoặc quản trị của cơ quan ủy quyền thay.")
    return agency


def delegation_revoke_check(actor: User, delegation: Delegation) -> None:
    if delegation.revoked_at is not None:
        raise Conflict("Ủy quyền này đã được thu hồi.")
    if delegation.ends_on < timezone.localdate():
        raise Conflict("Ủy quyền này đã hết hạn; không cần thu hồi.")
    if actor.pk in (delegation.grantor_id, delegation.created_by_id):
        return
    if not has(actor, policies.DELEGATION_MANAGE, unit=delegation.agency):
        raise PermissionDenied("Chỉ người ủy quyền hoặc quản trị của cơ quan thu hồi được ủy quyền.")


def _validate(data: DelegationInput, agency: Unit) -> str:
    def refuse(message: str) -> ValidationFailed:
        return ValidationFailed(message, code=ErrorCode.DELEGATION_INVALID)

    if data.delegate.pk == data.grantor.pk:
        raise refuse("Không thể ủy quyền cho chính mình.")
    if data.delegate.is_superuser or _agency_id(data.delegate) != agency.pk:
        raise refuse(f"{data.delegate.full_name} không thuộc {agency.name}: chỉ ủy quyền cho người trong cơ quan.")
    if not data.delegate.is_active:
        raise refuse(f"Tài khoản của {data.delegate.full_name} đã bị khóa.")
    if data.kind not in DelegationKind.values:
        raise refuse("Hình thức ủy quyền phải là KT., TL., TUQ. hoặc Q.")
    scopes = set(data.scopes)
    if not scopes or not scopes <= set(DelegationScope.values):
        raise refuse(
            "Cần chọn phạm vi ủy quyền: ký văn bản đi, chỉ đạo văn bản đến, duyệt dự thảo và/hoặc đôn đốc việc đã giao."
        )
    if data.ends_on < data.starts_on:
        raise refuse("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")
    today = timezone.localdate()
    if data.ends_on < today:
        raise refuse(f"Ngày kết thúc {data.ends_on:%d/%m/%Y} đã qua.")
    if data.starts_on < today:
        raise refuse(f"Ngày bắt đầu {data.starts_on:%d/%m/%Y} đã qua: ủy quyền có hiệu lực từ hôm nay trở đi.")
    reason = nfc(data.reason or "").strip()
    if len(reason) > REASON_MAX:
        raise refuse(f"Lý do tối đa {REASON_MAX} ký tự.")
    return reason


def _overlap(data: DelegationInput) -> Delegation | None:
    """Another live delegation of the grantor that shares a scope and a day — for anyone: a leader's
    authority goes to one person at a time."""
    scopes = Q()
    for scope in data.scopes:
        scopes |= _scope_q(scope)
    return (
        Delegation.objects.filter(
            scopes,
            grantor_id=data.grantor.pk,
            revoked_at__isnull=True,
            starts_on__lte=data.ends_on,
            ends_on__gte=data.starts_on,
        )
        .select_related("delegate")
        .first()
    )


# --- writing --------------------------------------------------------------------------------------


def delegation_grant(*, actor: User, data: DelegationInput) -> Delegation:
    """Grant: every check before the write; the grantor's row is locked so that two grants at once
    cannot both pass the overlap check."""
    agency = delegation_grant_check(actor, data.grantor)
    reason = _validate(data, agency)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=data.grantor.pk).first()
        clash = _overlap(data)
        if clash is not None:
            raise Conflict(
                f"{data.grantor.full_name} đã ủy quyền cho {clash.delegate.full_name} từ "
                f"{clash.starts_on:%d/%m/%Y} đến {clash.ends_on:%d/%m/%Y}, trùng thời gian và phạm vi; "
                "hãy thu hồi ủy quyền đó trước.",
                code=ErrorCode.DELEGATION_OVERLAP,
            )
        delegation = Delegation.objects.create(
            agency=agency,
            grantor=data.grantor,
            delegate=data.delegate,
            kind=data.kind,
            sign=DelegationScope.SIGN in data.scopes,
            direct=DelegationScope.DIRECT in data.scopes,
            approve=DelegationScope.APPROVE in data.scopes,
            follow=DelegationScope.FOLLOW in data.scopes,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            reason=reason,
            created_by=actor,
            created_at=timezone.now(),
        )
        audit.record(
            "delegation.granted",
            actor=actor,
            obj=delegation,
            data={
                "grantor": data.grantor.pk,
                "delegate": data.delegate.pk,
                "kind": data.kind,
                "scopes": sorted(data.scopes),
                "starts_on": data.starts_on.isoformat(),
                "ends_on": data.ends_on.isoformat(),
            },
        )
    return delegation


def delegation_revoke(*, actor: User, delegation_id: int) -> Delegation:
    with transaction.atomic():
        delegation = delegation_get(actor=actor, delegation_id=delegation_id)
        delegation = Delegation.objects.select_for_update().select_related("agency").get(pk=delegation.pk)
        delegation_revoke_check(actor, delegation)
        delegation.revoked_at, delegation.revoked_by = timezone.now(), actor
        delegation.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(
            "delegation.revoked",
            actor=actor,
            obj=delegation,
            data={"grantor": delegation.grantor_id, "delegate": delegation.delegate_id},
        )
    return delegation


# --- how a document's history and signature block name it ---------------------------------------


def on_behalf_text(delegation: Delegation) -> str:
    """ " (KT. Nguyễn Văn Hùng)" — appended to the history entry of an act done under the delegation."""
    return f" ({delegation.kind} {delegation.grantor.full_name})"


def on_behalf_data(delegation: Delegation) -> dict[str, object]:
    return {"on_behalf_of": delegation.grantor_id, "delegation": delegation.pk, "competence": delegation.kind}


def delegation_acted(*, actor: User, delegation: Delegation, scope: str, action: str, obj: Any) -> None:
    """Record in the audit log an act done under ``delegation`` (``delegation.acted``): which act
    (``action``, the workflow's event name), on what, for whom and under which competence. Called by
    the workflows inside the act's transaction, beside their own event."""
    audit.record(
        "delegation.acted",
        actor=actor,
        obj=obj,
        data={**on_behalf_data(delegation), "scope": scope, "action": action},
    )
