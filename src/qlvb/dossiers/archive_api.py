"""The archive under ``/api/v1/dossiers/archive``: nộp lưu batches, the archivist's inbox and checks, the
printed forms, what expires, disposal proposals, the chế độ sử dụng. The same services as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.responses import Status

from qlvb.core.bounds import Id
from qlvb.directory.selectors import acting_user

from . import archive, archive_rules, disposal, keeping, selectors
from .archive_models import DisposalProposal, TransferBatch
from .archive_print import counts_of, form_response

router = Router(tags=["dossiers-archive"])


class ItemOut(Schema):
    id: int
    dossier_id: int
    file_code: str
    title: str
    in_plan: bool
    decision: str
    reason: str


class BatchOut(Schema):
    id: int
    number: int
    title: str
    unit: str
    state: str
    submitted_at: dt.datetime | None
    dossier_count: int
    document_count: int
    file_count: int
    actions: list[str]
    items: list[ItemOut]


class TransferBatchIn(Schema):
    dossier_ids: list[Id] = Field(..., min_length=1, max_length=500)
    title: str = Field("", max_length=500)


class ReturnIn(Schema):
    reason: str = Field(..., max_length=500)


class TermsIn(Schema):
    rights: str = Field(..., max_length=30, description="Công khai, Hạn chế hoặc Mật")
    capital_construction: bool = False


class TermsOut(Schema):
    id: int
    rights: str
    capital_construction: bool
    transfer_due: dt.date | None
    expiry_date: dt.date | None


class DueOut(Schema):
    id: int
    file_code: str
    title: str
    transfer_due: dt.date | None
    kept_until: dt.date | None = Field(None, description="Điều 31: giữ lại tại đơn vị đến ngày (lãnh đạo đồng ý)")


class DossierKeepIn(Schema):
    until: dt.date = Field(..., description="Giữ lại đến ngày: muộn nhất hạn nộp lưu + 2 năm")
    reason: str = Field(..., max_length=1000)


class DossierKeepOut(Schema):
    dossier_id: int
    due_date: dt.date
    until: dt.date
    reason: str
    approved_by: str


class ExpiringOut(Schema):
    id: int
    file_code: str
    title: str
    maintenance: str
    end_date: dt.date | None
    expiry_date: dt.date | None


class DisposalIn(Schema):
    dossier_ids: list[Id] = Field(..., min_length=1, max_length=500)
    reason: str = Field(..., max_length=1000)


class AppraiseIn(Schema):
    members: str = Field(..., max_length=2000)
    opinion: str = Field(..., max_length=4000)
    meeting_date: dt.date
    agreed: bool


class DisposalOut(Schema):
    id: int
    number: int
    state: str
    reason: str
    council_date: dt.date | None
    dossier_ids: list[int]
    files_deleted: int
    actions: list[str]


def _batch(request: HttpRequest, batch: TransferBatch) -> dict[str, Any]:
    items = list(archive.transfer_items(batch))
    counts = counts_of([i.dossier for i in items])
    return {
        "id": batch.pk,
        "number": batch.number,
        "title": batch.title,
        "unit": batch.unit.name,
        "state": batch.state,
        "submitted_at": batch.submitted_at,
        "dossier_count": counts.dossiers,
        "document_count": counts.documents,
        "file_count": counts.files,
        "actions": sorted(archive_rules.transfer_actions(acting_user(request), batch)),
        "items": [
            {
                "id": i.pk,
                "dossier_id": i.dossier_id,
                "file_code": i.dossier.file_code,
                "title": i.dossier.title,
                "in_plan": i.dossier.plan_row_id is not None,
                "decision": i.decision,
                "reason": i.reason,
            }
            for i in items
        ],
    }


def _disposal(request: HttpRequest, p: DisposalProposal) -> dict[str, Any]:
    items = list(p.items.all())
    return {
        "id": p.pk,
        "number": p.number,
        "state": p.state,
        "reason": p.reason,
        "council_date": p.council_date,
        "dossier_ids": [i.dossier_id for i in items],
        "files_deleted": sum(i.files_deleted for i in items),
        "actions": sorted(archive_rules.disposal_actions(acting_user(request), p)),
    }


@router.get("/due", response=list[DueOut], summary="Hồ sơ đã đóng tôi được nộp lưu, với hạn nộp lưu")
def due(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": d.pk,
            "file_code": d.file_code,
            "title": d.title,
            "transfer_due": when,
            "kept_until": getattr(getattr(d, "keep", None), "until", None),
        }
        for d, when in archive.dossiers_transferable(acting_user(request))
    ]


@router.get("/transfers", response=list[BatchOut], summary="Các đợt nộp lưu tôi được xem (tối đa 100)")
def transfer_list(request: HttpRequest) -> list[dict[str, Any]]:
    rows = archive.transfers_visible_to(acting_user(request)).select_related("unit").order_by("-pk")[:100]
    return [_batch(request, b) for b in rows]


@router.get("/inbox", response=list[BatchOut], summary="Hồ sơ nộp lưu chờ lưu trữ viên kiểm tra")
def inbox(request: HttpRequest) -> list[dict[str, Any]]:
    return [_batch(request, b) for b in archive.archive_inbox(acting_user(request))[:100]]


@router.post("/transfers", response={201: BatchOut}, summary="Lập đợt nộp lưu từ các hồ sơ đã đóng")
def transfer_create(request: HttpRequest, payload: TransferBatchIn) -> Status:
    batch = archive.transfer_create(actor=acting_user(request), dossier_ids=payload.dossier_ids, title=payload.title)
    return Status(201, _batch(request, batch))


@router.get("/transfers/{batch_id}", response=BatchOut, summary="Một đợt nộp lưu")
def transfer_detail(request: HttpRequest, batch_id: Id) -> dict[str, Any]:
    return _batch(request, archive.transfer_get(acting_user(request), pk=batch_id))


@router.post("/transfers/{batch_id}/submit", response=BatchOut, summary="Nộp lưu (người lập đợt)")
def transfer_submit(request: HttpRequest, batch_id: Id) -> dict[str, Any]:
    actor = acting_user(request)
    batch = archive.transfer_submit(actor=actor, batch=archive.transfer_get(actor, pk=batch_id))
    return _batch(request, archive.transfer_get(actor, pk=batch.pk))


@router.post("/transfers/{batch_id}/items/{item_id}/accept", response=BatchOut, summary="Nhận hồ sơ (lưu trữ viên)")
def transfer_accept(request: HttpRequest, batch_id: Id, item_id: Id) -> dict[str, Any]:
    actor = acting_user(request)
    batch = archive.transfer_get(actor, pk=batch_id)
    archive.transfer_accept(actor=actor, item=archive.transfer_item_get(batch, item_id))
    return _batch(request, archive.transfer_get(actor, pk=batch_id))


@router.post(
    "/transfers/{batch_id}/items/{item_id}/return", response=BatchOut, summary="Trả lại hồ sơ với lý do (lưu trữ viên)"
)
def transfer_return(request: HttpRequest, batch_id: Id, item_id: Id, payload: ReturnIn) -> dict[str, Any]:
    actor = acting_user(request)
    batch = archive.transfer_get(actor, pk=batch_id)
    archive.transfer_return(actor=actor, item=archive.transfer_item_get(batch, item_id), reason=payload.reason)
    return _batch(request, archive.transfer_get(actor, pk=batch_id))


@router.get("/transfers/{batch_id}/forms/{form}", summary="Mục lục nộp lưu / Biên bản giao nhận (xlsx hoặc pdf)")
def transfer_form(request: HttpRequest, batch_id: Id, form: str, format: str = "pdf") -> HttpResponse:
    return form_response(archive.transfer_get(acting_user(request), pk=batch_id), form, format)


@router.post("/dossiers/{dossier_id}/terms", response=TermsOut, summary="Chế độ sử dụng, hồ sơ xây dựng cơ bản")
def terms(request: HttpRequest, dossier_id: Id, payload: TermsIn) -> dict[str, Any]:
    actor = acting_user(request)
    d = archive.dossier_terms_set(
        actor=actor,
        dossier=selectors.dossier_get(actor, pk=dossier_id),
        rights=payload.rights,
        capital_construction=payload.capital_construction,
    )
    return {
        "id": d.pk,
        "rights": d.rights,
        "capital_construction": d.capital_construction,
        "transfer_due": archive_rules.transfer_due(d),
        "expiry_date": archive_rules.expiry_date(d),
    }


@router.post(
    "/dossiers/{dossier_id}/keep",
    response={201: DossierKeepOut},
    summary="Đồng ý giữ lại hồ sơ đến hạn nộp lưu tại đơn vị, tối đa 2 năm (lãnh đạo cơ quan)",
)
def keep(request: HttpRequest, dossier_id: Id, payload: DossierKeepIn) -> Status:
    actor = acting_user(request)
    dossier = selectors.dossier_get(actor, pk=dossier_id)
    k = keeping.dossier_keep(actor=actor, dossier=dossier, reason=payload.reason, until=payload.until)
    return Status(
        201,
        {
            "dossier_id": k.dossier_id,
            "due_date": k.due_date,
            "until": k.until,
            "reason": k.reason,
            "approved_by": k.approved_by.full_name,
        },
    )


@router.get("/expiring", response=list[ExpiringOut], summary="Hồ sơ hết hạn bảo quản đến hết năm (lưu trữ viên)")
def expiring(request: HttpRequest, year: int | None = None) -> list[dict[str, Any]]:
    year = year if year is not None and 2000 <= year <= 2200 else timezone.localdate().year
    return [
        {
            "id": d.pk,
            "file_code": d.file_code,
            "title": d.title,
            "maintenance": d.maintenance,
            "end_date": d.end_date,
            "expiry_date": archive_rules.expiry_date(d),
        }
        for d in archive.expiring(acting_user(request), year=year)[:500]
    ]


@router.get("/disposals", response=list[DisposalOut], summary="Các đề nghị hủy tài liệu")
def disposal_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_disposal(request, p) for p in disposal.disposals_visible_to(acting_user(request)).order_by("-pk")[:100]]


@router.post("/disposals", response={201: DisposalOut}, summary="Đề nghị hủy hồ sơ hết hạn bảo quản (lưu trữ viên)")
def disposal_propose(request: HttpRequest, payload: DisposalIn) -> Status:
    p = disposal.disposal_propose(actor=acting_user(request), dossier_ids=payload.dossier_ids, reason=payload.reason)
    return Status(201, _disposal(request, p))


@router.get("/disposals/{proposal_id}", response=DisposalOut, summary="Một đề nghị hủy")
def disposal_detail(request: HttpRequest, proposal_id: Id) -> dict[str, Any]:
    return _disposal(request, disposal.disposal_get(acting_user(request), pk=proposal_id))


@router.post("/disposals/{proposal_id}/appraise", response=DisposalOut, summary="Ghi kết quả thẩm định của hội đồng")
def disposal_appraise(request: HttpRequest, proposal_id: Id, payload: AppraiseIn) -> dict[str, Any]:
    actor = acting_user(request)
    p = disposal.disposal_appraise(
        actor=actor,
        proposal=disposal.disposal_get(actor, pk=proposal_id),
        members=payload.members,
        opinion=payload.opinion,
        meeting_date=payload.meeting_date,
        agreed=payload.agreed,
    )
    return _disposal(request, p)


@router.post("/disposals/{proposal_id}/approve", response=DisposalOut, summary="Duyệt hủy (lãnh đạo cơ quan)")
def disposal_approve(request: HttpRequest, proposal_id: Id) -> dict[str, Any]:
    actor = acting_user(request)
    return _disposal(
        request, disposal.disposal_approve(actor=actor, proposal=disposal.disposal_get(actor, pk=proposal_id))
    )


@router.post("/disposals/{proposal_id}/execute", response=DisposalOut, summary="Thực hiện hủy (lưu trữ viên)")
def disposal_execute(request: HttpRequest, proposal_id: Id) -> dict[str, Any]:
    actor = acting_user(request)
    return _disposal(
        request, disposal.disposal_execute(actor=actor, proposal=disposal.disposal_get(actor, pk=proposal_id))
    )


@router.get("/disposals/{proposal_id}/forms/{form}", summary="Danh mục / Biên bản hủy tài liệu (xlsx hoặc pdf)")
def disposal_form(request: HttpRequest, proposal_id: Id, form: str, format: str = "pdf") -> HttpResponse:
    return form_response(disposal.disposal_get(acting_user(request), pk=proposal_id), form, format)
