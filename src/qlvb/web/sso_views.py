"""The two pages of the SSO sign-in (directory/sso.py): the start, which sends the browser to the
official e-mail provider with state, nonce and a PKCE challenge (mozilla-django-oidc's request view),
and the callback the provider sends it back to. Every refusal is a message on the sign-in page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from qlvb.directory import sso


class SsoStartView(OIDCAuthenticationRequestView):
    def __init__(self, **kwargs: Any) -> None:  # the endpoints are read from the provider in get()
        for key, value in kwargs.items():
            setattr(self, key, value)

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return sso.oidc_setting(attr, *args)

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            configuration = sso.provider_configuration()
        except sso.SsoRefusedError as error:
            messages.error(request, error.message)
            return redirect("web:login")
        self.OIDC_OP_AUTH_ENDPOINT = configuration["authorization_endpoint"]
        self.OIDC_RP_CLIENT_ID = sso.oidc_setting("OIDC_RP_CLIENT_ID")
        response: HttpResponse = super().get(request)
        return response


def sso_callback(request: HttpRequest) -> HttpResponse:
    try:
        sso.sso_callback(request)
    except sso.SsoRefusedError as error:
        messages.error(request, error.message)
        return redirect("web:login")
    next_url = request.session.pop("oidc_login_next", None)
    if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        return redirect(next_url)
    return redirect(resolve_url("web:home"))
