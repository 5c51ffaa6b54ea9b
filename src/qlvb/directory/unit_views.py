"""Administrator's pages on the agency's units (``/quan-tri/don-vi/``): the tree, a new department, and one
unit's page (rename, short name and identifier, move under another unit of the agency, close). Thin: every
write is a service (``services.unit_create``, ``units.unit_*``); the refusals the page shows before the
person tries come from the same precondition functions the services apply."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qlvb.core.errors import DomainError

from . import policies, selectors, services, units
from .access import current_user, permission_required
from .forms import UnitCreateForm, UnitEditForm, UnitMoveForm
from .models import Unit, UnitKind, User
from .unit_sections import unit_sections


def _managed(actor: User, pk: int) -> Unit:
    """A unit the actor manages; another agency's unit answers 404, as an unknown id does."""
    return get_object_or_404(selectors.units_managed_by(actor), pk=pk)


def _move_targets(unit: Unit, actor: User) -> list[Unit]:
    below = units.unit_subtree_ids(unit)
    candidates = selectors.units_managed_by(actor).filter(agency_id=unit.agency_id, is_active=True)
    return list(candidates.exclude(pk__in=below | {unit.parent_id or 0}).order_by("name"))


@permission_required(policies.UNIT_MANAGE)
def unit_list(request: HttpRequest) -> HttpResponse:
    managed = selectors.units_managed_by(current_user(request))
    rows = selectors.unit_rows(managed)
    counts = _people_counts([u.pk for u, _d in rows])
    items = [{"unit": u, "depth": d, "indent": f"ps-{min(d * 2, 5)}", "people": counts.get(u.pk, 0)} for u, d in rows]
    return render(request, "directory/unit_list.html", {"rows": items})


def _people_counts(unit_ids: list[int]) -> dict[int, int]:
    from django.db.models import Count

    found = User.objects.filter(unit_id__in=unit_ids, is_active=True).values("unit_id").annotate(n=Count("pk"))
    return {row["unit_id"]: row["n"] for row in found}


@permission_required(policies.UNIT_MANAGE)
def unit_create(request: HttpRequest) -> HttpResponse:
    actor = current_user(request)
    parents = list(selectors.units_managed_by(actor).filter(is_active=True).order_by("agency_id", "name"))
    initial = {"parent": request.GET.get("thuoc")} if request.GET.get("thuoc", "").isdigit() else {}
    form = UnitCreateForm(request.POST or None, units=parents, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            unit = services.unit_create(
                actor=actor,
                kind=UnitKind.DEPARTMENT,
                name=d["name"],
                short_name=d["short_name"],
                parent=d["parent"],
                organ_id=d["organ_id"],
            )
        except DomainError as exc:
            if exc.status_code == 403:
                raise
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã tạo đơn vị %(name)s.") % {"name": unit.name})
            return redirect("directory:unit_detail", pk=unit.pk)
    return render(request, "directory/unit_form.html", {"form": form})


def _detail_context(
    actor: User, unit: Unit, edit_form: UnitEditForm | None = None, request: HttpRequest | None = None
) -> dict[str, object]:
    initial = {"name": unit.name, "short_name": unit.short_name, "organ_id": unit.organ_id}
    targets = _move_targets(unit, actor) if unit.kind == UnitKind.DEPARTMENT and unit.is_active else []
    return {
        "unit": unit,
        "edit_form": edit_form or UnitEditForm(initial=initial),
        "move_form": UnitMoveForm(units=targets) if targets else None,
        "close_refusal": units.unit_close_refusal(unit),
        "people": User.objects.filter(unit=unit, is_active=True).order_by("full_name_folded")[:50],
        "children": unit.children.order_by("name"),
        "sections": unit_sections(request, actor, unit) if request is not None else [],
    }


@permission_required(policies.UNIT_MANAGE)
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = current_user(request)
    unit = _managed(actor, pk)
    if request.method == "POST":
        form = UnitEditForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                units.unit_update(
                    actor=actor, unit=unit, name=d["name"], short_name=d["short_name"], organ_id=d["organ_id"]
                )
            except DomainError as exc:
                if exc.status_code == 403:
                    raise
                form.add_error("organ_id" if exc.code.startswith(("organ_id", "duplicate")) else None, exc.message)
            else:
                messages.success(request, _("Đã lưu thông tin đơn vị."))
                return redirect("directory:unit_detail", pk=pk)
        return render(
            request, "directory/unit_detail.html", _detail_context(actor, unit, form, request=request), status=422
        )
    return render(request, "directory/unit_detail.html", _detail_context(actor, unit, request=request))


@require_POST
@permission_required(policies.UNIT_MANAGE)
def unit_move(request: HttpRequest, pk: int) -> HttpResponse:
    actor = current_user(request)
    unit = _managed(actor, pk)
    parent_id = request.POST.get("parent", "")
    parent = _managed(actor, int(parent_id)) if parent_id.isdigit() else None
    if parent is None:
        messages.error(request, _("Cần chọn đơn vị cấp trên mới."))
        return redirect("directory:unit_detail", pk=pk)
    try:
        units.unit_move(actor=actor, unit=unit, parent=parent)
    except DomainError as exc:
        if exc.status_code == 403:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã chuyển đơn vị sang %(name)s.") % {"name": parent.name})
    return redirect("directory:unit_detail", pk=pk)


@require_POST
@permission_required(policies.UNIT_MANAGE)
def unit_close(request: HttpRequest, pk: int) -> HttpResponse:
    actor = current_user(request)
    unit = _managed(actor, pk)
    try:
        units.unit_close(actor=actor, unit=unit)
    except DomainError as exc:
        if exc.status_code == 403:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã giải thể đơn vị."))
    return redirect("directory:unit_detail", pk=pk)
