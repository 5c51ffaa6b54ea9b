"""The administrator resets a person's two-factor sign-in (issue 15): he lost his phone, or the app was
wiped. "Đặt lại xác thực hai bước" on the person's page (``/quan-tri/nguoi-dung/<id>/``) calls
:func:`user_two_factor_reset`; :func:`user_two_factor_reset_refusal` is the one precondition the page (to
show the button) and the service (to refuse) share.

What the reset does, in one transaction: the person's authenticator app (TOTP devices) and recovery codes
are deleted, every browser remembered for him forgets (``twofactor_remember``), his sessions and API
tokens end; the audit log records ``user.twofactor_reset`` with what was removed; after commit the person
is told (a notification of kind "An toàn tài khoản"). At his next sign-in he sets the app up again — it is
required of an administrator under ``QLVB_2FA_ADMINS`` — or signs in with his password alone.

Who: a holder of ``directory.user_lock`` (the agency's ``admin``) in the person's unit, or the system
administrator; only the system administrator resets a system administrator. Another agency's
administrator cannot tell the person exists (404 on the page, :class:`NotFound` from the service)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from qlvb.core import audit, permissions
from qlvb.core.errors import Conflict, DomainError, NotFound, PermissionDenied

from . import policies
from .errors import ErrorCode
from .lockout import security_notify
from .twofactor_remember import remembered_devices_forget

if TYPE_CHECKING:
    from .models import User


def _may_act_over(actor: User, user: User) -> bool:
    if user.is_superuser and not actor.is_superuser:
        return False
    return actor.is_superuser or (user.unit is not None and permissions.has(actor, policies.USER_LOCK, unit=user.unit))


def user_two_factor_reset_refusal(*, actor: User, user: User) -> DomainError | None:
    """Why ``actor`` may not reset ``user``'s two-factor sign-in now, or None when he may.

    Another agency's person (or one outside the actor's right) → :class:`NotFound`: an outsider learns
    nothing; one's own → :class:`PermissionDenied` (turn it off or set it up again on "Đổi mật khẩu"); a
    person who has no app and no recovery codes → :class:`Conflict` (nothing to reset)."""
    if not _may_act_over(actor, user):
        return NotFound()
    if user.pk == actor.pk:
        return PermissionDenied(
            "Không tự đặt lại xác thực hai bước của chính mình: hãy vào “Đổi mật khẩu” để tắt hoặc thiết lập lại.",
            code=ErrorCode.TWOFACTOR_RESET_SELF,
        )
    if not (TOTPDevice.objects.filter(user=user).exists() or StaticDevice.objects.filter(user=user).exists()):
        return Conflict(
            "Người này chưa bật xác thực hai bước: không có gì để đặt lại.", code=ErrorCode.TWOFACTOR_NOT_SET
        )
    return None


def user_two_factor_reset(*, actor: User, user: User) -> dict[str, int]:
    """Reset ``user``'s two-factor sign-in (see the module). Returns what was removed:
    ``{"authenticator_apps": …, "recovery_codes": …, "sessions_ended": …, "tokens_revoked": …}``."""
    from .signins import user_sessions_end

    refusal = user_two_factor_reset_refusal(actor=actor, user=user)
    if refusal is not None:
        raise refusal
    with transaction.atomic():
        codes = StaticToken.objects.filter(device__user=user).count()
        apps, _ = TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        remembered_devices_forget(user)
        ended = user_sessions_end(actor=actor, user=user)
        removed = {
            "authenticator_apps": apps,
            "recovery_codes": codes,
            "sessions_ended": ended.sessions,
            "tokens_revoked": ended.tokens,
        }
        audit.record("user.twofactor_reset", actor=actor, obj=user, data=removed)
        when = timezone.localtime().strftime("%H:%M %d/%m/%Y")
        security_notify(
            user,
            f"Quản trị ({actor.full_name or actor.username}) đã đặt lại xác thực hai bước của bạn lúc {when}: "
            "ứng dụng xác thực và mã khôi phục cũ không dùng được nữa. "
            "Ở lần đăng nhập sau, hãy thiết lập lại ứng dụng xác thực. "
            "Nếu bạn không đề nghị việc này, hãy báo ngay quản trị hệ thống.",
        )
    return removed
