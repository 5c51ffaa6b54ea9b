"""Thẩm quyền ký and the signature block (NĐ 30/2020 Điều 13, Phụ lục I.II.7): who signs in whose place.

A signer chosen on the draft signs at his step; while a delegation (ủy quyền, scope "ký") of his is in
force, its delegate may sign that step in his place — the history says "(KT. Nguyễn Văn Hùng)", the
document records the competence (KT., TL., TUQ., Q.), the real signer's name and position and the
person signed for. The block then reads, line by line:

    KT. CHỦ TỊCH UBND XÃ        ← competence + the title of the person signed for
    PHÓ CHỦ TỊCH UBND XÃ        ← the signer's own title (none for Q.: he holds the office itself)
    Phạm Thị Mai                ← the signer's name, under the signature image

The draft must already carry that prefix line: the personal signature is laid out on the draft's PDF
and never rewrites its text (:func:`signature_block_check`)."""

from __future__ import annotations

from qlvb.core.errors import Conflict
from qlvb.directory.delegation import delegation_in_force
from qlvb.directory.models import Delegation, DelegationKind, DelegationScope, User

from .errors import ErrorCode
from .models import ApprovalStep, Outgoing, StepKind


def sign_delegation(actor: User, step: ApprovalStep) -> Delegation | None:
    """The delegation under which ``actor`` signs ``step`` for its holder; None when it is his own."""
    if step.kind != StepKind.SIGN or step.user_id in (None, actor.pk):
        return None
    return delegation_in_force(delegate=actor, grantor_id=step.user_id, scope=DelegationScope.SIGN)


# The delegation scope that lets a person take a step held by another (ủy quyền).
STEP_SCOPES = {StepKind.SIGN: DelegationScope.SIGN, StepKind.REVIEW: DelegationScope.APPROVE}


def step_delegation(actor: User, step: ApprovalStep) -> Delegation | None:
    """The delegation under which ``actor`` takes ``step`` for its holder: a review step under the scope
    ``approve``, the signing step under ``sign``; None when the step is his own (or nobody's)."""
    scope = STEP_SCOPES.get(StepKind(step.kind))
    if scope is None or step.user_id in (None, actor.pk):
        return None
    return delegation_in_force(delegate=actor, grantor_id=step.user_id, scope=scope)


def signature_block_lines(*, competence: str, authority: str, position: str, name: str) -> list[str]:
    """The lines of the block: ``authority`` is the title of the person the signer acts for (the head,
    the collective for TM.) — empty when the draft chose the competence without a delegation, then the
    first line is the competence alone; empty competence: the signer's own title and name."""
    if not competence:
        return [line for line in (position.upper(), name) if line]
    head = f"{competence} {authority.upper()}".strip()  # no authority known: the competence alone
    if competence == DelegationKind.Q:
        return [head, name]
    return [line for line in (head, position.upper(), name) if line]


def outgoing_signature_block(outgoing: Outgoing) -> list[str]:
    """The block as the document shows it (the page, the register, edXML ``SignerInfo``)."""
    document = outgoing.document
    grantor = outgoing.signed_for
    return signature_block_lines(
        competence=outgoing.competence,
        authority=grantor.position if grantor is not None else "",
        position=document.signer_position,
        name=document.signer_name or outgoing.signer.full_name,
    )


def signature_block_check(pdf: bytes, delegation: Delegation) -> None:
    """The draft signed under ``delegation`` carries its competence line ("KT. …") in the block; else
    the signature is refused before anything is signed, naming what to fix."""
    from qlvb.signing.layout import find_text

    if find_text(pdf, f"{delegation.kind} ") is None:
        expected = f"{delegation.kind} {(delegation.grantor.position or '').upper()}".strip()
        raise Conflict(
            f"Ký thay {delegation.grantor.full_name}: khối chữ ký của dự thảo phải có dòng “{expected}” phía trên "
            "chức vụ và họ tên người ký (Nghị định 30/2020, Phụ lục I). Hãy trả lại dự thảo để người soạn thảo sửa.",
            code=ErrorCode.SIGNATURE_BLOCK,
        )


def signer_name_check(pdf: bytes, name: str, *, before_signing: bool) -> None:
    """The signature image is laid out above the signer's name (Phụ lục I, ô 7c); a PDF without that name
    cannot be signed. Checked when the clerk confirms the format (``before_signing`` False: she sends it back
    instead of confirming) and before the signature (the signer returns it); nothing is signed or changed."""
    from qlvb.signing.layout import PageText, find_text

    text = PageText(pdf)
    if not name or find_text(text, name) is not None:
        return
    if not before_signing and any(find_text(text, f"{kind} ") for kind in ("KT.", "TL.", "TUQ.", "Q.")):
        return  # a block "KT. CHỦ TỊCH …": who signs for the signer is known only at the signature
    where = f"Văn bản không có họ tên người ký “{name}” ở khối chữ ký (ô 7c, Phụ lục I Nghị định 30/2020)"
    if before_signing:
        todo = "nên chưa đặt được chữ ký số. Hãy bấm “Trả lại” để người soạn thảo bổ sung rồi trình lại."
    else:
        todo = (
            "nên người ký sẽ không đặt được chữ ký số. Hãy bỏ chọn mục “Quyền hạn, chức vụ, họ tên người ký "
            "(ô 7a–7c)” rồi xác nhận để trả lại người soạn thảo."
        )
    raise Conflict(f"{where}, {todo}", code=ErrorCode.SIGNER_NAME_MISSING)
