"""“Ghi nhớ thiết bị này trong 30 ngày”: after a second step passed with the app (or a recovery code), the
person may let this browser skip the code at his next sign-ins with the password for
``QLVB_2FA_REMEMBER_DAYS`` days (30).

The browser keeps one cookie, ``qlvb_2fa_device``: httpOnly, ``SameSite=Lax``, ``Secure`` on HTTPS,
signed with ``SECRET_KEY`` (``django.core.signing``, with its time: older than the days, refused). It
holds the person's id and a fingerprint — an HMAC of his password hash, his app device (id and secret
key) and his ``User.remembered_devices_epoch`` — so it stops working at once when:

- he changes his password or an administrator resets it (the hash changes);
- his two-factor sign-in is turned off, set up again with a new app, or reset by an administrator (the
  device changes; the epoch is also bumped);
- “Đăng xuất mọi nơi” — his own (every other place) or the administrator's — bumps the epoch.

The cookie never replaces the password: it is read only after a sign-in with the password, only for
the person it names. Each use is in the audit log (``auth.twofactor_verified`` with ``"with":
"remembered_device"``); each remembering too (``auth.device_remembered``)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare, salted_hmac

from qlvb.core import audit

if TYPE_CHECKING:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .models import User

COOKIE = "qlvb_2fa_device"
_SALT = "qlvb.directory.twofactor_remember"


def remember_days() -> int:
    return int(getattr(settings, "QLVB_2FA_REMEMBER_DAYS", 30))


def _fingerprint(user: User, device: TOTPDevice) -> str:
    state = f"{user.pk}|{user.password}|{device.pk}|{device.key}|{user.remembered_devices_epoch}"
    return salted_hmac(_SALT, state, algorithm="sha256").hexdigest()


def _current_device(user: User) -> TOTPDevice | None:
    from .twofactor import app_device

    return app_device(user)


def device_remember(request: HttpRequest, response: HttpResponse, user: User) -> bool:
    """Set the cookie on ``response`` (after a second step just passed). False when the person has no
    confirmed app (nothing to remember)."""
    device = _current_device(user)
    if device is None or remember_days() <= 0:
        return False
    value = signing.dumps({"u": user.pk, "f": _fingerprint(user, device)}, salt=_SALT)
    response.set_cookie(
        COOKIE,
        value,
        max_age=remember_days() * 86400,
        httponly=True,
        secure=request.is_secure() or bool(getattr(settings, "SESSION_COOKIE_SECURE", False)),
        samesite="Lax",
    )
    audit.record("auth.device_remembered", actor=user, obj=user, data={"days": remember_days()})
    return True


def remembered_device(request: HttpRequest, user: User) -> TOTPDevice | None:
    """The app device the browser's cookie stands for, when the cookie is this person's, signed, younger
    than the days and its fingerprint matches his password and two-factor state now; else None."""
    raw = request.COOKIES.get(COOKIE)
    if not raw:
        return None
    try:
        data = signing.loads(raw, salt=_SALT, max_age=dt.timedelta(days=remember_days()))
    except signing.BadSignature:  # forged, altered or expired (SignatureExpired is a BadSignature)
        return None
    if not isinstance(data, dict) or data.get("u") != user.pk:
        return None
    device = _current_device(user)
    if device is None or not constant_time_compare(_fingerprint(user, device), str(data.get("f", ""))):
        return None
    return device


def remembered_devices_forget(user: User) -> None:
    """Every "remember this device" cookie of the person stops working (the epoch in the fingerprint)."""
    from .models import User as UserModel

    UserModel.objects.filter(pk=user.pk).update(remembered_devices_epoch=F("remembered_devices_epoch") + 1)
    user.refresh_from_db(fields=["remembered_devices_epoch"])
