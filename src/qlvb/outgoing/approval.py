"""The approval chain (NĐ 30 Điều 11–12): submit, the reviewers' approval, return, the clerk's format check;
a changed draft starts the chain again."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from qlvb.assignments.notify import notify_after_commit
from qlvb.core.errors import Conflict, ValidationFailed
from qlvb.core.locks import row_locked
from qlvb.core.permissions import has
from qlvb.core.text import text_clean
from qlvb.directory import people
from qlvb.directory.delegation import delegation_acted, on_behalf_data, on_behalf_text
from qlvb.directory.models import User
from qlvb.documents.events import event_record
from qlvb.files.models import ConversionState

from . import policies
from .draft_state import _stored_bytes, latest_version, version_conversion
from .errors import ErrorCode
from .models import (
    ApprovalStep,
    ChainStep,
    Outgoing,
    State,
    StepKind,
    StepStatus,
    VersionKind,
)
from .preconditions import (
    outgoing_approve_check,
    outgoing_format_check_check,
    outgoing_return_check,
    outgoing_submit_check,
)
from .signature_block import signer_name_check, step_delegation

# NĐ 30 Phụ lục I: what the clerk checks (thể thức và kỹ thuật trình bày).
FORMAT_CHECKLIST: dict[str, str] = {
    "quoc_hieu": "Quốc hiệu và Tiêu ngữ (ô 1)",
    "co_quan": "Tên cơ quan, tổ chức ban hành (ô 2)",
    "so_ky_hieu": "Ô số, ký hiệu văn bản (ô 3)",
    "dia_danh_ngay": "Địa danh và thời gian ban hành (ô 4)",
    "ten_loai_trich_yeu": "Tên loại và trích yếu nội dung (ô 5a/5b)",
    "noi_dung": "Bố cục nội dung, căn cứ, điều khoản (ô 6)",
    "tham_quyen_ky": "Quyền hạn, chức vụ, họ tên người ký (ô 7a–7c)",
    "noi_nhan": "Nơi nhận, dòng “Lưu: VT, …” (ô 9a/9b)",
    "do_khan": "Dấu chỉ mức độ khẩn (ô 10b), nếu có",
    "ky_hieu_nguoi_soan": "Ký hiệu người soạn thảo và số lượng bản (ô 12)",
    "trinh_bay": "Khổ giấy A4, lề, phông Times New Roman, cỡ chữ (Phần I Phụ lục I)",
}


def _restart_if_approved(actor: User, outgoing: Outgoing, *, why: str) -> None:
    """NĐ 30 Điều 11: a draft changed after any approval goes through the chain again."""
    if outgoing.state in (State.DRAFT, State.RETURNED):
        return
    approved = outgoing.steps.filter(round=outgoing.round, status=StepStatus.APPROVED).exists()
    if not approved:
        return
    outgoing.steps.filter(round=outgoing.round, status__in=(StepStatus.PENDING, StepStatus.WAITING)).update(
        status=StepStatus.CANCELLED
    )
    outgoing.approved_version = None
    outgoing.save(update_fields=["approved_version"])
    _build_chain(outgoing, dept_leader=None)
    event_record(
        outgoing.document,
        actor=actor,
        action="chain_restarted",
        text=f"Dự thảo đã được duyệt nhưng {why}: trình duyệt lại từ đầu.",
    )


def _require_pdfs(outgoing: Outgoing) -> None:
    """The draft moves on only when its latest version and every appendix have their PDF."""
    versions = [v for v in (latest_version(outgoing),) if v is not None] + list(
        outgoing.versions.filter(kind=VersionKind.APPENDIX)
    )
    for version in versions:
        if version.pdf_id is not None:
            continue
        conversion = version_conversion(version)
        if conversion is not None and conversion.state == ConversionState.FAILED:
            raise ValidationFailed(
                f"{version} chưa có bản PDF: {conversion.error} Hãy bấm “Thử lại” hoặc tải lên tệp khác.",
                code=ErrorCode.PDF_FAILED,
            )
        raise Conflict(
            f"{version} đang được chuyển sang PDF; hãy chờ ít phút rồi thực hiện lại.", code=ErrorCode.PDF_PENDING
        )


def _build_chain(outgoing: Outgoing, *, dept_leader: User | None) -> list[ApprovalStep]:
    """A new round: department leader → steps the agency configured → clerk's format check → signer."""
    agency = outgoing.document.agency
    outgoing.round += 1
    steps: list[tuple[str, str, User | None]] = []
    leader = dept_leader
    if leader is None and outgoing.drafting_unit.kind == "department":
        leader = people.dept_leaders_of(outgoing.drafting_unit).exclude(pk=outgoing.drafter_id).first()
    if leader is not None and leader.pk != outgoing.drafter_id:
        steps.append((StepKind.REVIEW, "Lãnh đạo phòng duyệt", leader))
    for extra in ChainStep.objects.filter(agency=agency).select_related("user"):
        if extra.user.is_active and extra.user.pk != outgoing.drafter_id:
            steps.append((StepKind.REVIEW, extra.label, extra.user))
    steps.append((StepKind.FORMAT, "Văn thư kiểm tra thể thức", None))
    steps.append((StepKind.SIGN, "Ký ban hành", outgoing.signer))
    created = ApprovalStep.objects.bulk_create(
        [
            ApprovalStep(
                outgoing=outgoing,
                round=outgoing.round,
                ordinal=i,
                kind=kind,
                label=label,
                user=user,
                status=StepStatus.PENDING if i == 1 else StepStatus.WAITING,
            )
            for i, (kind, label, user) in enumerate(steps, start=1)
        ]
    )
    first = created[0]
    outgoing.state = {StepKind.REVIEW: State.IN_REVIEW, StepKind.FORMAT: State.FORMAT_CHECK}.get(
        StepKind(first.kind), State.TO_SIGN
    )
    if first.kind == StepKind.FORMAT:
        outgoing.approved_version = latest_version(outgoing)
    outgoing.save(update_fields=["round", "state", "approved_version"])
    _notify_step(outgoing, first)
    return created


