"""Passing a person's part of outgoing drafts to a successor (``operations.handover``): the drafter, a
review or format step, the chosen signer (with the signing step of the running round). Each service
checks the successor, moves the row, writes the document's history; the caller — who holds the right
to hand the work over — writes its audit entry and record."""

from __future__ import annotations

from django.db import transaction

from qlvb.core import person_counts
from qlvb.core.errors import ValidationFailed
from qlvb.core.permissions import has
from qlvb.directory.models import User
from qlvb.documents.events import event_record

from . import policies
from .models import ApprovalStep, Outgoing, StepKind, StepStatus

OPEN_STEP = (StepStatus.WAITING, StepStatus.PENDING)


def _successor_check(outgoing: Outgoing, successor: User) -> None:
    unit = successor.unit
    if not successor.is_active or unit is None or (unit.agency_id or unit.pk) != outgoing.document.agency_id:
        raise ValidationFailed(f"Người nhận {successor.full_name} không làm việc tại cơ quan soạn văn bản.")


@transaction.atomic
def outgoing_drafter_reassign(*, actor: User, outgoing_id: int, successor: User, text: str) -> Outgoing:
    o = Outgoing.objects.select_for_update(of=("self",)).select_related("document").get(pk=outgoing_id)
    _successor_check(o, successor)
    o.drafter = successor
    o.save(update_fields=["drafter"])
    event_record(o.document, actor=actor, action="handed_over", text=f"{text} (người soạn thảo)")
    return o


@transaction.atomic
def approval_step_reassign(*, actor: User, step_id: int, successor: User, text: str) -> ApprovalStep:
    s = ApprovalStep.objects.select_for_update(of=("self",)).select_related("outgoing__document").get(pk=step_id)
    _successor_check(s.outgoing, successor)
    s.user = successor
    s.save(update_fields=["user"])
    event_record(s.outgoing.document, actor=actor, action="handed_over", text=f"{text} ({s.label})")
    return s


@transaction.atomic
def outgoing_signer_reassign(*, actor: User, outgoing_id: int, person: User, successor: User, text: str) -> Outgoing:
    """The successor becomes the chosen signer — he must hold the signing right in the agency — and takes
    the open signing step of the running round that was ``person``'s."""
    o = Outgoing.objects.select_for_update(of=("self",)).select_related("document__agency").get(pk=outgoing_id)
    _successor_check(o, successor)
    if not has(successor, policies.SIGN, unit=o.document.agency):
        raise ValidationFailed(
            f"Người nhận {successor.full_name} không có thẩm quyền ký để nhận văn bản chờ ký “{o.document.subject}”."
        )
    o.signer = successor
    o.save(update_fields=["signer"])
    ApprovalStep.objects.filter(outgoing=o, kind=StepKind.SIGN, user=person, status__in=OPEN_STEP).update(
        user=successor
    )
    person_counts.people_changed([person.pk, successor.pk])  # "chờ tôi ký" moves from one to the other
    event_record(o.document, actor=actor, action="handed_over", text=f"{text} (người ký)")
    return o
