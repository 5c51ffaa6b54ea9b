"""Reads of the national-axis queues for the "Liên thông" page and ``/api/v1/exchange``: what an agency
sent and received, filtered inside the query to the agencies the actor serves (its clerk, or its
administrator for the connection). Another agency's item is :class:`NotFound`, never "forbidden"."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal

from django.db.models import QuerySet
from django.utils import timezone

from qlvb.core.errors import NotFound, PermissionDenied
from qlvb.core.permissions import Permission, has
from qlvb.directory.models import RoleAssignment, Unit, UnitKind

from .queue_models import InboxItem, InboxState, OutboxItem

if TYPE_CHECKING:
    from qlvb.directory.models import User

OutboxState = Literal["waiting", "sent", "failed"]
InboxView = Literal["today", "refused", "all"]
OUTBOX_STATES: tuple[OutboxState, ...] = ("waiting", "sent", "failed")
INBOX_VIEWS: tuple[InboxView, ...] = ("today", "refused", "all")


def axis_agencies(actor: User, *, permission: Permission) -> QuerySet[Unit]:
    """This deployment's agencies in which ``actor`` holds ``permission`` (a role held in the agency or
    one of its departments; an administrator's also in the agencies below; a superuser: all)."""
    own = Unit.objects.filter(kind=UnitKind.AGENCY, external=False, is_active=True).exclude(organ_id="")
    if not has(actor, permission):
        return own.none()
    if actor.is_superuser:
        return own.order_by("name")
    held = RoleAssignment.objects.filter(user=actor, role__in=permission.roles)
    ids: set[int] = {pk for pk in held.values_list("unit__agency_id", flat=True) if pk is not None}
    admin_units = set(held.filter(role="admin").values_list("unit_id", flat=True))
    if admin_units:  # an administrator's role also covers the agencies below his (as ``roles_for`` says)
        parents = dict(Unit.objects.filter(external=False).values_list("pk", "parent_id"))
        for pk in parents:
            current: int | None = pk
            while current is not None and current not in admin_units:
                current = parents.get(current)
            if current is not None:
                ids.add(pk)
    return own.filter(pk__in=ids).order_by("name")


def axis_agency_get(actor: User, *, permission: Permission, pk: int | None = None) -> Unit:
    """One of the actor's agencies (the first when ``pk`` is None). No agency at all: 403; an agency that is
    not his: 404."""
    if not has(actor, permission):
        raise PermissionDenied(f"Bạn không có quyền: {permission.label}.")
    agencies = axis_agencies(actor, permission=permission)
    if pk is None:
        first = agencies.first()
        if first is None:
            raise PermissionDenied(f"Bạn không có quyền: {permission.label}.")
        return first
    found = agencies.filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def outbox_items(actor: User, *, agency: Unit, state: OutboxState, permission: Permission) -> QuerySet[OutboxItem]:
    """What ``agency`` hands to the axis: waiting (with the last error of a retry), sent, or failed for
    good (the axis's own message), newest first."""
    agency = axis_agency_get(actor, permission=permission, pk=agency.pk)
    items = OutboxItem.objects.filter(sender=agency.organ_id).select_related("delivery__document")
    if state == "waiting":
        return items.filter(sent_at__isnull=True, failed=False).order_by("next_attempt_at", "id")
    if state == "failed":
        return items.filter(sent_at__isnull=True, failed=True).order_by("-created_at", "-id")
    return items.filter(sent_at__isnull=False).order_by("-sent_at", "-id")


def outbox_item_get(actor: User, *, pk: int, permission: Permission) -> OutboxItem:
    if not has(actor, permission):
        raise PermissionDenied(f"Bạn không có quyền: {permission.label}.")
    codes = axis_agencies(actor, permission=permission).values("organ_id")
    item = OutboxItem.objects.filter(pk=pk, sender__in=codes).select_related("delivery__document").first()
    if item is None:
        raise NotFound()
    return item


def _today_start() -> dt.datetime:
    today = timezone.localdate()
    return timezone.make_aware(dt.datetime.combine(today, dt.time.min))


def inbox_items(actor: User, *, agency: Unit, view: InboxView, permission: Permission) -> QuerySet[InboxItem]:
    """What arrived for ``agency``: today (Asia/Ho_Chi_Minh) and taken, refused (with the reason), or all."""
    agency = axis_agency_get(actor, permission=permission, pk=agency.pk)
    items = InboxItem.objects.filter(recipient=agency.organ_id).select_related("document")
    if view == "today":
        return items.filter(received_at__gte=_today_start()).exclude(state=InboxState.REFUSED)
    if view == "refused":
        return items.filter(state=InboxState.REFUSED)
    return items


def axis_counts(actor: User, *, agency: Unit, permission: Permission) -> dict[str, int]:
    """How many items each tab of the page holds."""
    out: dict[str, int] = {
        state: outbox_items(actor, agency=agency, state=state, permission=permission).count() for state in OUTBOX_STATES
    }
    out["today"] = inbox_items(actor, agency=agency, view="today", permission=permission).count()
    out["refused"] = inbox_items(actor, agency=agency, view="refused", permission=permission).count()
    return out
