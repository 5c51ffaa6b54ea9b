"""Every write on units, accounts and roles: checks the right, validates, changes, audits."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from qlvb.core import audit
from qlvb.core.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from qlvb.core.permissions import ROLES, Permission, require
from qlvb.core.text import nfc

from . import policies
from .accounts import propose_username
from .agency_codes import organ_id_validate
from .errors import ErrorCode
from .lockout import password_check_counted
from .models import ORGAN_ID_RE, ApiToken, RoleAssignment, Unit, UnitKind, User
from .tokens import bearer_token_hash

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.]{0,149}$")


def _require_in(actor: User, permission: Permission, unit: Unit | None) -> None:
    """``require`` scoped to a unit. Outside any unit (a unit-less account such as the deployment's
    superuser, or a new top-level agency) only a superuser acts: an agency's administrator must not
    reach beyond his own tree through an empty scope."""
    if unit is None and not actor.is_superuser:
        raise PermissionDenied(f"Bạn không có quyền: {permission.label}.")
    require(actor, permission, unit=unit)


def _require_over_user(actor: User, permission: Permission, user: User) -> None:
    """The right over a person: held in the person's unit; only a superuser acts on a superuser."""
    if user.is_superuser and not actor.is_superuser:
        raise PermissionDenied(f"Bạn không có quyền: {permission.label}.")
    _require_in(actor, permission, user.unit)


@dataclass
class OrganIdCheck:
    value: str
    warning: str = ""


def organ_id_check(value: str, *, external: bool) -> OrganIdCheck:
    """Own agencies must have a well-formed ``organ_id``; an outside agency's odd code is kept with a
    warning, because real traffic carries such codes (conformance README)."""
    value = value.strip()
    if not value or ORGAN_ID_RE.match(value):
        return OrganIdCheck(value)
    message = f"Mã định danh “{value}” không đúng định dạng 000.00.00.X00."
    if external:
        return OrganIdCheck(value, warning=message)
    raise ValidationFailed(message, code=ErrorCode.ORGAN_ID_FORMAT)


@transaction.atomic
def unit_create(
    *,
    actor: User | None,
    kind: str,
    name: str,
    short_name: str,
    parent: Unit | None = None,
    organ_id: str = "",
    username_prefix: str = "",
    external: bool = False,
) -> Unit:
    """Create an agency or a department. ``actor=None`` only for system set-up (demo, migrations)."""
    if actor is not None:
        if parent is None and external:
            require(actor, policies.UNIT_MANAGE)  # an outside agency (sender, recipient) is no one's tree
        else:
            _require_in(actor, policies.UNIT_MANAGE, parent)
    if kind not in UnitKind.values:
        raise ValidationFailed(f"Loại đơn vị không hợp lệ: {kind}.")
    if kind == UnitKind.DEPARTMENT and parent is None:
        raise ValidationFailed("Phòng ban phải thuộc một cơ quan.")
    if parent is not None and parent.external:
        raise ValidationFailed("Không tạo đơn vị trực thuộc cơ quan ngoài hệ thống.")
    if kind == UnitKind.DEPARTMENT and external:
        raise ValidationFailed("Chỉ cơ quan mới có thể là cơ quan ngoài hệ thống.")
    if not nfc(name) or not nfc(short_name):
        raise ValidationFailed("Cần nhập tên đầy đủ và tên viết tắt của đơn vị.")
    check = organ_id_check(organ_id, external=external)
    if kind == UnitKind.AGENCY and not external and not check.value:
        raise ValidationFailed("Cơ quan trong hệ thống phải có mã định danh.")
    if username_prefix and not username_prefix.isascii():
        raise ValidationFailed("Tiền tố tài khoản chỉ gồm chữ cái không dấu và chữ số.")
    try:
        with transaction.atomic():
            unit = Unit.objects.create(
                kind=kind,
                name=name,
                short_name=short_name,
                parent=parent,
                organ_id=check.value,
                organ_id_warning=check.warning,
                username_prefix=username_prefix.lower(),
                external=external,
            )
    except IntegrityError as exc:
        raise Conflict("Mã định danh hoặc tiền tố tài khoản đã được dùng cho đơn vị khác.") from exc
    audit.record("unit.created", actor=actor, obj=unit, data={"organ_id": unit.organ_id, "warning": check.warning})
    return unit


def username_proposal(*, unit: Unit, full_name: str, actor: User | None = None) -> str:
    """The account name the seed's rule gives, made free of collisions (Điều 7.2). With ``actor``,
    only someone who may create accounts in ``unit`` gets it (it tells which names are taken)."""
    if actor is not None:
        _require_in(actor, policies.USER_MANAGE, unit)
    agency = unit.agency or unit
    try:
        return propose_username(
            agency.username_prefix,
            nfc(full_name),
            taken=lambda name: User.objects.filter(username=name).exists(),
        )
    except ValueError as exc:
        raise ValidationFailed(str(exc), code=ErrorCode.FULL_NAME) from exc


@dataclass
class NewUser:
    full_name: str
    unit: Unit
    position: str = ""
    email: str = ""
    phone: str = ""
    username: str = ""
    password: str | None = None
    roles: list[tuple[str, Unit]] = field(default_factory=list)


