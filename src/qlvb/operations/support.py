"""The support line (Điều 21.9 of the seed): the hotline and e-mail from settings, and tickets a person
files from the "Hỗ trợ" page. The author sees his own tickets; the system administrator sees every
ticket, answers and closes; each step is recorded in the audit log and the other side is notified in
the application after commit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from qlvb.assignments.models import NotificationKind
from qlvb.assignments.notify import notify_after_commit
from qlvb.core import audit
from qlvb.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from qlvb.core.locks import row_locked
from qlvb.core.text import nfc
from qlvb.directory.models import User

from .errors import ErrorCode
from .support_models import SupportTicket, TicketStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qlvb.files.models import StoredFile

SUBJECT_MAX = 200
DESCRIPTION_MAX = 10_000
ANSWER_MAX = 10_000


@dataclass(frozen=True)
class SupportContact:
    phone: str
    email: str


def support_contact() -> SupportContact:
    return SupportContact(
        phone=getattr(settings, "QLVB_SUPPORT_PHONE", ""), email=getattr(settings, "QLVB_SUPPORT_EMAIL", "")
    )


def _is_support_admin(actor: User | AnonymousUser) -> bool:
    return bool(actor.is_authenticated and getattr(actor, "is_superuser", False))


def safe_page(page: str) -> str:
    """The page the person came from, kept only as a path of this site (never another site's address)."""
    page = (page or "").strip()
    if not page.startswith("/") or page.startswith("//") or "\\" in page:
        return ""
    return page[:500]


# --- filing ------------------------------------------------------------------------------------------


def ticket_file_refusal(*, subject: str, description: str) -> str:
    """The precondition of filing, asked by the page before a chosen file is taken in."""
    if not nfc(subject or "").strip() or not nfc(description or "").strip():
        return "Cần nhập tiêu đề và mô tả vấn đề cần hỗ trợ."
    if len(subject) > SUBJECT_MAX or len(description) > DESCRIPTION_MAX:
        return f"Tiêu đề tối đa {SUBJECT_MAX} ký tự, mô tả tối đa {DESCRIPTION_MAX} ký tự."
    return ""


def ticket_file(
    *, actor: User, subject: str, description: str, page: str = "", attachment: StoredFile | None = None
) -> SupportTicket:
    if not actor.is_authenticated:
        raise PermissionDenied()
    refusal = ticket_file_refusal(subject=subject, description=description)
    if refusal:
        raise ValidationFailed(refusal, code=ErrorCode.TICKET_EMPTY)
    if attachment is not None and attachment.uploaded_by_id != actor.pk:
        raise NotFound()  # only a file the person took in himself
    with transaction.atomic():
        ticket = SupportTicket.objects.create(
            author=actor,
            subject=nfc(subject).strip(),
            description=nfc(description).strip(),
            page=safe_page(page),
            attachment=attachment,
        )
        audit.record(
            "operations.ticket_filed",
            actor=actor,
            obj=ticket,
            data={"subject": ticket.subject, "page": ticket.page, "file": attachment.pk if attachment else None},
        )
        admins = User.objects.filter(is_superuser=True, is_active=True).values_list("pk", flat=True)
        notify_after_commit(
            users=list(admins),
            kind=NotificationKind.SYSTEM,
            text=f"Yêu cầu hỗ trợ mới của {actor}: {ticket.subject}"[:500],
            exclude=actor,
        )
    return ticket


# --- reading -----------------------------------------------------------------------------------------


def tickets_visible_to(actor: User | AnonymousUser) -> QuerySet[SupportTicket]:
    """The tickets ``actor`` may open, filtered in the query: his own; every ticket for the administrator."""
    query = SupportTicket.objects.select_related("author", "answered_by", "attachment")
    if _is_support_admin(actor):
        return query
    if not actor.is_authenticated:
        return query.none()
    return query.filter(author_id=actor.pk)


def ticket_get(*, actor: User | AnonymousUser, ticket_id: int) -> SupportTicket:
    ticket = tickets_visible_to(actor).filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound()
    return ticket


# --- answering and closing ---------------------------------------------------------------------------


def ticket_answer_refusal(actor: User | AnonymousUser, ticket: SupportTicket) -> str:
    """The one precondition of answering and closing (the page shows the forms on the same test)."""
    if not _is_support_admin(actor):
        return "Chỉ quản trị hệ thống mới trả lời, đóng yêu cầu hỗ trợ."
    if ticket.status == TicketStatus.CLOSED:
        return "Yêu cầu hỗ trợ này đã đóng."
    return ""


def _locked_for_admin(actor: User, ticket_id: int) -> SupportTicket:
    found = tickets_visible_to(actor).filter(pk=ticket_id).first()
    if found is None:
        raise NotFound()
    ticket = row_locked(found)
    refusal = ticket_answer_refusal(actor, ticket)
    if refusal and not _is_support_admin(actor):
        raise PermissionDenied(refusal)
    if refusal:
        raise Conflict(refusal, code=ErrorCode.TICKET_CLOSED)
    return ticket


def ticket_answer(*, actor: User, ticket_id: int, answer: str) -> SupportTicket:
    answer = nfc(answer or "").strip()
    if not answer or len(answer) > ANSWER_MAX:
        raise ValidationFailed(f"Cần nhập nội dung trả lời (tối đa {ANSWER_MAX} ký tự).", code=ErrorCode.ANSWER_EMPTY)
    with transaction.atomic():
        ticket = _locked_for_admin(actor, ticket_id)
        ticket.answer = answer
        ticket.answered_by = actor
        ticket.answered_at = timezone.now()
        ticket.status = TicketStatus.ANSWERED
        ticket.save(update_fields=["answer", "answered_by", "answered_at", "status"])
        audit.record("operations.ticket_answered", actor=actor, obj=ticket, data={"answer": answer[:200]})
        notify_after_commit(
            users=[ticket.author_id],
            kind=NotificationKind.SYSTEM,
            text=f"Yêu cầu hỗ trợ “{ticket.subject}” đã được trả lời: {answer}"[:500],
        )
    return ticket


def ticket_close(*, actor: User, ticket_id: int) -> SupportTicket:
    with transaction.atomic():
        ticket = _locked_for_admin(actor, ticket_id)
        ticket.status = TicketStatus.CLOSED
        ticket.closed_at = timezone.now()
        ticket.save(update_fields=["status", "closed_at"])
        audit.record("operations.ticket_closed", actor=actor, obj=ticket)
        notify_after_commit(
            users=[ticket.author_id],
            kind=NotificationKind.SYSTEM,
            text=f"Yêu cầu hỗ trợ “{ticket.subject}” đã đóng."[:500],
            exclude=actor,
        )
    return ticket
