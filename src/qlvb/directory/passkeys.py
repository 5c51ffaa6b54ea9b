"""Sign-in with a passkey (WebAuthn; py_webauthn checks every response): a person who signed in with his
password (and his second step, if he owes one) adds a passkey of his phone or computer — fingerprint, face
or screen lock —, then signs in with it alone: the device (something he has) and its user verification
(something he is or knows) make a passkey sign-in count as both factors.

* Credentials are **discoverable** (resident keys, user verification required): the sign-in page asks
  for no account name, and offers the passkey in the name field's suggestions (conditional UI) where the
  browser can.
* Each ceremony's **challenge** is random, kept in the browser's session with its purpose, spent by the
  first answer (right or wrong) and refused after ``QLVB_PASSKEY_CHALLENGE_SECONDS`` (120).
* The relying party is ``QLVB_PASSKEY_RP_ID`` (default: the host name of the request) and the accepted
  origins ``QLVB_PASSKEY_ORIGINS`` (default: the request's own origin); an answer made for another origin
  or site is refused.
* **Sign count**: an authenticator that counts must count up; a count that does not grow means a copied
  key: refused and audited (``reason: clone_suspected``).
* A locked account, or one locked out by wrong passwords (per address or per account), is refused as the
  password sign-in refuses it. Any other refusal — an unknown key, a key of another account than the one
  it claims, a wrong signature, another origin — gets one and the same message, which says nothing about
  which accounts exist; the audit log keeps the reason.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import auth
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import parse_authentication_credential_json, parse_registration_credential_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)
from webauthn.registration.verify_registration_response import VerifiedRegistration

from qlvb.core import audit
from qlvb.core.errors import DomainError, NotFound
from qlvb.core.request_context import client_ip_from

from .errors import ErrorCode
from .lockout import account_locked, lockout_message
from .models import Passkey, User
from .signins import device_label

BACKEND = "qlvb.directory.backends.AccountBackend"  # the session's backend: refuses a locked account later
SESSION_KEY = "qlvb_passkey_challenge"
REGISTER, SIGN_IN = "register", "sign_in"
KEPT_CHALLENGES = 4
CREDENTIAL_MAX_CHARS = 64 * 1024  # a browser's answer is a few kB; anything larger is not one


class PasskeyRefusedError(DomainError):
    status_code = 400


def _refused_message() -> str:
    return _(
        "Không đăng nhập được bằng khóa này: khóa không hợp lệ hoặc chưa được đăng ký trong hệ thống. "
        "Hãy đăng nhập bằng tên tài khoản và mật khẩu."
    )


def _expired_message() -> str:
    return _("Yêu cầu dùng khóa đăng nhập đã hết hạn hoặc đã được dùng. Hãy bấm lại nút để thử lần nữa.")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def relying_party(request: HttpRequest) -> tuple[str, list[str]]:
    """(RP id, accepted origins): from the settings, else from the request (its host, its origin)."""
    host = request.get_host()
    rp_id = settings.QLVB_PASSKEY_RP_ID or urlsplit(f"//{host}").hostname or host
    origins = list(settings.QLVB_PASSKEY_ORIGINS) or [f"{request.scheme}://{host}"]
    return rp_id, origins


def user_handle(user: User) -> bytes:
    """The id the authenticator keeps for the person: derived from the account with the site's secret, so
    it tells nothing about the account and needs no column of its own."""
    return hmac.new(settings.SECRET_KEY.encode(), f"passkey-user:{user.pk}".encode(), hashlib.sha256).digest()


def _challenge_keep(request: HttpRequest, purpose: str, challenge: bytes) -> None:
    """Keep the challenge in the session (a few at once: the sign-in page's suggestion and its button may
    each have one pending); the oldest go first."""
    kept = request.session.get(SESSION_KEY)
    kept = dict(kept) if isinstance(kept, dict) else {}
    kept[_b64(challenge)] = {"purpose": purpose, "at": time.time()}
    request.session[SESSION_KEY] = dict(sorted(kept.items(), key=lambda item: item[1]["at"])[-KEPT_CHALLENGES:])


def _challenge_take(request: HttpRequest, purpose: str, client_data_json: bytes) -> bytes:
    """The challenge the browser answered, removed at once (single use); refused when this browser was not
    given it, when it was for another ceremony, or when older than ``QLVB_PASSKEY_CHALLENGE_SECONDS``."""
    try:
        answered = str(json.loads(client_data_json).get("challenge", ""))
    except (ValueError, UnicodeDecodeError, AttributeError):
        answered = ""
    kept = request.session.get(SESSION_KEY)
    kept = dict(kept) if isinstance(kept, dict) else {}
    entry = kept.pop(answered, None) if answered else None
    request.session[SESSION_KEY] = kept
    request.session.save()  # spent even if what follows fails
    age = time.time() - float(entry.get("at", 0)) if isinstance(entry, dict) else None
    if (
        not isinstance(entry, dict)
        or entry.get("purpose") != purpose
        or age is None
        or not 0 <= age <= float(settings.QLVB_PASSKEY_CHALLENGE_SECONDS)
    ):
        raise PasskeyRefusedError(_expired_message(), code=ErrorCode.PASSKEY_CHALLENGE)
    return _unb64(answered)


def passkeys_of(user: User) -> QuerySet[Passkey]:
    """The person's passkeys ("thiết bị đã ghi nhớ"), most recently used first."""
    return Passkey.objects.filter(user=user).order_by("-last_used_at", "-created_at")


