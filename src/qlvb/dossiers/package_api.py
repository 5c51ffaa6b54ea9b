"""The second slice's API under ``/api/v1/dossiers`` (a router of its own, added after ``api.router``):
export packages, their import, bulk filing, "tài liệu khác", the dossier list in XLSX/PDF and its import.
The same services as the pages."""

from __future__ import annotations

import datetime as dt
import tempfile
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import Field, Router, Schema
from ninja.decorators import decorate_view
from ninja.responses import Status

from qlvb.core.bounds import Id
from qlvb.core.errors import NotFound, ValidationFailed
from qlvb.directory.selectors import acting_user, agency_of
from qlvb.files.responses import content_disposition
from qlvb.files.uploads import guard_upload

from . import selectors
from .bulk import documents_file_bulk, dossier_file_upload
from .catalogue import XLSX
from .models import DossierItem
from .package import package_open, package_request, packages_dir, packages_visible_to
from .package_import import package_import
from .package_models import DossierPackage
from .plan_xlsx import plan_import_xlsx, plan_pdf, plan_template_xlsx, plan_xlsx

router = Router(tags=["dossiers"])


def _upload_body(*fields: str) -> dict[str, Any]:
    props = {
        f: {"type": "string", "format": "binary"} if f in ("file", "package") else {"type": "string"} for f in fields
    }
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {"schema": {"type": "object", "required": list(fields), "properties": props}}
            },
        }
    }


class PackageOut(Schema):
    id: int
    state: str
    state_label: str
    dossiers: list[str]
    requested_at: dt.datetime
    finished_at: dt.datetime | None
    size: int | None
    sha256: str
    file_count: int
    problems: list[dict[str, str]]
    error: str
    download: str
    signer: str  # who signed the manifest (manifest-sha256.txt.p7s); empty: unsigned
    signer_cert_sha256: str


def _package(p: DossierPackage) -> dict[str, Any]:
    return {
        "id": p.pk,
        "state": p.state,
        "state_label": p.get_state_display(),
        "dossiers": [d.file_code for d in p.dossiers.order_by("year", "notation")],
        "requested_at": p.requested_at,
        "finished_at": p.finished_at,
        "size": p.size,
        "sha256": p.sha256,
        "file_count": p.file_count,
        "problems": p.problems,
        "error": p.error,
        "download": f"/api/v1/dossiers/packages/{p.pk}/download" if p.state == "done" else "",
        "signer": p.signer,
        "signer_cert_sha256": p.signer_cert_sha256,
    }


class PackageBatchIn(Schema):
    dossier_ids: list[Id] = Field(..., min_length=1, max_length=500)


class BulkIn(Schema):
    document_ids: list[Id] = Field(..., min_length=1, max_length=500)


class ImportOut(Schema):
    created: list[str]
    skipped: list[str]
    documents_created: int
    files_taken: int
    manifest_seconds: float
    signer: str  # "Chữ ký danh mục": the subject of the certificate that signed the manifest; empty: unsigned
    signer_cert_sha256: str
    # the signer's certificate here (package_trust): trusted, untrusted (imported, flagged), revocation_unknown;
    # empty: unsigned. A revoked signer, or an untrusted one where signatures are required, is a 422.
    signer_trust: str
    signer_trust_note: str
    # when a trusted TSA's timestamp proves the manifest was signed (ISO 8601); null: no trusted timestamp
    signer_signed_at: dt.datetime | None


class RowReportOut(Schema):
    row: int
    kind: str
    text: str
    reason: str


class PlanImportOut(Schema):
    imported: bool
    rows: list[RowReportOut]
    refused: int


@router.post("/{int:dossier_id}/packages", response={201: PackageOut}, summary="Xuất gói một hồ sơ đã đóng")
def package_create(request: HttpRequest, dossier_id: Id) -> Status:
    actor = acting_user(request)
    dossier = selectors.dossier_get(actor, pk=dossier_id)
    return Status(201, _package(package_request(actor=actor, dossier_ids=[dossier.pk])))


@router.post("/packages/batch", response={201: PackageOut}, summary="Xuất gói nhiều hồ sơ (một đợt)")
def package_batch(request: HttpRequest, payload: PackageBatchIn) -> Status:
    return Status(201, _package(package_request(actor=acting_user(request), dossier_ids=payload.dossier_ids)))


@router.get("/packages/{int:package_id}", response=PackageOut, summary="Trạng thái một gói hồ sơ")
def package_get(request: HttpRequest, package_id: Id) -> dict[str, Any]:
    found = packages_visible_to(acting_user(request)).filter(pk=package_id).first()
    if found is None:
        raise NotFound()
    return _package(found)


@router.get("/packages/{int:package_id}/download", summary="Tải gói hồ sơ (ZIP)", response={200: None})
def package_download(request: HttpRequest, package_id: Id) -> FileResponse:
    package, fh = package_open(actor=acting_user(request), package_id=package_id)
    response = FileResponse(fh, content_type="application/zip")
    response["Content-Disposition"] = content_disposition(package.file_name)
    return response


