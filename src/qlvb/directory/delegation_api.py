"""REST endpoints of delegations (ủy quyền) at /api/v1/directory/delegations: the list a person sees
(the page's), granting one and ending one. Each endpoint parses, calls the selector or service of
:mod:`.delegation` (which checks the right) and answers; the page ``/quan-tri/uy-quyen/`` uses the same."""

# No ``from __future__ import annotations`` here: django-ninja reads the annotations at import time.

import datetime as dt

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from qlvb.core.bounds import BoundedLimitOffset, Id

from . import delegation as svc
from . import selectors
from .models import Delegation, DelegationKind, DelegationScope

router = Router(tags=["directory"])

_actor = selectors.acting_user  # the router's auth has made sure of a signed-in user


class DelegationIn(Schema):
    grantor: Id = Field(
        ...,
        description="the leader whose authority is delegated (oneself, or any leader for the agency's administrator)",
    )
    delegate: Id = Field(..., description="the person who acts in his place (same agency, active)")
    kind: str = Field(..., description=" | ".join(DelegationKind.values))
    scopes: list[str] = Field(..., description=" | ".join(DelegationScope.values), max_length=4)
    starts_on: dt.date
    ends_on: dt.date
    reason: str = Field("", max_length=svc.REASON_MAX)


class DelegationOut(Schema):
    id: int
    grantor_id: int
    grantor_name: str
    delegate_id: int
    delegate_name: str
    kind: str
    scopes: list[str]
    starts_on: dt.date
    ends_on: dt.date
    reason: str
    state: str = Field(..., description="in_force | upcoming | expired | revoked")
    created_at: dt.datetime
    revoked_at: dt.datetime | None

    @staticmethod
    def resolve_grantor_name(d: Delegation) -> str:
        return d.grantor.full_name

    @staticmethod
    def resolve_delegate_name(d: Delegation) -> str:
        return d.delegate.full_name

    @staticmethod
    def resolve_scopes(d: Delegation) -> list[str]:
        return [s.value for s in DelegationScope if getattr(d, s.value)]

    @staticmethod
    def resolve_state(d: Delegation) -> str:
        today = timezone.localdate()
        if d.revoked_at is not None:
            return "revoked"
        if d.ends_on < today:
            return "expired"
        return "upcoming" if d.starts_on > today else "in_force"


class DelegationFilter(Schema):
    state: str | None = Field(None, description="in_force | upcoming | expired | revoked")


def _filtered(query: QuerySet[Delegation], state: str | None) -> QuerySet[Delegation]:
    """The list by state, in the SQL query."""
    today = timezone.localdate()
    live = Q(revoked_at__isnull=True)
    conditions = {
        "revoked": Q(revoked_at__isnull=False),
        "expired": live & Q(ends_on__lt=today),
        "upcoming": live & Q(starts_on__gt=today),
        "in_force": live & Q(starts_on__lte=today, ends_on__gte=today),
    }
    return query.filter(conditions[state]) if state in conditions else query


@router.get(
    "/delegations", response=list[DelegationOut], summary="Ủy quyền mình đã cho, đã nhận (của cơ quan, với quản trị)"
)
@paginate(BoundedLimitOffset)
def delegation_list(request: HttpRequest, filters: Query[DelegationFilter]) -> QuerySet[Delegation]:
    return _filtered(svc.delegations_visible_to(_actor(request)), filters.state).order_by("-created_at", "-pk")


@router.get("/delegations/{delegation_id}", response=DelegationOut, summary="Một ủy quyền")
def delegation_detail(request: HttpRequest, delegation_id: Id) -> Delegation:
    return svc.delegation_get(actor=_actor(request), delegation_id=delegation_id)


@router.post("/delegations", response={201: DelegationOut}, summary="Ủy quyền (ký, chỉ đạo, duyệt, đôn đốc)")
def delegation_create(request: HttpRequest, payload: DelegationIn) -> Status[Delegation]:
    actor = _actor(request)
    made = svc.delegation_grant(
        actor=actor,
        data=svc.DelegationInput(
            grantor=selectors.user_get(actor, user_id=payload.grantor),
            delegate=selectors.user_get(actor, user_id=payload.delegate),
            kind=payload.kind,
            scopes=list(dict.fromkeys(payload.scopes)),
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            reason=payload.reason,
        ),
    )
    return Status(201, made)


@router.post("/delegations/{delegation_id}/end", response=DelegationOut, summary="Chấm dứt (thu hồi) một ủy quyền")
def delegation_end(request: HttpRequest, delegation_id: Id) -> Delegation:
    return svc.delegation_revoke(actor=_actor(request), delegation_id=delegation_id)
