"""Which actions a person may take on an outgoing document now (pages and API show only these; the
services check again)."""

from __future__ import annotations

from typing import Any

from qlvb.core.errors import DomainError
from qlvb.core.permissions import has

from .models import EDITABLE_STATES, Outgoing, ReplyFollowUp, State, StepKind
from .services import current_step, outgoing_sign_check


def sign_ready(actor: Any, outgoing: Outgoing) -> bool:
    """The "Ký" button shows exactly when the signature's own precondition holds."""
    try:
        outgoing_sign_check(actor=actor, outgoing=outgoing)
    except DomainError:
        return False
    return True


def can_act(actor: Any, outgoing: Outgoing) -> set[str]:
    allowed: set[str] = set()
    agency = outgoing.document.agency
    state = outgoing.state
    step = current_step(outgoing) if state in EDITABLE_STATES else None
    is_drafter = actor.pk == outgoing.drafter_id
    if state in EDITABLE_STATES:
        if is_drafter or (
            step is not None
            and (
                step.user_id == actor.pk
                or (step.kind == StepKind.FORMAT and has(actor, "outgoing.format_check", unit=agency))
            )
        ):
            allowed.update({"edit", "upload"})
        allowed.add("comment")
    if is_drafter and state in (State.DRAFT, State.RETURNED):
        allowed.add("submit")
    if step is not None:
        if step.kind == StepKind.REVIEW and step.user_id == actor.pk:
            allowed.update({"approve", "return"})
        elif step.kind == StepKind.FORMAT and has(actor, "outgoing.format_check", unit=agency):
            allowed.update({"format_check", "return"})
        elif step.kind == StepKind.SIGN and step.user_id == actor.pk:
            allowed.add("return")
            if sign_ready(actor, outgoing):
                allowed.add("sign")
    if has(actor, "outgoing.number", unit=agency):
        if state == State.SIGNED:
            allowed.add("number")
        elif state == State.NUMBERED:
            allowed.add("sign_agency")
        elif state == State.AGENCY_SIGNED:
            allowed.add("issue")
    if (
        state == State.ISSUED
        and outgoing.document.due_date is not None
        and (is_drafter or has(actor, "outgoing.number", unit=agency))
        and not ReplyFollowUp.objects.filter(outgoing=outgoing, done_at__isnull=False).exists()
    ):
        allowed.add("followup_close")
    if state == State.ISSUED and has(actor, "outgoing.revoke", unit=agency):
        allowed.add("revoke")
    if (
        state == State.ISSUED
        and has(actor, "outgoing.draft", unit=actor.unit)
        and actor.unit is not None
        and (actor.unit.agency_id or actor.unit.pk) == agency.pk
    ):
        allowed.add("replace")
    return allowed
