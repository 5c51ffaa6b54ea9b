"""Every API error is JSON with a Vietnamese ``detail``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from qlvb.core.errors import DomainError


def _field_path(loc: Any) -> str:
    return ".".join(str(p) for p in loc if p not in ("body", "payload", "query", "path"))


def install(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def _domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
        body: dict[str, Any] = {"detail": exc.message, "code": exc.code}
        if exc.details:
            body["details"] = exc.details
        return api.create_response(request, body, status=exc.status_code)

    @api.exception_handler(ValidationError)
    def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields = []
        for err in exc.errors:
            kind = str(err.get("type", ""))
            if kind == "json_invalid" or "json" in str(err.get("msg", "")).lower():
                return api.create_response(
                    request, {"detail": "Dữ liệu gửi lên không phải JSON hợp lệ.", "code": "malformed_json"},
                    status=400,
                )
            fields.append({"field": _field_path(err.get("loc", [])), "error": kind})
        names = ", ".join(f["field"] for f in fields if f["field"]) or "dữ liệu"
        return api.create_response(
            request,
            {"detail": f"Dữ liệu không hợp lệ hoặc thiếu: {names}.", "code": "invalid", "errors": fields},
            status=422,
        )

    @api.exception_handler(AuthenticationError)
    def _auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request, {"detail": "Chưa đăng nhập hoặc mã truy cập không hợp lệ.", "code": "unauthenticated"},
            status=401,
        )

    @api.exception_handler(HttpError)
    def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and "parse request body" in str(exc):
            return api.create_response(
                request, {"detail": "Dữ liệu gửi lên không phải JSON hợp lệ.", "code": "malformed_json"},
                status=400,
            )
        messages = {404: "Không tìm thấy.", 405: "Phương thức không được hỗ trợ.", 403: "Không có quyền.",
                    400: "Yêu cầu không hợp lệ."}
        detail = messages.get(exc.status_code, str(exc))
        return api.create_response(request, {"detail": detail}, status=exc.status_code)
