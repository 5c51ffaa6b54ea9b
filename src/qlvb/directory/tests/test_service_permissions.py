"""Every service of directory/services.py refuses a role without the right — called directly and
through its API endpoint (403, Vietnamese detail) — and lets the administrator through. An
administrator of another agency is refused by the service and sees nothing through the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from qlvb.core.errors import PermissionDenied
from qlvb.core.models import AuditEntry
from qlvb.directory import services
from qlvb.directory.models import RoleAssignment, Unit, User

from .support import Api, other_agency, unit

pytestmark = pytest.mark.django_db

# People of UBND xã Liên Minh who hold a role but not ``admin``.
WITHOUT_THE_RIGHT = ["nguyenvanhung", "hoangvannam", "lethuha", "dothanhhuong", "tranthilan2"]


def _target() -> User:
    return User.objects.get(username="ublienminh_ngothuytrang")


def _prepare(name: str) -> None:
    if name == "user_unlock":
        services.user_lock(actor=User.objects.get(username="admin"), user=_target(), reason="Chuyển công tác")


# name -> (call the service as ``actor``, call the endpoint through ``api``, the refusal changed nothing)
Case = tuple[Callable[[User], Any], Callable[[Api], Any], Callable[[], bool]]

CASES: dict[str, Case] = {
    "unit_create": (
        lambda actor: services.unit_create(
            actor=actor, kind="department", name="Phòng Tư pháp", short_name="TP", parent=unit("UBND")
        ),
        lambda api: api.post(
            "/directory/units",
            {"kind": "department", "name": "Phòng Tư pháp", "short_name": "TP", "parent": unit("UBND").pk},
        ),
        lambda: not Unit.objects.filter(short_name="TP").exists(),
    ),
    "username_proposal": (
        lambda actor: services.username_proposal(actor=actor, unit=unit("VHXH"), full_name="Trần Thị Lan"),
        lambda api: api.get("/directory/username-proposal", unit=unit("VHXH").pk, full_name="Trần Thị Lan"),
        lambda: True,
    ),
    "user_create": (
        lambda actor: services.user_create(
            actor=actor,
            data=services.NewUser(full_name="Nguyễn Thị Bình", unit=unit("VHXH"), roles=[("officer", unit("VHXH"))]),
        ),
        lambda api: api.post(
            "/directory/users",
            {
                "full_name": "Nguyễn Thị Bình",
                "unit": unit("VHXH").pk,
                "roles": [{"role": "officer", "unit": unit("VHXH").pk}],
            },
        ),
        lambda: not User.objects.filter(full_name="Nguyễn Thị Bình").exists(),
    ),
    "role_grant": (
        lambda actor: services.role_grant(actor=actor, user=_target(), role="clerk", unit=unit("KT")),
        lambda api: api.post(f"/directory/users/{_target().pk}/roles", {"role": "clerk", "unit": unit("KT").pk}),
        lambda: not RoleAssignment.objects.filter(user=_target(), role="clerk").exists(),
    ),
    "role_revoke": (
        lambda actor: services.role_revoke(actor=actor, user=_target(), role="officer", unit=unit("KT")),
        lambda api: api.delete(f"/directory/users/{_target().pk}/roles/{unit('KT').pk}/officer"),
        lambda: RoleAssignment.objects.filter(user=_target(), role="officer").exists(),
    ),
    "user_lock": (
        lambda actor: services.user_lock(actor=actor, user=_target(), reason="Nghỉ hưu"),
        lambda api: api.post(f"/directory/users/{_target().pk}/lock", {"reason": "Nghỉ hưu"}),
        lambda: _target().is_active,
    ),
    "user_password_reset": (
        lambda actor: services.user_password_reset(actor=actor, user=_target(), new_password="Ban-dau#2026xa"),
        lambda api: api.post(f"/directory/users/{_target().pk}/password-reset", {"new_password": "Ban-dau#2026xa"}),
        lambda: not _target().must_change_password,
    ),
    "user_unlock": (
        lambda actor: services.user_unlock(actor=actor, user=_target()),
        lambda api: api.post(f"/directory/users/{_target().pk}/unlock"),
        lambda: not _target().is_active,
    ),
}


def test_every_service_with_a_permission_check_is_covered() -> None:
    import inspect

    checked = {
        name
        for name, fn in inspect.getmembers(services, inspect.isfunction)
        if fn.__module__ == services.__name__ and "_require" in inspect.getsource(fn) and not name.startswith("_")
    }
    assert checked == set(CASES)


@pytest.mark.parametrize("who", WITHOUT_THE_RIGHT)
@pytest.mark.parametrize("name", list(CASES))
def test_service_refuses_a_role_without_the_right(person, name: str, who: str) -> None:
    call, _api, unchanged = CASES[name]
    _prepare(name)
    entries = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied, match=r"^Bạn không có quyền: ") as caught:
        call(person(who))
    assert caught.value.status_code == 403
    assert unchanged()
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize("who", WITHOUT_THE_RIGHT)
@pytest.mark.parametrize("name", list(CASES))
def test_endpoint_refuses_a_role_without_the_right(person, name: str, who: str) -> None:
    _call, via_api, unchanged = CASES[name]
    _prepare(name)
    response = via_api(Api(person(who)))
    assert response.status_code == 403, response.content
    assert response.json()["detail"].startswith("Bạn không có quyền: ")
    assert unchanged()


@pytest.mark.parametrize("name", list(CASES))
def test_service_refuses_the_administrator_of_another_agency(person, name: str) -> None:
    call, _api, unchanged = CASES[name]
    _prepare(name)
    _agency, stranger = other_agency()
    with pytest.raises(PermissionDenied):
        call(stranger)
    assert unchanged()


@pytest.mark.parametrize("name", list(CASES))
def test_endpoint_shows_nothing_to_the_administrator_of_another_agency(person, name: str) -> None:
    _call, via_api, unchanged = CASES[name]
    _prepare(name)
    _agency, stranger = other_agency()
    response = via_api(Api(stranger))
    assert response.status_code == 404, response.content
    assert response.json()["detail"].startswith("Không tìm thấy")
    assert unchanged()


@pytest.mark.parametrize("name", list(CASES))
def test_service_allows_the_administrator(person, name: str) -> None:
    call, _api, unchanged = CASES[name]
    _prepare(name)
    call(person("tranthilan"))
    if name != "username_proposal":
        assert not unchanged()


@pytest.mark.parametrize("name", list(CASES))
def test_endpoint_allows_the_administrator(person, name: str) -> None:
    _call, via_api, unchanged = CASES[name]
    _prepare(name)
    response = via_api(Api(person("tranthilan")))
    assert response.status_code in (200, 201, 204), response.content
    if name != "username_proposal":
        assert not unchanged()


def test_the_administrator_of_ubnd_manages_the_agency_below_it(person) -> None:
    """Trạm Y tế is under UBND: UBND's administrator may lock its people and give them roles."""
    admin = person("tranthilan")
    loan = person("tytlienminh_buithiloan")
    services.role_grant(actor=admin, user=loan, role="archivist", unit=unit("TYT", prefix="tytlienminh"))
    services.user_lock(actor=admin, user=loan, reason="Chuyển công tác")
    assert not User.objects.get(pk=loan.pk).is_active


