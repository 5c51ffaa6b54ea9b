from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse


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
        return self.get_response(request)
