"""Lấy ý kiến (NĐ 30 Điều 10.1.b; issue 5 "Consultation"): the drafter sends the draft to chosen people
of the agency with a deadline; each answers agree / disagree / other with a comment and, optionally, a
file; the drafter sees the summary of every round, extends the deadline, closes the round and exports
the summary (XLSX, PDF).

Rules chosen here:

- Only the drafter opens, extends and closes a round, and only while the draft can still change; one
  round is open at a time (a database constraint); the invited are active people of the agency (its
  departments included), never the drafter.
- An invited person may answer until the round is closed. Answering again replaces the answer (the
  latest counts; ``revisions`` counts the changes and every answer is in the document's history). An
  answer after the deadline is accepted and marked late. After the round is closed nothing is accepted.
- The invited see the draft (``selectors.outgoing_visible_to``) and their own answer; the summary of a
  round is for those who see the draft by their own role (drafter, chain, clerks and leaders).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from qlvb.assignments.notify import notify_after_commit
from qlvb.core.errors import Conflict, PermissionDenied, ValidationFailed
from qlvb.core.locks import row_locked
from qlvb.core.text import text_clean
from qlvb.directory.models import User
from qlvb.documents.events import event_record
from qlvb.files.models import StoredFile

from .errors import ErrorCode
from .models import EDITABLE_STATES, Consultation, ConsultationAnswer, Opinion, Outgoing, VersionKind

MAX_PEOPLE = 200
ANSWER_FILE_KINDS = ("pdf", "docx", "doc", "odt", "xlsx", "xls", "ods", "rtf", "jpg", "png")


def _drafter_only(actor: User, outgoing: Outgoing) -> None:
    if actor.pk != outgoing.drafter_id:
        raise PermissionDenied("Chỉ người soạn thảo mới lấy ý kiến, gia hạn hoặc kết thúc lấy ý kiến.")


def _same_agency(user: User, outgoing: Outgoing) -> bool:
    unit = user.unit
    return unit is not None and (unit.agency_id or unit.pk) == outgoing.document.agency_id


@transaction.atomic
def consultation_open(
    *, actor: User, outgoing: Outgoing, people: Iterable[User], deadline: dt.date, message: str = ""
) -> Consultation:
    """Send the current draft to ``people`` for their opinion by ``deadline``."""
    outgoing = row_locked(outgoing, related=("document",))
    _drafter_only(actor, outgoing)
    if outgoing.state not in EDITABLE_STATES:
        raise Conflict("Chỉ lấy ý kiến khi dự thảo còn đang soạn thảo, trình duyệt.")
    if outgoing.consultations.filter(closed_at__isnull=True).exists():
        raise Conflict("Đang có một đợt lấy ý kiến chưa kết thúc; hãy kết thúc đợt đó trước.")
    version = outgoing.versions.filter(kind=VersionKind.MAIN).order_by("-ordinal").first()
    if version is None:
        raise ValidationFailed("Cần tải lên tệp dự thảo trước khi lấy ý kiến.")
    if deadline < timezone.localdate():
        raise ValidationFailed("Hạn góp ý không được trước hôm nay.")
    invited: dict[int, User] = {}
    for user in people:
        if user.pk == actor.pk:
            raise ValidationFailed("Không tự lấy ý kiến của chính mình.")
        if not user.is_active or not _same_agency(user, outgoing):
            raise ValidationFailed(f"{user.full_name} không thuộc cơ quan hoặc đã bị khóa tài khoản.")
        invited[user.pk] = user
    if not invited:
        raise ValidationFailed("Cần chọn ít nhất một người góp ý.")
    if len(invited) > MAX_PEOPLE:
        raise ValidationFailed(f"Mỗi đợt lấy ý kiến tối đa {MAX_PEOPLE} người.")
    message = text_clean(message, limit=4000, label="nội dung đề nghị góp ý")
    ordinal = (outgoing.consultations.aggregate(m=Max("ordinal"))["m"] or 0) + 1
    consultation = Consultation.objects.create(
        outgoing=outgoing,
        ordinal=ordinal,
        version=version,
        message=message,
        deadline=deadline,
        first_deadline=deadline,
        created_by=actor,
        created_at=timezone.now(),
    )
    ConsultationAnswer.objects.bulk_create(
        [ConsultationAnswer(consultation=consultation, user=u) for u in invited.values()]
    )
    names = ", ".join(sorted(u.full_name for u in invited.values()))
    event_record(
        outgoing.document,
        actor=actor,
        action="consultation_opened",
        text=f"Lấy ý kiến lần {ordinal} (phiên bản {version.ordinal}), hạn {deadline:%d/%m/%Y}: {names}"[:2000],
        data={"consultation": consultation.pk, "people": sorted(invited), "deadline": deadline.isoformat()},
    )
    notify_after_commit(
        users=list(invited.values()),
        kind="new_document",
        document_id=outgoing.pk,
        text=f"Xin ý kiến dự thảo trước {deadline:%d/%m/%Y}: {outgoing.document.subject}"[:500],
    )
    return consultation


@transaction.atomic
def consultation_answer(
    *, actor: User, consultation: Consultation, opinion: str, comment: str = "", stored_file: StoredFile | None = None
) -> ConsultationAnswer:
    """An invited person answers (or changes the answer) while the round is open."""
    consultation = row_locked(consultation, related=("outgoing__document",))
    answer = ConsultationAnswer.objects.select_for_update().filter(consultation=consultation, user_id=actor.pk).first()
    if answer is None:
        raise PermissionDenied("Bạn không được mời góp ý trong đợt này.")
    if not consultation.is_open:
        raise Conflict("Đợt lấy ý kiến đã kết thúc, không nhận thêm ý kiến.", code=ErrorCode.CONSULTATION_CLOSED)
    if opinion not in Opinion.values:
        raise ValidationFailed("Hãy chọn Đồng ý, Không đồng ý hoặc Ý kiến khác.")
    comment = text_clean(comment, limit=10000, label="nội dung góp ý")
    if opinion != Opinion.AGREE and not comment and stored_file is None:
        raise ValidationFailed("Không đồng ý hoặc có ý kiến khác thì cần ghi nội dung góp ý hoặc gửi kèm tệp.")
    if stored_file is not None:
        if stored_file.uploaded_by_id != actor.pk:
            raise PermissionDenied("Chỉ gửi kèm được tệp do chính mình tải lên.")
        if stored_file.blob.kind not in ANSWER_FILE_KINDS:
            raise ValidationFailed(f"Tệp góp ý phải là {', '.join(ANSWER_FILE_KINDS)}.")
    now = timezone.now()
    again = answer.answered_at is not None
    answer.opinion, answer.comment, answer.answered_at = opinion, comment, now
    if stored_file is not None or not again:
        answer.stored_file = stored_file
    answer.late = timezone.localdate(now) > consultation.deadline
    answer.revisions += 1 if again else 0
    answer.save()
    label = str(Opinion(opinion).label)
    event_record(
        consultation.outgoing.document,
        actor=actor,
        action="consultation_answered",
        text=(
            f"Lần {consultation.ordinal}: {label}{' (sửa ý kiến)' if again else ''}"
            f"{' (sau hạn)' if answer.late else ''}. {comment}"
        ).strip()[:2000],
        data={
            "consultation": consultation.pk,
            "opinion": opinion,
            "file": answer.stored_file_id,
            "revision": answer.revisions,
        },
    )
    return answer


@transaction.atomic
def consultation_extend(*, actor: User, consultation: Consultation, deadline: dt.date) -> Consultation:
    consultation = row_locked(consultation, related=("outgoing__document",))
    _drafter_only(actor, consultation.outgoing)
    if not consultation.is_open:
        raise Conflict("Đợt lấy ý kiến đã kết thúc.")
    if deadline <= consultation.deadline:
        raise ValidationFailed(f"Hạn mới phải sau hạn hiện tại ({consultation.deadline:%d/%m/%Y}).")
    if deadline < timezone.localdate():
        raise ValidationFailed("Hạn mới không được trước hôm nay.")
    old = consultation.deadline
    consultation.deadline, consultation.due_soon_notified_on = deadline, None
    consultation.save(update_fields=["deadline", "due_soon_notified_on"])
    event_record(
        consultation.outgoing.document,
        actor=actor,
        action="consultation_extended",
        text=f"Lần {consultation.ordinal}: gia hạn góp ý từ {old:%d/%m/%Y} đến {deadline:%d/%m/%Y}.",
        data={"consultation": consultation.pk, "from": old.isoformat(), "to": deadline.isoformat()},
    )
    waiting = [a.user_id for a in consultation.answers.filter(answered_at__isnull=True)]
    notify_after_commit(
        users=waiting,
        kind="extension",
        document_id=consultation.outgoing_id,
        text=f"Gia hạn góp ý dự thảo đến {deadline:%d/%m/%Y}: {consultation.outgoing.document.subject}"[:500],
    )
    return consultation


@transaction.atomic
def consultation_close(*, actor: User, consultation: Consultation) -> Consultation:
    consultation = row_locked(consultation, related=("outgoing__document",))
    _drafter_only(actor, consultation.outgoing)
    if not consultation.is_open:
        raise Conflict("Đợt lấy ý kiến đã kết thúc.")
    consultation.closed_at, consultation.closed_by = timezone.now(), actor
    consultation.save(update_fields=["closed_at", "closed_by"])
    counts = summary_counts(consultation)
    event_record(
        consultation.outgoing.document,
        actor=actor,
        action="consultation_closed",
        text=f"Kết thúc lấy ý kiến lần {consultation.ordinal}: " + summary_line(counts),
        data={"consultation": consultation.pk, "counts": counts},
    )
    return consultation


def summary_counts(consultation: Consultation) -> dict[str, int]:
    counts = Counter(a.opinion or "none" for a in consultation.answers.all())
    return {key: counts.get(key, 0) for key in (*Opinion.values, "none")} | {"total": sum(counts.values())}


def summary_line(counts: dict[str, int]) -> str:
    return (
        f"{counts['agree']} đồng ý, {counts['disagree']} không đồng ý, {counts['other']} ý kiến khác, "
        f"{counts['none']} chưa trả lời (tổng {counts['total']})."
    )


def consultations_due_sweep(*, today: dt.date | None = None, days: int = 1) -> int:
    """Daily: remind once the invited who have not answered when an open round's deadline is within
    ``days`` days. Returns the number of rounds reminded."""
    today = today or timezone.localdate()
    done = 0
    with transaction.atomic():
        rounds = (
            Consultation.objects.select_for_update(of=("self",))
            .select_related("outgoing__document")
            .filter(
                closed_at__isnull=True,
                due_soon_notified_on__isnull=True,
                deadline__gte=today,
                deadline__lte=today + dt.timedelta(days=days),
            )
        )
        for c in rounds:
            waiting = [a.user_id for a in c.answers.filter(answered_at__isnull=True)]
            notify_after_commit(
                users=waiting,
                kind="due_soon",
                document_id=c.outgoing_id,
                text=f"Sắp hết hạn góp ý ({c.deadline:%d/%m/%Y}): {c.outgoing.document.subject}"[:500],
            )
            c.due_soon_notified_on = today
            c.save(update_fields=["due_soon_notified_on"])
            done += 1
    return done
