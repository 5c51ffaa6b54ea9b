"""Which actions a person may take on an outgoing document now: the page and the API show exactly the
buttons whose service would allow the act, by asking the service's own precondition
(:mod:`.preconditions`, and :func:`.signing_steps.outgoing_sign_check` for the signature)."""

from __future__ import annotations

from collections.abc import Callable

from qlvb.core.errors import DomainError
from qlvb.directory.models import User

from . import preconditions as pre
from .models import Outgoing
from .signing_steps import outgoing_sign_check


def _sign_check(actor: User, outgoing: Outgoing) -> object:
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
}


def allowed(action: str, actor: User, outgoing: Outgoing) -> bool:
    """Whether the service of ``action`` would let ``actor`` act now (its precondition holds)."""
    try:
        CHECKS[action](actor, outgoing)
    except DomainError:
        return False
    return True


def can_act(actor: User, outgoing: Outgoing) -> set[str]:
    return {action for action in CHECKS if allowed(action, actor, outgoing)}
