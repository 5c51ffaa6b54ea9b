"""Passkey pages (directory/passkeys.py does the work): the "Khóa đăng nhập" page, linked from Đổi mật
khẩu, lists the person's passkeys — his remembered devices — with their last use, adds one and removes
one; the sign-in page's "Đăng nhập bằng khóa" asks for options and sends the browser's answer here.
The ceremony itself runs in the browser (static/web/passkeys.js); these views answer it in JSON."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qlvb.core.errors import DomainError, NotFound
from qlvb.directory import passkeys

from .access import current_user


def _options(text: str) -> HttpResponse:
    return HttpResponse(text, content_type="application/json", headers={"Cache-Control": "no-store"})


def _refused(error: DomainError) -> JsonResponse:
    return JsonResponse({"code": str(error.code), "message": error.message}, status=error.status_code)


@login_required
def passkey_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    context = {
        "passkeys": list(passkeys.passkeys_of(user)),
        "current": request.session.get(passkeys.SESSION_PASSKEY),
    }
    return render(request, "web/passkeys.html", context)


@require_POST
@login_required
def passkey_add_options(request: HttpRequest) -> HttpResponse:
    return _options(passkeys.passkey_registration_options(request, actor=current_user(request)))


@require_POST
@login_required
def passkey_add(request: HttpRequest) -> HttpResponse:
    body = passkeys.parse_json_body(request.body)
    try:
        passkey = passkeys.passkey_register(
            request,
            actor=current_user(request),
            credential=str(body.get("credential", "")),
            name=str(body.get("name", ""))[:100],
        )
    except DomainError as error:
        return _refused(error)
    messages.success(request, _("Đã thêm khóa đăng nhập “%(name)s”.") % {"name": passkey.name})
    return JsonResponse({"redirect": resolve_url("web:passkeys")})


@require_POST
@login_required
def passkey_remove(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        passkeys.passkey_remove(actor=current_user(request), passkey_id=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    messages.success(request, _("Đã xóa khóa đăng nhập: thiết bị đó không còn đăng nhập bằng khóa được nữa."))
    return redirect("web:passkeys")


@require_POST
def sign_in_options(request: HttpRequest) -> HttpResponse:
    return _options(passkeys.passkey_sign_in_options(request))


@require_POST
def sign_in(request: HttpRequest) -> HttpResponse:
    body = passkeys.parse_json_body(request.body)
    try:
        passkeys.passkey_sign_in(request, credential=str(body.get("credential", "")))
    except DomainError as error:
        return _refused(error)
    target = str(body.get("next", ""))
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = resolve_url("web:home")
    return JsonResponse({"redirect": target})
