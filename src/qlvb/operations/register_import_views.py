"""The register import page (thin: ``register_import`` decides): upload a sheet (and a ZIP of its files),
read the dry run's row-by-row report, confirm the import; the templates to fill in."""

from __future__ import annotations

from typing import IO, cast

from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from qlvb.core.errors import DomainError, NotFound, PermissionDenied
from qlvb.core.permissions import has
from qlvb.directory.models import Unit, User
from qlvb.directory.selectors import acting_user, agency_of
from qlvb.documents.models import Direction

from . import policies
from .register_import import ImportReport, imports_of, register_import_check, register_import_confirm
from .register_import_sheet import template_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DIRECTIONS = (
    ("", "Tự nhận biết theo tiêu đề cột"),
    *((d.value, d.label) for d in (Direction.INCOMING, Direction.OUTGOING)),
)


def _agency(actor: User) -> Unit:
    agency = agency_of(actor)
    if agency is None or not has(actor, policies.REGISTER_IMPORT, unit=agency):
        raise Http404  # the page does not exist for someone without the right
    return agency


def _page(request: HttpRequest, agency: Unit, actor: User, **context: object) -> HttpResponse:
    status = 422 if context.get("error") else 200
    return render(
        request,
        "operations/register_import/home.html",
        {
            "agency": agency,
            "directions": DIRECTIONS,
            "imports": imports_of(actor=actor, agency=agency),
            "can_migrate": has(actor, policies.MIGRATE, unit=agency),
            **context,
        },
        status=status,
    )


@login_required
def register_import_home(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    agency = _agency(actor)
    if request.method != "POST":
        return _page(request, agency, actor)
    sheet = request.FILES.get("sheet")
    archive = request.FILES.get("archive")
    direction = request.POST.get("direction", "")
    if direction not in ("", Direction.INCOMING, Direction.OUTGOING):
        direction = ""
    if not isinstance(sheet, UploadedFile):
        return _page(request, agency, actor, error="Hãy chọn tệp sổ đăng ký (.xlsx hoặc .csv).")
    try:
        report = register_import_check(
            actor=actor,
            agency=agency,
            sheet=cast("IO[bytes]", sheet),
            name=sheet.name or "so-dang-ky",
            direction=direction or None,
            archive=cast("IO[bytes]", archive) if isinstance(archive, UploadedFile) else None,
            archive_name=(archive.name or "") if isinstance(archive, UploadedFile) else "",
            stage=True,
        )
    except DomainError as exc:
        return _page(request, agency, actor, error=exc.message)
    return _page(request, agency, actor, report=report, checked=True)


@login_required
@require_POST
def register_import_do(request: HttpRequest, pk: int) -> HttpResponse:
    actor = acting_user(request)
    agency = _agency(actor)
    try:
        report: ImportReport = register_import_confirm(actor=actor, agency=agency, batch_id=pk)
    except NotFound as exc:
        raise Http404 from exc
    except PermissionDenied as exc:
        raise Http404 from exc
    except DomainError as exc:
        return _page(request, agency, actor, error=exc.message)
    return _page(request, agency, actor, report=report, imported=report.done)


@login_required
@require_GET
def register_import_template(request: HttpRequest, direction: str) -> HttpResponse:
    _agency(acting_user(request))
    if direction not in (Direction.INCOMING, Direction.OUTGOING):
        raise Http404
    name = "mau-so-van-ban-den.xlsx" if direction == Direction.INCOMING else "mau-so-van-ban-di.xlsx"
    response = HttpResponse(template_xlsx(direction), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
