"""Sign-in lockout (django-axes, with an account-wide lock on top) and telling the person about it.

Two locks, each configurable:

* per account name and address: ``QLVB_LOGIN_FAILURE_LIMIT`` (5) wrong passwords from one address lock
  that address out of that account for ``QLVB_LOGIN_COOLOFF_MINUTES`` (15) — django-axes;
* per account: ``QLVB_ACCOUNT_FAILURE_LIMIT`` (default: the same 5) wrong passwords from any addresses,
  counted since the last successful sign-in and within ``QLVB_ACCOUNT_COOLOFF_MINUTES`` (60), lock the account itself
  from every address until the oldest of them ages out — so spreading guesses over many addresses
  does not help.

Every wrong password counts, wherever it was typed: the sign-in page, the admin, ``POST /auth/token``
and the current password of ``/me/password`` (``password_check_counted``). When a lock happens the
person gets an in-app notification and the audit log an ``auth.locked_out`` entry (once per lock).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username
from axes.models import AccessFailureLog
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext

from qlvb.core import audit
from qlvb.core.errors import DomainError

from .errors import ErrorCode

if TYPE_CHECKING:
    from .models import User

# Callables (user, text) told of a lockout; the notifications app registers one at start-up
# (layer 2 does not import the layers above it).
_lockout_notifiers: list[Callable[[User, str], None]] = []


def lockout_notifier_register(notifier: Callable[[User, str], None]) -> None:
    if notifier not in _lockout_notifiers:
        _lockout_notifiers.append(notifier)


def security_notify(user: User, text: str) -> None:
    """Tell ``user`` of something done to his account's security (a lockout, a two-factor reset): the same
    notifiers, which send after the transaction commits (notification kind "An toàn tài khoản")."""
    for notify in _lockout_notifiers:
        notify(user, text)


def _account_window_start(username: str) -> Any:
    from .models import User

    since = timezone.now() - timedelta(minutes=float(settings.QLVB_ACCOUNT_COOLOFF_MINUTES))
    last_login = User.objects.filter(username=username).values_list("last_login", flat=True).first()
    return max(since, last_login) if last_login else since


def account_failures(username: str) -> int:
    """Wrong passwords for this account, from any address, since its last sign-in and in the window."""
    return AccessFailureLog.objects.filter(username=username, attempt_time__gte=_account_window_start(username)).count()


def account_locked(username: str) -> bool:
    return bool(username) and account_failures(username) >= int(settings.QLVB_ACCOUNT_FAILURE_LIMIT)


def lockout_message(*, account: bool = False) -> str:
    if account:
        minutes = round(float(settings.QLVB_ACCOUNT_COOLOFF_MINUTES))
        return gettext(
            "Tài khoản tạm thời bị khóa do nhập sai mật khẩu %(limit)d lần (từ một hoặc nhiều địa chỉ). "
            "Vui lòng thử lại sau %(minutes)d phút hoặc liên hệ quản trị hệ thống."
        ) % {"limit": int(settings.QLVB_ACCOUNT_FAILURE_LIMIT), "minutes": minutes}
    minutes = round(float(settings.AXES_COOLOFF_TIME) * 60)
    return gettext(
        "Tài khoản tạm thời bị khóa do nhập sai mật khẩu %(limit)d lần liên tiếp. "
        "Vui lòng thử lại sau %(minutes)d phút hoặc liên hệ quản trị hệ thống."
    ) % {"limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}


def _message_for(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The account's message while the (longer) account lock holds, the per-address one otherwise."""
    username = get_client_username(request, credentials) if credentials else None
    return lockout_message(account=bool(username) and account_locked(str(username)))


def lockout_response(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """django-axes calls this when a sign-in is refused by a lock: (request, response, credentials)."""
    credentials = kwargs.get("credentials") or next((a for a in reversed(args) if isinstance(a, dict)), None)
    message = _message_for(request, credentials)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(request, "web/login.html", {"lockout": message, "form": None}, status=429)


def lockout_happened(*, username: str, ip: str | None, scope: str) -> None:
    """Record the lock and tell the person — once per lock, however many refused tries follow."""
    from qlvb.core.models import AuditEntry

    from .models import User

    if scope == "account":
        minutes = float(settings.QLVB_ACCOUNT_COOLOFF_MINUTES)
    else:
        minutes = float(settings.AXES_COOLOFF_TIME) * 60
    since = timezone.now() - timedelta(minutes=minutes)
    recent = AuditEntry.objects.filter(
        action="auth.locked_out", actor_username=username[:150], created_at__gte=since, data__scope=scope
    )
    if scope == "ip":
        recent = recent.filter(ip=ip)
    if recent.exists():
        return
    user = User.objects.filter(username=username).first()
    told_lately = AuditEntry.objects.filter(
        action="auth.locked_out",
        actor_username=username[:150],
        created_at__gte=timezone.now() - timedelta(minutes=float(settings.AXES_COOLOFF_TIME) * 60),
    ).exists()  # both locks often fall on the same guess: one notification
    audit.record(
        "auth.locked_out",
        actor=None,
        username=username[:150],
        ip=ip,
        obj=user,
        data={"username": username, "scope": scope},
    )
    if user is None or told_lately:
        return
    when = timezone.localtime().strftime("%H:%M %d/%m/%Y")
    text = (
        f"Tài khoản của bạn bị tạm khóa lúc {when} do nhập sai mật khẩu nhiều lần "
        f"(lần gần nhất từ địa chỉ {ip or 'không rõ'}). "
        "Nếu không phải bạn, hãy đổi mật khẩu và báo quản trị hệ thống."
    )
    security_notify(user, text)


class AccountLockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler plus the account-wide lock (``AXES_HANDLER``)."""

    def is_locked(self, request: Any, credentials: dict[str, Any] | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        username = get_client_username(request, credentials)
        return bool(username) and account_locked(str(username))

    def user_login_failed(self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None:
            return
        username = get_client_username(request, credentials)
        if username and account_locked(str(username)):
            request.axes_locked_out = True
            request.axes_credentials = credentials
            lockout_happened(username=str(username), ip=getattr(request, "axes_ip_address", None), scope="account")


class LockedOutError(DomainError):
    status_code = 429


def password_check_counted(request: HttpRequest, user: User, password: str) -> bool:
    """Check a signed-in person's current password (e.g. before changing it) as a sign-in would: refused
    while locked out, a wrong one counted with the sign-in failures and able to lock the account."""
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        raise LockedOutError(_message_for(request, credentials), code=ErrorCode.LOCKED_OUT)
    if user.check_password(password):
        return True
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    if getattr(request, "axes_locked_out", False):
        request.axes_locked_out = False  # type: ignore[attr-defined]  # answered here, not replaced by the middleware's page
        raise LockedOutError(_message_for(request, credentials), code=ErrorCode.LOCKED_OUT)
    return False
