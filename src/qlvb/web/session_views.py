"""The "Phiên đăng nhập" page (``/phien-dang-nhap/``, linked from Đổi mật khẩu): the person's web sessions
and API tokens, ending one of them, and "đăng xuất mọi nơi khác". Thin: ``directory.signins`` does the work."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qlvb.core.errors import NotFound
from qlvb.directory import signins

from .access import current_user


@login_required
def sessions(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    current_key = request.session.session_key
    rows = [
        {
            "record": record,
            "device": signins.device_label(record.user_agent),
            "current": record.session_id == current_key,
        }
        for record in signins.sessions_of(user)
    ]
    context = {"sessions": rows, "tokens": list(signins.tokens_of(user))}
    return render(request, "web/sessions.html", context)


@require_POST
@login_required
def session_end(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    current_key = request.session.session_key
    try:
        signins.session_end(actor=user, session_id=pk, current_key=current_key)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if not signins.session_alive(current_key):  # this very session: signed out here
        logout(request)
        return redirect("web:login")
    messages.success(request, _("Đã đăng xuất phiên đăng nhập đó."))
    return redirect("web:sessions")


@require_POST
@login_required
def token_end(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        signins.token_end(actor=current_user(request), token_id=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    messages.success(request, _("Đã thu hồi mã truy cập."))
    return redirect("web:sessions")


@require_POST
@login_required
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    ended = signins.sessions_end_others(actor=current_user(request), request=request)
    messages.success(
        request,
        _("Đã đăng xuất %(sessions)d phiên khác và thu hồi %(tokens)d mã truy cập.")
        % {"sessions": ended.sessions, "tokens": ended.tokens},
    )
    return redirect("web:sessions")
