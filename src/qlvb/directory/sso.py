"""Sign-in with the official e-mail account (Điều 7.2.c): OpenID Connect, authorization code flow with
PKCE, state and nonce (mozilla-django-oidc), against the provider named by ``QLVB_OIDC_ISSUER``.

The provider's endpoints come from its discovery document, whose ``issuer`` must be the configured one.
The ID token must be signed RS256 by a key of the provider's JWKS, name the configured issuer, have this
system's client id as audience, carry the nonce of this browser's request and not be expired. The
person is the **existing, active** account whose e-mail is the token's (compared case-insensitively
after NFC); nobody is created. A locked account, or one locked out by wrong passwords, is refused. The
sign-in is audited as ``auth.sign_in`` with ``method: sso`` and every refusal as ``auth.sign_in_failed``
with its reason; the two-factor rule (``twofactor.py``) still applies afterwards unless
``QLVB_OIDC_TRUST_MFA`` says the provider asks for a second factor itself."""

from __future__ import annotations

import time
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from qlvb.core import audit
from qlvb.core.errors import DomainError
from qlvb.core.text import nfc

from .errors import ErrorCode
from .lockout import account_locked, lockout_message
from .models import User

BACKEND = "qlvb.directory.sso.OfficialEmailBackend"
CALLBACK_URL = "web:sso_callback"
SIGN_ALGORITHM = "RS256"

MESSAGES: dict[ErrorCode, Any] = {
    ErrorCode.SSO_NOT_CONFIGURED: _("Hệ thống chưa cấu hình đăng nhập bằng tài khoản thư công vụ."),
    ErrorCode.SSO_PROVIDER: _(
        "Không đăng nhập được qua máy chủ thư công vụ (không kết nối được hoặc máy chủ từ chối). "
        "Vui lòng thử lại sau hoặc đăng nhập bằng mật khẩu."
    ),
    ErrorCode.SSO_ISSUER: _(
        "Máy chủ đăng nhập trả lời không phải là máy chủ thư công vụ đã cấu hình (sai bên phát hành). "
        "Đăng nhập bị từ chối; vui lòng báo quản trị hệ thống."
    ),
    ErrorCode.SSO_TOKEN_EXPIRED: _("Thông tin đăng nhập từ máy chủ thư công vụ đã hết hạn. Vui lòng đăng nhập lại."),
    ErrorCode.SSO_TOKEN_INVALID: _(
        "Thông tin đăng nhập từ máy chủ thư công vụ không hợp lệ (chữ ký, đối tượng hoặc mã dùng một lần "
        "không khớp). Đăng nhập bị từ chối."
    ),
    ErrorCode.SSO_STATE: _(
        "Yêu cầu đăng nhập không hợp lệ hoặc đã được dùng (mã trạng thái không khớp). Vui lòng đăng nhập lại."
    ),
    ErrorCode.SSO_NO_EMAIL: _("Máy chủ thư công vụ không cho biết địa chỉ thư đã xác minh của tài khoản này."),
    ErrorCode.SSO_UNKNOWN_EMAIL: _(
        "Tài khoản thư công vụ này chưa gắn với người dùng nào trong hệ thống. "
        "Vui lòng liên hệ quản trị hệ thống để cập nhật địa chỉ thư của bạn."
    ),
    ErrorCode.SSO_AMBIGUOUS_EMAIL: _(
        "Địa chỉ thư công vụ này gắn với nhiều tài khoản trong hệ thống. Vui lòng liên hệ quản trị hệ thống."
    ),
    ErrorCode.SSO_ACCOUNT_LOCKED: _("Tài khoản này đã bị khóa. Vui lòng liên hệ quản trị hệ thống."),
}


class SsoRefusedError(DomainError):
    status_code = 403

    def __init__(self, code: ErrorCode, message: str | None = None) -> None:
        super().__init__(message or MESSAGES[code], code=code)


def sso_enabled() -> bool:
    return bool(settings.QLVB_OIDC_ISSUER and settings.QLVB_OIDC_CLIENT_ID and settings.QLVB_OIDC_CLIENT_SECRET)


def _issuer() -> str:
    return str(settings.QLVB_OIDC_ISSUER).rstrip("/")


_configurations: dict[str, tuple[float, dict[str, Any]]] = {}


