"""REST endpoints of the directory at /api/v1/directory: units, people, account names, locking and
roles. Each endpoint parses, calls one selector or service (which checks the right), and answers."""

# No ``from __future__ import annotations`` here: django-ninja reads the annotations of the
# endpoints (``Query[UserFilter]``) at import time to build the OpenAPI schema.

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from qlvb.core.bounds import BoundedLimitOffset, Id

from . import selectors, services, signins
from . import units as unit_changes
from .models import Unit, User
from .tokens import bearer_token_hash

router = Router(tags=["directory"])


class UnitNode(Schema):
    id: int
    kind: str
    name: str
    short_name: str
    organ_id: str
    organ_id_warning: str
    username_prefix: str
    parent_id: int | None
    agency_id: int | None
    is_active: bool
    children: list["UnitNode"]


UnitNode.model_rebuild()


class UnitIn(Schema):
    kind: str = Field(..., description="agency | department")
    name: str
    short_name: str
    parent: Id | None = None
    organ_id: str = ""
    username_prefix: str = ""
    external: bool = False


class UnitOut(Schema):
    id: int
    kind: str
    name: str
    short_name: str
    organ_id: str
    organ_id_warning: str
    username_prefix: str
    parent_id: int | None
    agency_id: int | None
    external: bool


class RoleOut(Schema):
    role: str
    unit_id: int
    unit_name: str


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    position: str
    email: str
    phone: str
    unit_id: int | None
    unit_name: str
    agency_id: int | None
    is_active: bool
    locked_reason: str
    roles: list[RoleOut]

    @staticmethod
    def resolve_unit_name(obj: User) -> str:
        return obj.unit.name if obj.unit else ""

    @staticmethod
    def resolve_agency_id(obj: User) -> int | None:
        return obj.unit.agency_id if obj.unit else None

    @staticmethod
    def resolve_roles(obj: User) -> list[dict[str, Any]]:
        assignments = obj.role_assignments.all()
        return [{"role": r.role, "unit_id": r.unit_id, "unit_name": r.unit.name} for r in assignments]


class RoleIn(Schema):
    role: str
    unit: Id


class UserIn(Schema):
    full_name: str
    unit: Id
    position: str = ""
    email: str = ""
    phone: str = ""
    username: str = Field("", description="Để trống: dùng tên theo quy tắc Điều 7.2.")
    password: str | None = None
    roles: list[RoleIn] = []


class UserFilter(Schema):
    unit: Id | None = None
    q: str = Field("", description="Tìm theo họ tên hoặc tên tài khoản, không phân biệt dấu.")
    include_locked: bool = True


class LockIn(Schema):
    reason: str


class PasswordResetIn(Schema):
    new_password: str


class PasswordIn(Schema):
    old_password: str
    new_password: str


class ProposalOut(Schema):
    username: str


def _with_roles(user: User) -> User:
    """The user as the API shows it (fresh roles: a service may just have changed them)."""
    return User.objects.select_related("unit").prefetch_related("role_assignments__unit").get(pk=user.pk)


_actor = selectors.acting_user  # the router's auth has made sure of a signed-in user


@router.get("/units", response=list[UnitNode], summary="Cây đơn vị của cơ quan mình (và cấp dưới)")
def units(request: HttpRequest) -> list[dict[str, Any]]:
    return selectors.unit_tree(_actor(request))


@router.post("/units", response={201: UnitOut}, summary="Tạo cơ quan hoặc phòng ban")
def unit_create(request: HttpRequest, payload: UnitIn) -> Status[Unit]:
    actor = _actor(request)
    parent = selectors.unit_get(actor, unit_id=payload.parent) if payload.parent is not None else None
    unit = services.unit_create(
        actor=actor,
        kind=payload.kind,
        name=payload.name,
        short_name=payload.short_name,
        parent=parent,
        organ_id=payload.organ_id,
        username_prefix=payload.username_prefix,
        external=payload.external,
    )
    return Status(201, unit)