def _username_taken(username: str, *, unit: Unit, full_name: str) -> Conflict:
    suggestion = username_proposal(unit=unit, full_name=full_name)
    return Conflict(
        f"Tên tài khoản “{username}” đã có người dùng. Gợi ý: {suggestion}.",
        code=ErrorCode.USERNAME_TAKEN,
        details={"suggestion": suggestion},
    )


@transaction.atomic
def user_create(*, actor: User | None, data: NewUser) -> User:
    """Create an account in ``data.unit`` with the roles in ``data.roles``, all or nothing."""
    if actor is not None:
        _require_in(actor, policies.USER_MANAGE, data.unit)
    if data.unit.external:
        raise ValidationFailed("Cơ quan ngoài hệ thống không có tài khoản người dùng.")
    full_name = nfc(data.full_name)
    if not full_name:
        raise ValidationFailed("Cần nhập họ và tên.")
    username = (data.username or username_proposal(unit=data.unit, full_name=full_name)).strip().lower()
    if not USERNAME_RE.match(username):
        raise ValidationFailed(
            "Tên tài khoản chỉ gồm chữ cái không dấu, chữ số, dấu chấm và dấu gạch dưới.",
            code=ErrorCode.USERNAME_FORMAT,
        )
    if User.objects.filter(username=username).exists():
        raise _username_taken(username, unit=data.unit, full_name=full_name)
    user = User(
        username=username,
        full_name=full_name,
        unit=data.unit,
        position=nfc(data.position),
        email=data.email.strip(),
        phone=data.phone.strip(),
    )
    if data.password:
        try:
            validate_password(data.password, user)
        except ValidationError as exc:
            raise ValidationFailed(" ".join(exc.messages), code=ErrorCode.PASSWORD_POLICY) from exc
        user.set_password(data.password)
        user.must_change_password = actor is not None  # the administrator knows it; the demo loader does not flag
    else:
        user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save(force_insert=True)
    except IntegrityError as exc:  # taken meanwhile by a concurrent request
        raise _username_taken(username, unit=data.unit, full_name=full_name) from exc
    audit.record("user.created", actor=actor, obj=user, data={"unit": data.unit.pk})
    for role, unit in data.roles:
        role_grant(actor=actor, user=user, role=role, unit=unit)
    return user


@transaction.atomic
def role_grant(*, actor: User | None, user: User, role: str, unit: Unit) -> RoleAssignment:
    if actor is not None:
        _require_in(actor, policies.ROLE_MANAGE, unit)
        _require_over_user(actor, policies.ROLE_MANAGE, user)
    if role not in ROLES:
        raise ValidationFailed(f"Vai trò không hợp lệ: {role}.")
    if unit.external:
        raise ValidationFailed("Không gán vai trò tại cơ quan ngoài hệ thống.")
    assignment, created = RoleAssignment.objects.get_or_create(user=user, unit=unit, role=role)
    if created:
        audit.record("role.granted", actor=actor, obj=user, data={"role": role, "unit": unit.pk})
    user.roles_forget()
    return assignment


@transaction.atomic
def role_revoke(*, actor: User | None, user: User, role: str, unit: Unit) -> None:
    if actor is not None:
        _require_in(actor, policies.ROLE_MANAGE, unit)
        _require_over_user(actor, policies.ROLE_MANAGE, user)
    deleted, _ = RoleAssignment.objects.filter(user=user, unit=unit, role=role).delete()
    if deleted:
        audit.record("role.revoked", actor=actor, obj=user, data={"role": role, "unit": unit.pk})
    user.roles_forget()


@transaction.atomic
def user_lock(*, actor: User, user: User, reason: str) -> User:
    """Lock an account (Điều 22.1.c: staff who leave or transfer). Its sessions and tokens stop
    working at once; everything it did stays."""
    _require_over_user(actor, policies.USER_LOCK, user)
    if user.pk == actor.pk:
        raise DomainError("Không thể tự khóa tài khoản của chính mình.")
    reason = nfc(reason)
    if not reason:
        raise ValidationFailed("Cần ghi lý do khóa tài khoản.")
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise Conflict("Tài khoản này đã bị khóa.")
    user.is_active = False
    user.locked_at = timezone.now()
    user.locked_reason = reason[:255]
    user.save(update_fields=["is_active", "locked_at", "locked_reason"])
    # Its tokens end for good: unlocking later does not revive a token a departed person may keep.
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=user.locked_at)
    audit.record("user.locked", actor=actor, obj=user, data={"reason": reason, "tokens_revoked": revoked})
    return user


