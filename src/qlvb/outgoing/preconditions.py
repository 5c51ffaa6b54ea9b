"""One precondition per action on an outgoing document: who may act, and in which state.

Each ``outgoing_<action>_check(actor, outgoing)`` raises the domain error that refuses the action, or
returns (the approval step it acts on, where there is one). The service calls it under the row lock,
before its input and content checks; the page and the API call it through :mod:`.actions` to show or
hide the button — one rule, so the button and the service can never disagree. The input (a reason, a
file, the checklist) and the content (the draft's PDF made yet) stay with the service.
"""

from __future__ import annotations

from qlvb.core.choices import choice_label
from qlvb.core.errors import Conflict, PermissionDenied
from qlvb.core.permissions import has, require
from qlvb.directory.models import User
from qlvb.documents.deliveries import Delivery, Status, Transport
from qlvb.documents.models import DocumentStatus
from qlvb.documents.sending import issue_progress

from . import policies
from .draft_state import current_step
from .errors import ErrorCode
from .models import EDITABLE_STATES, SIGNED_STATES, ApprovalStep, Outgoing, ReplyFollowUp, State, StepKind
from .signature_block import step_delegation


def outgoing_change_check(actor: User, outgoing: Outgoing) -> None:
    """Edit the information, upload a version, retry a conversion: the drafter, or whoever holds the current
    step (any clerk for the format check), while the draft is not signed."""
    if outgoing.state not in EDITABLE_STATES:
        raise Conflict(
            f"Văn bản đang ở trạng thái “{choice_label(outgoing, 'state')}”, không sửa được nữa "
            "(đã ký thì chỉ có thể thay thế bằng văn bản khác)."
        )
    if actor.pk == outgoing.drafter_id:
        return
    step = current_step(outgoing)
    if step is not None and (
        step.user_id == actor.pk
        or (step.kind == StepKind.FORMAT and has(actor, policies.FORMAT, unit=outgoing.document.agency))
    ):
        return
    raise PermissionDenied("Chỉ người soạn thảo hoặc người đang duyệt mới sửa được dự thảo.")


def outgoing_comment_check(actor: User, outgoing: Outgoing) -> None:
    """Comment on the draft: whoever sees the document, while it is a draft."""
    from .selectors import outgoing_visible_one

    if not outgoing_visible_one(actor, outgoing.pk):
        raise PermissionDenied("Không có quyền góp ý văn bản này.")
    if outgoing.state not in EDITABLE_STATES:
        raise Conflict("Chỉ góp ý được dự thảo chưa ký.")


def outgoing_submit_check(actor: User, outgoing: Outgoing) -> None:
    if actor.pk != outgoing.drafter_id:
        raise PermissionDenied("Chỉ người soạn thảo mới trình duyệt dự thảo.")
    if outgoing.state not in (State.DRAFT, State.RETURNED):
        raise Conflict("Dự thảo đã được trình.")


def pending_step_check(actor: User, outgoing: Outgoing, kinds: tuple[str, ...]) -> ApprovalStep:
    """The current step, when it is one of ``kinds`` and ``actor``'s (any clerk's for the format check; a
    review step also its holder's delegate under the scope ``approve``, the signing step under ``sign``,
    while the delegation is in force — :func:`.signature_block.step_delegation`)."""
    step = current_step(outgoing)
    if step is None or step.kind not in kinds:
        raise Conflict(f"Văn bản không ở bước này (đang: {choice_label(outgoing, 'state')}).")
    if step.kind == StepKind.FORMAT:
        require(actor, policies.FORMAT, unit=outgoing.document.agency)
    elif step.user_id != actor.pk and step_delegation(actor, step) is None:
        raise PermissionDenied(f"Bước “{step.label}” là của {step.user.full_name if step.user else 'người khác'}.")
    return step


def outgoing_approve_check(actor: User, outgoing: Outgoing) -> ApprovalStep:
    return pending_step_check(actor, outgoing, (StepKind.REVIEW,))


def outgoing_return_check(actor: User, outgoing: Outgoing) -> ApprovalStep:
    """Any step may return the draft to its drafter: review, format check, signer."""
    return pending_step_check(actor, outgoing, (StepKind.REVIEW, StepKind.FORMAT, StepKind.SIGN))


def outgoing_format_check_check(actor: User, outgoing: Outgoing) -> ApprovalStep:
    return pending_step_check(actor, outgoing, (StepKind.FORMAT,))


def outgoing_number_check(actor: User, outgoing: Outgoing) -> None:
    """Give the number to a signed document; or, once given, write it into the PDF when that was not done
    (state ``numbering``: the same number again, never a new one)."""
    require(actor, policies.NUMBER, unit=outgoing.document.agency)
    if outgoing.state == State.NUMBERING:
        return
    if outgoing.number is not None:
        raise Conflict(
            f"Văn bản đã được cấp số {outgoing.document.number_notation}; không cấp số lần hai.",
            code=ErrorCode.ALREADY_NUMBERED,
        )
    if outgoing.state != State.SIGNED or outgoing.signed_pdf_id is None:
        raise Conflict("Chỉ cấp số cho văn bản đã được người có thẩm quyền ký.")


def outgoing_sign_agency_check(actor: User, outgoing: Outgoing) -> None:
    require(actor, policies.NUMBER, unit=outgoing.document.agency)
    if outgoing.state != State.NUMBERED or outgoing.signed_pdf_id is None:
        raise Conflict("Chỉ ký số của cơ quan cho văn bản đã ký và đã cấp số.")


