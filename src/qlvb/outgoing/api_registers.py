"""The outgoing API of the registers: Sổ đăng ký văn bản đi and the postal register."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from ninja import Router

from qlvb.core.errors import NotFound, ValidationFailed
from qlvb.directory.models import User

from . import reports
from .api_answers import api_user
from .api_consultation import XLSX

router = Router(tags=["outgoing"])


def register_export(
    actor: User, *, date_from: dt.date, date_to: dt.date, fmt: str, book: str = "register"
) -> HttpResponse:
    """``book``: ``register`` (Sổ đăng ký văn bản đi) or ``postal`` (Sổ gửi văn bản đi bưu điện)."""
    unit = getattr(actor, "unit", None)
    if unit is None:
        raise NotFound()
    agency = unit.agency or unit
    makers = {
        "register": (reports.register_xlsx, reports.register_pdf, "so-dang-ky-van-ban-di"),
        "postal": (reports.postal_xlsx, reports.postal_pdf, "so-gui-van-ban-di-buu-dien"),
    }
    if book not in makers:
        raise ValidationFailed("Sổ phải là register hoặc postal.")
    make_xlsx, make_pdf, stem = makers[book]
    name = f"{stem}-{date_from:%Y%m%d}-{date_to:%Y%m%d}"
    if fmt == "pdf":
        response = HttpResponse(
            make_pdf(actor=actor, agency=agency, date_from=date_from, date_to=date_to), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    elif fmt == "xlsx":
        response = HttpResponse(
            make_xlsx(actor=actor, agency=agency, date_from=date_from, date_to=date_to), content_type=XLSX
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    else:
        raise ValidationFailed("Định dạng phải là xlsx hoặc pdf.")
    return response


@router.get("/register/export", summary="Sổ đăng ký văn bản đi của cơ quan (Phụ lục IV) cho một khoảng ngày")
def register(request: HttpRequest, date_from: dt.date, date_to: dt.date, format: str = "xlsx") -> HttpResponse:
    return register_export(api_user(request), date_from=date_from, date_to=date_to, fmt=format)


@router.get("/postal-register/export", summary="Sổ gửi văn bản đi bưu điện (văn bản gửi kèm bản giấy)")
def postal_register(request: HttpRequest, date_from: dt.date, date_to: dt.date, format: str = "xlsx") -> HttpResponse:
    return register_export(api_user(request), date_from=date_from, date_to=date_to, fmt=format, book="postal")
