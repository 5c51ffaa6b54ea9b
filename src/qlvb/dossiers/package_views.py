"""Pages of issue 13's second slice: the export package of a dossier (request, download), the import page of
the archivist/admin, the "chưa lập hồ sơ" page with bulk filing, "tài liệu khác" upload, and the dossier list
(danh mục hồ sơ) as XLSX/PDF with its import (dry run, then import)."""

from __future__ import annotations

import tempfile
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qlvb.core.errors import DomainError, NotFound
from qlvb.core.permissions import has
from qlvb.directory.selectors import acting_user, agency_of
from qlvb.files.responses import content_disposition
from qlvb.files.uploads import guard_upload

from . import policies, selectors
from .bulk import documents_file_bulk, dossier_file_upload
from .catalogue import XLSX
from .package import package_open, package_request, packages_dir
from .package_import import package_import
from .package_trust import Trust
from .plan_xlsx import plan_import_xlsx, plan_pdf, plan_template_xlsx, plan_xlsx
from .views import _guarded, _id, _run

UNFILED_PAGE = 100


@require_POST
@_guarded
def package_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = acting_user(request)
    dossier = selectors.dossier_get(actor, pk=pk)
    _run(
        request,
        lambda: package_request(actor=actor, dossier_ids=[dossier.pk]),
        _("Đang tạo gói hồ sơ; tải về ở mục “Gói hồ sơ” khi xong."),
    )
    return redirect("dossiers:detail", dossier.pk)