def _notify_step(outgoing: Outgoing, step: ApprovalStep) -> None:
    users = [step.user] if step.user is not None else list(people.clerks_of(outgoing.document.agency))
    notify_after_commit(
        users=users,
        kind="new_document",
        document_id=outgoing.pk,
        text=f"{step.label}: {outgoing.document.subject[:200]}",
    )


@transaction.atomic
def outgoing_submit(*, actor: User, outgoing: Outgoing, dept_leader: User | None = None, note: str = "") -> Outgoing:
    outgoing = row_locked(outgoing, related=("document",))
    outgoing_submit_check(actor, outgoing)
    if latest_version(outgoing) is None:
        raise ValidationFailed("Cần tải lên tệp dự thảo (docx hoặc odt) trước khi trình.")
    _require_pdfs(outgoing)
    if dept_leader is not None and not has(dept_leader, policies.REVIEW, unit=outgoing.drafting_unit):
        raise ValidationFailed(f"{dept_leader.full_name} không phải lãnh đạo duyệt được dự thảo của đơn vị.")
    steps = _build_chain(outgoing, dept_leader=dept_leader)
    event_record(
        outgoing.document,
        actor=actor,
        action="draft_submitted",
        text=(note + "\n" if note else "")
        + " → ".join(f"{s.label}{': ' + s.user.full_name if s.user else ''}" for s in steps),
        data={"round": outgoing.round},
    )
    return outgoing


def _advance(outgoing: Outgoing, step: ApprovalStep, *, actor: User, comment: str, data: dict[str, Any]) -> None:
    step.status, step.comment, step.data = StepStatus.APPROVED, comment, data
    step.decided_by, step.decided_at, step.version = actor, timezone.now(), latest_version(outgoing)
    step.save()
    following = outgoing.steps.filter(round=outgoing.round, ordinal__gt=step.ordinal).order_by("ordinal").first()
    if following is None:  # the signing step is completed by the signature itself
        return
    following.status = StepStatus.PENDING
    following.save(update_fields=["status"])
    if following.kind == StepKind.FORMAT:
        outgoing.state = State.FORMAT_CHECK
        outgoing.approved_version = latest_version(outgoing)
    elif following.kind == StepKind.SIGN:
        outgoing.state = State.TO_SIGN
    outgoing.save(update_fields=["state", "approved_version"])
    _notify_step(outgoing, following)


