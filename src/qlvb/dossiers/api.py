"""The dossiers flow under ``/api/v1/dossiers``: the same selectors and services as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema
from ninja.responses import Status

from qlvb.core.bounds import Id
from qlvb.core.errors import NotFound, ValidationFailed
from qlvb.directory.selectors import acting_user, agency_of

from . import catalogue, preconditions, selectors, services
from .models import Dossier, DossierPlan, DossierState, PlanHeading, PlanRow

router = Router(tags=["dossiers"])  # /plans... before /{dossier_id}: the first matching path wins
LIST_LIMIT = 200


class DossierOut(Schema):
    id: int
    file_code: str
    year: int
    notation: str
    title: str
    maintenance: str
    retention_ref: str
    rights: str
    creator: str
    language: str
    start_date: dt.date
    end_date: dt.date | None
    doc_total: int
    page_total: int
    description: str
    state: str
    state_label: str
    actions: list[str]


class DossierItemOut(Schema):
    id: int
    ordinal: int
    document_id: int | None
    number_notation: str
    issued_date: dt.date | None
    subject: str
    organ_name: str
    page_amount: int | None


class DossierOpenIn(Schema):
    plan_row_id: Id | None = None
    title: str = Field("", max_length=500)
    notation: str = Field("", max_length=20)
    retention_years: int | None = Field(None, ge=1, le=70, description="Trống = Vĩnh viễn")
    retention_ref: str = Field("", max_length=100)
    start_date: dt.date | None = None
    description: str = Field("", max_length=500)


class DossierDocumentsIn(Schema):
    document_ids: list[Id] = Field(..., min_length=1, max_length=500)


class DossierCloseIn(Schema):
    title: str | None = Field(None, max_length=500)
    end_date: dt.date | None = None
    description: str | None = Field(None, max_length=500)


class DossierReopenIn(Schema):
    reason: str = Field(..., max_length=500)


class UnfiledOut(Schema):
    id: int
    direction: str
    number_notation: str
    issued_date: dt.date | None
    subject: str


class PlanRowOut(Schema):
    id: int
    heading: str
    notation: str
    title: str
    maintenance: str
    retention_ref: str
    creator: str
    note: str


class PlanOut(Schema):
    id: int
    year: int
    version: int
    state: str
    numbering: str
    actions: list[str]
    rows: list[PlanRowOut]


class PlanCreateIn(Schema):
    year: int = Field(..., ge=2000, le=2100)
    numbering: str = "continuous"
    copy_forward: bool = False


class PlanHeadingIn(Schema):
    title: str = Field(..., max_length=500)
    abbreviation: str = Field("", max_length=10)
    parent_id: Id | None = None


class PlanHeadingOut(Schema):
    id: int
    number: str
    title: str


class PlanRowIn(Schema):
    heading_id: Id
    title: str = Field(..., max_length=500)
    notation: str = Field("", max_length=20)
    retention_years: int | None = Field(None, ge=1, le=70, description="Trống = Vĩnh viễn")
    retention_ref: str = Field("", max_length=100)
    note: str = Field("", max_length=500)


def _dossier(request: HttpRequest, d: Dossier) -> dict[str, Any]:
    docs, pages = selectors.dossier_totals(d)
    return {
        "id": d.pk,
        "file_code": d.file_code,
        "year": d.year,
        "notation": d.notation,
        "title": d.title,
        "maintenance": d.maintenance,
        "retention_ref": d.retention_ref,
        "rights": d.rights,
        "creator": d.creator_name,
        "language": d.language,
        "start_date": d.start_date,
        "end_date": d.end_date,
        "doc_total": docs,
        "page_total": pages,
        "description": d.description,
        "state": d.state,
        "state_label": d.get_state_display(),
        "actions": sorted(preconditions.dossier_actions(acting_user(request), d)),
    }


def _plan(request: HttpRequest, plan: DossierPlan) -> dict[str, Any]:
    rows = plan.rows.select_related("heading__parent", "creator_user", "creator_unit")
    return {
        "id": plan.pk,
        "year": plan.year,
        "version": plan.version,
        "state": plan.state,
        "numbering": plan.numbering,
        "actions": sorted(preconditions.plan_actions(acting_user(request), plan)),
        "rows": [
            {
                "id": r.pk,
                "heading": str(r.heading),
                "notation": r.notation,
                "title": r.title,
                "maintenance": r.maintenance,
                "retention_ref": r.retention_ref,
                "creator": r.creator_label,
                "note": r.note,
            }
            for r in rows
        ],
    }


# --- Danh mục hồ sơ -------------------------------------------------------------------------------------------


@router.get("/plans", response=list[PlanOut], summary="Danh mục hồ sơ của cơ quan, các năm và phiên bản")
def plan_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_plan(request, p) for p in selectors.plans_visible_to(acting_user(request))[:50]]


@router.post("/plans", response={201: PlanOut}, summary="Lập danh mục hồ sơ (hoặc chép từ năm trước)")
def plan_create(request: HttpRequest, payload: PlanCreateIn) -> Status:
    actor = acting_user(request)
    agency = agency_of(actor)
    if agency is None:
        raise NotFound()
    if payload.copy_forward:
        plan = services.plan_copy_forward(actor=actor, agency=agency, year=payload.year)
    else:
        plan = services.plan_create(actor=actor, agency=agency, year=payload.year, numbering=payload.numbering)
    return Status(201, _plan(request, plan))


@router.get("/plans/{plan_id}", response=PlanOut, summary="Một danh mục hồ sơ")
def plan_detail(request: HttpRequest, plan_id: Id) -> dict[str, Any]:
    return _plan(request, selectors.plan_get(acting_user(request), pk=plan_id))


@router.post("/plans/{plan_id}/headings", response={201: PlanHeadingOut}, summary="Thêm đề mục vào danh mục")
def plan_heading_add(request: HttpRequest, plan_id: Id, payload: PlanHeadingIn) -> Status:
    actor = acting_user(request)
    plan = selectors.plan_get(actor, pk=plan_id)
    parent = None
    if payload.parent_id is not None:
        parent = PlanHeading.objects.filter(plan=plan, pk=payload.parent_id).first()
        if parent is None:
            raise NotFound()
    h = services.plan_heading_add(
        actor=actor, plan=plan, title=payload.title, abbreviation=payload.abbreviation, parent=parent
    )
    return Status(201, {"id": h.pk, "number": h.number, "title": h.title})


@router.post("/plans/{plan_id}/rows", response={201: PlanOut}, summary="Thêm hồ sơ vào danh mục")
def plan_row_add(request: HttpRequest, plan_id: Id, payload: PlanRowIn) -> Status:
    actor = acting_user(request)
    plan = selectors.plan_get(actor, pk=plan_id)
    heading = PlanHeading.objects.filter(plan=plan, pk=payload.heading_id).first()
    if heading is None:
        raise NotFound()
    services.plan_row_add(
        actor=actor,
        plan=plan,
        heading=heading,
        title=payload.title,
        notation=payload.notation,
        retention_years=payload.retention_years,
        retention_ref=payload.retention_ref,
        note=payload.note,
    )
    return Status(201, _plan(request, plan))


@router.post("/plans/{plan_id}/approve", response=PlanOut, summary="Duyệt danh mục hồ sơ (lãnh đạo cơ quan)")
def plan_approve(request: HttpRequest, plan_id: Id) -> dict[str, Any]:
    actor = acting_user(request)
    plan = selectors.plan_get(actor, pk=plan_id)
    return _plan(request, services.plan_approve(actor=actor, plan=plan))


# --- Hồ sơ ---------------------------------------------------------------------------------------------------


@router.get("", response=list[DossierOut], summary="Hồ sơ người dùng được xem (tối đa 200, mới nhất trước)")
def dossier_list(request: HttpRequest, state: str = "", year: int | None = None) -> list[dict[str, Any]]:
    if state and state not in DossierState.values:
        raise ValidationFailed("Trạng thái hồ sơ không hợp lệ.")
    if year is not None and not 2000 <= year <= 2100:
        raise ValidationFailed("Năm không hợp lệ.")
    rows = selectors.dossiers_list(acting_user(request), state=state, year=year)[:LIST_LIMIT]
    return [_dossier(request, d) for d in rows]


@router.post("", response={201: DossierOut}, summary="Mở hồ sơ (theo danh mục hoặc ngoài danh mục)")
def dossier_open(request: HttpRequest, payload: DossierOpenIn) -> Status:
    actor = acting_user(request)
    row = None
    if payload.plan_row_id is not None:
        row = PlanRow.objects.filter(pk=payload.plan_row_id, plan__in=selectors.plans_visible_to(actor)).first()
        if row is None:
            raise NotFound()
    d = services.dossier_open(
        actor=actor,
        plan_row=row,
        title=payload.title,
        notation=payload.notation,
        retention_years=payload.retention_years,
        retention_ref=payload.retention_ref,
        start_date=payload.start_date,
        description=payload.description,
    )
    return Status(201, _dossier(request, d))


@router.get("/unfiled", response=list[UnfiledOut], summary="Văn bản tôi đã xử lý mà chưa lập hồ sơ (tối đa 200)")
def unfiled(request: HttpRequest) -> list[dict[str, Any]]:
    docs = selectors.documents_unfiled(acting_user(request))[:LIST_LIMIT]
    return [
        {
            "id": d.pk,
            "direction": d.direction,
            "number_notation": d.number_notation,
            "issued_date": d.issued_date,
            "subject": d.subject,
        }
        for d in docs
    ]


@router.get("/{dossier_id}", response=DossierOut, summary="Một hồ sơ")
def dossier_detail(request: HttpRequest, dossier_id: Id) -> dict[str, Any]:
    return _dossier(request, selectors.dossier_get(acting_user(request), pk=dossier_id))


@router.get("/{dossier_id}/items", response=list[DossierItemOut], summary="Văn bản, tài liệu trong hồ sơ")
def dossier_items(request: HttpRequest, dossier_id: Id) -> list[dict[str, Any]]:
    d = selectors.dossier_get(acting_user(request), pk=dossier_id)
    out = []
    for item in selectors.dossier_items(d):
        doc = item.document
        out.append(
            {
                "id": item.pk,
                "ordinal": item.ordinal,
                "document_id": item.document_id,
                "number_notation": doc.number_notation if doc else "",
                "issued_date": doc.issued_date if doc else None,
                "subject": doc.subject if doc else item.title,
                "organ_name": doc.organ_name if doc else "",
                "page_amount": doc.page_amount if doc else None,
            }
        )
    return out


@router.post("/{dossier_id}/items", response=DossierOut, summary="Đưa văn bản vào hồ sơ")
def dossier_items_add(request: HttpRequest, dossier_id: Id, payload: DossierDocumentsIn) -> dict[str, Any]:
    actor = acting_user(request)
    d = selectors.dossier_get(actor, pk=dossier_id)
    services.dossier_documents_add(actor=actor, dossier=d, document_ids=payload.document_ids)
    return _dossier(request, selectors.dossier_get(actor, pk=dossier_id))


@router.delete("/{dossier_id}/items/{item_id}", response=DossierOut, summary="Rút một văn bản khỏi hồ sơ")
def dossier_item_remove(request: HttpRequest, dossier_id: Id, item_id: Id) -> dict[str, Any]:
    actor = acting_user(request)
    d = selectors.dossier_get(actor, pk=dossier_id)
    services.dossier_item_remove(actor=actor, dossier=d, item_id=item_id)
    return _dossier(request, selectors.dossier_get(actor, pk=dossier_id))


@router.post("/{dossier_id}/close", response=DossierOut, summary="Đóng hồ sơ (hồ sơ phải có văn bản)")
def dossier_close(request: HttpRequest, dossier_id: Id, payload: DossierCloseIn) -> dict[str, Any]:
    actor = acting_user(request)
    d = selectors.dossier_get(actor, pk=dossier_id)
    d = services.dossier_close(
        actor=actor, dossier=d, title=payload.title, end_date=payload.end_date, description=payload.description
    )
    return _dossier(request, d)


@router.post("/{dossier_id}/reopen", response=DossierOut, summary="Mở lại hồ sơ đã đóng (lưu trữ viên)")
def dossier_reopen(request: HttpRequest, dossier_id: Id, payload: DossierReopenIn) -> dict[str, Any]:
    actor = acting_user(request)
    d = selectors.dossier_get(actor, pk=dossier_id)
    return _dossier(request, services.dossier_reopen(actor=actor, dossier=d, reason=payload.reason))


@router.get("/{dossier_id}/catalogue", summary="Mục lục văn bản, tài liệu của hồ sơ (xlsx hoặc pdf)")
def dossier_catalogue(request: HttpRequest, dossier_id: Id, format: str = "xlsx") -> HttpResponse:
    d = selectors.dossier_get(acting_user(request), pk=dossier_id)
    return catalogue.catalogue_response(d, format)


router.add_router("/archive", "qlvb.dossiers.archive_api.router")  # nộp lưu, retention, disposal (archive_api.py)
