"""Sign-in events go to the audit log, whichever way the sign-in happened (site, admin, API)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from qlvb.core import audit

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .models import User


@receiver(user_logged_in, dispatch_uid="qlvb_audit_sign_in")
def _signed_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    method = getattr(request, "qlvb_sign_in_method", "password")  # "sso": directory/sso.py
    audit.record("auth.sign_in", actor=user, obj=user, data={"method": method})
    if request is not None and hasattr(request, "session"):
        from .signins import session_record

        session_record(request, user)  # the "Phiên đăng nhập" page lists it


@receiver(user_logged_out, dispatch_uid="qlvb_audit_sign_out")
def _signed_out(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit.record("auth.sign_out", actor=user, obj=user)


@receiver(user_login_failed, dispatch_uid="qlvb_audit_sign_in_failed")
def _failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    audit.record("auth.sign_in_failed", username=username, data={"username": username})


@receiver(user_locked_out, dispatch_uid="qlvb_audit_locked_out")
def _locked_out(
    sender: Any, request: Any = None, username: str | None = None, ip_address: str | None = None, **kwargs: Any
) -> None:
    from .lockout import lockout_happened

    lockout_happened(username=username or "", ip=ip_address, scope="ip")
