"""API authentication: a personal bearer token (mobile app) or the web session (with CSRF).

A request that carries neither a valid token nor a signed-in session gets 401 with
``WWW-Authenticate: Bearer`` whatever its method — the CSRF check (403) applies only to a request
that the session actually authenticates (a revoked token on POST used to get "CSRF failed").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja.security import APIKeyCookie, HttpBearer

from qlvb.directory.tokens import token_authenticate

CHALLENGE = 'Bearer realm="qlvb"'


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


def _session_user(request: HttpRequest) -> Any:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_active:
        return user
    return None


class SessionAuth(APIKeyCookie):
    """The browser's session; ninja checks the CSRF token for unsafe methods of a signed-in session."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        if _session_user(request) is None:
            return None  # nothing to forge a request with: no CSRF question, just "not signed in"
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return _session_user(request) if key is not None else None


token_or_session = [TokenAuth(), SessionAuth(csrf=True)]


class BearerChallengeMiddleware:
    """Every 401 of the API names the scheme to use (RFC 9110 §11.6.1)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 401 and request.path.startswith("/api/") and "WWW-Authenticate" not in response:
            response["WWW-Authenticate"] = CHALLENGE
        return response
