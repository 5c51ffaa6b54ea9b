"""Units (agencies and their departments), users, roles per unit, personal API tokens."""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qlvb.core.permissions import ROLES
from qlvb.core.statements import KeptStatement
from qlvb.core.text import fold, nfc

# QCVN 102:2016 / QĐ 20/2020: mã định danh cơ quan, e.g. 000.00.31.H42 (regulations.md §5).
ORGAN_ID_RE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z][0-9A-Z]{2}$")


class UnitKind(models.TextChoices):
    AGENCY = "agency", _("Cơ quan")
    DEPARTMENT = "department", _("Phòng ban")


class Unit(models.Model):
    """An agency (cơ quan) or one of its departments (phòng ban). Outside agencies, known only as
    senders and recipients, are agencies with ``external=True`` and no users."""

    kind = models.CharField(_("loại"), max_length=16, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    agency = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        help_text=_("Cơ quan chứa đơn vị (chính nó nếu là cơ quan)."),
    )
    name = models.CharField(_("tên đầy đủ"), max_length=255)
    short_name = models.CharField(
        _("tên viết tắt"), max_length=32, help_text=_("Dùng trong ký hiệu, ví dụ UBND, VHXH.")
    )
    username_prefix = models.CharField(_("tiền tố tài khoản"), max_length=32, blank=True)
    organ_id = models.CharField(_("mã định danh"), max_length=35, blank=True)  # QĐ 20/2020: at most 35
    organ_id_warning = models.CharField(_("cảnh báo mã định danh"), max_length=255, blank=True)
    external = models.BooleanField(_("cơ quan ngoài hệ thống"), default=False)
    # An outside agency's postal address and e-mail (optional; the paper copy goes to the address).
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    email = models.EmailField(_("thư điện tử"), max_length=254, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    name_folded = models.CharField(max_length=255, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organ_id"], condition=~Q(organ_id=""), name="unit_organ_id_unique"),
            models.UniqueConstraint(
                fields=["username_prefix"], condition=~Q(username_prefix=""), name="unit_prefix_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind="agency") | Q(parent__isnull=False), name="unit_department_has_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name = nfc(self.name)
        self.short_name = nfc(self.short_name)
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)
        if self.agency_id is None:
            agency = self if self.kind == UnitKind.AGENCY else self.parent.agency  # type: ignore[union-attr]
            Unit.objects.filter(pk=self.pk).update(agency=agency)
            self.agency = agency

    @property
    def is_agency(self) -> bool:
        return self.kind == UnitKind.AGENCY


class User(AbstractUser):
    """A person with an account. ``is_active=False`` is a locked account (Điều 22.1.c): it cannot sign
    in or use a token, and everything it did stays."""

    full_name = models.CharField(_("họ và tên"), max_length=150)
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    position = models.CharField(_("chức vụ"), max_length=150, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=32, blank=True)
    full_name_folded = models.CharField(max_length=150, editable=False, db_index=True, default="")
    locked_at = models.DateTimeField(_("khóa lúc"), null=True, blank=True)
    locked_reason = models.CharField(_("lý do khóa"), max_length=255, blank=True)
    # Set when an administrator creates the account with a password or resets it: the person must choose
    # his own at the next sign-in before any page (directory.middleware.PasswordChangeMiddleware).
    must_change_password = models.BooleanField(_("phải đổi mật khẩu ban đầu"), default=False)
    # Bumped by "Đăng xuất mọi nơi" and by a reset of two-factor sign-in: every "remember this device"
    # cookie issued before carries the old value and stops skipping the second step (twofactor_remember.py).
    remembered_devices_epoch = models.PositiveIntegerField(default=0, editable=False)

    objects: ClassVar[UserManager[User]] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        ordering = ["full_name", "username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.full_name = nfc(self.full_name)
        self.full_name_folded = fold(self.full_name)
        super().save(*args, **kwargs)

    @property
    def is_locked(self) -> bool:
        return not self.is_active

    @cached_property
    def _roles_held(self) -> list[tuple[int, int | None, str]]:
        """(unit, unit's agency, role) for every role the user holds; read once per user object (until
        :meth:`roles_forget`)."""
        return _ROLES_HELD.fetch(via=self, user_id=self.pk)  # = self.role_assignments.values_list(…)

    def roles_forget(self) -> None:
        """Drop the roles read by :attr:`_roles_held`, after a grant or a revocation."""
        self.__dict__.pop("_roles_held", None)

    def units_with_role(self, *roles: str) -> list[int]:
        """The units where the user holds any of ``roles`` (sorted ids, from the cached roles)."""
        return sorted({unit_id for unit_id, _agency_id, role in self._roles_held if role in roles})

    def roles_for(self, unit: Unit | None) -> set[str]:
        """Roles that apply in ``unit``: those held in the unit itself and in its agency; ``admin``
        also from any agency above. With ``unit=None``, every role the user holds anywhere."""
        cache = self._roles_held
        if unit is None:
            return {role for _u, _a, role in cache}
        covering = {unit.pk, unit.agency_id}
        found = {role for unit_id, _agency_id, role in cache if unit_id in covering}
        if "admin" not in found and any(role == "admin" for _u, _a, role in cache):
            # the walk up the tree (a query per level) only for an administrator, the one role inherited
            ancestors = set(unit_ancestor_ids(unit))
            if any(role == "admin" and unit_id in ancestors for unit_id, _a, role in cache):
                found.add("admin")
        return found


def unit_ancestor_ids(unit: Unit) -> list[int]:
    ids: list[int] = []
    current: Unit | None = unit
    while current is not None:
        ids.append(current.pk)
        current = current.parent
    return ids


# Every page reads the person's roles: kept compiled (core/statements.py).
_ROLES_HELD: KeptStatement[tuple[int, int | None, str]] = KeptStatement(
    "directory.roles_held",
    lambda user_id: RoleAssignment.objects.filter(user_id=user_id).values_list("unit_id", "unit__agency_id", "role"),
    user_id=int,
)


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="role_assignments")
    role = models.CharField(_("vai trò"), max_length=16, choices=list(ROLES.items()))
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vai trò")
        verbose_name_plural = _("vai trò")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="role_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {ROLES.get(self.role, self.role)} — {self.unit}"


class ApiToken(models.Model):
    """A personal token for the mobile app. Only its SHA-256 is stored; revocable."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    name = models.CharField(_("tên thiết bị"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class WebSession(models.Model):
    """What the person sees of one signed-in browser session on the "Phiên đăng nhập" page: the device,
    the address, when it signed in and when it was last used. One row per Django session (database
    sessions): it goes when the session goes (sign-out, expiry, ``clearsessions``, an ended session)."""

    session = models.OneToOneField(
        "sessions.Session", on_delete=models.CASCADE, related_name="+", db_constraint=False, to_field="session_key"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="web_sessions")
    user_agent = models.CharField(_("trình duyệt"), max_length=255, blank=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    signed_in_at = models.DateTimeField(_("đăng nhập lúc"))
    last_seen_at = models.DateTimeField(_("hoạt động lần cuối"))

    class Meta:
        verbose_name = _("phiên đăng nhập")
        verbose_name_plural = _("phiên đăng nhập")
        indexes = [models.Index(fields=["user", "last_seen_at"], name="websession_user_seen_idx")]

    def __str__(self) -> str:
        return f"{self.user} — {self.signed_in_at:%d/%m/%Y %H:%M}"


class Passkey(models.Model):
    """A passkey (WebAuthn discoverable credential) of one person on one device — fingerprint, face or the
    phone's screen lock (directory/passkeys.py). Only the public key is kept. A sign-in with it counts as
    both factors. Listed, with its last use, on the "Khóa đăng nhập" page ("thiết bị đã ghi nhớ"); removing
    it is the revocation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="passkeys")
    credential_id = models.CharField(max_length=1400, unique=True)  # base64url of the raw id (≤ 1023 bytes)
    public_key = models.BinaryField()  # COSE key
    sign_count = models.PositiveBigIntegerField(default=0)
    user_handle = models.CharField(max_length=100)  # base64url of the user.id the authenticator keeps
    name = models.CharField(_("tên thiết bị"), max_length=100)
    user_agent = models.CharField(_("trình duyệt"), max_length=255, blank=True)
    backed_up = models.BooleanField(_("đồng bộ giữa các thiết bị"), default=False)
    created_at = models.DateTimeField(_("thêm lúc"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    last_ip = models.GenericIPAddressField(_("địa chỉ IP lần cuối"), null=True, blank=True)

    class Meta:
        verbose_name = _("khóa đăng nhập")
        verbose_name_plural = _("khóa đăng nhập")
        indexes = [models.Index(fields=["user", "created_at"], name="passkey_user_created_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"


from .delegation_models import Delegation, DelegationKind, DelegationScope  # noqa: E402, F401  (ủy quyền)
