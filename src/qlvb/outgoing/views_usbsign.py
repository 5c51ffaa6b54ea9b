"""The "Ký bằng USB token" step of an outgoing document: the page (its script talks to the signer's
local plug-in, static/signing/plugin.js) and the two JSON calls it makes (docs/outgoing.md)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qlvb.core.errors import DomainError
from qlvb.signing import conf
from qlvb.signing.web_csp import with_plugin_origin

from . import usbsign
from .views import actor_of, outgoing_of


def _refused(exc: DomainError) -> JsonResponse:
    return JsonResponse({"detail": exc.message, "code": exc.code}, status=exc.status_code)


@login_required
def sign_usb(request: HttpRequest, pk: int) -> HttpResponse:
    outgoing = outgoing_of(request, pk)
    try:
        outgoing, approved, _profile = usbsign.outgoing_sign_usb_ready(actor=actor_of(request), outgoing=outgoing)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("outgoing:detail", pk)
    response = render(
        request,
        "outgoing/sign_usb.html",
        {
            "o": outgoing,
            "doc": outgoing.document,
            "approved": approved,
            "plugin_url": conf.plugin_url(),
            "start_url": reverse("outgoing:sign_usb_start", args=[outgoing.pk]),
            "finish_url": reverse("outgoing:sign_usb_finish", args=[outgoing.pk, "SESSION"]),
        },
    )
    return with_plugin_origin(response, conf.plugin_url())


@login_required
@require_POST
def sign_usb_start(request: HttpRequest, pk: int) -> JsonResponse:
    outgoing = outgoing_of(request, pk)
    chain = [c for c in (request.POST.get("chain") or "").split(",") if c.strip()]
    try:
        started = usbsign.outgoing_sign_usb_start(
            actor=actor_of(request),
            outgoing=outgoing,
            certificate_b64=request.POST.get("certificate", ""),
            chain_b64=chain,
        )
    except DomainError as exc:
        return _refused(exc)
    return JsonResponse(
        started.answer(),
        status=201,
    )


@login_required
@require_POST
def sign_usb_finish(request: HttpRequest, pk: int, session: str) -> JsonResponse:
    outgoing = outgoing_of(request, pk)
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        body = None
    signature = body.get("signature") if isinstance(body, dict) else None
    if not isinstance(signature, str):
        return JsonResponse({"detail": _("Thiếu chữ ký do phần mềm ký số trả về."), "code": "invalid"}, status=400)
    try:
        usbsign.outgoing_sign_usb_finish(
            actor=actor_of(request), outgoing=outgoing, session_id=session, signature_b64=signature
        )
    except DomainError as exc:
        return _refused(exc)
    messages.success(request, _("Đã ký số bằng USB token."))
    return JsonResponse(
        {"verdict_label": _("đã ký số"), "report_url": reverse("outgoing:detail", args=[outgoing.pk])}, status=201
    )