@transaction.atomic
def user_unlock(*, actor: User, user: User) -> User:
    _require_over_user(actor, policies.USER_LOCK, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        raise Conflict("Tài khoản này không bị khóa.")
    user.is_active = True
    user.locked_at = None
    user.locked_reason = ""
    user.save(update_fields=["is_active", "locked_at", "locked_reason"])
    audit.record("user.unlocked", actor=actor, obj=user)
    return user


@transaction.atomic
def user_password_reset(*, actor: User, user: User, new_password: str) -> User:
    """An administrator gives the person a new initial password (forgotten, or never set). The person
    must change it at the next sign-in; his other sessions and API tokens end now."""
    _require_over_user(actor, policies.USER_MANAGE, user)
    if user.pk == actor.pk:
        raise DomainError("Hãy dùng trang Đổi mật khẩu để đổi mật khẩu của chính mình.")
    user = User.objects.select_for_update().get(pk=user.pk)
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), code=ErrorCode.PASSWORD_POLICY) from exc
    user.set_password(new_password)  # a new hash: every session of the old password ends
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit.record("user.password_reset", actor=actor, obj=user, data={"tokens_revoked": revoked})
    return user


def user_change_password(
    *, actor: User, old_password: str, new_password: str, request: HttpRequest | None = None
) -> int:
    """Change one's own password. With the request (web, API), a wrong current password counts as a failed
    sign-in and can lock the account out like one (``lockout.password_check_counted``).

    Every API token of the person is revoked except the one making this request, and every other
    session ends (Django ties a session to the password hash; this one is carried over). Returns the
    number of tokens revoked."""
    if request is not None:
        right = password_check_counted(request, actor, old_password)  # outside the transaction: kept
    else:
        right = actor.check_password(old_password)
    if not right:
        raise ValidationFailed("Mật khẩu hiện tại không đúng.", code=ErrorCode.WRONG_PASSWORD)
    if old_password == new_password:
        raise ValidationFailed("Mật khẩu mới phải khác mật khẩu hiện tại.")
    try:
        validate_password(new_password, actor)
    except ValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), code=ErrorCode.PASSWORD_POLICY) from exc
    keep = bearer_token_hash(request) if request is not None else None
    with transaction.atomic():
        actor.set_password(new_password)
        actor.must_change_password = False
        actor.save(update_fields=["password", "must_change_password"])
        tokens = ApiToken.objects.filter(user=actor, revoked_at__isnull=True)
        if keep:
            tokens = tokens.exclude(key_hash=keep)
        revoked = tokens.update(revoked_at=timezone.now())
        audit.record("auth.password_changed", actor=actor, obj=actor, data={"tokens_revoked": revoked})
    if request is not None and hasattr(request, "session") and request.session.session_key:
        update_session_auth_hash(request, actor)  # this device stays signed in, the others do not
    return revoked


# --- outside agencies (senders and recipients outside this deployment) -------------------------------


def _short_name_of(name: str) -> str:
    """Initials of the name, for the required short name of a unit ("Trung tâm Y tế huyện Mê Linh" → "TTYTHML")."""
    from qlvb.core.text import strip_marks

    return "".join(w[0] for w in strip_marks(name).split() if w[:1].isalnum()).upper()[:32] or "CQ"


@transaction.atomic
def outside_agency_create(
    *, actor: User, name: str, organ_id: str = "", short_name: str = "", address: str = "", email: str = ""
) -> Unit:
    """Add an agency outside this deployment to the directory, so that it can be chosen as a recipient. With
    an electronic identifier (QĐ 20/2020 format) it waits for the national axis ("chờ gửi liên thông");
    without one it is sent on paper (to ``address``). Clerks and administrators."""
    from django.core.validators import validate_email

    from qlvb.core.text import fold

    require(actor, policies.OUTSIDE_AGENCY_MANAGE)
    name = nfc(name or "")
    if not name:
        raise ValidationFailed("Cần nhập tên cơ quan.")
    if len(name) > 255:
        raise ValidationFailed("Tên cơ quan dài quá 255 ký tự.")
    organ_id = organ_id_validate(organ_id) if (organ_id or "").strip() else ""  # QĐ 20/2020 (agency_codes)
    organ_id = organ_id_validate(organ_id) if (organ_id or "").strip() else ""  # QĐ 20/2020 (agency_codes)
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationFailed(f"Địa chỉ thư điện tử “{email}” không hợp lệ.") from None
    address = nfc(address or "")[:255]
    if Unit.objects.filter(kind=UnitKind.AGENCY, name_folded=fold(name), is_active=True).exists():
        raise Conflict(f"“{name}” đã có trong danh bạ.", code=ErrorCode.DUPLICATE_AGENCY)
    if organ_id and Unit.objects.filter(organ_id=organ_id).exists():
        raise Conflict(
            f"Mã định danh {organ_id} đã là của cơ quan khác trong danh bạ.", code=ErrorCode.DUPLICATE_ORGAN_ID
        )
    check = organ_id_check(organ_id, external=True)  # not the axis' 13-character format: kept with a warning
    unit = Unit.objects.create(
        kind=UnitKind.AGENCY,
        name=name,
        short_name=nfc(short_name or "")[:32] or _short_name_of(name),
        organ_id=organ_id,
        organ_id_warning=check.warning,
        external=True,
        address=address,
        email=email,
    )
    audit.record(
        "unit.created",
        actor=actor,
        obj=unit,
        data={"organ_id": unit.organ_id, "warning": check.warning, "external": True},
    )
    return unit
