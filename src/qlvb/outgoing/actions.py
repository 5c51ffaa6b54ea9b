"""Which actions a person may take on an outgoing document now: the page and the API show exactly the
buttons whose service would allow the act, by asking the service's own precondition
(:mod:`.preconditions`, and :func:`.signing_steps.outgoing_sign_check` for the signature)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from qlvb.core.errors import Conflict, DomainError
from qlvb.directory.models import User
from qlvb.documents.deliveries import Delivery

from . import preconditions as pre
from .draft_state import current_step_kept
from .models import Outgoing, StepKind
from .signing_steps import outgoing_sign_check


def _sign_check(actor: User, outgoing: Outgoing) -> object:
    # the signing step pending for him, asked first on the page's own row (read in this request): the whole
    # check reads the document again, which only the signer's page needs
    pre.pending_step_check(actor, outgoing, (StepKind.SIGN,))
    return outgoing_sign_check(actor=actor, outgoing=outgoing)


# The action names are those of the page's forms (``outgoing:act``) and of the API's ``actions`` list.
CHECKS: dict[str, Callable[[User, Outgoing], object]] = {
    "edit": pre.outgoing_change_check,
    "upload": pre.outgoing_change_check,
    "comment": pre.outgoing_comment_check,
    "submit": pre.outgoing_submit_check,
    "approve": pre.outgoing_approve_check,
    "return": pre.outgoing_return_check,
    "format_check": pre.outgoing_format_check_check,
    "sign": _sign_check,
    "number": pre.outgoing_number_check,
    "sign_agency": pre.outgoing_sign_agency_check,
    "issue": pre.outgoing_issue_check,
    "recipient": pre.outgoing_recipient_fix_check,
    "followup_close": pre.outgoing_followup_close_check,
    "revoke": pre.outgoing_revoke_check,
    "replace": pre.outgoing_replace_check,
    "take_back": lambda actor, outgoing: _take_back_any(actor, outgoing),
    "deliveries_retry": pre.outgoing_deliveries_retry_check,
}


def allowed(action: str, actor: User, outgoing: Outgoing) -> bool:
    """Whether the service of ``action`` would let ``actor`` act now (its precondition holds)."""
    try:
        CHECKS[action](actor, outgoing)
    except DomainError:
        return False
    return True


def take_back_allowed(actor: User, outgoing: Outgoing, deliveries: Iterable[Delivery]) -> set[int]:
    """The deliveries whose row shows the "Lấy lại" button: the service's own precondition, per recipient."""
    out = set()
    for delivery in deliveries:
        try:
            pre.outgoing_take_back_check(actor, outgoing, delivery)
        except DomainError:
            continue
        out.add(delivery.pk)
    return out


def _take_back_any(actor: User, outgoing: Outgoing) -> None:
    """Some recipient's row shows "Lấy lại" (each row asks the same precondition with its delivery)."""
    pre.outgoing_take_back_check(actor, outgoing)
    rows = outgoing.document.deliveries.select_related("incoming_document")
    if not take_back_allowed(actor, outgoing, rows):
        raise Conflict("Không còn nơi nhận nào lấy lại được văn bản.")


def can_act(actor: User, outgoing: Outgoing) -> set[str]:
    with current_step_kept(outgoing):  # seven preconditions ask the step the document waits for
        return {action for action in CHECKS if allowed(action, actor, outgoing)}
