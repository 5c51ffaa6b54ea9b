"""The administrator's webhook pages, under the connected system's page (thin: ``webhook_services``
decides): the subscriptions with the form to add one (its secret shown once, on the answer), and one
subscription's page — rotate the secret, pause, resume, its delivery log with each attempt, replay a
failed delivery."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from qlvb.core.errors import DomainError, NotFound
from qlvb.directory.selectors import acting_user

from .accounts import system_get
from .models import CodeKind, ConnectedSystem, DeliveryState, EventKind, Subscription
from .views import _agency_or_404, _no_store
from .webhook_services import (
    IssuedSecret,
    check_pause,
    check_replay,
    check_resume,
    delivery_get,
    delivery_replay,
    subscription_create,
    subscription_get,
    subscription_pause,
    subscription_resume,
    subscription_secret_rotate,
    subscriptions_of,
)


def _system(request: HttpRequest, pk: int) -> ConnectedSystem:
    _agency_or_404(acting_user(request))
    try:
        return system_get(acting_user(request), pk=pk)
    except NotFound as exc:
        raise Http404 from exc


def _allowed(check: object, *args: object) -> bool:
    try:
        check(*args)  # type: ignore[operator]
    except DomainError:
        return False
    return True


@login_required
def webhooks_page(request: HttpRequest, pk: int) -> HttpResponse:
    system = _system(request, pk)
    issued: IssuedSecret | None = None
    error = ""
    posted: dict[str, object] = {}
    if request.method == "POST":
        posted = {
            "url": request.POST.get("url", ""),
            "kinds": request.POST.getlist("kinds"),
            "user_code": request.POST.get("user_code", ""),
        }
        try:
            issued = subscription_create(
                actor=acting_user(request),
                system=system,
                url=str(posted["url"]),
                kinds=request.POST.getlist("kinds"),
                user_code=str(posted["user_code"]),
            )
        except DomainError as exc:
            error = exc.message
    codes = system.codes.filter(kind=CodeKind.USER).select_related("user").order_by("code")
    return _no_store(
        render(
            request,
            "integrations/webhooks.html",
            {
                "system": system,
                "subscriptions": subscriptions_of(system),
                "kinds": EventKind.choices,
                "codes": codes,
                "issued": issued,
                "error": error,
                "posted": posted if error else {},
            },
            status=422 if error else 200,
        )
    )


def _act(request: HttpRequest, sub: Subscription) -> IssuedSecret | None:
    actor = acting_user(request)
    action = request.POST.get("action", "")
    if action == "rotate":
        return subscription_secret_rotate(actor=actor, sub=sub)
    if action == "pause":
        subscription_pause(actor=actor, sub=sub)
        messages.success(request, _("Đã tạm dừng gửi sự kiện."))
    elif action == "resume":
        subscription_resume(actor=actor, sub=sub)
        messages.success(request, _("Đã tiếp tục gửi sự kiện; các sự kiện đang chờ được gửi đi."))
    elif action == "replay":
        delivery_replay(actor=actor, sub=sub, delivery=delivery_get(sub, request.POST.get("delivery", "")))
        messages.success(request, _("Đã đưa sự kiện vào hàng đợi gửi lại."))
    else:
        raise DomainError(_("Thao tác không hợp lệ."))
    return None


@login_required
def webhook_page(request: HttpRequest, pk: int, sub_pk: int) -> HttpResponse:
    system = _system(request, pk)
    try:
        sub = subscription_get(system, sub_pk)
    except NotFound as exc:
        raise Http404 from exc
    issued: IssuedSecret | None = None
    error = ""
    if request.method == "POST":
        try:
            issued = _act(request, sub)
            if issued is None:
                return redirect("integrations:webhook", pk=system.pk, sub_pk=sub.pk)
        except DomainError as exc:
            error = exc.message
        sub.refresh_from_db()
    state = request.GET.get("state", "")
    deliveries = sub.deliveries.prefetch_related("log").order_by("-pk")
    if state in DeliveryState.values:
        deliveries = deliveries.filter(state=state)
    page = Paginator(deliveries, 50).get_page(request.GET.get("page"))
    for delivery in page:
        delivery.can_replay = _allowed(check_replay, delivery, sub)  # type: ignore[attr-defined]
    return _no_store(
        render(
            request,
            "integrations/webhook.html",
            {
                "system": system,
                "sub": sub,
                "issued": issued,
                "error": error,
                "page": page,
                "state": state,
                "states": DeliveryState.choices,
                "can_pause": _allowed(check_pause, sub),
                "can_resume": _allowed(check_resume, sub),
            },
            status=422 if error else 200,
        )
    )
