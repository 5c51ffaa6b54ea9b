"""The administrator's page of connected systems (thin: ``accounts`` and ``mapping`` decide): register a
system (its secret shown once, on the answer to the POST, never again), rotate the secret, revoke it, and
keep its code tables."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from qlvb.core.errors import DomainError, NotFound
from qlvb.core.permissions import has
from qlvb.directory.models import Unit, User
from qlvb.directory.selectors import acting_user, agency_of
from qlvb.documents.models import DocumentType

from . import policies
from .accounts import Issued, system_get, system_register, system_revoke, system_secret_rotate, systems_visible_to
from .mapping import code_map, code_unmap
from .models import CodeKind, ConnectedSystem, Scope


def _agency_or_404(actor: User) -> Unit:
    agency = agency_of(actor)
    if agency is None or not has(actor, policies.SYSTEM_MANAGE, unit=agency):
        raise Http404  # the page does not exist for someone without the right
    return agency


def _no_store(response: HttpResponse) -> HttpResponse:
    """A page that may show a secret is kept by no cache and no browser history."""
    response["Cache-Control"] = "no-store"
    return response


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_required
def systems_home(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    agency = _agency_or_404(actor)
    units = Unit.objects.filter(agency=agency, is_active=True, external=False).order_by("name")
    issued: Issued | None = None
    error = ""
    posted: dict[str, object] = {}
    if request.method == "POST":
        name, unit_id, scopes = (
            request.POST.get("name", ""),
            _int(request.POST.get("unit")),
            request.POST.getlist("scopes"),
        )
        posted = {"name": name, "unit": unit_id, "scopes": scopes}
        unit = units.filter(pk=unit_id).first() if unit_id else None
        try:
            if unit is None:
                raise DomainError("Chọn đơn vị chủ quản của hệ thống.")
            issued = system_register(actor=actor, name=name, owner_unit=unit, scopes=scopes)
        except DomainError as exc:
            error = exc.message
    status = 422 if error else 200
    return _no_store(
        render(
            request,
            "integrations/home.html",
            {
                "systems": systems_visible_to(actor),
                "units": units,
                "scopes": Scope.choices,
                "issued": issued,
                "error": error,
                "posted": posted if error else {},
            },
            status=status,
        )
    )


def _code_targets(system: ConnectedSystem) -> dict[str, object]:
    return {
        "people": User.objects.filter(unit__agency=system.agency, is_active=True)
        .select_related("unit")
        .order_by("full_name"),
        "agencies": Unit.objects.filter(kind="agency", is_active=True).exclude(pk=system.agency_id).order_by("name"),
        "doc_types": DocumentType.objects.filter(is_active=True).order_by("name"),
    }


def _code_post(request: HttpRequest, actor: User, system: ConnectedSystem) -> None:
    kind = request.POST.get("kind", "")
    target = _int(request.POST.get("target")) or 0
    code_map(
        actor=actor,
        system=system,
        kind=kind,
        code=request.POST.get("code", ""),
        user=User.objects.filter(pk=target).select_related("unit").first()
        if kind == CodeKind.USER and target
        else None,
        unit=Unit.objects.filter(pk=target).first() if kind == CodeKind.UNIT and target else None,
        doc_type=DocumentType.objects.filter(pk=target).first() if kind == CodeKind.DOC_TYPE and target else None,
    )


@login_required
def system_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = acting_user(request)
    _agency_or_404(actor)
    try:
        system = system_get(actor, pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    issued: Issued | None = None
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "rotate":
                issued = system_secret_rotate(actor=actor, system=system)
            elif action == "revoke":
                system_revoke(actor=actor, system=system)
                messages.success(request, "Đã thu hồi quyền truy cập của hệ thống.")
                return redirect("integrations:system", pk=system.pk)
            elif action == "map":
                _code_post(request, actor, system)
                messages.success(request, "Đã thêm mã vào bảng mã.")
                return redirect("integrations:system", pk=system.pk)
            elif action == "unmap":
                code_unmap(actor=actor, system=system, mapping_id=_int(request.POST.get("mapping")) or 0)
                messages.success(request, "Đã xóa mã khỏi bảng mã.")
                return redirect("integrations:system", pk=system.pk)
            else:
                error = "Thao tác không hợp lệ."
        except DomainError as exc:
            error = exc.message
        system.refresh_from_db()
    codes = system.codes.select_related("user", "unit", "doc_type")
    tables = [(value, label, [c for c in codes if c.kind == value]) for value, label in CodeKind.choices]
    return _no_store(
        render(
            request,
            "integrations/system.html",
            {"system": system, "issued": issued, "error": error, "tables": tables, **_code_targets(system)},
            status=422 if error else 200,
        )
    )
