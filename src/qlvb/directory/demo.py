"""The demo agency (``qlvb demo``): UBND xã Liên Minh, its departments and Trạm Y tế, with the people
of the foundation issue. Idempotent: running it again changes nothing. Organ codes are placeholders,
configurable through ``QLVB_DEMO_ORGAN_ID`` and ``QLVB_DEMO_TYT_ORGAN_ID``."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from .models import Unit, User
from .services import NewUser, role_grant, unit_create, user_create


@dataclass(frozen=True)
class DemoPerson:
    username: str
    full_name: str
    unit: str  # short name of the unit
    position: str
    roles: tuple[tuple[str, str], ...]  # (role, unit short name)


UBND = "UBND"
TYT = "TYT"

PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson("ublienminh_nguyenvanhung", "Nguyễn Văn Hùng", UBND, "Chủ tịch UBND xã", (("leader", UBND),)),
    DemoPerson("ublienminh_phamthimai", "Phạm Thị Mai", UBND, "Phó Chủ tịch UBND xã", (("leader", UBND),)),
    DemoPerson("ublienminh_lethuha", "Lê Thu Hà", "VP", "Văn thư", (("clerk", UBND),)),
    DemoPerson(
        "ublienminh_hoangvannam", "Hoàng Văn Nam", "VHXH", "Trưởng phòng Văn hóa - Xã hội", (("dept_leader", "VHXH"),)
    ),
    DemoPerson("ublienminh_dothanhhuong", "Đỗ Thanh Hương", "VHXH", "Chuyên viên", (("officer", "VHXH"),)),
    DemoPerson("ublienminh_vuquanghuy", "Vũ Quang Huy", "KT", "Trưởng phòng Kinh tế", (("dept_leader", "KT"),)),
    DemoPerson("ublienminh_ngothuytrang", "Ngô Thùy Trang", "KT", "Chuyên viên", (("officer", "KT"),)),
    DemoPerson("ublienminh_tranthilan", "Trần Thị Lan", "VHXH", "Chuyên viên", (("admin", UBND),)),
    DemoPerson("ublienminh_tranthilan2", "Trần Thị Lan", "KT", "Chuyên viên", (("officer", "KT"),)),
    DemoPerson("ublienminh_luongvanduc", "Lương Văn Đức", "VP", "Lưu trữ viên", (("archivist", UBND),)),
    DemoPerson("tytlienminh_dangvantoan", "Đặng Văn Toàn", TYT, "Trạm trưởng", (("leader", TYT),)),
    DemoPerson("tytlienminh_buithiloan", "Bùi Thị Loan", TYT, "Văn thư", (("clerk", TYT), ("officer", TYT))),
)


def _unit(short: str, *, agency: Unit | None, parent: Unit | None, **create: str) -> Unit:
    query = Unit.objects.filter(short_name=short)
    query = query.filter(kind="agency", parent=parent) if agency is None else query.filter(agency=agency)
    unit = query.first()
    if unit is None:
        unit = unit_create(actor=None, short_name=short, parent=parent, **create)  # type: ignore[arg-type]
    return unit


def _demo_password_hash(password: str) -> str:
    """One Argon2 hash of the demo password for every demo account: hashing is deliberately slow,
    and the demo password is public anyway (README). Cached per hasher configuration."""
    return _hash_with(password, tuple(settings.PASSWORD_HASHERS))


@lru_cache(maxsize=4)
def _hash_with(password: str, hashers: tuple[str, ...]) -> str:
    return make_password(password)


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Create what is missing; return how many units and users were created."""
    before_units, before_users = Unit.objects.count(), User.objects.count()
    ubnd = _unit(
        UBND,
        agency=None,
        kind="agency",
        name="Ủy ban nhân dân xã Liên Minh",
        organ_id=os.environ.get("QLVB_DEMO_ORGAN_ID", "000.00.31.H42"),
        username_prefix="ublienminh",
        parent=None,
    )
    units = {UBND: ubnd}
    for short, name in (("VP", "Văn phòng HĐND và UBND"), ("VHXH", "Phòng Văn hóa - Xã hội"), ("KT", "Phòng Kinh tế")):
        units[short] = _unit(short, agency=ubnd, kind="department", name=name, parent=ubnd)
    units[TYT] = _unit(
        TYT,
        agency=None,
        kind="agency",
        name="Trạm Y tế xã Liên Minh",
        organ_id=os.environ.get("QLVB_DEMO_TYT_ORGAN_ID", "000.01.31.H42"),
        username_prefix="tytlienminh",
        parent=ubnd,
    )
    for person in PEOPLE:
        user = User.objects.filter(username=person.username).first()
        if user is None:
            user = user_create(
                actor=None,
                data=NewUser(
                    full_name=person.full_name,
                    unit=units[person.unit],
                    position=person.position,
                    username=person.username,
                    email=f"{person.username}@lienminh.example.vn",
                ),
            )
            # The demo password is fixed by the README; it is for the demo only.
            user.password = _demo_password_hash(settings.QLVB_DEMO_PASSWORD)
            user.save(update_fields=["password"])
        for role, short in person.roles:
            role_grant(actor=None, user=user, role=role, unit=units[short])
    if not User.objects.filter(username="admin").exists():
        superuser = User.objects.create_superuser(
            "admin", "admin@lienminh.example.vn", None, full_name="Quản trị hệ thống"
        )
        superuser.password = _demo_password_hash(settings.QLVB_DEMO_PASSWORD)
        superuser.save(update_fields=["password"])
    return {"units": Unit.objects.count() - before_units, "users": User.objects.count() - before_users}


# --- what the apps above add to the demo (signing: the demo PKI, keys, seals) --------------------
# The directory sits below them and never imports them: each registers its loader at start-up
# (``AppConfig.ready``); ``qlvb demo`` runs them after :func:`load_demo`. The test fixture ``demo``
# runs only :func:`load_demo`.
DemoExtra = Callable[[], str]
_EXTRAS: dict[str, DemoExtra] = {}


def demo_extra_register(name: str, loader: DemoExtra) -> None:
    """Add ``loader`` (returns one line for the command's output) to ``qlvb demo``."""
    _EXTRAS[name] = loader


def load_demo_extras() -> list[str]:
    return [loader() for _name, loader in sorted(_EXTRAS.items())]