@router.get("/users", response=list[UserOut], summary="Danh sách người dùng")
@paginate(BoundedLimitOffset)
def users(request: HttpRequest, filters: Query[UserFilter]) -> Any:
    actor = _actor(request)
    unit = selectors.unit_get(actor, unit_id=filters.unit) if filters.unit is not None else None
    qs = selectors.users_visible_to(actor, unit=unit, q=filters.q, include_locked=filters.include_locked)
    return qs.prefetch_related("role_assignments__unit")


@router.get("/users/{user_id}", response=UserOut, summary="Một người dùng")
def user_detail(request: HttpRequest, user_id: Id) -> User:
    return _with_roles(selectors.user_get(_actor(request), user_id=user_id))


@router.get("/username-proposal", response=ProposalOut, summary="Tên tài khoản đề xuất (Điều 7.2)")
def username_proposal(request: HttpRequest, unit: Id, full_name: str) -> dict[str, str]:
    actor = _actor(request)
    target = selectors.unit_get(actor, unit_id=unit)
    return {"username": services.username_proposal(actor=actor, unit=target, full_name=full_name)}


@router.post("/users", response={201: UserOut}, summary="Tạo tài khoản")
def user_create(request: HttpRequest, payload: UserIn) -> Status[User]:
    actor = _actor(request)
    data = services.NewUser(
        full_name=payload.full_name,
        unit=selectors.unit_get(actor, unit_id=payload.unit),
        position=payload.position,
        email=payload.email,
        phone=payload.phone,
        username=payload.username,
        password=payload.password,
        roles=[(r.role, selectors.unit_get(actor, unit_id=r.unit)) for r in payload.roles],
    )
    return Status(201, _with_roles(services.user_create(actor=actor, data=data)))


@router.post("/users/{user_id}/lock", response=UserOut, summary="Khóa tài khoản (Điều 22.1.c)")
def user_lock(request: HttpRequest, user_id: Id, payload: LockIn) -> User:
    actor = _actor(request)
    user = services.user_lock(actor=actor, user=selectors.user_get(actor, user_id=user_id), reason=payload.reason)
    return _with_roles(user)


@router.post(
    "/users/{user_id}/password-reset",
    response=UserOut,
    summary="Đặt lại mật khẩu ban đầu (người dùng phải đổi ở lần đăng nhập sau)",
)
def user_password_reset(request: HttpRequest, user_id: Id, payload: PasswordResetIn) -> User:
    actor = _actor(request)
    user = selectors.user_get(actor, user_id=user_id)
    return _with_roles(services.user_password_reset(actor=actor, user=user, new_password=payload.new_password))


@router.post("/users/{user_id}/unlock", response=UserOut, summary="Mở khóa tài khoản")
def user_unlock(request: HttpRequest, user_id: Id) -> User:
    actor = _actor(request)
    return _with_roles(services.user_unlock(actor=actor, user=selectors.user_get(actor, user_id=user_id)))


@router.post("/users/{user_id}/roles", response={201: RoleOut}, summary="Gán vai trò")
def role_grant(request: HttpRequest, user_id: Id, payload: RoleIn) -> Status[dict[str, Any]]:
    actor = _actor(request)
    user, unit = selectors.user_get(actor, user_id=user_id), selectors.unit_get(actor, unit_id=payload.unit)
    assignment = services.role_grant(actor=actor, user=user, role=payload.role, unit=unit)
    return Status(201, {"role": assignment.role, "unit_id": unit.pk, "unit_name": unit.name})


@router.delete("/users/{user_id}/roles/{unit_id}/{role}", response={204: None}, summary="Bỏ vai trò")
def role_revoke(request: HttpRequest, user_id: Id, unit_id: Id, role: str) -> Status[None]:
    actor = _actor(request)
    user, unit = selectors.user_get(actor, user_id=user_id), selectors.unit_get(actor, unit_id=unit_id)
    services.role_revoke(actor=actor, user=user, role=role, unit=unit)
    return Status(204, None)


@router.post("/me/password", response={204: None}, summary="Đổi mật khẩu của mình")
def password_change(request: HttpRequest, payload: PasswordIn) -> Status[None]:
    services.user_change_password(
        actor=_actor(request),
        old_password=payload.old_password,
        new_password=payload.new_password,
        request=request,
    )
    return Status(204, None)