@transaction.atomic
def outgoing_approve(*, actor: User, outgoing: Outgoing, comment: str = "") -> Outgoing:
    outgoing = row_locked(outgoing, related=("document",))
    step = outgoing_approve_check(actor, outgoing)
    _require_pdfs(outgoing)
    comment = text_clean(comment, limit=4000, label="ý kiến")
    delegation = step_delegation(actor, step)
    behalf = on_behalf_data(delegation) if delegation is not None else {}
    _advance(outgoing, step, actor=actor, comment=comment, data=behalf)
    event_record(
        outgoing.document,
        actor=actor,
        action="draft_approved",
        text=f"{step.label}{on_behalf_text(delegation) if delegation else ''}. {comment}".strip(),
        data={"step": step.pk, "version": step.version_id, **behalf},
    )
    if delegation is not None:
        delegation_acted(actor=actor, delegation=delegation, scope="approve", action="draft_approved", obj=outgoing)
    return outgoing


@transaction.atomic
def outgoing_return(*, actor: User, outgoing: Outgoing, comment: str) -> Outgoing:
    """Return the draft to its drafter with the reasons (any step: review, format check, signer)."""
    outgoing = row_locked(outgoing, related=("document",))
    step = outgoing_return_check(actor, outgoing)
    comment = text_clean(comment, limit=4000, label="lý do trả lại", required=True)
    now = timezone.now()
    delegation = step_delegation(actor, step)
    behalf = on_behalf_data(delegation) if delegation is not None else {}
    step.status, step.comment, step.decided_by, step.decided_at = StepStatus.RETURNED, comment, actor, now
    step.version = latest_version(outgoing)
    step.data = {**(step.data or {}), **behalf}
    step.save()
    outgoing.steps.filter(round=outgoing.round, status=StepStatus.WAITING).update(status=StepStatus.CANCELLED)
    outgoing.state = State.RETURNED
    outgoing.approved_version = None
    outgoing.save(update_fields=["state", "approved_version"])
    event_record(
        outgoing.document,
        actor=actor,
        action="draft_returned",
        text=f"{step.label}{on_behalf_text(delegation) if delegation else ''}: {comment}",
        data={"step": step.pk, **behalf},
    )
    if delegation is not None:
        scope = "sign" if step.kind == StepKind.SIGN else "approve"
        delegation_acted(actor=actor, delegation=delegation, scope=scope, action="draft_returned", obj=outgoing)
    notify_after_commit(
        users=[outgoing.drafter], kind="returned", document_id=outgoing.pk, text=f"Dự thảo bị trả lại: {comment[:300]}"
    )
    return outgoing


@transaction.atomic
def outgoing_format_check(*, actor: User, outgoing: Outgoing, checks: dict[str, bool], comment: str = "") -> Outgoing:
    """The clerk's check of form and layout against NĐ 30 Phụ lục I. Every item passes → to the signer;
    otherwise the draft goes back to the drafter with the failed items."""
    outgoing = row_locked(outgoing, related=("document",))
    step = outgoing_format_check_check(actor, outgoing)
    _require_pdfs(outgoing)
    unknown = set(checks) - set(FORMAT_CHECKLIST)
    if unknown:
        raise ValidationFailed(f"Mục kiểm tra không có trong danh sách: {', '.join(sorted(unknown))}.")
    results = {key: bool(checks.get(key, False)) for key in FORMAT_CHECKLIST}
    failed = [FORMAT_CHECKLIST[k] for k, ok in results.items() if not ok]
    comment = text_clean(comment, limit=4000, label="ý kiến")
    if failed:
        text = "Chưa đúng thể thức: " + "; ".join(failed) + (f". {comment}" if comment else "")
        step.data = {"checks": results}
        step.save(update_fields=["data"])
        return outgoing_return(actor=actor, outgoing=outgoing, comment=text)
    version = outgoing.approved_version or latest_version(outgoing)
    # With a competence (KT., TL., …) the name in the block may be the one who signs for the signer.
    if outgoing.signer is not None and not outgoing.competence and version is not None and version.pdf is not None:
        signer_name_check(_stored_bytes(version.pdf), outgoing.signer.full_name, before_signing=False)
    _advance(outgoing, step, actor=actor, comment=comment, data={"checks": results})
    event_record(
        outgoing.document,
        actor=actor,
        action="format_checked",
        text=comment or "Đúng thể thức.",
        data={"checks": results, "version": outgoing.approved_version_id},
    )
    return outgoing
