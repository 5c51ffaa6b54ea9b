"""The handover pages (thin: ``handover`` decides): whom the head may hand over, what a person holds with
a successor picker for all and for each item, the act, and the Biên bản bàn giao (page, XLSX, PDF)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from qlvb.core.errors import DomainError, NotFound, PermissionDenied
from qlvb.directory.models import Unit
from qlvb.directory.selectors import acting_user

from .handover import (
    HandoverInput,
    handover_get,
    handover_items,
    handover_make,
    handovers_visible_to,
    people_for_handover,
    successors_for,
)
from .handover_items import Item
from .handover_models import HandoverMode
from .handover_print import handover_response


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _input(request: HttpRequest, items: list[Item]) -> HandoverInput:
    overrides = {}
    for item in items:
        chosen = _int(request.POST.get(f"item-{item.key}"))
        if chosen:
            overrides[item.key] = chosen
    return HandoverInput(
        mode=request.POST.get("mode", ""),
        successor_id=_int(request.POST.get("successor")),
        overrides=overrides,
        to_unit_id=_int(request.POST.get("to_unit")),
        reason=request.POST.get("reason", ""),
    )


@login_required
def handover_home(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    people = people_for_handover(actor)
    records = handovers_visible_to(actor)[:50]
    if not people.exists() and not records:
        raise Http404  # the page does not exist for someone without the right
    return render(request, "operations/handover/home.html", {"people": people, "records": records})


@login_required
def handover_person_view(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = acting_user(request)
    try:
        person, items = handover_items(actor=actor, person_id=person_id)
    except NotFound as exc:
        raise Http404 from exc
    except PermissionDenied as exc:
        return HttpResponseForbidden(exc.message)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("handover:home")
    error, posted = "", None
    if request.method == "POST":
        posted = _input(request, items)
        try:
            record = handover_make(actor=actor, person_id=person_id, data=posted)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("Đã bàn giao xong và lập biên bản."))
            return redirect("handover:record", pk=record.pk)
    agency_id = (person.unit.agency_id or person.unit_id) if person.unit else 0
    units = Unit.objects.filter(Q(agency_id=agency_id) | Q(pk=agency_id), is_active=True, external=False)
    context = {
        "person": person,
        "items": items,
        "successors": successors_for(person),
        "units": units,
        "modes": HandoverMode.choices,
        "error": error,
        "posted": posted,
    }
    return render(request, "operations/handover/person.html", context, status=422 if error else 200)


@require_GET
@login_required
def handover_record(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        record = handover_get(actor=acting_user(request), handover_id=pk)
    except NotFound as exc:
        raise Http404 from exc
    return render(request, "operations/handover/record.html", {"record": record, "lines": record.lines.all()})


@require_GET
@login_required
def handover_record_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    try:
        record = handover_get(actor=acting_user(request), handover_id=pk)
    except NotFound as exc:
        raise Http404 from exc
    return handover_response(record, fmt)
