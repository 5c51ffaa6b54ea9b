"""The migration page (thin: ``migration`` decides): upload a bundle, read the dry run's report sheet by sheet
and row by row, confirm the import; the sample bundle and the sheets' templates; the accounts migrated with
their old codes."""

from __future__ import annotations

import io
from typing import IO, cast

from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from qlvb.core.errors import DomainError, NotFound, PermissionDenied
from qlvb.core.permissions import has
from qlvb.directory.models import Unit, User
from qlvb.directory.selectors import acting_user, agency_of

from . import policies
from .migration import (
    migrated_accounts,
    migration_confirm,
    migration_run_of,
    migration_runs,
    migration_submit,
    report_from_json,
)
from .migration_models import MigrationState
from .migration_rows import TABLES
from .migration_sample import sample_bundle, template_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _agency(actor: User) -> Unit:
    agency = agency_of(actor)
    if agency is None or not has(actor, policies.MIGRATE, unit=agency):
        raise Http404  # the page does not exist for someone without the right
    return agency


def _page(request: HttpRequest, agency: Unit, actor: User, **context: object) -> HttpResponse:
    status = 422 if context.get("error") else 200
    return render(
        request,
        "operations/migration/home.html",
        {
            "agency": agency,
            "tables": TABLES,
            "runs": migration_runs(actor=actor, agency=agency),
            "accounts": migrated_accounts(actor=actor, agency=agency),
            **context,
        },
        status=status,
    )


@login_required
def migration_home(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    agency = _agency(actor)
    if request.method != "POST":
        return _page(request, agency, actor)
    bundle = request.FILES.get("bundle")
    if not isinstance(bundle, UploadedFile):
        return _page(request, agency, actor, error="Hãy chọn tệp gói chuyển đổi (.zip).")
    try:
        run = migration_submit(
            actor=actor, agency=agency, bundle=cast("IO[bytes]", bundle), name=bundle.name or "goi-chuyen-doi.zip"
        )
    except DomainError as exc:
        return _page(request, agency, actor, error=exc.message)
    return redirect("migration:run", pk=run.pk)  # the dry run goes on in the background; its page follows it


@login_required
@require_POST
def migration_do(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm the import: it is queued and runs in the background; the run's page follows it."""
    actor = acting_user(request)
    agency = _agency(actor)
    try:
        migration_confirm(actor=actor, agency=agency, run_id=pk)
    except (NotFound, PermissionDenied) as exc:
        raise Http404 from exc
    except DomainError as exc:
        return _page(request, agency, actor, error=exc.message)
    return redirect("migration:run", pk=pk)


@login_required
@require_GET
def migration_run_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One run: "checking" (the dry run), then its report with the confirmation button (checked) or the rows
    in error (failed); "queued" or "running" (the import); then the import's report (done), or why it
    stopped (failed). The page reloads itself every few seconds while the background work goes on."""
    actor = acting_user(request)
    agency = _agency(actor)
    try:
        run = migration_run_of(actor=actor, agency=agency, run_id=pk)
    except (NotFound, PermissionDenied) as exc:
        raise Http404 from exc
    report = report_from_json(run.report, agency=agency, run_id=run.pk) if run.report else None
    return _page(
        request,
        agency,
        actor,
        run=run,
        report=report,
        imported=run.state == MigrationState.IMPORTED and report is not None and report.done,
        # the dry run's report: the confirmation button, or why the bundle cannot be imported
        checked=run.state == MigrationState.CHECKED or (run.state == MigrationState.FAILED and not run.started_at),
        in_progress=run.state in (MigrationState.CHECKING, MigrationState.QUEUED, MigrationState.RUNNING),
    )


@login_required
@require_GET
def migration_sample(request: HttpRequest) -> HttpResponse:
    agency = _agency(acting_user(request))
    out = io.BytesIO()
    sample_bundle(out, organ_id=agency.organ_id)
    response = HttpResponse(out.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="goi-chuyen-doi-mau.zip"'
    return response


@login_required
@require_GET
def migration_template(request: HttpRequest, name: str) -> HttpResponse:
    _agency(acting_user(request))
    table = next((t for t in TABLES if t.file == f"{name}.xlsx"), None)
    if table is None:
        raise Http404
    response = HttpResponse(template_workbook(table), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{table.file}"'
    return response
