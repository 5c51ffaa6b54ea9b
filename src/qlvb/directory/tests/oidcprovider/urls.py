"""The test provider's pages: django-oauth-toolkit's OAuth 2 / OpenID Connect endpoints under ``/o/``,
a plain sign-in form (``/login/``, no templates needed) and ``/control/`` where a test changes the
issuer or the ID token's lifetime of the running provider (to play a misconfigured provider)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import authenticate, login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import include, path
from django.utils.html import escape
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.settings import oauth2_settings


class EmailClaims(OAuth2Validator):
    """The person's mailbox in the ID token and the user-info answer (scope ``email``)."""

    oidc_claim_scope = {"sub": "openid", "email": "email", "email_verified": "email"}

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        return {"email": request.user.email, "email_verified": True}


@csrf_exempt
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        user = authenticate(request, username=request.POST.get("username"), password=request.POST.get("password"))
        if user is None:
            return HttpResponse("wrong password", status=403)
        login(request, user)
        return HttpResponseRedirect(request.POST.get("next") or "/")
    next_url = escape(request.GET.get("next", ""))
    return HttpResponse(
        f'<form method="post"><input name="username"><input name="password" type="password">'
        f'<input type="hidden" name="next" value="{next_url}"><button>Sign in</button></form>'
    )


@csrf_exempt
def control(request: HttpRequest) -> HttpResponse:
    """POST {"issuer": …, "id_token_seconds": …, "redirect_uri": …}: change the running provider (a
    test's misconfiguration; the live server's callback for a browser test)."""
    if request.method == "POST":
        change = json.loads(request.body or b"{}")
        if "issuer" in change:
            oauth2_settings.OIDC_ISS_ENDPOINT = change["issuer"]
        if "id_token_seconds" in change:
            oauth2_settings.ID_TOKEN_EXPIRE_SECONDS = int(change["id_token_seconds"])
        if "redirect_uri" in change:
            from oauth2_provider.models import Application

            for application in Application.objects.all():
                if change["redirect_uri"] not in application.redirect_uris.split():
                    application.redirect_uris = f"{application.redirect_uris} {change['redirect_uri']}"
                    application.save(update_fields=["redirect_uris"])
    return JsonResponse(
        {"issuer": oauth2_settings.OIDC_ISS_ENDPOINT, "id_token_seconds": oauth2_settings.ID_TOKEN_EXPIRE_SECONDS}
    )


urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("login/", sign_in),
    path("control/", control),
]
