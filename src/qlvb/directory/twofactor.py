"""Two-factor sign-in (issue 15): a time-based code (TOTP, RFC 6238) of an authenticator app on the
person's phone, and ten single-use recovery codes; django-otp keeps the devices and their throttling.

Required for administrators (the system administrator and every holder of the ``admin`` role) when
``QLVB_2FA_ADMINS`` is on — the default in production —, for everyone with ``QLVB_2FA_EVERYONE``;
anyone may turn it on for himself. ``TwoFactorMiddleware`` sends a signed-in person who still owes the
second step to it; the services here decide and record every step in the audit log."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from qlvb.core import audit
from qlvb.core.errors import DomainError, PermissionDenied

from .errors import ErrorCode
from .twofactor_remember import remembered_devices_forget

if TYPE_CHECKING:
    from .models import User

APP_DEVICE = "Ứng dụng xác thực"
RECOVERY_DEVICE = "Mã khôi phục"
RECOVERY_COUNT = 10
SESSION_OWED = "qlvb_2fa_owed"


def twofactor_required(user: User) -> bool:
    if getattr(settings, "QLVB_2FA_EVERYONE", False):
        return True
    if not getattr(settings, "QLVB_2FA_ADMINS", False):
        return False
    return bool(user.is_superuser or "admin" in user.roles_for(None))


def app_device(user: User, *, confirmed: bool | None = True) -> TOTPDevice | None:
    query = TOTPDevice.objects.filter(user=user)
    if confirmed is not None:
        query = query.filter(confirmed=confirmed)
    return query.order_by("-id").first()


def twofactor_enabled(user: User) -> bool:
    return app_device(user) is not None


def _owed(user: User) -> bool:
    return twofactor_enabled(user) or twofactor_required(user)


def twofactor_pending(request: HttpRequest) -> bool:
    """The signed-in person still owes the second step (he has it on, or must have it). Decided at the
    sign-in and kept in the session: no query on the following requests."""
    user = request.user
    if not user.is_authenticated or getattr(user, "is_verified", lambda: True)():
        return False
    owed = request.session.get(SESSION_OWED)
    if owed is None:  # a session opened before this release
        owed = request.session[SESSION_OWED] = _owed(user)
    return bool(owed)


@receiver(user_logged_in)
def _on_sign_in(sender: object, request: HttpRequest | None, user: User, **_: object) -> None:
    if request is not None and hasattr(request, "session"):
        owed = request.session[SESSION_OWED] = _owed(user)
        if owed:
            _second_step_remembered(request, user)


def _second_step_remembered(request: HttpRequest, user: User) -> None:
    """A browser remembered for this person (``twofactor_remember.py``) passes the second step."""
    from .twofactor_remember import remembered_device

    device = remembered_device(request, user)
    if device is None:
        return
    otp_login(request, device)
    audit.record("auth.twofactor_verified", actor=user, obj=user, data={"with": "remembered_device"})


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    secret_base32: str
    uri: str


def _base32(key_hex: str) -> str:
    import base64

    return base64.b32encode(bytes.fromhex(key_hex)).decode("ascii").rstrip("=")


def twofactor_enrolment(user: User) -> Enrolment:
    """The unconfirmed app device of the person (made once, shown until confirmed)."""
    device = app_device(user, confirmed=False) or TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)
    secret = _base32(device.key)
    issuer = getattr(settings, "QLVB_2FA_ISSUER", "QLVB")
    label = quote(f"{issuer}:{user.username}")
    uri = f"otpauth://totp/{label}?secret={secret}&issuer={quote(issuer)}&digits={device.digits}&period={device.step}"
    return Enrolment(device=device, secret_base32=secret, uri=uri)


def _refuse_code(user: User, reason: str) -> DomainError:
    audit.record("auth.twofactor_failed", actor=user, obj=user, data={"reason": reason})
    return DomainError(
        "Mã xác thực không đúng hoặc đã dùng. Hãy nhập mã đang hiện trên ứng dụng.", code=ErrorCode.TWOFACTOR_CODE
    )


def _check_throttle(device: TOTPDevice | StaticDevice) -> None:
    allowed, details = device.verify_is_allowed()
    if not allowed:
        wait = ""
        if details and details.get("locked_until"):
            from django.utils import timezone

            seconds = max(1, int((details["locked_until"] - timezone.now()).total_seconds()))
            wait = f" {seconds} giây"
        raise DomainError(f"Đã nhập sai quá nhiều lần: hãy chờ{wait} rồi thử lại.", code=ErrorCode.TWOFACTOR_THROTTLED)


def twofactor_confirm(request: HttpRequest, user: User, code: str) -> list[str]:
    """Confirm the app with its first code; returns the new recovery codes (shown once)."""
    enrolment = app_device(user, confirmed=False)
    if enrolment is None:
        raise DomainError("Chưa tạo mã QR: hãy mở lại trang bật xác thực hai bước.", code=ErrorCode.TWOFACTOR_CODE)
    _check_throttle(enrolment)
    with transaction.atomic():
        if not enrolment.verify_token(code.strip().replace(" ", "")):
            error = _refuse_code(user, "enrolment")
        else:
            error = None
            TOTPDevice.objects.filter(user=user, confirmed=True).delete()
            remembered_devices_forget(user)  # a new app: the browsers remembered for the old one forget
            enrolment.confirmed = True
            enrolment.save(update_fields=["confirmed"])
            codes = _recovery_codes_issue(user)
            audit.record("auth.twofactor_enabled", actor=user, obj=user)
    if error is not None:
        raise error
    otp_login(request, enrolment)
    return codes


def _recovery_codes_issue(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(RECOVERY_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    audit.record("auth.recovery_codes_issued", actor=user, obj=user, data={"count": len(codes)})
    return [f"{code[:4]}-{code[4:]}" for code in codes]


def recovery_codes_renew(user: User) -> list[str]:
    if not twofactor_enabled(user):
        raise PermissionDenied("Hãy bật xác thực hai bước trước.")
    with transaction.atomic():
        return _recovery_codes_issue(user)


def twofactor_check(user: User, code: str) -> TOTPDevice | StaticDevice:
    """The device a second-step code belongs to (app code, or a recovery code — used up), else refused."""
    cleaned = code.strip().replace(" ", "").replace("-", "")
    device = app_device(user)
    if device is None:
        if twofactor_required(user):
            raise PermissionDenied(
                "Tài khoản này phải bật xác thực hai bước: đăng nhập trang web để bật trước.",
                code=ErrorCode.TWOFACTOR_REQUIRED,
            )
        raise DomainError("Bạn chưa bật xác thực hai bước.", code=ErrorCode.TWOFACTOR_CODE)
    recovery = StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE).first()
    used: TOTPDevice | StaticDevice | None = None
    if len(cleaned) == device.digits:
        _check_throttle(device)
        used = device if device.verify_token(cleaned) else None
    elif recovery is not None and len(cleaned) == 8:
        _check_throttle(recovery)
        used = recovery if recovery.verify_token(cleaned) else None
    if used is None:
        raise _refuse_code(user, "sign_in")
    kind = "recovery" if isinstance(used, StaticDevice) else "app"
    audit.record("auth.twofactor_verified", actor=user, obj=user, data={"with": kind})
    return used


def twofactor_verify(request: HttpRequest, user: User, code: str) -> str:
    """The second step of a sign-in on the web. Returns which kind of code was used."""
    used = twofactor_check(user, code)
    otp_login(request, used)
    return "recovery" if isinstance(used, StaticDevice) else "app"


def twofactor_disable(user: User) -> None:
    if twofactor_required(user):
        raise PermissionDenied(
            "Tài khoản quản trị bắt buộc xác thực hai bước: không tắt được.", code=ErrorCode.TWOFACTOR_REQUIRED
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()  # this session owes nothing more: it is verified
        StaticDevice.objects.filter(user=user).delete()
        remembered_devices_forget(user)
        audit.record("auth.twofactor_disabled", actor=user, obj=user)


def twofactor_reset(*, actor: User, user: User) -> None:
    """The administrator resets a person's two-factor sign-in: ``twofactor_reset.user_two_factor_reset``."""
    from .twofactor_reset import user_two_factor_reset

    user_two_factor_reset(actor=actor, user=user)


def current_code(device: TOTPDevice, ahead: int = 0) -> str:
    """The code the app shows now, or ``ahead`` periods later (for the tests, which play the phone: a
    code once accepted is never accepted again, so a second sign-in within 30 s takes the next one)."""
    totp = TOTP(device.bin_key, device.step, device.t0 - ahead * device.step, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