@router.post(
    "/packages/import",
    response=ImportOut,
    summary="Nhập gói hồ sơ (multipart, trường `package`; lưu trữ viên, quản trị)",
    openapi_extra=_upload_body("package"),
)
@decorate_view(guard_upload)
def package_import_api(request: HttpRequest) -> dict[str, Any]:
    actor = acting_user(request)
    agency = agency_of(actor)
    upload = request.FILES.get("package")
    if upload is None or agency is None:
        raise ValidationFailed("Chưa có tệp: gửi gói hồ sơ trong trường “package” (multipart/form-data).")
    with tempfile.NamedTemporaryFile(suffix=".zip", dir=packages_dir()) as tmp:
        for chunk in upload.chunks():
            tmp.write(chunk)
        tmp.flush()
        result = package_import(actor=actor, agency=agency, path=tmp.name, name=upload.name or "")
    return {
        "created": [d.file_code for d in result.created],
        "skipped": result.skipped,
        "documents_created": result.documents_created,
        "files_taken": result.files_taken,
        "manifest_seconds": result.verify_seconds,
        "signer": result.signature.subject if result.signature else "",
        "signer_cert_sha256": result.signature.cert_sha256 if result.signature else "",
        "signer_trust": result.signature.trust if result.signature else "",
        "signer_trust_note": result.signature.trust_note if result.signature else "",
        "signer_signed_at": result.signature.timestamp if result.signature else None,
    }


@router.post(
    "/{int:dossier_id}/bulk-file", response=dict[str, int], summary="Đưa nhiều văn bản vào hồ sơ (tất cả hoặc không)"
)
def bulk_file(request: HttpRequest, dossier_id: Id, payload: BulkIn) -> dict[str, int]:
    actor = acting_user(request)
    dossier = selectors.dossier_get(actor, pk=dossier_id)
    added = documents_file_bulk(actor=actor, dossier=dossier, document_ids=payload.document_ids)
    return {"added": len(added)}


@router.post(
    "/{int:dossier_id}/files",
    response={201: dict[str, Any]},
    summary="Thêm tài liệu khác (multipart: `file`, `title`)",
    openapi_extra=_upload_body("file", "title"),
)
@decorate_view(guard_upload)
def other_file(request: HttpRequest, dossier_id: Id) -> Status:
    actor = acting_user(request)
    dossier = selectors.dossier_get(actor, pk=dossier_id)
    upload = request.FILES.get("file")
    if upload is None:
        raise ValidationFailed("Chưa có tệp: gửi tệp trong trường “file” (multipart/form-data).")
    item: DossierItem = dossier_file_upload(
        actor=actor,
        dossier=dossier,
        stream=upload,
        original_name=upload.name or "",
        title=request.POST.get("title", ""),
        declared_size=upload.size,
    )
    return Status(201, {"id": item.pk, "ordinal": item.ordinal, "title": item.title, "file_id": item.stored_file_id})


@router.get("/plans/template/xlsx", summary="Tệp mẫu để nhập danh mục hồ sơ", response={200: None})
def plan_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(plan_template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-danh-muc-ho-so.xlsx"'
    return response


@router.get(
    "/plans/{int:plan_id}/export", summary="Danh mục hồ sơ: xlsx, hoặc pdf (bản in Phụ lục V)", response={200: None}
)
def plan_export(request: HttpRequest, plan_id: Id, format: str = "xlsx") -> HttpResponse:
    plan = selectors.plan_get(acting_user(request), pk=plan_id)
    if format == "xlsx":
        response = HttpResponse(plan_xlsx(plan), content_type=XLSX)
    elif format == "pdf":
        response = HttpResponse(plan_pdf(plan), content_type="application/pdf")
    else:
        raise ValidationFailed("Định dạng phải là xlsx hoặc pdf.")
    response["Content-Disposition"] = f'attachment; filename="danh-muc-ho-so-{plan.year}-v{plan.version}.{format}"'
    return response


@router.post(
    "/plans/{int:plan_id}/import",
    response=PlanImportOut,
    summary="Nhập danh mục hồ sơ từ XLSX (dry_run=true: chỉ kiểm tra, báo từng dòng)",
    openapi_extra=_upload_body("file"),
)
@decorate_view(guard_upload)
def plan_import(request: HttpRequest, plan_id: Id, dry_run: bool = True) -> dict[str, Any]:
    actor = acting_user(request)
    plan = selectors.plan_get(actor, pk=plan_id)
    upload = request.FILES.get("file")
    if upload is None:
        raise ValidationFailed("Chưa có tệp: gửi tệp XLSX trong trường “file” (multipart/form-data).")
    report = plan_import_xlsx(actor=actor, plan=plan, data=upload.read(), dry_run=dry_run)
    return {
        "imported": report.imported,
        "refused": len(report.refused),
        "rows": [{"row": r.row, "kind": r.kind, "text": r.text, "reason": r.reason} for r in report.rows],
    }
