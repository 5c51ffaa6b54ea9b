"""Personal data export in the API, ``/api/v1/operations/personal-exports``: the same services as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from qlvb.core.bounds import Id
from qlvb.directory.selectors import acting_user
from qlvb.files.responses import content_disposition

from .personal_export import (
    exports_visible_to,
    personal_export_approve,
    personal_export_get,
    personal_export_open,
    personal_export_refuse,
    personal_export_request,
)
from .personal_export_models import PersonalExport

router = Router(tags=["operations"])
LIST_MAX = 100


class PersonalExportOut(Schema):
    id: int
    person: str
    person_id: int
    state: str
    state_label: str
    note: str
    requested_at: dt.datetime
    decided_by: str
    decided_at: dt.datetime | None
    refusal_reason: str
    finished_at: dt.datetime | None
    expires_at: dt.datetime | None
    size: int | None
    sha256: str
    item_count: int
    file_count: int
    download: str


class PersonalExportIn(Schema):
    note: str = Field("", max_length=500)


class PersonalExportRefuseIn(Schema):
    reason: str = Field(..., max_length=500)


def _out(e: PersonalExport) -> dict[str, Any]:
    return {
        "id": e.pk,
        "person": str(e.person),
        "person_id": e.person_id,
        "state": e.state,
        "state_label": e.get_state_display(),
        "note": e.note,
        "requested_at": e.requested_at,
        "decided_by": str(e.decided_by) if e.decided_by_id else "",
        "decided_at": e.decided_at,
        "refusal_reason": e.refusal_reason,
        "finished_at": e.finished_at,
        "expires_at": e.expires_at,
        "size": e.size,
        "sha256": e.sha256,
        "item_count": e.item_count,
        "file_count": e.file_count,
        "download": f"/api/v1/operations/personal-exports/{e.pk}/download" if e.state == "ready" else "",
    }


@router.get("/personal-exports", response=list[PersonalExportOut], summary="Yêu cầu xuất dữ liệu cá nhân")
def export_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The actor's own requests and those of the people whose unit he heads (newest first, at most 100)."""
    return [_out(e) for e in exports_visible_to(acting_user(request))[:LIST_MAX]]


@router.post(
    "/personal-exports", response={201: PersonalExportOut}, summary="Yêu cầu xuất dữ liệu cá nhân (Điều 22.1.d)"
)
def export_create(request: HttpRequest, payload: PersonalExportIn) -> Status:
    return Status(201, _out(personal_export_request(actor=acting_user(request), note=payload.note)))


@router.get("/personal-exports/{int:export_id}", response=PersonalExportOut, summary="Một yêu cầu xuất dữ liệu")
def export_get(request: HttpRequest, export_id: Id) -> dict[str, Any]:
    return _out(personal_export_get(actor=acting_user(request), export_id=export_id))


@router.post("/personal-exports/{int:export_id}/approve", response=PersonalExportOut, summary="Duyệt (lãnh đạo đơn vị)")
def export_approve(request: HttpRequest, export_id: Id) -> dict[str, Any]:
    return _out(personal_export_approve(actor=acting_user(request), export_id=export_id))


@router.post("/personal-exports/{int:export_id}/refuse", response=PersonalExportOut, summary="Từ chối, có lý do")
def export_refuse(request: HttpRequest, export_id: Id, payload: PersonalExportRefuseIn) -> dict[str, Any]:
    return _out(personal_export_refuse(actor=acting_user(request), export_id=export_id, reason=payload.reason))


@router.get(
    "/personal-exports/{int:export_id}/download",
    summary="Tải tệp ZIP (chỉ người yêu cầu, trong 7 ngày)",
    response={200: None},
)
def export_download(request: HttpRequest, export_id: Id) -> FileResponse:
    export, fh = personal_export_open(actor=acting_user(request), export_id=export_id)
    response = FileResponse(fh, content_type="application/zip")
    response["Content-Disposition"] = content_disposition(export.file_name)
    return response
