"""The webhook calls of the integration API (scope ``receive_events``): a system manages its own
subscriptions, on behalf of the acting person (``X-Acting-User``), whose sight then filters the payloads.
Thin: ``webhook_services`` decides. Registered on ``integration_api`` by ``api.py``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from qlvb.core.bounds import Id, PageNumber

from .auth import caller
from .models import DeliveryState, Scope, Subscription, WebhookDelivery
from .scopes import scope_require
from .webhook_services import (
    delivery_get,
    delivery_replay,
    subscription_create,
    subscription_get,
    subscription_pause,
    subscription_resume,
    subscription_secret_rotate,
    subscriptions_of,
)

router = Router(tags=["webhooks"])
PAGE = 50


class WebhookIn(Schema):
    url: str
    kinds: list[str]


def _out(sub: Subscription, secret: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": sub.pk,
        "url": sub.url,
        "kinds": sub.kinds,
        "user_code": sub.user_code,
        "active": sub.active,
        "paused_reason": sub.paused_reason,
        "failure_streak": sub.failure_streak,
        "secret_set_at": sub.secret_set_at.isoformat(),
    }
    if secret is not None:
        body["secret"] = secret
    return body


def _delivery_out(d: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": d.pk,
        "event": d.event_key,
        "kind": d.kind,
        "state": d.state,
        "attempts": d.attempts,
        "last_status_code": d.last_status_code,
        "last_error": d.last_error,
        "created_at": d.created_at.isoformat(),
        "delivered_at": d.delivered_at.isoformat() if d.delivered_at else None,
        "next_attempt_at": d.next_attempt_at.isoformat() if d.state == DeliveryState.PENDING else None,
    }


def _sub(request: HttpRequest, pk: int) -> Subscription:
    call = caller(request)
    scope_require(call.system, Scope.RECEIVE_EVENTS)
    return subscription_get(call.system, pk)


@router.get("/webhooks", summary="Các đăng ký nhận sự kiện của hệ thống")
def webhooks_list(request: HttpRequest) -> dict[str, Any]:
    call = caller(request)
    scope_require(call.system, Scope.RECEIVE_EVENTS)
    return {"results": [_out(s) for s in subscriptions_of(call.system)]}


@router.post("/webhooks", response={201: dict}, summary="Đăng ký địa chỉ nhận sự kiện (khóa ký chỉ trả về một lần)")
def webhook_create(request: HttpRequest, payload: WebhookIn) -> Status:
    call = caller(request)
    scope_require(call.system, Scope.RECEIVE_EVENTS)
    code = request.headers.get("X-Acting-User", "").strip()
    issued = subscription_create(
        actor=call.person, system=call.system, url=payload.url, kinds=payload.kinds, user_code=code
    )
    return Status(201, _out(issued.subscription, issued.secret))


@router.get("/webhooks/{pk}", summary="Một đăng ký nhận sự kiện")
def webhook_get(request: HttpRequest, pk: Id) -> dict[str, Any]:
    return _out(_sub(request, pk))


@router.post("/webhooks/{pk}/rotate-secret", summary="Cấp lại khóa ký (trả về một lần)")
def webhook_rotate(request: HttpRequest, pk: Id) -> dict[str, Any]:
    issued = subscription_secret_rotate(actor=caller(request).person, sub=_sub(request, pk))
    return _out(issued.subscription, issued.secret)


@router.post("/webhooks/{pk}/pause", summary="Tạm dừng gửi sự kiện")
def webhook_pause(request: HttpRequest, pk: Id) -> dict[str, Any]:
    return _out(subscription_pause(actor=caller(request).person, sub=_sub(request, pk)))


@router.post("/webhooks/{pk}/resume", summary="Tiếp tục gửi sự kiện (các sự kiện đang chờ được gửi)")
def webhook_resume(request: HttpRequest, pk: Id) -> dict[str, Any]:
    return _out(subscription_resume(actor=caller(request).person, sub=_sub(request, pk)))


@router.get("/webhooks/{pk}/deliveries", summary="Nhật ký gửi (state: pending, delivered, failed)")
def webhook_deliveries(request: HttpRequest, pk: Id, state: str = "", page: PageNumber = 1) -> dict[str, Any]:
    rows = _sub(request, pk).deliveries.order_by("-pk")
    if state in DeliveryState.values:
        rows = rows.filter(state=state)
    count = rows.count()
    return {
        "count": count,
        "page": page,
        "results": [_delivery_out(d) for d in rows[(page - 1) * PAGE : page * PAGE]],
    }


@router.post("/webhooks/{pk}/deliveries/{delivery_id}/replay", summary="Gửi lại một sự kiện gửi không thành công")
def webhook_replay(request: HttpRequest, pk: Id, delivery_id: Id) -> dict[str, Any]:
    sub = _sub(request, pk)
    delivery = delivery_get(sub, delivery_id)
    return _delivery_out(delivery_replay(actor=caller(request).person, sub=sub, delivery=delivery))
