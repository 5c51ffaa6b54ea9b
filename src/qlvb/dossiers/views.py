"""The dossier pages: the dossier lists (danh mục hồ sơ), the dossiers with the "chưa lập hồ sơ" box, one
dossier with its items and buttons, the Mục lục văn bản download, and the "Thêm vào hồ sơ" form posted
from the document pages of the other workflows (``templatetags/dossiers.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qlvb.core.errors import DomainError, NotFound, ValidationFailed
from qlvb.directory.access import forbidden
from qlvb.directory.selectors import acting_user, agency_of

from . import forms, preconditions, selectors, services
from .catalogue import catalogue_response
from .closing import dossier_duplicates, retention_reassess
from .models import DossierState, PlanRow

PAGE_SIZE = 20


def _id(value: str) -> int | None:
    """A row id typed in a form: digits within a 64-bit integer, else None (never a database error)."""
    return int(value) if value.isdigit() and len(value) <= 18 else None


def _run(request: HttpRequest, call: Callable[[], object], done: str) -> bool:
    """One service call; its domain error becomes a message. True when it succeeded."""
    try:
        call()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, done)
    return True


def _guarded(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in required; a hidden object is the 404 page, a refused right the 403 page."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None
        except DomainError as exc:
            if exc.status_code == 403:
                return forbidden(request, exc.message)
            raise

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return login_required(wrapped)


# --- Danh mục hồ sơ -------------------------------------------------------------------------------------------


@_guarded
def plan_list(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    form = forms.PlanCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        agency = agency_of(actor)
        if agency is None:
            raise NotFound()
        data = form.cleaned_data
        created: list[Any] = []

        def create() -> None:
            if data["copy_forward"]:
                created.append(services.plan_copy_forward(actor=actor, agency=agency, year=data["year"]))
            else:
                created.append(
                    services.plan_create(actor=actor, agency=agency, year=data["year"], numbering=data["numbering"])
                )

        if _run(request, create, _("Đã lập dự thảo danh mục hồ sơ.")):
            return redirect("dossiers:plan", created[0].pk)
    plans = selectors.plans_visible_to(actor).select_related("approved_by")
    return render(request, "dossiers/plan_list.html", {"plans": plans, "form": form})


@_guarded
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = acting_user(request)
    plan = selectors.plan_get(actor, pk=pk)
    heading_form = forms.HeadingForm(plan=plan, prefix="h")
    row_form = forms.RowForm(plan=plan, prefix="r")
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "heading":
            heading_form = forms.HeadingForm(request.POST, plan=plan, prefix="h")
            if heading_form.is_valid():
                d = heading_form.cleaned_data
                if _run(
                    request,
                    lambda: services.plan_heading_add(
                        actor=actor, plan=plan, title=d["title"], abbreviation=d["abbreviation"], parent=d["parent"]
                    ),
                    _("Đã thêm đề mục."),
                ):
                    return redirect("dossiers:plan", plan.pk)
        elif action == "row":
            row_form = forms.RowForm(request.POST, plan=plan, prefix="r")
            if row_form.is_valid():
                d = row_form.cleaned_data
                if _run(
                    request,
                    lambda: services.plan_row_add(
                        actor=actor,
                        plan=plan,
                        heading=d["heading"],
                        title=d["title"],
                        notation=d["notation"],
                        retention_years=d["retention_years"],
                        retention_ref=d["retention_ref"],
                        note=d["note"],
                    ),
                    _("Đã thêm hồ sơ vào danh mục."),
                ):
                    return redirect("dossiers:plan", plan.pk)
        elif action == "approve":
            _run(request, lambda: services.plan_approve(actor=actor, plan=plan), _("Đã duyệt danh mục hồ sơ."))
            return redirect("dossiers:plan", plan.pk)
        elif action == "open":
            row_id = _id(request.POST.get("row", ""))
            row = PlanRow.objects.filter(plan=plan, pk=row_id).first() if row_id else None
            if row is None:
                raise NotFound()
            opened: list[Any] = []
            if _run(
                request,
                lambda: opened.append(services.dossier_open(actor=actor, plan_row=row)),
                _("Đã mở hồ sơ."),
            ):
                return redirect("dossiers:detail", opened[0].pk)
            return redirect("dossiers:plan", plan.pk)
    headings = plan.headings.filter(parent__isnull=True).prefetch_related("children__rows", "rows")
    rows = list(plan.rows.all())
    permanent = sum(1 for r in rows if r.retention_years is None)
    return render(
        request,
        "dossiers/plan_detail.html",
        {
            "plan": plan,
            "headings": headings,
            "actions": preconditions.plan_actions(actor, plan),
            "heading_form": heading_form,
            "row_form": row_form,
            "counts": {"total": len(rows), "permanent": permanent, "fixed": len(rows) - permanent},
            "opened": set(plan.rows.filter(dossiers__isnull=False).values_list("pk", flat=True)),
        },
    )


# --- Hồ sơ -----------------------------------------------------------------------------------------------------


@_guarded
def dossier_list(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    form = forms.DossierOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        opened: list[Any] = []
        if _run(
            request,
            lambda: opened.append(
                services.dossier_open(
                    actor=actor,
                    title=d["title"],
                    notation=d["notation"],
                    retention_years=d["retention_years"],
                    retention_ref=d["retention_ref"],
                    start_date=d["start_date"],
                )
            ),
            _("Đã mở hồ sơ."),
        ):
            return redirect("dossiers:detail", opened[0].pk)
    state = request.GET.get("state", "")
    if state not in DossierState.values:
        state = ""
    page = Paginator(selectors.dossiers_list(actor, state=state), PAGE_SIZE).get_page(request.GET.get("page"))
    unfiled = selectors.documents_unfiled(actor)[:10]
    return render(
        request,
        "dossiers/list.html",
        {
            "page": page,
            "query": f"state={state}" if state else "",
            "state": state,
            "states": DossierState.choices,
            "form": form,
            "unfiled": unfiled,
            "open_dossiers": selectors.dossiers_open_for(actor)[:50],
        },
    )


@_guarded
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = acting_user(request)
    dossier = selectors.dossier_get(actor, pk=pk)
    close_form = forms.CloseForm(initial={"title": dossier.title, "description": dossier.description}, prefix="c")
    reopen_form = forms.ReopenForm(prefix="o")
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "close":
            close_form = forms.CloseForm(request.POST, prefix="c")
            if close_form.is_valid():
                d = close_form.cleaned_data
                remove = [i for i in map(_id, request.POST.getlist("remove")) if i is not None]
                if _run(
                    request,
                    lambda: services.dossier_close(
                        actor=actor,
                        dossier=dossier,
                        title=d["title"],
                        end_date=d["end_date"],
                        description=d["description"],
                        remove_item_ids=remove,
                    ),
                    _("Đã đóng hồ sơ."),
                ):
                    return redirect("dossiers:detail", dossier.pk)
        elif action == "reopen":
            reopen_form = forms.ReopenForm(request.POST, prefix="o")
            if reopen_form.is_valid():
                reason = reopen_form.cleaned_data["reason"]
                if _run(
                    request,
                    lambda: services.dossier_reopen(actor=actor, dossier=dossier, reason=reason),
                    _("Đã mở lại hồ sơ."),
                ):
                    return redirect("dossiers:detail", dossier.pk)
        elif action == "remove":
            item = _id(request.POST.get("item", ""))
            if item is None:
                raise NotFound()
            _run(
                request,
                lambda: services.dossier_item_remove(actor=actor, dossier=dossier, item_id=item),
                _("Đã rút văn bản khỏi hồ sơ."),
            )
            return redirect("dossiers:detail", dossier.pk)
        elif action == "add":
            ids = [i for i in map(_id, request.POST.getlist("document")) if i is not None]
            _run(
                request,
                lambda: services.dossier_documents_add(actor=actor, dossier=dossier, document_ids=ids),
                _("Đã đưa văn bản vào hồ sơ."),
            )
            return redirect("dossiers:detail", dossier.pk)
    docs, pages = selectors.dossier_totals(dossier)
    actions = preconditions.dossier_actions(actor, dossier)
    return render(
        request,
        "dossiers/detail.html",
        {
            "dossier": dossier,
            "items": selectors.dossier_items(dossier),
            "doc_total": docs,
            "page_total": pages,
            "actions": actions,
            "close_form": close_form,
            "reopen_form": reopen_form,
            "unfiled": selectors.documents_unfiled(actor)[:20] if "edit" in actions else [],
            "duplicates": dossier_duplicates(dossier) if "close" in actions else [],
            "reassessment": retention_reassess(dossier) if "close" in actions else None,
            "history": selectors.dossier_history(dossier),
        },
    )


@_guarded
def dossier_catalogue(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    dossier = selectors.dossier_get(acting_user(request), pk=pk)
    try:
        return catalogue_response(dossier, fmt)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect("dossiers:detail", dossier.pk)


@require_POST
@_guarded
def item_add(request: HttpRequest) -> HttpResponse:
    """ "Thêm vào hồ sơ" from a document page: the chosen dossier, the document; back to the page."""
    actor = acting_user(request)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = ""
    dossier_id, document_id = _id(request.POST.get("dossier", "")), _id(request.POST.get("document", ""))
    if dossier_id is None or document_id is None:
        messages.error(request, _("Chưa chọn hồ sơ."))
        return redirect(back or "dossiers:list")
    dossier = selectors.dossier_get(actor, pk=dossier_id)
    _run(
        request,
        lambda: services.dossier_documents_add(actor=actor, dossier=dossier, document_ids=[document_id]),
        _("Đã đưa văn bản vào hồ sơ %(code)s.") % {"code": dossier.file_code},
    )
    return redirect(back or "dossiers:detail", *([] if back else [dossier.pk]))
