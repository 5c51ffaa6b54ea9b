"""The writes on webhook subscriptions, shared by the administrator's page and the integration API: create
(the secret shown once), rotate the secret, pause, resume (the deliveries held meanwhile go out), replay a
failed delivery. Each checks its one precondition (``check_*``, also asked by the page's buttons), changes,
records its audit entry and queues the sending after the commit."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.core import audit
from qlvb.core.errors import Conflict, NotFound, ValidationFailed
from qlvb.directory.models import User

from .errors import ErrorCode
from .mapping import person_for
from .models import ConnectedSystem, DeliveryState, EventKind, Scope, Subscription, WebhookDelivery
from .webhook_address import literal_refusal
from .webhook_secrets import secret_new, secret_seal
from .webhooks import max_attempts


@dataclass
class IssuedSecret:
    """A subscription with its secret, shown once and never again."""

    subscription: Subscription
    secret: str


def url_check(url: str) -> str:
    """An https address (plain http only to the hosts of ``QLVB_WEBHOOK_HTTP_HOSTS``: tests, local set-ups),
    with no user name or password in it, and not a literal address of the server itself or of the cloud's
    metadata service (``webhook_address``; names are checked at every connection)."""
    url = (url or "").strip()
    if not url or len(url) > 500:
        raise ValidationFailed(_("Nhập địa chỉ nhận sự kiện (URL), tối đa 500 ký tự."), code=ErrorCode.WEBHOOK_URL)
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018  (a port that is not a number raises here)
    except ValueError:
        raise ValidationFailed(_("Địa chỉ nhận sự kiện không hợp lệ."), code=ErrorCode.WEBHOOK_URL) from None
    if parts.username or parts.password:
        raise ValidationFailed(
            _("Không ghi tên đăng nhập hay mật khẩu trong địa chỉ nhận: bên nhận kiểm tra chữ ký X-Qlvb-Signature."),
            code=ErrorCode.WEBHOOK_URL,
        )
    plain_ok = parts.scheme == "http" and host in getattr(settings, "QLVB_WEBHOOK_HTTP_HOSTS", [])
    if not host or (parts.scheme != "https" and not plain_ok):
        raise ValidationFailed(
            _("Địa chỉ nhận sự kiện phải dùng https:// (bảo mật đường truyền)."), code=ErrorCode.WEBHOOK_URL
        )
    refusal = literal_refusal(url)
    if refusal:
        raise ValidationFailed(
            _("Không nhận địa chỉ này: %(reason)s. Sự kiện chỉ gửi tới hệ thống khác, không gửi vào chính máy chủ.")
            % {"reason": refusal},
            code=ErrorCode.WEBHOOK_URL,
        )
    return url


def kinds_check(kinds: list[str]) -> list[str]:
    unknown = [k for k in kinds if k not in EventKind.values]
    if unknown or not kinds:
        raise ValidationFailed(
            _("Chọn ít nhất một loại sự kiện hợp lệ (không có: %(kinds)s).") % {"kinds": ", ".join(unknown)[:200]}
            if unknown
            else _("Chọn ít nhất một loại sự kiện hợp lệ."),
            code=ErrorCode.WEBHOOK_KINDS,
        )
    return [k for k in EventKind.values if k in kinds]


def check_receive(system: ConnectedSystem) -> None:
    if system.revoked_at is not None:
        raise Conflict(_("Hệ thống đã bị thu hồi quyền truy cập."), code=ErrorCode.REVOKED)
    if Scope.RECEIVE_EVENTS not in system.scopes:
        raise ValidationFailed(
            _("Hệ thống kết nối “%(name)s” không được cấp quyền nhận sự kiện (webhook).") % {"name": system.name},
            code=ErrorCode.NOT_ALLOWED,
        )


def subscriptions_of(system: ConnectedSystem) -> list[Subscription]:
    return list(Subscription.objects.filter(system=system).order_by("pk"))


def subscription_get(system: ConnectedSystem, pk: object) -> Subscription:
    """A subscription of ``system``; any other answers like a missing one."""
    try:
        key = int(str(pk))
    except ValueError:
        raise NotFound(_("Không tìm thấy đăng ký nhận sự kiện.")) from None
    found = Subscription.objects.filter(system=system, pk=key).select_related("system").first()
    if found is None:
        raise NotFound(_("Không tìm thấy đăng ký nhận sự kiện."))
    return found


def _audit(action: str, actor: User | None, sub: Subscription, **data: object) -> None:
    audit.record(action, actor=actor, obj=sub.system, data={"subscription": sub.pk, "url": sub.url, **data})


@transaction.atomic
def subscription_create(
    *, actor: User, system: ConnectedSystem, url: str, kinds: list[str], user_code: str
) -> IssuedSecret:
    """``system`` already checked by the caller (the administrator's ``system_get``, or the system's own
    token); ``user_code`` names the person whose sight filters every payload."""
    check_receive(system)
    url = url_check(url)
    kinds = kinds_check(kinds)
    person_for(system, user_code.strip())
    secret = secret_new()
    sub = Subscription.objects.create(
        system=system,
        url=url,
        kinds=kinds,
        user_code=user_code.strip()[:64],
        secret_sealed=secret_seal(secret),
        secret_set_at=timezone.now(),
        created_by=actor,
    )
    _audit("integrations.webhook_created", actor, sub, kinds=kinds, user_code=sub.user_code)
    return IssuedSecret(subscription=sub, secret=secret)


@transaction.atomic
def subscription_secret_rotate(*, actor: User, sub: Subscription) -> IssuedSecret:
    """A new secret (shown once); the next attempt of every delivery is signed with it."""
    sub = Subscription.objects.select_for_update().select_related("system").get(pk=sub.pk)
    secret = secret_new()
    sub.secret_sealed = secret_seal(secret)
    sub.secret_set_at = timezone.now()
    sub.save(update_fields=["secret_sealed", "secret_set_at"])
    _audit("integrations.webhook_secret_rotated", actor, sub)
    return IssuedSecret(subscription=sub, secret=secret)


def check_pause(sub: Subscription) -> None:
    if not sub.active:
        raise Conflict(_("Đăng ký nhận sự kiện đang tạm dừng."), code=ErrorCode.PAUSED)


@transaction.atomic
def subscription_pause(*, actor: User, sub: Subscription) -> Subscription:
    sub = Subscription.objects.select_for_update().select_related("system").get(pk=sub.pk)
    check_pause(sub)
    sub.active, sub.paused_at = False, timezone.now()
    sub.paused_reason = f"Tạm dừng bởi {actor.full_name}."[:300]
    sub.save(update_fields=["active", "paused_at", "paused_reason"])
    _audit("integrations.webhook_paused", actor, sub)
    return sub


def check_resume(sub: Subscription) -> None:
    if sub.active:
        raise Conflict(_("Đăng ký nhận sự kiện đang hoạt động."), code=ErrorCode.INVALID_REQUEST)
    check_receive(sub.system)


def _queue(ids: list[int]) -> None:
    from .tasks import webhook_deliver

    for pk in ids:
        transaction.on_commit(partial(webhook_deliver.delay, pk))


@transaction.atomic
def subscription_resume(*, actor: User, sub: Subscription) -> Subscription:
    """Active again, failures forgotten; the deliveries held while it was paused go out now."""
    sub = Subscription.objects.select_for_update().select_related("system").get(pk=sub.pk)
    check_resume(sub)
    sub.active, sub.paused_at, sub.paused_reason, sub.failure_streak = True, None, "", 0
    sub.save(update_fields=["active", "paused_at", "paused_reason", "failure_streak"])
    held = sub.deliveries.filter(state=DeliveryState.PENDING)
    held.update(next_attempt_at=timezone.now(), claimed_until=None)
    ids = list(held.values_list("pk", flat=True)[:1000])  # the beat job takes any further ones
    _audit("integrations.webhook_resumed", actor, sub, held=len(ids))
    _queue(ids)
    return sub


def delivery_get(sub: Subscription, pk: object) -> WebhookDelivery:
    try:
        key = int(str(pk))
    except ValueError:
        raise NotFound(_("Không tìm thấy lần gửi sự kiện.")) from None
    found = WebhookDelivery.objects.filter(subscription=sub, pk=key).first()
    if found is None:
        raise NotFound(_("Không tìm thấy lần gửi sự kiện."))
    return found


def check_replay(delivery: WebhookDelivery, sub: Subscription) -> None:
    if delivery.state != DeliveryState.FAILED:
        raise Conflict(_("Chỉ gửi lại được sự kiện đã gửi không thành công."), code=ErrorCode.NOT_FAILED)
    if not sub.active:
        raise Conflict(
            _("Đăng ký nhận sự kiện đang tạm dừng: tiếp tục đăng ký trước khi gửi lại."), code=ErrorCode.PAUSED
        )


@transaction.atomic
def delivery_replay(*, actor: User, sub: Subscription, delivery: WebhookDelivery) -> WebhookDelivery:
    """A failed delivery sent again (the same body and delivery id, new tries)."""
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk, subscription=sub)
    sub = Subscription.objects.select_related("system").get(pk=sub.pk)
    check_replay(delivery, sub)
    delivery.state = DeliveryState.PENDING
    delivery.tries_left = max_attempts()
    delivery.next_attempt_at = timezone.now()
    delivery.claimed_until = None
    delivery.save(update_fields=["state", "tries_left", "next_attempt_at", "claimed_until"])
    _audit("integrations.webhook_replayed", actor, sub, delivery=delivery.pk, event=delivery.event_key)
    _queue([delivery.pk])
    return delivery