@login_required
def package_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The finished ZIP, streamed from the package store (recorded in the audit log)."""
    try:
        package, fh = package_open(actor=acting_user(request), package_id=pk)
    except NotFound as exc:
        raise Http404(exc.message) from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("dossiers:list")
    response = FileResponse(fh, content_type="application/zip")
    response["Content-Disposition"] = content_disposition(package.file_name)
    return response


@_guarded
def _package_import_page(request: HttpRequest) -> HttpResponse:
    """The archivist's (or admin's) page: upload a package; it is checked and imported into his agency."""
    actor = acting_user(request)
    agency = agency_of(actor)
    if agency is None or not has(actor, policies.PACKAGE_IMPORT, unit=agency):
        raise NotFound()
    report: dict[str, Any] | None = None
    if request.method == "POST":
        upload = request.FILES.get("package")
        if upload is None:
            messages.error(request, _("Chưa chọn tệp gói hồ sơ."))
        else:
            with tempfile.NamedTemporaryFile(suffix=".zip", dir=packages_dir()) as tmp:
                for chunk in upload.chunks():
                    tmp.write(chunk)
                tmp.flush()
                try:
                    result = package_import(actor=actor, agency=agency, path=tmp.name, name=upload.name or "")
                except DomainError as exc:
                    messages.error(request, exc.message)
                else:
                    report = {"created": result.created, "skipped": result.skipped, "result": result}
                    messages.success(request, _("Đã kiểm tra bảng kê SHA-256 và nhập gói hồ sơ."))
                    if result.signature is not None and result.signature.trust != Trust.TRUSTED:
                        messages.warning(
                            request,
                            _("Chứng thư số của người ký bảng kê %(trust)s: %(note)s")
                            % {"trust": Trust(result.signature.trust).label, "note": result.signature.trust_note},
                        )
    return render(request, "dossiers/package_import.html", {"report": report})


package_import_page = guard_upload(_package_import_page)


@_guarded
def unfiled_page(request: HttpRequest) -> HttpResponse:
    """ "Chưa lập hồ sơ": every document the person handled that is in no dossier, to tick and file at once."""
    actor = acting_user(request)
    if request.method == "POST":
        dossier_id = _id(request.POST.get("dossier", ""))
        ids = [i for i in map(_id, request.POST.getlist("document")) if i is not None]
        if dossier_id is None:
            messages.error(request, _("Chưa chọn hồ sơ."))
            return redirect("dossiers:unfiled")
        dossier = selectors.dossier_get(actor, pk=dossier_id)
        if _run(
            request,
            lambda: documents_file_bulk(actor=actor, dossier=dossier, document_ids=ids),
            _("Đã đưa %(n)s văn bản vào hồ sơ %(code)s.") % {"n": len(ids), "code": dossier.file_code},
        ):
            return redirect("dossiers:detail", dossier.pk)
        return redirect("dossiers:unfiled")
    page = Paginator(selectors.documents_unfiled(actor), UNFILED_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "dossiers/unfiled.html",
        {"page": page, "query": "", "open_dossiers": selectors.dossiers_open_for(actor)[:200]},
    )


@require_POST
@_guarded
def file_bulk(request: HttpRequest) -> HttpResponse:
    """ "Đưa vào hồ sơ" from a list of documents (the search results): the ticked documents into the chosen open
    dossier, through ``documents_file_bulk`` (all or nothing); back to the list."""
    actor = acting_user(request)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = ""
    dossier_id = _id(request.POST.get("dossier", ""))
    ids = [i for i in map(_id, request.POST.getlist("document")) if i is not None]
    if dossier_id is None:
        messages.error(request, _("Chưa chọn hồ sơ."))
        return redirect(back or "dossiers:list")
    dossier = selectors.dossier_get(actor, pk=dossier_id)
    _run(
        request,
        lambda: documents_file_bulk(actor=actor, dossier=dossier, document_ids=ids),
        _("Đã đưa %(n)s văn bản vào hồ sơ %(code)s.") % {"n": len(ids), "code": dossier.file_code},
    )
    return redirect(back or "dossiers:detail", *([] if back else [dossier.pk]))


@require_POST
@_guarded
def _other_file_add(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Tài liệu khác": a file with a title, through the files app's intake."""
    actor = acting_user(request)
    dossier = selectors.dossier_get(actor, pk=pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Chưa chọn tệp."))
        return redirect("dossiers:detail", dossier.pk)
    _run(
        request,
        lambda: dossier_file_upload(
            actor=actor,
            dossier=dossier,
            stream=upload,
            original_name=upload.name or "",
            title=request.POST.get("title", ""),
            declared_size=upload.size,
        ),
        _("Đã thêm tài liệu vào hồ sơ."),
    )
    return redirect("dossiers:detail", dossier.pk)


other_file_add = guard_upload(_other_file_add)


@_guarded
def plan_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    plan = selectors.plan_get(acting_user(request), pk=pk)
    name = f"danh-muc-ho-so-{plan.year}-v{plan.version}"
    if fmt == "xlsx":
        response = HttpResponse(plan_xlsx(plan), content_type=XLSX)
    elif fmt == "pdf":
        try:
            response = HttpResponse(plan_pdf(plan), content_type="application/pdf")
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("dossiers:plan", plan.pk)
    else:
        raise NotFound()
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@_guarded
def plan_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(plan_template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-danh-muc-ho-so.xlsx"'
    return response


@_guarded
def _plan_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload an XLSX: a dry run shows the row-by-row report; "Nhập" imports it (all rows or none)."""
    actor = acting_user(request)
    plan = selectors.plan_get(actor, pk=pk)
    report = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Chưa chọn tệp XLSX."))
        else:
            dry_run = request.POST.get("action") != "import"
            try:
                report = plan_import_xlsx(actor=actor, plan=plan, data=upload.read(), dry_run=dry_run)
            except DomainError as exc:
                if exc.status_code == 403:
                    raise
                messages.error(request, exc.message)
            else:
                if report.imported:
                    messages.success(request, _("Đã nhập %(n)s hồ sơ vào danh mục.") % {"n": report.dossier_rows})
                    return redirect("dossiers:plan", plan.pk)
                if report.refused:
                    messages.error(request, _("Tệp có dòng không hợp lệ nên không nhập dòng nào."))
    return render(request, "dossiers/plan_import.html", {"plan": plan, "report": report})


plan_import = guard_upload(_plan_import)
