"""The pages of two-factor sign-in (directory/twofactor.py decides): the second step after the
password, turning it on (QR code, first code, recovery codes shown once), new recovery codes, off."""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qlvb.core.errors import DomainError
from qlvb.directory import passkeys, twofactor, twofactor_remember

from .access import current_user


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return "/"
    return target


@login_required
def second_step(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not twofactor.twofactor_enabled(user):
        return redirect(f"/xac-thuc/bat/?next={_next(request)}")
    error = ""
    if request.method == "POST":
        try:
            used = twofactor.twofactor_verify(request, user, request.POST.get("code", "")[:32])
        except DomainError as exc:
            error = exc.message
        else:
            if used == "recovery":
                messages.warning(request, _("Bạn vừa dùng một mã khôi phục; mã đó không dùng lại được."))
            response = redirect(_next(request))
            if request.POST.get("remember") and twofactor_remember.device_remember(request, response, user):
                messages.info(
                    request,
                    _("Thiết bị này được ghi nhớ trong %(days)s ngày: không cần nhập mã khi đăng nhập.")
                    % {"days": twofactor_remember.remember_days()},
                )
            return response
    context = {
        "error": error,
        "next": _next(request),
        "remember_days": twofactor_remember.remember_days(),
        "remember": bool(request.POST.get("remember")),
    }
    return render(request, "web/twofactor_verify.html", context, status=400 if error else 200)


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    svg = image.to_string(encoding="unicode")
    return mark_safe(svg.replace("<svg ", '<svg role="img" aria-label="Mã QR để thêm vào ứng dụng xác thực" ', 1))  # noqa: S308 — made here from our own URI


@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    verified = getattr(user, "is_verified", lambda: False)() or bool(request.session.get(passkeys.SESSION_PASSKEY))
    if twofactor.twofactor_enabled(user) and not verified:  # a passkey sign-in is both factors (passkeys.py)
        return redirect(f"/xac-thuc/?next={_next(request)}")
    enrolment = twofactor.twofactor_enrolment(user)
    error = ""
    if request.method == "POST":
        try:
            codes = twofactor.twofactor_confirm(request, user, request.POST.get("code", "")[:32])
        except DomainError as exc:
            error = exc.message
        else:
            return render(request, "web/twofactor_codes.html", {"codes": codes, "next": _next(request), "first": True})
    context = {
        "qr": _qr_svg(enrolment.uri),
        "secret": " ".join(enrolment.secret_base32[i : i + 4] for i in range(0, len(enrolment.secret_base32), 4)),
        "error": error,
        "next": _next(request),
        "required": twofactor.twofactor_required(user),
        "enabled": twofactor.twofactor_enabled(user),
    }
    return render(request, "web/twofactor_enrol.html", context, status=400 if error else 200)


@require_POST
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    try:
        codes = twofactor.recovery_codes_renew(current_user(request))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("web:password_change")
    return render(request, "web/twofactor_codes.html", {"codes": codes, "next": "/", "first": False})


@require_POST
@login_required
def disable(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not user.check_password(request.POST.get("password", "")):
        messages.error(request, _("Mật khẩu không đúng: chưa tắt xác thực hai bước."))
        return redirect("web:password_change")
    try:
        twofactor.twofactor_disable(user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        request.session[twofactor.SESSION_OWED] = False
        messages.success(request, _("Đã tắt xác thực hai bước."))
    return redirect("web:password_change")
