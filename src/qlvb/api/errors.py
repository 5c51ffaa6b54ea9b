"""Every API error is JSON with a Vietnamese ``detail``, and the OpenAPI schema says so for every
operation (``declare_errors``)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from qlvb.core.errors import DomainError


class ErrorCode(StrEnum):
    """The codes the API itself answers with (the services' own are in each app's ``errors.py``).
    Values never change once published."""

    BAD_CREDENTIALS = "bad_credentials"
    INVALID = "invalid"
    MALFORMED_JSON = "malformed_json"
    NOT_FOUND = "not_found"
    UNAUTHENTICATED = "unauthenticated"


class ErrorField(Schema):
    field: str
    error: str


class ErrorOut(Schema):
    """The body of every error answer."""

    detail: str
    code: str | None = None
    details: dict[str, Any] | None = None
    errors: list[ErrorField] | None = None


ERROR_REF = "#/components/schemas/ErrorOut"

# Every operation may answer these: bad JSON or a NUL character (400), no or a bad token (401; the token
# endpoint: wrong password), no right (403), an unknown or invisible object (404), a rule of the domain
# (409), a missing or malformed field (422).
COMMON_ERRORS: dict[int, str] = {
    400: "Yêu cầu không hợp lệ (JSON sai, ký tự NUL, quy tắc nghiệp vụ).",
    401: "Chưa đăng nhập, mã truy cập không hợp lệ hoặc sai mật khẩu.",
    403: "Không có quyền thực hiện thao tác.",
    404: "Không tìm thấy hoặc không có quyền xem.",
    409: "Xung đột với trạng thái hiện tại.",
    422: "Dữ liệu không hợp lệ hoặc thiếu.",
}
UPLOAD_ERRORS: dict[int, str] = {413: "Tệp quá lớn.", 415: "Loại tệp không được chấp nhận."}
LOCKOUT_ERRORS: dict[int, str] = {429: "Tài khoản tạm thời bị khóa do nhập sai mật khẩu nhiều lần."}
LOCKOUT_OPERATIONS = {("post", "/auth/token"), ("post", "/directory/me/password")}


def declare_errors(schema: dict[str, Any], path_prefix: str) -> dict[str, Any]:
    """Adds the error answers to every operation of the built OpenAPI ``schema``, each with the shared
    ``ErrorOut`` body."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    body = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(body.pop("$defs", {}))
    components["ErrorOut"] = body
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            errors = dict(COMMON_ERRORS)
            content = operation.get("requestBody", {}).get("content", {})
            if any(kind.startswith("multipart/") for kind in content):
                errors.update(UPLOAD_ERRORS)
            if (method, path.removeprefix(path_prefix.rstrip("/"))) in LOCKOUT_OPERATIONS:
                errors.update(LOCKOUT_ERRORS)
            responses = operation.setdefault("responses", {})
            for status, description in errors.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": ERROR_REF}}},
                    },
                )
    return schema


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
                    request,
                    {"detail": "Dữ liệu gửi lên không phải JSON hợp lệ.", "code": ErrorCode.MALFORMED_JSON},
                    status=400,
                )
            fields.append({"field": _field_path(err.get("loc", [])), "error": kind})
        names = ", ".join(f["field"] for f in fields if f["field"]) or "dữ liệu"
        return api.create_response(
            request,
            {"detail": f"Dữ liệu không hợp lệ hoặc thiếu: {names}.", "code": ErrorCode.INVALID, "errors": fields},
            status=422,
        )

    @api.exception_handler(AuthenticationError)
    def _auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request,
            {"detail": "Chưa đăng nhập hoặc mã truy cập không hợp lệ.", "code": ErrorCode.UNAUTHENTICATED},
            status=401,
        )

    @api.exception_handler(HttpError)
    def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and "parse request body" in str(exc):
            return api.create_response(
                request,
                {"detail": "Dữ liệu gửi lên không phải JSON hợp lệ.", "code": ErrorCode.MALFORMED_JSON},
                status=400,
            )
        messages = {
            404: "Không tìm thấy.",
            405: "Phương thức không được hỗ trợ.",
            403: "Không có quyền.",
            400: "Yêu cầu không hợp lệ.",
        }
        detail = messages.get(exc.status_code, str(exc))
        return api.create_response(request, {"detail": detail}, status=exc.status_code)