# --- adding a passkey --------------------------------------------------------------------------------


def passkey_registration_options(request: HttpRequest, *, actor: User) -> str:
    """The options (JSON) for ``navigator.credentials.create``: a discoverable key with user verification,
    none of the person's own keys again."""
    rp_id, _origins = relying_party(request)
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=str(settings.QLVB_PASSKEY_RP_NAME),
        user_id=user_handle(actor),
        user_name=actor.get_username(),
        user_display_name=actor.full_name or actor.get_username(),
        timeout=int(settings.QLVB_PASSKEY_CHALLENGE_SECONDS) * 1000,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            require_resident_key=True,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=_unb64(cid))
            for cid in Passkey.objects.filter(user=actor).values_list("credential_id", flat=True)
        ],
    )
    _challenge_keep(request, REGISTER, options.challenge)
    return options_to_json(options)


def passkey_register(request: HttpRequest, *, actor: User, credential: str, name: str = "") -> Passkey:
    """Check the browser's answer to the options above and keep the new passkey."""
    rp_id, origins = relying_party(request)
    try:
        if len(credential) > CREDENTIAL_MAX_CHARS:
            raise ValueError("too large")
        parsed = parse_registration_credential_json(credential)
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        raise PasskeyRefusedError(_("Dữ liệu khóa đăng nhập không hợp lệ."), code=ErrorCode.PASSKEY_INVALID) from exc
    challenge = _challenge_take(request, REGISTER, bytes(parsed.response.client_data_json))
    try:
        verified = verify_registration_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origins,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        audit.record("auth.passkey_refused", actor=actor, obj=actor, data={"reason": "registration_invalid"})
        raise PasskeyRefusedError(
            _("Thiết bị trả lời không hợp lệ (sai trang web hoặc chưa xác minh vân tay / khuôn mặt). Hãy thử lại."),
            code=ErrorCode.PASSKEY_INVALID,
        ) from exc
    credential_id = _b64(verified.credential_id)
    user_agent = request.headers.get("User-Agent", "")[:255]
    label = (name or "").strip()[:100] or device_label(user_agent)
    taken = PasskeyRefusedError(_("Khóa này đã được đăng ký."), code=ErrorCode.PASSKEY_INVALID)
    if Passkey.objects.filter(credential_id=credential_id).exists():
        raise taken
    try:
        with transaction.atomic():
            passkey = _passkey_create(actor, verified, credential_id=credential_id, label=label, user_agent=user_agent)
    except IntegrityError as exc:  # the same key added at the same moment by another request
        raise taken from exc
    return passkey


