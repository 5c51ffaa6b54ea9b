"""A person's devices: subscribe one (the browser's ``PushSubscription``), unsubscribe it, list them.

A subscription is checked before it is kept: the endpoint is an ``https`` URL of a known push service
(``QLVB_PUSH_HOSTS``; ``http://127.0.0.1`` only when ``QLVB_PUSH_ALLOW_LOCAL_HTTP``), ``p256dh`` a point
of the P-256 curve (65 bytes, uncompressed), ``auth`` 16 bytes; an endpoint another person subscribed is
refused (the same browser profile cannot carry two people's pushes)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from qlvb.core import audit
from qlvb.core.errors import Conflict, NotFound, ValidationFailed

from .models import PushSubscription
from .vapid import b64url_decode


def push_service_of(endpoint: str) -> str:
    return urlsplit(endpoint).hostname or ""


def _host_allowed(host: str) -> bool:
    for allowed in settings.QLVB_PUSH_HOSTS:
        allowed = allowed.strip().lower()
        if allowed.startswith(".") and (host.endswith(allowed) or host == allowed[1:]):
            return True
        if host == allowed:
            return True
    return False


def endpoint_check(endpoint: str) -> str:
    endpoint = (endpoint or "").strip()
    if not endpoint or len(endpoint) > 1000 or any(ord(c) < 33 for c in endpoint):
        raise ValidationFailed("Địa chỉ nhận thông báo (endpoint) không hợp lệ.")
    try:
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018  (a port that is no number raises)
    except ValueError:
        raise ValidationFailed("Địa chỉ nhận thông báo (endpoint) không hợp lệ.") from None
    if parts.username or parts.password or not host:
        raise ValidationFailed("Địa chỉ nhận thông báo (endpoint) không hợp lệ.")
    if parts.scheme == "http" and settings.QLVB_PUSH_ALLOW_LOCAL_HTTP and host in {"127.0.0.1", "localhost", "::1"}:
        return endpoint
    if parts.scheme != "https":
        raise ValidationFailed("Địa chỉ nhận thông báo phải dùng https.")
    if not _host_allowed(host):
        raise ValidationFailed(f"Dịch vụ đẩy thông báo “{host}” không nằm trong danh sách được phép.")
    return endpoint


def keys_check(p256dh: str, auth: str) -> tuple[str, str]:
    try:
        point = b64url_decode(p256dh or "")
    except ValueError:
        raise ValidationFailed("Khóa p256dh của thiết bị không đúng định dạng base64url.") from None
    if len(point) != 65 or point[0] != 4:
        raise ValidationFailed("Khóa p256dh của thiết bị phải là điểm P-256 dạng không nén (65 byte).")
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        raise ValidationFailed("Khóa p256dh của thiết bị không nằm trên đường cong P-256.") from None
    try:
        secret = b64url_decode(auth or "")
    except ValueError:
        raise ValidationFailed("Khóa auth của thiết bị không đúng định dạng base64url.") from None
    if len(secret) != 16:
        raise ValidationFailed("Khóa auth của thiết bị phải dài 16 byte.")
    return p256dh.strip().rstrip("="), auth.strip().rstrip("=")


@transaction.atomic
def push_subscription_create(*, actor: Any, endpoint: str, p256dh: str, auth: str, label: str = "") -> PushSubscription:
    """Keep the actor's device (again: the same endpoint of the same person is updated, not doubled)."""
    endpoint = endpoint_check(endpoint)
    p256dh, auth = keys_check(p256dh, auth)
    label = " ".join((label or "").split())[:200]
    found = PushSubscription.objects.select_for_update().filter(endpoint=endpoint).first()
    if found is not None and found.user_id != actor.pk:
        raise Conflict("Thiết bị này đang nhận thông báo của một tài khoản khác: không đăng ký được cho bạn.")
    if found is not None:
        found.p256dh, found.auth, found.failures = p256dh, auth, 0
        found.label = label or found.label
        found.save(update_fields=["p256dh", "auth", "failures", "label"])
        return found
    subscription = PushSubscription.objects.create(
        user=actor, endpoint=endpoint, p256dh=p256dh, auth=auth, label=label, created_at=timezone.now()
    )
    audit.record("push.subscribed", actor=actor, obj=subscription, data={"push_service": push_service_of(endpoint)})
    return subscription


def subscriptions_of(actor: Any) -> QuerySet[PushSubscription]:
    if not getattr(actor, "is_authenticated", False):
        return PushSubscription.objects.none()
    return PushSubscription.objects.filter(user_id=actor.pk)


@transaction.atomic
def push_subscription_delete(*, actor: Any, pk: int | None = None, endpoint: str | None = None) -> None:
    """Forget one of the actor's devices (by id or endpoint); another person's answers "not found"."""
    query = subscriptions_of(actor)
    found = (query.filter(pk=pk) if pk is not None else query.filter(endpoint=(endpoint or "").strip())).first()
    if found is None:
        raise NotFound("Không tìm thấy thiết bị nhận thông báo này.")
    audit.record("push.unsubscribed", actor=actor, obj=found, data={"push_service": push_service_of(found.endpoint)})
    found.delete()
