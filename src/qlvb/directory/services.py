"""Every write on units, accounts and roles: checks the right, validates, changes, audits."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from qlvb.core import audit
from qlvb.core.errors import Conflict, DomainError, ValidationFailed
from qlvb.core.permissions import ROLES, require
from qlvb.core.text import nfc

from . import policies
from .accounts import propose_username
from .models import ORGAN_ID_RE, RoleAssignment, Unit, UnitKind, User


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
    raise ValidationFailed(message, code="organ_id_format")


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
        require(actor, "directory.unit_manage", unit=parent)
    if kind not in UnitKind.values:
        raise ValidationFailed(f"Loại đơn vị không hợp lệ: {kind}.")
    if kind == UnitKind.DEPARTMENT and parent is None:
        raise ValidationFailed("Phòng ban phải thuộc một cơ quan.")
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
                kind=kind, name=name, short_name=short_name, parent=parent, organ_id=check.value,
                organ_id_warning=check.warning, username_prefix=username_prefix.lower(), external=external,
            )
    except IntegrityError as exc:
        raise Conflict("Mã định danh hoặc tiền tố tài khoản đã được dùng cho đơn vị khác.") from exc
    audit.record("unit.created", actor=actor, obj=unit, data={"organ_id": unit.organ_id, "warning": check.warning})
    return unit


def username_proposal(*, unit: Unit, full_name: str) -> str:
    """The account name the seed's rule gives, made free of collisions (Điều 7.2)."""
    agency = unit.agency or unit
    return propose_username(
        agency.username_prefix, nfc(full_name), taken=lambda name: User.objects.filter(username=name).exists()
    )


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


@transaction.atomic
def user_create(*, actor: User | None, data: NewUser) -> User:
    if actor is not None:
        require(actor, "directory.user_manage", unit=data.unit)
    full_name = nfc(data.full_name)
    if not full_name:
        raise ValidationFailed("Cần nhập họ và tên.")
    username = (data.username or username_proposal(unit=data.unit, full_name=full_name)).strip().lower()
    if not username.isascii() or " " in username:
        raise ValidationFailed("Tên tài khoản chỉ gồm chữ cái không dấu, chữ số và dấu gạch dưới.")
    if User.objects.filter(username=username).exists():
        suggestion = username_proposal(unit=data.unit, full_name=full_name)
        raise Conflict(
            f"Tên tài khoản “{username}” đã có người dùng. Gợi ý: {suggestion}.",
            code="username_taken", details={"suggestion": suggestion},
        )
    user = User(
        username=username, full_name=full_name, unit=data.unit, position=nfc(data.position),
        email=data.email.strip(), phone=data.phone.strip(),
    )
    if data.password:
        try:
            validate_password(data.password, user)
        except ValidationError as exc:
            raise ValidationFailed(" ".join(exc.messages), code="password_policy") from exc
        user.set_password(data.password)
    else:
        user.set_unusable_password()
    user.save()
    audit.record("user.created", actor=actor, obj=user, data={"unit": data.unit.pk})
    for role, unit in data.roles:
        role_grant(actor=actor, user=user, role=role, unit=unit)
    return user


@transaction.atomic
def role_grant(*, actor: User | None, user: User, role: str, unit: Unit) -> RoleAssignment:
    if actor is not None:
        require(actor, "directory.role_manage", unit=unit)
    if role not in ROLES:
        raise ValidationFailed(f"Vai trò không hợp lệ: {role}.")
    if unit.external:
        raise ValidationFailed("Không gán vai trò tại cơ quan ngoài hệ thống.")
    assignment, created = RoleAssignment.objects.get_or_create(user=user, unit=unit, role=role)
    if created:
        audit.record("role.granted", actor=actor, obj=user, data={"role": role, "unit": unit.pk})
    user.__dict__.pop("_role_cache", None)
    return assignment


@transaction.atomic
def role_revoke(*, actor: User | None, user: User, role: str, unit: Unit) -> None:
    if actor is not None:
        require(actor, "directory.role_manage", unit=unit)
    deleted, _ = RoleAssignment.objects.filter(user=user, unit=unit, role=role).delete()
    if deleted:
        audit.record("role.revoked", actor=actor, obj=user, data={"role": role, "unit": unit.pk})
    user.__dict__.pop("_role_cache", None)


@transaction.atomic
def user_lock(*, actor: User, user: User, reason: str) -> User:
    """Lock an account (Điều 22.1.c: staff who leave or transfer). Its sessions and tokens stop
    working at once; everything it did stays."""
    require(actor, "directory.user_lock", unit=user.unit)
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
    audit.record("user.locked", actor=actor, obj=user, data={"reason": reason})
    return user


@transaction.atomic
def user_unlock(*, actor: User, user: User) -> User:
    require(actor, "directory.user_lock", unit=user.unit)
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
def user_change_password(*, actor: User, old_password: str, new_password: str) -> None:
    if not actor.check_password(old_password):
        raise ValidationFailed("Mật khẩu hiện tại không đúng.", code="wrong_password")
    if old_password == new_password:
        raise ValidationFailed("Mật khẩu mới phải khác mật khẩu hiện tại.")
    try:
        validate_password(new_password, actor)
    except ValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), code="password_policy") from exc
    actor.set_password(new_password)
    actor.save(update_fields=["password"])
    audit.record("auth.password_changed", actor=actor, obj=actor)
