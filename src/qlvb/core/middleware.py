from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from .errors import ErrorCode
from .request_context import client_ip_from, reset_client_ip, set_client_ip


class RequestContextMiddleware:
    """Makes the client's IP address available to services (the audit log) for this request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = set_client_ip(client_ip_from(request))
        try:
            return self.get_response(request)
        finally:
            reset_client_ip(token)


NUL = "\x00"
_FORM = "application/x-www-form-urlencoded"


def _has_nul(value: Any) -> bool:
    """Whether a parsed JSON value holds a NUL in any string, key or value, at any depth."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def request_has_nul(request: HttpRequest) -> bool:
    """A NUL character (U+0000) anywhere the application reads text from: the path, the query string,
    a header or cookie, an urlencoded form, or a string of a JSON body (``\\u0000``). PostgreSQL cannot
    store or even compare it, and no document or name ever contains one.

    Multipart bodies are not read here: the upload views install their size-limited handlers before the
    body is parsed, and the fields of multipart forms go through Django forms, whose text fields refuse
    NUL themselves."""
    if NUL in request.path_info:
        return True
    if any(NUL in key or any(NUL in v for v in values) for key, values in request.GET.lists()):
        return True
    if any(NUL in v for k, v in request.META.items() if k.startswith("HTTP_") and isinstance(v, str)):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS") or not request.META.get("CONTENT_LENGTH"):
        return False
    content_type = request.content_type or ""
    if content_type.startswith("multipart/"):
        return False
    try:
        if content_type == _FORM:
            return any(NUL in key or any(NUL in v for v in values) for key, values in request.POST.lists())
        body = request.body
    except (SuspiciousOperation, OSError, ValueError):  # too large, cut short: the view answers as before
        return False
    # A JSON string can only carry NUL escaped; a raw NUL byte makes the JSON invalid (the API says so).
    if b"\\u0000" not in body:
        return False
    try:
        return _has_nul(json.loads(body))
    except ValueError:
        return False


_NUMBER_SEGMENT = re.compile(r"/(\d{19,})(?=/|$)")
BIGINT_MAX = 2**63 - 1


def path_has_oversized_id(path: str) -> bool:
    """A number in the address (``/van-ban-di/<id>/``) that no row can have: beyond a 64-bit integer,
    which SQLite cannot even compare ("Python int too large")."""
    return any(int(m.group(1)) > BIGINT_MAX for m in _NUMBER_SEGMENT.finditer(path))


class OddInputMiddleware:
    """Refuses any request carrying a NUL character with 400 and a Vietnamese message (JSON under
    /api/, a short page elsewhere) before a view, a sign-in backend or a query sees it; a page address
    with an id beyond a 64-bit integer is the page-not-found page (the API's schemas bound their ids).

    Placed after the session and authentication middleware (both lazy) and before anything that loads
    the session or the user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request_has_nul(request):
            if not request.path_info.startswith("/api/") and path_has_oversized_id(request.path_info):
                raise Http404
            return self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and NUL in (session.session_key or ""):
            # The session middleware saves every session on the way out: a NUL session key would reach
            # the database there. An empty session instead, whose answer deletes the cookie.
            request.session = session.__class__()
        message = _("Dữ liệu gửi lên chứa ký tự không hợp lệ (ký tự NUL).")
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message, "code": ErrorCode.NUL_CHARACTER}, status=400)
        page = format_html(
            '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{}</title></head>'
            '<body><h1>{}</h1><p>{}</p><p><a href="/">{}</a></p></body></html>',
            _("Yêu cầu không hợp lệ"),
            _("Yêu cầu không hợp lệ"),
            message,
            _("Về trang chủ"),
        )
        return HttpResponse(page, status=400, content_type="text/html; charset=utf-8")
