"""One precondition per action on the work calendar: who may act, and in which state. The services call
them under the row lock; the pages and the API call :func:`event_actions` to show the buttons."""

from __future__ import annotations

from qlvb.core.errors import Conflict, DomainError, PermissionDenied
from qlvb.core.permissions import has, require
from qlvb.directory.models import Unit, User
from qlvb.directory.selectors import agency_of

from . import calendar_policies as policies
from .calendar_models import CalendarEvent, EventState, Scope
from .errors import ErrorCode

NOT_RESPONSIBLE = (
    "Bạn không phụ trách sự kiện này: chỉ văn phòng (người soạn lịch), lãnh đạo duyệt lịch hoặc người chủ trì "
    "mới sửa được sự kiện của lịch cơ quan."
)


def event_create_check(actor: User, *, agency: Unit, scope: str, unit: Unit | None) -> None:
    """The agency's calendar: the office or a leader; a unit's: its head or the office; personal: oneself."""
    own = agency_of(actor)
    if own is None or own.pk != agency.pk:
        raise PermissionDenied("Bạn chỉ thêm được sự kiện vào lịch của cơ quan mình.")
    if scope == Scope.AGENCY:
        require(actor, policies.CALENDAR_EDIT, unit=agency)
    elif scope == Scope.UNIT:
        if unit is None or unit.agency_id != agency.pk:
            raise PermissionDenied("Đơn vị không thuộc cơ quan của bạn.")
        require(actor, policies.UNIT_CALENDAR_EDIT, unit=unit)


def _responsible(actor: User, event: CalendarEvent) -> bool:
    if event.scope == Scope.PERSONAL:
        return event.owner_id == actor.pk
    if event.scope == Scope.UNIT:
        return has(actor, policies.UNIT_CALENDAR_EDIT, unit=event.unit)
    return (
        event.chair_id == actor.pk
        or has(actor, policies.CALENDAR_EDIT, unit=event.agency)
        or has(actor, policies.CALENDAR_PUBLISH, unit=event.agency)
    )


def event_edit_check(actor: User, event: CalendarEvent) -> None:
    """Change or cancel: whoever is responsible for the event's calendar, while it is not cancelled."""
    if not _responsible(actor, event):
        raise PermissionDenied(NOT_RESPONSIBLE)
    if event.state == EventState.CANCELLED:
        raise Conflict("Sự kiện đã hủy thì không sửa được nữa.", code=ErrorCode.EVENT_CANCELLED)


def week_publish_check(actor: User, agency: Unit) -> None:
    """Approve and publish the agency's week: a leader of the agency."""
    require(actor, policies.CALENDAR_PUBLISH, unit=agency)


EVENT_CHECKS = {"edit": event_edit_check, "cancel": event_edit_check}


def event_actions(actor: User, event: CalendarEvent) -> set[str]:
    allowed = set()
    for name, check in EVENT_CHECKS.items():
        try:
            check(actor, event)
        except DomainError:
            continue
        allowed.add(name)
    return allowed
