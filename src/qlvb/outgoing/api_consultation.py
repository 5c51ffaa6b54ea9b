"""The outgoing API of the consultation rounds (lấy ý kiến) of a draft."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from qlvb.core.bounds import Id
from qlvb.core.errors import ValidationFailed
from qlvb.directory.models import User
from qlvb.directory.selectors import users_get
from qlvb.files.models import StoredFile

from . import consultation as consult
from . import reports, selectors
from .api_answers import api_user, outgoing_for
from .models import Consultation, Outgoing

router = Router(tags=["outgoing"])


class ConsultationIn(Schema):
    user_ids: list[Id]
    deadline: dt.date
    message: str = ""


class AnswerIn(Schema):
    opinion: str
    comment: str = ""
    file_id: Id | None = None


class DeadlineIn(Schema):
    deadline: dt.date


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def consultation_out(actor: User, c: Consultation, *, full: bool) -> dict[str, Any]:
    answers = c.answers.select_related("user__unit", "stored_file").order_by("user__full_name", "id")
    if not full:
        answers = answers.filter(user_id=actor.pk)
    out: dict[str, Any] = {
        "id": c.pk,
        "ordinal": c.ordinal,
        "version_id": c.version_id,
        "message": c.message,
        "deadline": c.deadline,
        "first_deadline": c.first_deadline,
        "created_at": c.created_at,
        "created_by": c.created_by.full_name,
        "closed_at": c.closed_at,
        "open": c.is_open,
        "answers": [
            {
                "user_id": a.user_id,
                "name": a.user.full_name,
                "opinion": a.opinion,
                "opinion_label": str(a.get_opinion_display()) if a.opinion else "Chưa trả lời",
                "comment": a.comment,
                "file_id": a.stored_file_id,
                "file_name": a.stored_file.name if a.stored_file else "",
                "answered_at": a.answered_at,
                "late": a.late,
                "revisions": a.revisions,
            }
            for a in answers
        ],
    }
    if full:
        out["summary"] = consult.summary_counts(c)
    return out


def _consultation(request: HttpRequest, pk: int, cid: int) -> tuple[Outgoing, Consultation, bool]:
    outgoing = outgoing_for(request, pk)
    found, full = selectors.consultation_get(api_user(request), outgoing=outgoing, pk=cid)
    return outgoing, found, full


@router.get("/{pk}/consultations", summary="Các đợt lấy ý kiến (người được mời chỉ thấy ý kiến của mình)")
def consultations(request: HttpRequest, pk: Id) -> list[dict[str, Any]]:
    actor = api_user(request)
    rounds, full = selectors.consultations_for(actor, outgoing=outgoing_for(request, pk))
    return [consultation_out(actor, c, full=full) for c in rounds]


@router.post("/{pk}/consultations", response={201: dict}, summary="Lấy ý kiến dự thảo (người soạn thảo)")
def consultation_open(request: HttpRequest, pk: Id, payload: ConsultationIn) -> Status:
    actor = api_user(request)
    people = users_get(actor, user_ids=payload.user_ids)
    created = consult.consultation_open(
        actor=actor,
        outgoing=outgoing_for(request, pk),
        people=people,
        deadline=payload.deadline,
        message=payload.message,
    )
    return Status(201, consultation_out(actor, created, full=True))


@router.post("/{pk}/consultations/{cid}/answer", summary="Trả lời lấy ý kiến (trả lời lại thì thay ý kiến trước)")
def consultation_answer(request: HttpRequest, pk: Id, cid: Id, payload: AnswerIn) -> dict[str, Any]:
    actor = api_user(request)
    _, found, full = _consultation(request, pk, cid)
    stored = None
    if payload.file_id is not None:
        stored = StoredFile.objects.select_related("blob").filter(pk=payload.file_id, uploaded_by=actor).first()
        if stored is None:
            raise ValidationFailed("Không tìm thấy tệp đã tải lên.")
    consult.consultation_answer(
        actor=actor, consultation=found, opinion=payload.opinion, comment=payload.comment, stored_file=stored
    )
    return consultation_out(actor, found, full=full)


@router.post("/{pk}/consultations/{cid}/extend", summary="Gia hạn lấy ý kiến")
def consultation_extend(request: HttpRequest, pk: Id, cid: Id, payload: DeadlineIn) -> dict[str, Any]:
    actor = api_user(request)
    _, found, full = _consultation(request, pk, cid)
    consult.consultation_extend(actor=actor, consultation=found, deadline=payload.deadline)
    found.refresh_from_db()
    return consultation_out(actor, found, full=full)


@router.post("/{pk}/consultations/{cid}/close", summary="Kết thúc lấy ý kiến")
def consultation_close(request: HttpRequest, pk: Id, cid: Id) -> dict[str, Any]:
    actor = api_user(request)
    _, found, full = _consultation(request, pk, cid)
    consult.consultation_close(actor=actor, consultation=found)
    found.refresh_from_db()
    return consultation_out(actor, found, full=full)


def summary_export(actor: User, found: Consultation, *, full: bool, fmt: str) -> HttpResponse:
    """The summary of a round as XLSX or PDF (for those who see every answer)."""
    from qlvb.core.errors import PermissionDenied

    if not full:
        raise PermissionDenied("Chỉ người soạn thảo và người có trách nhiệm mới xem được tổng hợp ý kiến.")
    name = f"tong-hop-y-kien-lan-{found.ordinal}"
    if fmt == "pdf":
        response = HttpResponse(reports.consultation_pdf(found), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    elif fmt == "xlsx":
        response = HttpResponse(reports.consultation_xlsx(found), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    else:
        raise ValidationFailed("Định dạng phải là xlsx hoặc pdf.")
    return response


@router.get("/{pk}/consultations/{cid}/export", summary="Tải bảng tổng hợp ý kiến (format=xlsx|pdf)")
def consultation_export(request: HttpRequest, pk: Id, cid: Id, format: str = "xlsx") -> HttpResponse:
    _, found, full = _consultation(request, pk, cid)
    return summary_export(api_user(request), found, full=full, fmt=format)
