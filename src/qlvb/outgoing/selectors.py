"""Reads of outgoing documents, restricted in the SQL query to what the actor may see.

Visible to its drafter, to everyone on its approval chain (any round), to the agency's clerks and
leaders; once issued, also to the clerks and leaders of its recipient agencies. Nobody else gets
anything but 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from qlvb.core.errors import NotFound
from qlvb.directory.models import RoleAssignment
from qlvb.exchange.models import Delivery

from . import policies
from .models import ApprovalStep, Outgoing, State, StepKind, StepStatus

ISSUED_STATES = (State.ISSUED, State.REVOKED, State.REPLACED)


def _units_with(actor: Any, roles: tuple[str, ...]) -> QuerySet[RoleAssignment, Any]:
    return RoleAssignment.objects.filter(user_id=actor.pk, role__in=roles).values("unit_id")


def outgoing_visible_to(actor: Any) -> QuerySet[Outgoing]:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return Outgoing.objects.none()
    on_chain = ApprovalStep.objects.filter(outgoing_id=OuterRef("pk"), user_id=actor.pk)
    recipient = Delivery.objects.filter(document_id=OuterRef("pk"),
                                        unit_id__in=_units_with(actor, policies.AGENCY_WIDE_ROLES))
    return Outgoing.objects.filter(
        Q(drafter_id=actor.pk)
        | Q(document__agency_id__in=_units_with(actor, policies.AGENCY_WIDE_ROLES))
        | Q(Exists(on_chain))
        | (Q(state__in=ISSUED_STATES) & Q(Exists(recipient)))
    )


def outgoing_get(actor: Any, pk: Any) -> Outgoing:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    found = (outgoing_visible_to(actor)
             .select_related("document__doc_type", "document__agency", "drafter", "drafting_unit", "signer",
                             "approved_version", "signed_pdf__blob", "answers", "replaces__document")
             .filter(pk=pk).first())
    if found is None:
        raise NotFound()
    return found


BOXES = {
    "mine": "Tôi soạn thảo",
    "todo": "Chờ tôi xử lý",
    "clerk": "Văn thư: chờ kiểm tra, cấp số, phát hành",
    "issued": "Đã phát hành",
    "all": "Tất cả",
}


def outgoing_box(actor: Any, box: str) -> QuerySet[Outgoing]:
    base = outgoing_visible_to(actor).select_related("document__doc_type", "drafter").order_by("-document__created_at")
    if box == "mine":
        return base.filter(drafter_id=actor.pk)
    if box == "todo":
        mine = ApprovalStep.objects.filter(outgoing_id=OuterRef("pk"), round=OuterRef("round"),
                                           status=StepStatus.PENDING, user_id=actor.pk)
        return base.filter(Exists(mine) | Q(drafter_id=actor.pk, state=State.RETURNED))
    if box == "clerk":
        clerk_units = _units_with(actor, ("clerk",))
        fmt = ApprovalStep.objects.filter(outgoing_id=OuterRef("pk"), round=OuterRef("round"),
                                          status=StepStatus.PENDING, kind=StepKind.FORMAT)
        return base.filter(document__agency_id__in=clerk_units).filter(
            Exists(fmt) | Q(state__in=(State.SIGNED, State.NUMBERED, State.AGENCY_SIGNED)))
    if box == "issued":
        return base.filter(state__in=ISSUED_STATES)
    return base
