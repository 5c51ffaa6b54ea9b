"""`qlvb demo` loads the demo agency of the foundation issue, and running it again changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from qlvb.core import audit
from qlvb.core.models import AuditEntry
from qlvb.directory.models import ApiToken, RoleAssignment, Unit, User

from .support import PASSWORD, Api

pytestmark = pytest.mark.django_db

# username, full name, unit short name, position, {(role, unit short name)}
PEOPLE = [
    ("ublienminh_nguyenvanhung", "Nguyễn Văn Hùng", "UBND", "Chủ tịch UBND xã", {("leader", "UBND")}),
    ("ublienminh_phamthimai", "Phạm Thị Mai", "UBND", "Phó Chủ tịch UBND xã", {("leader", "UBND")}),
    ("ublienminh_lethuha", "Lê Thu Hà", "VP", "Văn thư", {("clerk", "UBND")}),
    ("ublienminh_hoangvannam", "Hoàng Văn Nam", "VHXH", "Trưởng phòng Văn hóa - Xã hội", {("dept_leader", "VHXH")}),
    ("ublienminh_dothanhhuong", "Đỗ Thanh Hương", "VHXH", "Chuyên viên", {("officer", "VHXH")}),
    ("ublienminh_vuquanghuy", "Vũ Quang Huy", "KT", "Trưởng phòng Kinh tế", {("dept_leader", "KT")}),
    ("ublienminh_ngothuytrang", "Ngô Thùy Trang", "KT", "Chuyên viên", {("officer", "KT")}),
    ("ublienminh_tranthilan", "Trần Thị Lan", "VHXH", "Chuyên viên", {("admin", "UBND")}),
    ("ublienminh_tranthilan2", "Trần Thị Lan", "KT", "Chuyên viên", {("officer", "KT")}),
    ("ublienminh_luongvanduc", "Lương Văn Đức", "VP", "Lưu trữ viên", {("archivist", "UBND")}),
    ("tytlienminh_dangvantoan", "Đặng Văn Toàn", "TYT", "Trạm trưởng", {("leader", "TYT")}),
    ("tytlienminh_buithiloan", "Bùi Thị Loan", "TYT", "Văn thư", {("clerk", "TYT"), ("officer", "TYT")}),
]


def _demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def _state() -> dict[str, object]:
    return {
        "units": sorted(Unit.objects.values_list("pk", "name", "short_name", "organ_id", "parent_id", "agency_id")),
        "users": sorted(
            User.objects.values_list(
                "pk", "username", "full_name", "unit_id", "position", "password", "is_active", "is_superuser"
            )
        ),
        "roles": sorted(RoleAssignment.objects.values_list("user_id", "unit_id", "role")),
        "audit": list(AuditEntry.objects.order_by("seq").values_list("seq", "hash")),
    }


def test_demo_twice_changes_nothing() -> None:
    first = _demo()
    assert "thêm 5 đơn vị, 13 người dùng" in first
    before = _state()
    second = _demo()
    assert "thêm 0 đơn vị, 0 người dùng" in second
    assert _state() == before
    assert audit.verify_chain().ok


def test_the_agencies_and_departments() -> None:
    _demo()
    ubnd = Unit.objects.get(username_prefix="ublienminh")
    assert (ubnd.name, ubnd.short_name, ubnd.organ_id, ubnd.kind, ubnd.parent_id) == (
        "Ủy ban nhân dân xã Liên Minh",
        "UBND",
        "000.00.31.H42",
        "agency",
        None,
    )
    departments = {u.short_name: u.name for u in Unit.objects.filter(parent=ubnd, kind="department")}
    assert departments == {"VP": "Văn phòng HĐND và UBND", "VHXH": "Phòng Văn hóa - Xã hội", "KT": "Phòng Kinh tế"}
    tyt = Unit.objects.get(username_prefix="tytlienminh")
    assert (tyt.name, tyt.short_name, tyt.organ_id, tyt.kind, tyt.parent_id, tyt.agency_id) == (
        "Trạm Y tế xã Liên Minh",
        "TYT",
        "000.01.31.H42",
        "agency",
        ubnd.pk,
        tyt.pk,
    )


@pytest.mark.parametrize(("username", "full_name", "unit", "position", "roles"), PEOPLE)
def test_every_demo_account(username: str, full_name: str, unit: str, position: str, roles: set) -> None:
    _demo()
    user = User.objects.select_related("unit").get(username=username)
    assert user.full_name == full_name
    assert user.unit is not None and user.unit.short_name == unit
    assert user.position == position
    assert user.is_active and not user.is_superuser
    assert {(r.role, r.unit.short_name) for r in user.role_assignments.select_related("unit")} == roles
    assert user.check_password(PASSWORD)


def test_the_superuser() -> None:
    _demo()
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert admin.check_password(PASSWORD)
    assert User.objects.count() == len(PEOPLE) + 1


def test_the_password_works_for_signing_in() -> None:
    _demo()
    response = Api().post("/auth/token", {"username": "ublienminh_lethuha", "password": PASSWORD})
    assert response.status_code == 200
    assert ApiToken.objects.filter(user__username="ublienminh_lethuha").exists()


def test_the_organ_codes_are_configurable(monkeypatch) -> None:
    monkeypatch.setenv("QLVB_DEMO_ORGAN_ID", "000.00.77.H42")
    monkeypatch.setenv("QLVB_DEMO_TYT_ORGAN_ID", "000.01.77.H42")
    _demo()
    assert Unit.objects.get(short_name="UBND").organ_id == "000.00.77.H42"
    assert Unit.objects.get(short_name="TYT").organ_id == "000.01.77.H42"
