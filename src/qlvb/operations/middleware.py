"""Read-only maintenance (Điều 21.7): while an administrator's maintenance notice with "chỉ cho xem" is in
force, every write (POST, PUT, PATCH, DELETE) is refused with 503 and a Vietnamese message before any
view runs — nothing half-written; reads work. Signing in and out, the language switch and the system
administrator (who ends the maintenance) still write."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from .errors import ErrorCode
from .notices import notice_read_only, read_only_message

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
ALWAYS = ("/dang-nhap/", "/xac-thuc/", "/dang-xuat/", "/i18n/", "/api/v1/auth/")  # signing in: both steps


class ReadOnlyMaintenanceMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in WRITES or request.path.startswith(ALWAYS):
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and getattr(user, "is_superuser", False):
            return self.get_response(request)
        notice = notice_read_only()
        if notice is None:
            return self.get_response(request)
        message = read_only_message(notice)
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse({"code": ErrorCode.READ_ONLY, "message": message}, status=503)
        else:
            page = render_to_string("operations/read_only.html", {"message": message, "notice": notice}, request)
            response = HttpResponse(page, status=503)
        response["Retry-After"] = "300"
        return response
