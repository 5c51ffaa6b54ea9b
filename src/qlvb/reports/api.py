"""Figures and reports under ``/api/v1/reports``: the same scope checks and SQL as the pages
(``scope.py``, ``stats.py``, ``usage.py``). Periods: ``tu``/``den`` (dd/mm/yyyy or yyyy-mm-dd) or ``ky``
(a half year, ``2026-1``); filters: ``don_vi``, ``nguoi``, ``loai``, ``nhom`` (all | documents | tasks)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from qlvb.core.bounds import Id
from qlvb.directory.selectors import acting_user

from . import dashboard, exports, narrative, policies, stats, usage, waiting
from .filters import filters_from
from .periods import current_half, period_from
from .scope import deployment_require, scope_require

router = Router(tags=["reports"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class WaitingOut(Schema):
    key: str
    label: str
    count: int
    url: str


class ReportQuery(Schema):
    co_quan: Id | None = Field(None, description="Mã cơ quan (mặc định: cơ quan của người gọi)")
    tu: str = Field("", max_length=10, description="Từ ngày, dd/mm/yyyy")
    den: str = Field("", max_length=10, description="Đến ngày, dd/mm/yyyy")
    ky: str = Field("", max_length=6, description="Kỳ 06 tháng: 2026-1 hoặc 2026-2")
    don_vi: Id | None = None
    nguoi: Id | None = None
    loai: Id | None = None
    nhom: str = Field("all", max_length=10)

    def params(self) -> dict[str, str]:
        raw = {"tu": self.tu, "den": self.den, "ky": self.ky, "nhom": self.nhom}
        for name in ("don_vi", "nguoi", "loai"):
            value = getattr(self, name)
            raw[name] = "" if value is None else str(value)
        return raw


def _plain(value: Any) -> Any:
    """Dates and periods as ISO strings (the cached dashboard holds Python values)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "start") and hasattr(value, "end"):
        return {"start": value.start.isoformat(), "end": value.end.isoformat()}
    return value


@router.get("/waiting", response=list[WaitingOut], summary="Việc chờ tôi (số lượng và đường dẫn danh sách)")
def waiting_list(request: HttpRequest) -> list[waiting.Waiting]:
    return waiting.waiting_for(acting_user(request))


@router.get("/dashboard", response=dict[str, Any], summary="Bảng điều hành của lãnh đạo (tuần, tháng hiện tại)")
def dashboard_get(request: HttpRequest, co_quan: Id | None = None) -> dict[str, Any]:
    scope = scope_require(acting_user(request), agency_id=co_quan)
    return {"agency_id": scope.agency.pk, "whole_agency": scope.whole_agency, **_plain(dashboard.dashboard(scope))}


def _statistics(request: HttpRequest, q: Query) -> tuple[Any, stats.Filters, dict[str, Any]]:
    scope = scope_require(acting_user(request), agency_id=q.co_quan)
    f = filters_from(q.params(), scope)
    data = {
        "work": stats.work_counts(scope, f),
        "volumes": stats.volumes(scope, f),
        "by_unit": stats.work_by(scope, f, level="unit"),
        "by_person": stats.work_by(scope, f, level="person"),
        "reminders": stats.reminders_by_person(scope, f),
    }
    return scope, f, data


@router.get("/statistics", response=dict[str, Any], summary="Thống kê xử lý văn bản, công việc theo kỳ và bộ lọc")
def statistics_get(request: HttpRequest, q: Query[ReportQuery]) -> dict[str, Any]:
    scope, f, data = _statistics(request, q)
    return {"agency_id": scope.agency.pk, "period": _plain(f.period), **data}


@router.get("/statistics.xlsx", summary="Thống kê dạng XLSX")
def statistics_xlsx(request: HttpRequest, q: Query[ReportQuery]) -> HttpResponse:
    scope, f, data = _statistics(request, q)
    content = exports.statistics_xlsx(agency_name=scope.agency.name, period_label=f.period.label, data=data)
    return _file(content, f"thong-ke-{f.period.slug}.xlsx", XLSX)


def _usage(request: HttpRequest, q: ReportQuery, pham_vi: str) -> tuple[usage.UsageReport, str, str]:
    user = acting_user(request)
    period = period_from(q.params(), default=current_half())
    if pham_vi == "toan-bo":
        return usage.usage_compute(deployment_require(user), period, whole_deployment=True), "Toàn bộ Hệ thống", ""
    scope = scope_require(user, agency_id=q.co_quan, perm=policies.USAGE)
    parent = scope.agency.parent.name if scope.agency.parent is not None else ""
    return usage.usage_compute([scope.agency], period), scope.agency.name, parent


@router.get("/usage", response=dict[str, Any], summary="Báo cáo 06 tháng tình hình sử dụng Hệ thống (Điều 21.10)")
def usage_get(request: HttpRequest, q: Query[ReportQuery], pham_vi: str = "") -> dict[str, Any]:
    report, _owner, _parent = _usage(request, q, pham_vi)
    return report.as_dict()


@router.get("/usage.xlsx", summary="Báo cáo 06 tháng dạng XLSX")
def usage_xlsx(request: HttpRequest, q: Query[ReportQuery], pham_vi: str = "") -> HttpResponse:
    report, owner, _parent = _usage(request, q, pham_vi)
    return _file(exports.usage_xlsx(report, title_owner=owner), f"bao-cao-su-dung-{report.period.slug}.xlsx", XLSX)


@router.get("/usage.pdf", summary="Báo cáo 06 tháng dạng PDF (thuyết minh và bảng số liệu)")
def usage_pdf(request: HttpRequest, q: Query[ReportQuery], pham_vi: str = "") -> HttpResponse:
    report, owner, parent = _usage(request, q, pham_vi)
    content = narrative.usage_pdf(report, owner=owner, parent=parent)
    return _file(content, f"bao-cao-su-dung-{report.period.slug}.pdf", "application/pdf")


def _file(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
