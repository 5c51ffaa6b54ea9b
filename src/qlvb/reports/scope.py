"""Which rows an actor's figures may count: one agency (all of it, or only the departments he leads), or
for the six-monthly report of the whole deployment every agency he administers. The result is written
into every query as ``agency_id IN (...)`` / ``unit_id IN (...)`` — permission filtering in the SQL."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from qlvb.core.errors import PermissionDenied, ValidationFailed
from qlvb.core.permissions import Permission, has
from qlvb.directory.models import Unit, UnitKind, User
from qlvb.directory.selectors import agency_of, units_visible_to

from . import policies
from .errors import ErrorCode


@dataclass(frozen=True)
class Scope:
    agency: Unit
    # None: the whole agency; otherwise the departments (and the people in them) the actor may count.
    unit_ids: tuple[int, ...] | None

    @property
    def whole_agency(self) -> bool:
        return self.unit_ids is None

    @property
    def key(self) -> str:
        return "all" if self.unit_ids is None else "-".join(map(str, self.unit_ids))


def _department_ids(actor: User, agency: Unit) -> tuple[int, ...]:
    led = actor.units_with_role("dept_leader")
    if not led:
        return ()
    return tuple(Unit.objects.filter(pk__in=led, agency_id=agency.pk).order_by("pk").values_list("pk", flat=True))


def scope_for(actor: User, *, agency_id: int | None = None, perm: Permission = policies.VIEW) -> Scope | None:
    """The actor's scope in his own agency (or in ``agency_id``); None when he may see no figure there.
    Refuses another agency's id that he may not report on."""
    if agency_id is None:
        agency = agency_of(actor)
        if agency is None:
            return None
    else:
        agency = Unit.objects.filter(pk=agency_id, kind=UnitKind.AGENCY, external=False).first()
        if agency is None or not (has(actor, perm, unit=agency) or _department_ids(actor, agency)):
            raise PermissionDenied(
                _("Bạn không có quyền xem thống kê, báo cáo của cơ quan này."), code=ErrorCode.AGENCY_REFUSED
            )
    if has(actor, perm, unit=agency):
        return Scope(agency=agency, unit_ids=None)
    if perm is policies.VIEW and has(actor, perm):
        departments = _department_ids(actor, agency)
        if departments:
            return Scope(agency=agency, unit_ids=departments)
    return None


def scope_require(actor: User, *, agency_id: int | None = None, perm: Permission = policies.VIEW) -> Scope:
    scope = scope_for(actor, agency_id=agency_id, perm=perm)
    if scope is None:
        raise PermissionDenied(f"Bạn không có quyền: {perm.label}.", code=ErrorCode.AGENCY_REFUSED)
    return scope


def agencies_administered(actor: User) -> list[Unit]:
    """Every agency the actor may put in the report of the whole deployment (superuser: all of them)."""
    agencies = units_visible_to(actor).filter(kind=UnitKind.AGENCY).order_by("pk")
    return [a for a in agencies if has(actor, policies.DEPLOYMENT, unit=a)]


def deployment_require(actor: User) -> list[Unit]:
    agencies = agencies_administered(actor)
    if not agencies:
        raise PermissionDenied(f"Bạn không có quyền: {policies.DEPLOYMENT.label}.", code=ErrorCode.AGENCY_REFUSED)
    return agencies


def unit_in_scope(scope: Scope, unit_id: int) -> int:
    """A unit filter the actor may use: a department of the scope (or of the agency), else refused."""
    allowed = Unit.objects.filter(pk=unit_id, agency_id=scope.agency.pk).exists()
    if not allowed or (scope.unit_ids is not None and unit_id not in scope.unit_ids):
        raise ValidationFailed(_("Đơn vị đã chọn không thuộc phạm vi bạn được xem."), code=ErrorCode.FILTER_REFUSED)
    return unit_id


def person_in_scope(scope: Scope, user_id: int) -> int:
    query = User.objects.filter(pk=user_id, unit__agency_id=scope.agency.pk)
    if scope.unit_ids is not None:
        query = query.filter(unit_id__in=scope.unit_ids)
    if not query.exists():
        raise ValidationFailed(_("Người đã chọn không thuộc phạm vi bạn được xem."), code=ErrorCode.FILTER_REFUSED)
    return user_id