def _passkey_create(
    actor: User, verified: VerifiedRegistration, *, credential_id: str, label: str, user_agent: str
) -> Passkey:
    passkey = Passkey.objects.create(
        user=actor,
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        user_handle=_b64(user_handle(actor)),
        name=label,
        user_agent=user_agent,
        backed_up=verified.credential_backed_up,
    )
    audit.record("auth.passkey_added", actor=actor, obj=actor, data={"device": label, "passkey": passkey.pk})
    return passkey


@transaction.atomic
def passkey_remove(*, actor: User, passkey_id: int) -> None:
    """Remove (revoke) one of one's own passkeys; another person's and an unknown id answer alike."""
    passkey = Passkey.objects.filter(pk=passkey_id, user=actor).first()
    if passkey is None:
        raise NotFound(_("Không tìm thấy khóa đăng nhập."))
    passkey.delete()
    audit.record("auth.passkey_removed", actor=actor, obj=actor, data={"device": passkey.name, "passkey": passkey_id})


# --- signing in with a passkey -------------------------------------------------------------------------


def passkey_sign_in_options(request: HttpRequest) -> str:
    """The options (JSON) for ``navigator.credentials.get``: no account named (discoverable keys)."""
    rp_id, _origins = relying_party(request)
    options = generate_authentication_options(
        rp_id=rp_id,
        timeout=int(settings.QLVB_PASSKEY_CHALLENGE_SECONDS) * 1000,
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    _challenge_keep(request, SIGN_IN, options.challenge)
    return options_to_json(options)


@dataclass(frozen=True)
class _Answer:
    credential_id: str
    user_handle: str | None
    parsed: Any


def _answer(credential: str) -> _Answer:
    if len(credential) > CREDENTIAL_MAX_CHARS:
        raise ValueError("too large")
    parsed = parse_authentication_credential_json(credential)
    handle = parsed.response.user_handle
    return _Answer(_b64(parsed.raw_id), _b64(handle) if handle else None, parsed)


def _fail(reason: str, *, user: User | None = None, message: str | None = None, code: str = "") -> PasskeyRefusedError:
    audit.record(
        "auth.sign_in_failed",
        actor=None,
        obj=user,
        username=user.get_username() if user is not None else "",
        data={"method": "passkey", "reason": reason},
    )
    return PasskeyRefusedError(message or _refused_message(), code=code or ErrorCode.PASSKEY_INVALID)


def passkey_authenticate(
    request: HttpRequest, *, credential: str, take_challenge: Callable[[bytes], bytes]
) -> tuple[User, Passkey]:
    """Check a browser's answer (challenge — handed over by ``take_challenge`` from the client data —, origin,
    RP, user verification, signature, sign count) and count the key's use; signs no one in. Raises
    :class:`PasskeyRefusedError` (audited)."""
    rp_id, origins = relying_party(request)
    try:
        answer = _answer(credential)
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        raise _fail("malformed") from exc
    try:
        challenge = take_challenge(bytes(answer.parsed.response.client_data_json))
    except PasskeyRefusedError as exc:
        raise _fail("challenge", message=exc.message, code=exc.code) from exc
    passkey = Passkey.objects.select_related("user").filter(credential_id=answer.credential_id).first()
    if passkey is None:
        raise _fail("unknown_credential")
    user = passkey.user
    if answer.user_handle is not None and not hmac.compare_digest(answer.user_handle, passkey.user_handle):
        raise _fail("user_handle_mismatch")  # a key of one account presented as another's
    if not user.is_active:
        raise _fail(
            "account_locked",
            user=user,
            message=_("Tài khoản này đã bị khóa. Vui lòng liên hệ quản trị hệ thống."),
            code=ErrorCode.LOCKED_OUT,
        )
    credentials = {"username": user.get_username()}
    if account_locked(user.get_username()) or AxesProxyHandler.is_locked(request, credentials):
        account = account_locked(user.get_username())
        raise _fail("locked_out", user=user, message=lockout_message(account=account), code=ErrorCode.LOCKED_OUT)
    try:
        verified = verify_authentication_response(
            credential=answer.parsed,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origins,
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        reason = "clone_suspected" if "sign count" in str(exc) else "assertion_invalid"
        raise _fail(reason, user=user) from exc
    updated = Passkey.objects.filter(pk=passkey.pk, sign_count=passkey.sign_count).update(
        sign_count=verified.new_sign_count,
        last_used_at=timezone.now(),
        last_ip=client_ip_from(request),
        backed_up=verified.credential_backed_up,
    )
    if not updated:  # another sign-in with the same count won the race: one of the two is a copy
        raise _fail("clone_suspected", user=user)
    return user, passkey


def passkey_sign_in(request: HttpRequest, *, credential: str) -> User:
    """Check the browser's answer to the session's challenge, sign the person in with both factors done,
    and record it. Raises :class:`PasskeyRefusedError` (audited)."""
    user, passkey = passkey_authenticate(
        request, credential=credential, take_challenge=lambda data: _challenge_take(request, SIGN_IN, data)
    )
    if request.user.is_authenticated:
        auth.logout(request)
    request.qlvb_sign_in_method = "passkey"  # type: ignore[attr-defined]  # read by auth_audit
    auth.login(request, user, backend=BACKEND)
    from .twofactor import SESSION_OWED

    request.session[SESSION_OWED] = False  # the passkey is both factors
    request.session[SESSION_PASSKEY] = passkey.pk
    return user


# --- signing in with a passkey for the API (the app asks for a token, no session) ------------------------
# The challenge cannot live in a session the app does not keep: it is kept in the cache (Redis when
# QLVB_CACHE_URL is set: shared by every web node), under its own value, for QLVB_PASSKEY_CHALLENGE_SECONDS,
# and spent by the first answer that names it (the cache's delete says who removed it).
API_CHALLENGE_KEY = "passkey-api-challenge:"
API_CHALLENGE_MAX_CHARS = 200


def passkey_api_options(request: HttpRequest) -> str:
    """The options (JSON) for ``navigator.credentials.get`` of the API's sign-in (no account named)."""
    rp_id, _origins = relying_party(request)
    options = generate_authentication_options(
        rp_id=rp_id,
        timeout=int(settings.QLVB_PASSKEY_CHALLENGE_SECONDS) * 1000,
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    seconds = max(1, int(settings.QLVB_PASSKEY_CHALLENGE_SECONDS))
    cache.set(API_CHALLENGE_KEY + _b64(options.challenge), {"purpose": SIGN_IN, "at": time.time()}, timeout=seconds)
    return options_to_json(options)


def _api_challenge_take(client_data_json: bytes) -> bytes:
    """The API challenge the answer names, removed at once (single use, whoever answered); refused when
    never given, already spent or too old."""
    try:
        answered = str(json.loads(client_data_json).get("challenge", ""))
    except (ValueError, UnicodeDecodeError, AttributeError):
        answered = ""
    expired = PasskeyRefusedError(_expired_message(), code=ErrorCode.PASSKEY_CHALLENGE)
    if not answered or len(answered) > API_CHALLENGE_MAX_CHARS:
        raise expired
    key = API_CHALLENGE_KEY + answered
    entry = cache.get(key)
    if not isinstance(entry, dict) or not cache.delete(key):  # another request spent it first
        raise expired
    age = time.time() - float(entry.get("at", 0))
    if entry.get("purpose") != SIGN_IN or not 0 <= age <= float(settings.QLVB_PASSKEY_CHALLENGE_SECONDS):
        raise expired
    return _unb64(answered)


def passkey_api_sign_in(request: HttpRequest, *, credential: str) -> User:
    """The person whose passkey answered the API's challenge (the caller issues the token). Raises
    :class:`PasskeyRefusedError` (audited) as the page's sign-in does."""
    user, _passkey = passkey_authenticate(request, credential=credential, take_challenge=_api_challenge_take)
    return user


SESSION_PASSKEY = "qlvb_passkey"  # the passkey this session signed in with (marked on the list)


def parse_json_body(body: bytes) -> dict[str, Any]:
    """The JSON object of a request body, or {} for anything else."""
    try:
        data = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}