def provider_configuration() -> dict[str, Any]:
    """The provider's discovery document, kept ``QLVB_OIDC_DISCOVERY_SECONDS`` in this process; its
    ``issuer`` must be the configured one. (The JWKS is fetched at every sign-in: a rotated key is seen
    at once.)"""
    if not sso_enabled():
        raise SsoRefusedError(ErrorCode.SSO_NOT_CONFIGURED)
    kept = _configurations.get(_issuer())
    if kept is not None and time.monotonic() - kept[0] < float(settings.QLVB_OIDC_DISCOVERY_SECONDS):
        return kept[1]
    try:
        answer = requests.get(
            f"{_issuer()}/.well-known/openid-configuration", timeout=float(settings.QLVB_OIDC_TIMEOUT)
        )
        answer.raise_for_status()
        document: dict[str, Any] = answer.json()
    except (requests.RequestException, ValueError) as exc:
        raise SsoRefusedError(ErrorCode.SSO_PROVIDER) from exc
    if str(document.get("issuer", "")).rstrip("/") != _issuer():
        raise SsoRefusedError(ErrorCode.SSO_ISSUER)
    _configurations[_issuer()] = (time.monotonic(), document)
    return document


def provider_configuration_forget() -> None:
    _configurations.clear()


_DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def oidc_setting(attr: str, *default: Any, configuration: dict[str, Any] | None = None) -> Any:
    """mozilla-django-oidc's settings, from ours (``QLVB_OIDC_*``) and the discovery document."""
    if attr in _DISCOVERED:
        return (configuration or provider_configuration())[_DISCOVERED[attr]]
    fixed: dict[str, Any] = {
        "OIDC_RP_CLIENT_ID": settings.QLVB_OIDC_CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": settings.QLVB_OIDC_CLIENT_SECRET,
        "OIDC_RP_SIGN_ALGO": SIGN_ALGORITHM,
        "OIDC_RP_IDP_SIGN_KEY": None,
        "OIDC_RP_SCOPES": "openid email",
        "OIDC_USE_NONCE": True,
        "OIDC_USE_PKCE": True,
        "OIDC_PKCE_CODE_CHALLENGE_METHOD": "S256",
        "OIDC_AUTHENTICATION_CALLBACK_URL": CALLBACK_URL,
        "OIDC_CREATE_USER": False,
        "OIDC_VERIFY_KID": True,
        "OIDC_ALLOW_UNSECURED_JWT": False,
        "OIDC_TIMEOUT": float(settings.QLVB_OIDC_TIMEOUT),
        "OIDC_STORE_ACCESS_TOKEN": False,
        "OIDC_STORE_ID_TOKEN": False,
    }
    if attr in fixed:
        return fixed[attr]
    return import_from_settings(attr, *default)


class OfficialEmailBackend(OIDCAuthenticationBackend):
    """The session's backend after an SSO sign-in (``get_user`` refuses an inactive account). It never
    authenticates through ``django.contrib.auth.authenticate``: the sign-in is :func:`sso_callback`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # cheap: built for every request's session
        self.UserModel = get_user_model()

    def authenticate(self, request: Any, **kwargs: Any) -> None:
        return None

    def configure(self, request: HttpRequest) -> None:
        configuration = provider_configuration()
        self.request = request
        self.OIDC_OP_TOKEN_ENDPOINT = configuration["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = configuration.get("userinfo_endpoint", "")
        self.OIDC_OP_JWKS_ENDPOINT = configuration["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = settings.QLVB_OIDC_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.QLVB_OIDC_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = SIGN_ALGORITHM
        self.OIDC_RP_IDP_SIGN_KEY = None

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return oidc_setting(attr, *args)

    def get_payload_data(self, token: bytes | str, key: Any) -> dict[str, Any]:
        """The ID token's claims: RS256 signature by the provider's key, issuer, audience, expiry."""
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[SIGN_ALGORITHM],
                issuer=_issuer(),
                audience=settings.QLVB_OIDC_CLIENT_ID,
                leeway=float(settings.QLVB_OIDC_LEEWAY_SECONDS),
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise SsoRefusedError(ErrorCode.SSO_TOKEN_EXPIRED) from exc
        except jwt.InvalidIssuerError as exc:
            raise SsoRefusedError(ErrorCode.SSO_ISSUER) from exc
        except jwt.PyJWTError as exc:
            raise SsoRefusedError(ErrorCode.SSO_TOKEN_INVALID) from exc
        return claims

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The library's check (a key of the JWKS with the token's key id, the nonce) and ours above."""
        try:
            claims: dict[str, Any] = super().verify_token(token, **kwargs)
        except SuspiciousOperation as exc:  # no key of the JWKS fits, another nonce, another algorithm
            raise SsoRefusedError(ErrorCode.SSO_TOKEN_INVALID) from exc
        return claims

    def verified_claims(
        self, request: HttpRequest, *, code: str, nonce: str | None, code_verifier: str | None
    ) -> dict[str, Any]:
        """Trade the code for the tokens (with the PKCE verifier) and check the ID token; the claims
        with the e-mail (from the ID token, or else from the user-info endpoint)."""
        self.configure(request)
        payload = {
            "client_id": self.OIDC_RP_CLIENT_ID,
            "client_secret": self.OIDC_RP_CLIENT_SECRET,
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": request.build_absolute_uri(reverse(CALLBACK_URL)),
            "code_verifier": code_verifier,
        }
        try:
            tokens = self.get_token(payload)
            claims: dict[str, Any] = self.verify_token(tokens.get("id_token"), nonce=nonce)
            if not claims.get("email") and self.OIDC_OP_USER_ENDPOINT:
                info = self.get_userinfo(tokens.get("access_token"), tokens.get("id_token"), claims)
                if info.get("sub") == claims["sub"]:
                    claims = {**info, **claims}
        except SuspiciousOperation as exc:  # no key of the JWKS fits, the nonce differs, …
            raise SsoRefusedError(ErrorCode.SSO_TOKEN_INVALID) from exc
        except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
            raise SsoRefusedError(ErrorCode.SSO_PROVIDER) from exc
        return claims


