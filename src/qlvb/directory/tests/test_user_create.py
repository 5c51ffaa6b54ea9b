"""Creating an account is all or nothing; roles apply at once (no stale role cache)."""

from __future__ import annotations

import pytest

from qlvb.core.errors import PermissionDenied, ValidationFailed
from qlvb.core.models import AuditEntry
from qlvb.core.permissions import has
from qlvb.directory import services
from qlvb.directory.models import RoleAssignment, User

from .support import Api, other_agency, unit


def _counts() -> tuple[int, int, int]:
    return User.objects.count(), RoleAssignment.objects.count(), AuditEntry.objects.count()


def test_a_failed_role_leaves_nothing(person) -> None:
    before = _counts()
    with pytest.raises(ValidationFailed, match="Vai trò không hợp lệ"):
        services.user_create(
            actor=person("tranthilan"),
            data=services.NewUser(
                full_name="Nguyễn Thị Bình",
                unit=unit("VHXH"),
                roles=[("officer", unit("VHXH")), ("giam_doc", unit("VHXH"))],
            ),
        )
    assert _counts() == before


def test_a_role_outside_the_administrators_reach_leaves_nothing(person) -> None:
    other, _stranger = other_agency()
    before = _counts()
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=person("tranthilan"),
            data=services.NewUser(
                full_name="Nguyễn Thị Bình", unit=unit("VHXH"), roles=[("officer", unit("VHXH")), ("clerk", other)]
            ),
        )
    assert _counts() == before


def test_a_weak_password_leaves_nothing(person) -> None:
    before = _counts()
    with pytest.raises(ValidationFailed):
        services.user_create(
            actor=person("tranthilan"),
            data=services.NewUser(full_name="Nguyễn Thị Bình", unit=unit("VHXH"), password="12345678"),
        )
    assert _counts() == before


def test_api_failed_create_leaves_nothing(person) -> None:
    before = _counts()
    response = Api(person("tranthilan")).post(
        "/directory/users",
        {
            "full_name": "Nguyễn Thị Bình",
            "unit": unit("VHXH").pk,
            "roles": [{"role": "officer", "unit": unit("VHXH").pk}, {"role": "giam_doc", "unit": unit("VHXH").pk}],
        },
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "Vai trò không hợp lệ: giam_doc."
    assert _counts()[:2] == before[:2]
    assert not AuditEntry.objects.filter(action="user.created").exclude(seq__lte=before[2]).exists()


def test_create_with_roles_and_password(person) -> None:
    response = Api(person("tranthilan")).post(
        "/directory/users",
        {
            "full_name": "Nguyễn Thị Bình",
            "unit": unit("VHXH").pk,
            "position": "Chuyên viên",
            "email": "binh@lienminh.example.vn",
            "password": "Bình@LiênMinh-2025",
            "roles": [{"role": "officer", "unit": unit("VHXH").pk}],
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["username"] == "ublienminh_nguyenthibinh"
    assert body["roles"] == [{"role": "officer", "unit_id": unit("VHXH").pk, "unit_name": "Phòng Văn hóa - Xã hội"}]
    user = User.objects.get(username="ublienminh_nguyenthibinh")
    assert user.password.startswith("argon2") and user.check_password("Bình@LiênMinh-2025")
    assert user.must_change_password  # the administrator knows it: the person chooses his own first (issue 15)
    token = Api().post("/auth/token", {"username": user.username, "password": "Bình@LiênMinh-2025"})
    assert token.status_code == 403
    assert token.json()["code"] == "password_change_required"


def test_without_password_the_account_cannot_sign_in_yet(person) -> None:
    user = services.user_create(
        actor=person("tranthilan"), data=services.NewUser(full_name="Nguyễn Thị Bình", unit=unit("VHXH"))
    )
    assert not user.has_usable_password()


def test_no_accounts_in_an_outside_agency(person) -> None:
    outside = services.unit_create(
        actor=None, kind="agency", name="Sở Y tế tỉnh Mẫu", short_name="SYT", organ_id="28.22.H17", external=True
    )
    with pytest.raises(ValidationFailed, match="ngoài hệ thống"):
        services.user_create(actor=person("admin"), data=services.NewUser(full_name="Người Ngoài", unit=outside))


def test_roles_apply_at_once(person) -> None:
    lan, huong = person("tranthilan"), person("dothanhhuong")
    assert not has(huong, "directory.user_lock", unit=unit("VHXH"))  # fills huong's role cache
    services.role_grant(actor=lan, user=huong, role="admin", unit=unit("VHXH"))
    assert has(huong, "directory.user_lock", unit=unit("VHXH"))
    services.role_revoke(actor=lan, user=huong, role="admin", unit=unit("VHXH"))
    assert not has(huong, "directory.user_lock", unit=unit("VHXH"))


def test_a_department_admin_covers_his_department_only(person) -> None:
    lan, huong = person("tranthilan"), person("dothanhhuong")
    services.role_grant(actor=lan, user=huong, role="admin", unit=unit("VHXH"))
    huong = User.objects.get(pk=huong.pk)
    services.user_lock(actor=huong, user=person("hoangvannam"), reason="Thử quyền phòng")
    with pytest.raises(PermissionDenied):
        services.user_lock(actor=huong, user=person("vuquanghuy"), reason="Phòng khác")
