"""Pages: the home page's widgets (what waits for me; the leader's dashboard), the statistics with their
XLSX, the lists behind the numbers, the six-monthly report (page, XLSX, PDF). Each view parses, calls
one selector, renders; a refused input shows its Vietnamese message."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.core.errors import DomainError, PermissionDenied
from qlvb.core.permissions import has
from qlvb.directory.access import forbidden
from qlvb.directory.models import Unit, User
from qlvb.directory.selectors import acting_user
from qlvb.documents.models import DocumentType

from . import charts, dashboard, exports, lists, narrative, policies, stats, usage, waiting
from .filters import filters_from
from .periods import Period, current_half, period_from
from .scope import Scope, deployment_require, scope_for, scope_require

PAGE_SIZE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _work_series() -> list[tuple[str, str]]:
    return [
        ("on_time", _("Đúng hạn")),
        ("late", _("Trễ hạn")),
        ("overdue", _("Quá hạn")),
        ("not_due", _("Chưa đến hạn")),
    ]


def _download(content: bytes, name: str, content_type: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _refused(request: HttpRequest, exc: DomainError, template: str, context: dict[str, Any]) -> HttpResponse:
    if isinstance(exc, PermissionDenied):
        return forbidden(request, exc.message)
    return render(request, template, {**context, "error": exc.message}, status=exc.status_code)


def _query(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _agency_param(request: HttpRequest) -> int | None:
    value = request.GET.get("co_quan", "")
    return int(value) if value.isdigit() and len(value) < 12 else None


# --- home page widgets ---------------------------------------------------------------------------------------------


@login_required
def waiting_widget(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    return render(
        request,
        "reports/_waiting.html",
        {
            "items": waiting.waiting_for(actor),
            "events": waiting.events_today(actor),
            "today": timezone.localdate(),
        },
    )


def dashboard_context(scope: Scope) -> dict[str, Any]:
    data = dashboard.dashboard(scope)
    return {
        "scope": scope,
        "d": data,
        "year_q": stats.Filters(period=data["year"]).query(),
        "month_q": stats.Filters(period=data["month"]).query(),
        "week_q": stats.Filters(period=data["week"]).query(),
        "unit_chart": charts.stacked(
            id="chart-unit",
            title=_("Việc đến hạn 12 tháng gần đây theo đơn vị"),
            rows=data["by_unit"],
            series=_work_series(),
        ),
        "person_chart": charts.stacked(
            id="chart-person",
            title=_("Việc đến hạn 12 tháng gần đây theo cá nhân"),
            rows=data["by_person"],
            series=_work_series(),
        ),
        "volume_chart": charts.stacked(
            id="chart-volume",
            title=_("Văn bản đến, văn bản đi"),
            rows=[
                {"label": _("Tuần này"), **data["volumes"]["week"]},
                {"label": _("Tháng này"), **data["volumes"]["month"]},
            ],
            series=[("incoming", _("Văn bản đến")), ("outgoing", _("Văn bản đi"))],
        ),
        "state_chart": charts.stacked(
            id="chart-state",
            title=_("Việc giao 12 tháng gần đây theo trạng thái"),
            rows=[r for r in data["by_state"] if r["documents"] or r["tasks"]],
            series=[("documents", _("Văn bản")), ("tasks", _("Nhiệm vụ"))],
        ),
    }


@login_required
def dashboard_widget(request: HttpRequest) -> HttpResponse:
    scope = scope_for(acting_user(request))
    if scope is None:
        return HttpResponse("")
    return render(request, "reports/_dashboard.html", dashboard_context(scope))


# --- statistics ----------------------------------------------------------------------------------------------------


def _choices(scope: Scope) -> dict[str, Any]:
    units = Unit.objects.filter(agency_id=scope.agency.pk, is_active=True)
    people = User.objects.filter(unit__agency_id=scope.agency.pk, is_active=True)
    if scope.unit_ids is not None:
        units, people = units.filter(pk__in=scope.unit_ids), people.filter(unit_id__in=scope.unit_ids)
    return {
        "units": units.order_by("name").values_list("pk", "name"),
        "people": people.order_by("full_name").values_list("pk", "full_name"),
        "types": DocumentType.objects.filter(is_active=True).values_list("pk", "name"),
        "kinds": [("all", _("Văn bản và nhiệm vụ")), ("documents", _("Văn bản")), ("tasks", _("Nhiệm vụ"))],
    }


def _statistics_data(scope: Scope, f: stats.Filters) -> dict[str, Any]:
    return {
        "work": stats.work_counts(scope, f),
        "volumes": stats.volumes(scope, f),
        "by_unit": stats.work_by(scope, f, level="unit"),
        "by_person": stats.work_by(scope, f, level="person"),
        "reminders": stats.reminders_by_person(scope, f),
    }


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    context: dict[str, Any] = {"params": request.GET}
    try:
        scope = scope_require(user, agency_id=_agency_param(request))
        context.update(_choices(scope), scope=scope)
        f = filters_from(request.GET, scope)
    except DomainError as exc:
        return _refused(request, exc, "reports/statistics.html", context)
    data = _statistics_data(scope, f)
    context.update(
        # the link to the six-month report only for whoever may open it (the clerk sees the figures, not it)
        can_usage=has(user, policies.USAGE, unit=scope.agency) or has(user, policies.DEPLOYMENT),
        f=f,
        q=f.query(),
        data=data,
        unit_chart=charts.stacked(id="stat-unit", title=_("Theo đơn vị"), rows=data["by_unit"], series=_work_series()),
        person_chart=charts.stacked(
            id="stat-person", title=_("Theo cá nhân"), rows=data["by_person"], series=_work_series()
        ),
    )
    return render(request, "reports/statistics.html", context)


@login_required
def statistics_xlsx(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    try:
        scope = scope_require(user, agency_id=_agency_param(request))
        f = filters_from(request.GET, scope)
    except DomainError as exc:
        return _refused(request, exc, "reports/statistics.html", {"params": request.GET})
    content = exports.statistics_xlsx(
        agency_name=scope.agency.name, period_label=f.period.label, data=_statistics_data(scope, f)
    )
    return _download(content, f"thong-ke-{f.period.slug}.xlsx", XLSX)


# --- the lists behind the numbers ----------------------------------------------------------------------------------


@login_required
def work_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    measure = request.GET.get("chi_so", "total")
    level = request.GET.get("cap", "unit")
    context: dict[str, Any] = {"params": request.GET, "measure": measure, "query": _query(request)}
    try:
        scope = scope_require(user, agency_id=_agency_param(request))
        f = filters_from(request.GET, scope)
    except DomainError as exc:
        return _refused(request, exc, "reports/work_list.html", context)
    if measure in ("incoming", "outgoing"):
        documents = stats.incoming_in(scope, f) if measure == "incoming" else None
        rows = (
            documents.select_related("doc_type").order_by("-received_at", "-pk")
            if documents is not None
            else stats.outgoing_in(scope, f).select_related("document", "document__doc_type").order_by("-issued_at")
        )
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        title = _("Văn bản đến") if measure == "incoming" else _("Văn bản đi đã phát hành")
        return render(request, "reports/document_list.html", {**context, "page": page, "title": title, "f": f})
    if measure not in lists.MEASURES or level not in stats.LEVELS:
        measure, level = "total", "unit"
    work = Paginator(lists.work_list(scope, f, measure=measure, level=level), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    context.update(
        page=work,
        rows=[stats.work_row(a, today) for a in work],
        title=lists.MEASURES[measure],
        f=f,
        scope=scope,
    )
    return render(request, "reports/work_list.html", context)


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    query = waiting.my_tasks(user).select_related("unit", "user", "document").order_by("due_date", "pk")
    page = Paginator(query, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(
        request,
        "reports/work_list.html",
        {"page": page, "rows": [stats.work_row(a, today) for a in page], "title": _("Nhiệm vụ được giao cho tôi")},
    )


# --- the six-monthly report ----------------------------------------------------------------------------------------


def _usage_report(request: HttpRequest) -> tuple[usage.UsageReport, str, str]:
    user = acting_user(request)
    period = filters_period(request)
    if request.GET.get("pham_vi") == "toan-bo":
        agencies = deployment_require(user)
        return usage.usage_compute(agencies, period, whole_deployment=True), _("Toàn bộ Hệ thống QLVB&ĐH"), ""
    scope = scope_require(user, agency_id=_agency_param(request), perm=policies.USAGE)
    parent = scope.agency.parent.name if scope.agency.parent is not None else ""
    return usage.usage_compute([scope.agency], period), scope.agency.name, parent


def filters_period(request: HttpRequest) -> Period:
    return period_from({k: str(v) for k, v in request.GET.items()}, default=current_half())


@login_required
def usage_page(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    context: dict[str, Any] = {
        "params": request.GET,
        "can_deployment": has(user, policies.DEPLOYMENT),
    }
    try:
        report, owner, _parent = _usage_report(request)
    except DomainError as exc:
        return _refused(request, exc, "reports/usage.html", context)
    context.update(report=report, owner=owner, rows=[(k, label, report.total.values[k]) for k, label in usage.ROWS])
    context["note"] = usage.INCIDENTS_NOTE
    context["query"] = request.GET.urlencode()
    return render(request, "reports/usage.html", context)


@login_required
def usage_file(request: HttpRequest, ext: str) -> HttpResponse:
    if ext not in ("pdf", "xlsx"):
        raise Http404
    try:
        report, owner, parent = _usage_report(request)
    except DomainError as exc:
        return _refused(request, exc, "reports/usage.html", {"params": request.GET})
    name = f"bao-cao-su-dung-{report.period.slug}"
    if ext == "pdf":
        return _download(
            narrative.usage_pdf(report, owner=owner, parent=parent), f"{name}.pdf", "application/pdf", inline=True
        )
    return _download(exports.usage_xlsx(report, title_owner=owner), f"{name}.xlsx", XLSX)