# --- the agency's units after creation (directory/units.py) -------------------------------------------


class UnitUpdateIn(Schema):
    name: str
    short_name: str
    organ_id: str = ""


class UnitMoveIn(Schema):
    parent: Id


def _managed_unit(request: HttpRequest, unit_id: int) -> Unit:
    from qlvb.core.errors import NotFound

    unit = selectors.units_managed_by(_actor(request)).filter(pk=unit_id).first()
    if unit is None:
        raise NotFound("Không tìm thấy đơn vị hoặc bạn không có quyền quản lý.")
    return unit


@router.patch("/units/{unit_id}", response=UnitOut, summary="Đổi tên, tên viết tắt, mã định danh của đơn vị")
def unit_update(request: HttpRequest, unit_id: Id, payload: UnitUpdateIn) -> Unit:
    unit = _managed_unit(request, unit_id)
    return unit_changes.unit_update(
        actor=_actor(request), unit=unit, name=payload.name, short_name=payload.short_name, organ_id=payload.organ_id
    )


@router.post("/units/{unit_id}/move", response=UnitOut, summary="Chuyển phòng ban sang đơn vị cấp trên khác")
def unit_move(request: HttpRequest, unit_id: Id, payload: UnitMoveIn) -> Unit:
    unit, parent = _managed_unit(request, unit_id), _managed_unit(request, payload.parent)
    return unit_changes.unit_move(actor=_actor(request), unit=unit, parent=parent)


@router.post("/units/{unit_id}/close", response=UnitOut, summary="Giải thể phòng ban")
def unit_close(request: HttpRequest, unit_id: Id) -> Unit:
    return unit_changes.unit_close(actor=_actor(request), unit=_managed_unit(request, unit_id))


# --- one's own sessions and tokens (directory/signins.py) ----------------------------------------------


class WebSessionOut(Schema):
    id: int
    device: str
    ip: str | None
    signed_in_at: Any
    last_seen_at: Any


class SessionTokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: Any
    last_used_at: Any
    expires_at: Any
    current: bool


class SessionsOut(Schema):
    sessions: list[WebSessionOut]
    tokens: list[SessionTokenOut]


class EndedOut(Schema):
    sessions_ended: int
    tokens_revoked: int


@router.get("/me/sessions", response=SessionsOut, summary="Các phiên đăng nhập và mã truy cập của mình")
def my_sessions(request: HttpRequest) -> dict[str, Any]:
    actor = _actor(request)
    current = bearer_token_hash(request)
    sessions = [
        {
            "id": s.pk,
            "device": signins.device_label(s.user_agent),
            "ip": s.ip,
            "signed_in_at": s.signed_in_at,
            "last_seen_at": s.last_seen_at,
        }
        for s in signins.sessions_of(actor)
    ]
    tokens = [
        {
            "id": t.pk,
            "name": t.name,
            "prefix": t.prefix,
            "created_at": t.created_at,
            "last_used_at": t.last_used_at,
            "expires_at": t.expires_at,
            "current": t.key_hash == current,
        }
        for t in signins.tokens_of(actor)
    ]
    return {"sessions": sessions, "tokens": tokens}


@router.post("/me/sessions/end-others", response=EndedOut, summary="Đăng xuất mọi nơi khác")
def my_sessions_end_others(request: HttpRequest) -> dict[str, int]:
    ended = signins.sessions_end_others(actor=_actor(request), request=request)
    return {"sessions_ended": ended.sessions, "tokens_revoked": ended.tokens}


@router.delete("/me/sessions/{session_id}", response={204: None}, summary="Đăng xuất một phiên trình duyệt")
def my_session_end(request: HttpRequest, session_id: Id) -> Status[None]:
    signins.session_end(actor=_actor(request), session_id=session_id)
    return Status(204, None)


router.add_router("", "qlvb.directory.delegation_api.router")  # /delegations (ủy quyền): delegation_api.py
