from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.functional import LazyObject, empty
from django.utils.http import urlencode

from .errors import ErrorCode


class ActiveAccountMiddleware:
    """A session of an account locked meanwhile ends at its next request: Django's backend already
    treats it as anonymous; the session itself is also destroyed, so unlocking the account later
    does not bring an old session back to life."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_active:
            logout(request)
        elif user is not None and not user.is_authenticated and SESSION_KEY in request.session:
            request.session.flush()
        elif isinstance(user, LazyObject) and user._wrapped is not empty:
            # Loaded just above: from here on the person himself, not Django's lazy proxy, whose every
            # attribute read (the permission checks read hundreds) costs two extra Python calls.
            request.user = user._wrapped
        return self.get_response(request)


SECOND_STEP_FREE = ("/xac-thuc/", "/dang-xuat/", "/static/", "/i18n/", "/healthz", "/favicon")


class TwoFactorMiddleware:
    """A person signed in with his password who owes the second step (``twofactor.twofactor_pending``)
    reaches nothing but the second-step pages: pages redirect there, the API answers 403."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from .twofactor import twofactor_enabled, twofactor_pending

        if request.path.startswith(SECOND_STEP_FREE) or not twofactor_pending(request):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"code": "twofactor_required", "message": "Cần xác thực hai bước: mở trang web để nhập mã."},
                status=403,
            )
        target = "/xac-thuc/" if twofactor_enabled(request.user) else "/xac-thuc/bat/"  # type: ignore[arg-type]
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


PASSWORD_CHANGE_FREE = ("/doi-mat-khau/", "/dang-xuat/", "/xac-thuc/", "/static/", "/i18n/", "/healthz", "/favicon")


class PasswordChangeMiddleware:
    """A person whose password an administrator set (a new account, a reset: ``User.must_change_password``)
    reaches nothing but the password change page until he has chosen his own: pages redirect there, the
    API answers 403. The flag is read from the user row the session already loads (no extra query)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or not getattr(user, "must_change_password", False)
            or request.path.startswith(PASSWORD_CHANGE_FREE)
            or request.path == "/api/v1/directory/me/password"
        ):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "code": ErrorCode.PASSWORD_CHANGE_REQUIRED,
                    "message": "Cần đổi mật khẩu ban đầu: mở trang web Đổi mật khẩu.",
                },
                status=403,
            )
        return redirect(f"/doi-mat-khau/?{urlencode({'next': request.get_full_path()})}")


class SessionActivityMiddleware:
    """Keeps the "Phiên đăng nhập" page true: the session's last activity and address, written at most once
    a minute (``signins.session_touch``); a session signed in before rows were kept gets its row here."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from .signins import session_touch

        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is not None and user.is_authenticated and session is not None and SESSION_KEY in session:
            session_touch(request, user)
        return self.get_response(request)