def test_an_agency_administrator_cannot_touch_the_superuser_or_make_agencies(person) -> None:
    admin = person("tranthilan")
    with pytest.raises(PermissionDenied):
        services.user_lock(actor=admin, user=person("admin"), reason="Thử")
    with pytest.raises(PermissionDenied):
        services.unit_create(
            actor=admin,
            kind="agency",
            name="Ủy ban nhân dân xã Mới",
            short_name="UBND",
            organ_id="000.00.33.H42",
            username_prefix="ubmoi",
        )
    assert User.objects.get(username="admin").is_active


def test_an_administrator_cannot_give_roles_in_another_agency(person) -> None:
    agency, stranger = other_agency()
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=stranger, user=stranger, role="admin", unit=unit("UBND"))
    with pytest.raises(PermissionDenied):  # nor pull someone of UBND into his own agency
        services.role_grant(actor=stranger, user=person("lethuha"), role="clerk", unit=agency)
    assert not RoleAssignment.objects.filter(user=stranger, unit=unit("UBND")).exists()


def test_a_locked_administrator_has_no_right(person) -> None:
    admin = person("tranthilan")
    services.user_lock(actor=person("admin"), user=admin, reason="Nghỉ việc")
    admin.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.user_lock(actor=admin, user=person("dothanhhuong"), reason="Thử")


def test_change_password_needs_the_current_one(person) -> None:
    from qlvb.core.errors import ValidationFailed

    huong = person("dothanhhuong")
    with pytest.raises(ValidationFailed, match="Mật khẩu hiện tại không đúng"):
        services.user_change_password(actor=huong, old_password="sai-mat-khau", new_password="Moi@2025-abcdef")
    with pytest.raises(ValidationFailed):  # the password policy
        services.user_change_password(actor=huong, old_password="LienMinh@2025", new_password="12345678")
    services.user_change_password(actor=huong, old_password="LienMinh@2025", new_password="Moi@2025-abcdef")
    assert User.objects.get(pk=huong.pk).check_password("Moi@2025-abcdef")


def test_change_password_through_the_api_is_for_oneself_only(person) -> None:
    huong = person("dothanhhuong")
    api = Api(huong)
    response = api.post("/directory/me/password", {"old_password": "sai", "new_password": "Moi@2025-abcdef"})
    assert response.status_code == 422
    assert response.json()["detail"] == "Mật khẩu hiện tại không đúng."
    response = api.post("/directory/me/password", {"old_password": "LienMinh@2025", "new_password": "Moi@2025-abcdef"})
    assert response.status_code == 204
    assert User.objects.get(pk=huong.pk).check_password("Moi@2025-abcdef")
    assert User.objects.get(username="ublienminh_tranthilan").check_password("LienMinh@2025")