def official_email(claims: dict[str, Any]) -> str:
    email = claims.get("email")
    if not isinstance(email, str) or not email.strip() or claims.get("email_verified") is False:
        raise SsoRefusedError(ErrorCode.SSO_NO_EMAIL)
    return nfc(email).strip().lower()


def account_for_email(email: str) -> User:
    """The one account whose e-mail is ``email`` (case-insensitive, NFC); never created."""
    wanted = nfc(email).strip().lower()
    found = [u for u in User.objects.filter(email__iexact=wanted) if nfc(u.email).strip().lower() == wanted]
    if not found:
        raise SsoRefusedError(ErrorCode.SSO_UNKNOWN_EMAIL)
    if len(found) > 1:
        raise SsoRefusedError(ErrorCode.SSO_AMBIGUOUS_EMAIL)
    user = found[0]
    if not user.is_active:
        raise SsoRefusedError(ErrorCode.SSO_ACCOUNT_LOCKED)
    if account_locked(user.get_username()):
        raise SsoRefusedError(ErrorCode.SSO_ACCOUNT_LOCKED, lockout_message(account=True))
    return user


def _state_entry(request: HttpRequest) -> tuple[str, dict[str, Any]]:
    """The code and this browser's stored nonce and PKCE verifier for the callback's state, used once."""
    if request.GET.get("error"):
        states = request.session.get("oidc_states") or {}
        states.pop(request.GET.get("state", ""), None)
        request.session["oidc_states"] = states
        raise SsoRefusedError(ErrorCode.SSO_PROVIDER)
    code, state = request.GET.get("code", ""), request.GET.get("state", "")
    states = request.session.get("oidc_states")
    if not code or not state or not isinstance(states, dict) or state not in states:
        raise SsoRefusedError(ErrorCode.SSO_STATE)
    entry: dict[str, Any] = states.pop(state)
    request.session["oidc_states"] = states
    request.session.save()  # the state is spent even if what follows fails
    return code, entry


def _refused(
    request: HttpRequest, error: SsoRefusedError, *, email: str = "", user: User | None = None
) -> SsoRefusedError:
    username = user.get_username() if user is not None else email
    audit.record(
        "auth.sign_in_failed",
        actor=None,
        obj=user,
        username=username[:150],
        data={"method": "sso", "reason": str(error.code), "email": email},
    )
    return error


def sso_callback(request: HttpRequest) -> User:
    """The provider sent the browser back: check everything, sign the person in, record it. Raises
    :class:`SsoRefusedError` (recorded) and leaves nobody signed in otherwise."""
    email = ""
    try:
        code, entry = _state_entry(request)
        claims = OfficialEmailBackend().verified_claims(
            request, code=code, nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier")
        )
        email = official_email(claims)
        user = account_for_email(email)
    except SsoRefusedError as error:
        locked = None
        if error.code == ErrorCode.SSO_ACCOUNT_LOCKED:
            locked = User.objects.filter(email__iexact=email).first()
        raise _refused(request, error, email=email, user=locked) from error
    if request.user.is_authenticated:
        auth.logout(request)
    request.qlvb_sign_in_method = "sso"  # type: ignore[attr-defined]  # read by auth_audit
    auth.login(request, user, backend=BACKEND)
    if settings.QLVB_OIDC_TRUST_MFA:
        from .twofactor import SESSION_OWED

        request.session[SESSION_OWED] = False  # the provider asked for the second factor
    return user
