from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from qlvb.core.errors import DomainError, PermissionDenied
from qlvb.directory import passkeys
from qlvb.directory.errors import ErrorCode as DirectoryErrorCode
from qlvb.directory.selectors import acting_user, agency_of
from qlvb.directory.tokens import token_issue, token_revoke
from qlvb.directory.twofactor import twofactor_check, twofactor_enabled, twofactor_required

from .errors import ErrorCode

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str
    device: str = ""
    code: str = ""  # the authenticator app's code (or a recovery code) when two-factor sign-in is on


class TokenOut(Schema):
    token: str


class PasskeyTokenIn(Schema):
    credential: dict[str, Any]  # the PublicKeyCredential's JSON (``credential.toJSON()``)
    device: str = ""


class MeUnitOut(Schema):
    """The caller's unit or agency (``/me``); not the directory's ``UnitOut``."""

    id: int
    name: str
    short_name: str
    kind: str
    organ_id: str


class RoleOut(Schema):
    role: str
    unit_id: int
    unit_name: str


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    position: str
    email: str
    unit: MeUnitOut | None
    agency: MeUnitOut | None
    roles: list[RoleOut]


class UnauthorizedError(DomainError):
    status_code = 401


@router.post("/auth/token", auth=None, response={200: TokenOut}, summary="Lấy mã truy cập cá nhân")
def create_token(request: HttpRequest, payload: TokenIn) -> dict[str, str]:
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        raise UnauthorizedError("Tên tài khoản hoặc mật khẩu không đúng.", code=ErrorCode.BAD_CREDENTIALS)
    if twofactor_enabled(user) or twofactor_required(user):  # the API asks for the second step as well
        twofactor_check(user, payload.code[:32])
    return _token_for(request, user, payload.device)


def _token_for(request: HttpRequest, user: Any, device: str) -> dict[str, str]:
    if getattr(user, "must_change_password", False):  # an initial password set by an administrator
        raise PermissionDenied(
            "Cần đổi mật khẩu ban đầu (trang Đổi mật khẩu) trước khi lấy mã truy cập.",
            code=DirectoryErrorCode.PASSWORD_CHANGE_REQUIRED,
        )
    # A sign-in like any other: audited, last_login updated, the failure count reset (django-axes).
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return {"token": token_issue(user=user, name=device)}


@router.post(
    "/auth/passkey/options",
    auth=None,
    response={200: dict[str, Any]},
    summary="Yêu cầu đăng nhập bằng khóa (passkey) để lấy mã truy cập",
    description=(
        "Các tùy chọn cho `navigator.credentials.get` (khóa lưu trên thiết bị, bắt buộc xác minh người dùng). "
        "Thử thách dùng một lần, hết hạn sau `QLVB_PASSKEY_CHALLENGE_SECONDS` giây; gửi câu trả lời của thiết bị "
        "tới `/auth/passkey/token`."
    ),
)
def passkey_options(request: HttpRequest) -> HttpResponse:
    options = passkeys.passkey_api_options(request)
    return HttpResponse(options, content_type="application/json", headers={"Cache-Control": "no-store"})


@router.post(
    "/auth/passkey/token",
    auth=None,
    response={200: TokenOut},
    summary="Lấy mã truy cập cá nhân bằng khóa (passkey)",
    description="Cùng mã truy cập như `/auth/token`; khóa đã xác minh người dùng nên không hỏi bước thứ hai.",
)
def passkey_token(request: HttpRequest, payload: PasskeyTokenIn) -> dict[str, str]:
    credential = json.dumps(payload.credential, ensure_ascii=False)
    try:
        user = passkeys.passkey_api_sign_in(request, credential=credential)
    except passkeys.PasskeyRefusedError as refused:  # refused, audited: a failed sign-in answers 401
        raise UnauthorizedError(refused.message, code=refused.code) from refused
    request.qlvb_sign_in_method = "passkey"  # type: ignore[attr-defined]  # read by auth_audit
    return _token_for(request, user, payload.device)


@router.post("/auth/token/revoke", response={204: None}, summary="Thu hồi mã truy cập đang dùng")
def revoke_token(request: HttpRequest) -> Status[None]:
    header = request.headers.get("Authorization", "")
    key = header.split(" ", 1)[1] if header.lower().startswith("bearer ") else ""
    if not token_revoke(actor=request.user, key=key):  # type: ignore[arg-type]
        raise DomainError("Không có mã truy cập nào để thu hồi trong yêu cầu này.")
    return Status(204, None)


def _unit(unit: Any) -> dict[str, Any] | None:
    if unit is None:
        return None
    return {
        "id": unit.pk,
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "organ_id": unit.organ_id,
    }


@router.get("/me", response=MeOut, summary="Người dùng hiện tại, đơn vị và vai trò")
def me(request: HttpRequest) -> dict[str, Any]:
    user = acting_user(request)
    roles = user.role_assignments.select_related("unit").order_by("unit__name", "role")
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "position": user.position,
        "email": user.email,
        "unit": _unit(user.unit),
        "agency": _unit(agency_of(user)),
        "roles": [{"role": r.role, "unit_id": r.unit_id, "unit_name": r.unit.name} for r in roles],
    }