def outgoing_issue_check(actor: User, outgoing: Outgoing) -> None:
    require(actor, policies.NUMBER, unit=outgoing.document.agency)
    if outgoing.state in (State.ISSUED, State.REVOKED, State.REPLACED):
        raise Conflict("Văn bản đã được phát hành.")
    if outgoing.state != State.AGENCY_SIGNED:
        raise Conflict(
            "Không phát hành được văn bản chưa ký số đầy đủ (chữ ký của người có thẩm quyền, số và "
            "chữ ký số của cơ quan).",
            code=ErrorCode.UNSIGNED,
        )


def outgoing_revoke_check(actor: User, outgoing: Outgoing) -> None:
    require(actor, policies.REVOKE, unit=outgoing.document.agency)
    if outgoing.state != State.ISSUED:
        raise Conflict("Chỉ thu hồi được văn bản đã phát hành và chưa bị thu hồi, thay thế.")


def outgoing_deliveries_retry_check(actor: User, outgoing: Outgoing) -> None:
    """The clerk's "Gửi lại" of an issue's failed deliveries: the clerk of the issuing agency, on a document
    still in force with at least one delivery whose tries ran out."""
    require(actor, policies.NUMBER, unit=outgoing.document.agency)
    if outgoing.state != State.ISSUED:
        raise Conflict("Chỉ gửi lại được văn bản đã phát hành và chưa bị thu hồi, thay thế.")
    if not issue_progress(outgoing.document).failed:
        raise Conflict("Không có nơi nhận nào gửi lỗi: không cần gửi lại.")


def outgoing_take_back_check(actor: User, outgoing: Outgoing, delivery: Delivery | None = None) -> None:
    """Take an issued document back from one recipient ("lấy lại", edXML 13): the clerk of the issuing
    agency, on a document still in force; ``delivery`` given: that recipient's copy may still be asked
    back — electronic, not recalled nor refused, not asked before, and an internal copy not yet
    registered (a registered copy is the recipient's: revoke the document instead)."""
    require(actor, policies.NUMBER, unit=outgoing.document.agency)
    if outgoing.state != State.ISSUED:
        raise Conflict("Chỉ lấy lại được văn bản đã phát hành và chưa bị thu hồi, thay thế.")
    if delivery is None:
        return
    if delivery.document_id != outgoing.document_id:
        raise PermissionDenied("Nơi nhận không thuộc văn bản này.")
    if delivery.transport not in (Transport.INTERNAL, Transport.AXIS):
        raise Conflict("Nơi nhận này nhận bản giấy hoặc chưa được gửi: lấy lại ngoài hệ thống.")
    if delivery.take_back:
        raise Conflict(f"Đã yêu cầu lấy lại văn bản từ {delivery.organ_name} ({delivery.get_take_back_display()}).")
    if delivery.recalled_at is not None or delivery.status == Status.REJECTED:
        raise Conflict(f"{delivery.organ_name} đã từ chối hoặc văn bản đã bị thu hồi: không cần lấy lại.")
    if delivery.transport == Transport.INTERNAL:
        copy = delivery.incoming_document
        if copy is None:
            raise Conflict(f"Văn bản chưa chuyển tới {delivery.organ_name}.")
        if copy.status != DocumentStatus.RECEIVED:
            raise Conflict(
                f"{delivery.organ_name} đã vào sổ văn bản: không lấy lại được nữa (liên hệ văn thư nơi nhận, "
                "hoặc thu hồi văn bản)."
            )


def outgoing_replace_check(actor: User, outgoing: Outgoing) -> None:
    """Draft the document that replaces (or updates) an issued one: someone who drafts in its agency."""
    require(actor, policies.DRAFT, unit=actor.unit)
    agency = outgoing.document.agency_id
    if actor.unit is None or (actor.unit.agency_id or actor.unit.pk) != agency:
        raise PermissionDenied("Chỉ cơ quan ban hành mới soạn được văn bản thay thế.")
    if outgoing.state != State.ISSUED:
        raise Conflict("Chỉ thay thế, cập nhật được văn bản đang có hiệu lực đã phát hành.")


def outgoing_followup_close_check(actor: User, outgoing: Outgoing) -> None:
    """End the follow-up of the reply due date: the drafter or a clerk, once, on an issued document."""
    if actor.pk != outgoing.drafter_id and not has(actor, policies.NUMBER, unit=outgoing.document.agency):
        raise PermissionDenied("Chỉ người soạn thảo hoặc văn thư mới kết thúc theo dõi hạn trả lời.")
    if outgoing.state != State.ISSUED or outgoing.document.due_date is None:
        raise Conflict("Chỉ theo dõi hạn trả lời của văn bản đã phát hành có hạn trả lời.")
    if ReplyFollowUp.objects.filter(outgoing=outgoing, done_at__isnull=False).exists():
        raise Conflict("Đã kết thúc theo dõi hạn trả lời.")


def outgoing_recipient_fix_check(actor: User, outgoing: Outgoing) -> bool:
    """Decide how a typed recipient is sent: before the signature whoever may change the draft (returns
    True: the draft's content changes); once signed and until issued the clerk (False: the route only)."""
    if outgoing.state in EDITABLE_STATES:
        outgoing_change_check(actor, outgoing)
        return True
    if outgoing.state in SIGNED_STATES:
        require(actor, policies.NUMBER, unit=outgoing.document.agency)
        return False
    raise Conflict("Văn bản đã phát hành: không đổi nơi nhận được nữa (hãy soạn văn bản thay thế).")
