"""``/api/v1/push``: the VAPID public key a browser subscribes with, and one's own devices (subscribe,
list, unsubscribe) — the same services as the devices page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from qlvb.core.bounds import Id
from qlvb.directory.selectors import acting_user

from . import subscriptions
from .models import PushSubscription
from .vapid import vapid_key

router = Router(tags=["push"])


class PushKeyOut(Schema):
    public_key: str = Field(..., description="applicationServerKey: điểm P-256 không nén, base64url")


class PushKeysIn(Schema):
    p256dh: str = Field(..., max_length=100)
    auth: str = Field(..., max_length=40)


class PushSubscriptionIn(Schema):
    """What ``PushSubscription.toJSON()`` gives in the browser."""

    endpoint: str = Field(..., max_length=1000)
    keys: PushKeysIn
    label: str = Field("", max_length=200)


class PushSubscriptionOut(Schema):
    id: int
    push_service: str
    label: str
    created_at: dt.datetime
    last_sent_at: dt.datetime | None


class PushEndpointIn(Schema):
    endpoint: str = Field(..., max_length=1000)


def _out(sub: PushSubscription) -> dict[str, Any]:
    return {
        "id": sub.pk,
        "push_service": subscriptions.push_service_of(sub.endpoint),
        "label": sub.label,
        "created_at": sub.created_at,
        "last_sent_at": sub.last_sent_at,
    }


@router.get("/key", response=PushKeyOut, summary="Khóa công khai VAPID để thiết bị đăng ký nhận thông báo")
def push_key(request: HttpRequest) -> dict[str, str]:
    acting_user(request)
    return {"public_key": vapid_key().public_key}


@router.get("/subscriptions", response=list[PushSubscriptionOut], summary="Thiết bị nhận thông báo của tôi")
def push_subscriptions(request: HttpRequest) -> list[dict[str, Any]]:
    return [_out(s) for s in subscriptions.subscriptions_of(acting_user(request))[:100]]


@router.post("/subscriptions", response={201: PushSubscriptionOut}, summary="Đăng ký thiết bị nhận thông báo")
def push_subscribe(request: HttpRequest, body: PushSubscriptionIn) -> Status:
    sub = subscriptions.push_subscription_create(
        actor=acting_user(request),
        endpoint=body.endpoint,
        p256dh=body.keys.p256dh,
        auth=body.keys.auth,
        label=body.label or request.headers.get("User-Agent", "")[:200],
    )
    return Status(201, _out(sub))


@router.post("/subscriptions/unsubscribe", response={204: None}, summary="Hủy thiết bị (theo endpoint)")
def push_unsubscribe(request: HttpRequest, body: PushEndpointIn) -> Status:
    subscriptions.push_subscription_delete(actor=acting_user(request), endpoint=body.endpoint)
    return Status(204, None)


@router.delete("/subscriptions/{int:subscription_id}", response={204: None}, summary="Hủy một thiết bị")
def push_subscription_delete(request: HttpRequest, subscription_id: Id) -> Status:
    subscriptions.push_subscription_delete(actor=acting_user(request), pk=subscription_id)
    return Status(204, None)
