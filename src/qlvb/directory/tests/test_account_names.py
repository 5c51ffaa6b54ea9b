"""Account names per the seed, Điều 7.2: ``<prefix>_<full name folded>``, a free variant when taken,
which the administrator may replace."""

from __future__ import annotations

import pytest

from qlvb.core.errors import Conflict, ValidationFailed
from qlvb.directory.accounts import base_username
from qlvb.directory.models import User
from qlvb.directory.services import NewUser, unit_create, user_create, username_proposal

from .support import Api, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune():
    agency = unit_create(
        actor=None,
        kind="agency",
        name="Ủy ban nhân dân xã Liên Minh",
        short_name="UBND",
        organ_id="000.00.31.H42",
        username_prefix="ublienminh",
    )
    vhxh = unit_create(actor=None, kind="department", name="Phòng Văn hóa - Xã hội", short_name="VHXH", parent=agency)
    return agency, vhxh


def test_the_seed_example() -> None:
    assert base_username("ublienminh", "Trần Thị Lan") == "ublienminh_tranthilan"


def test_a_decomposed_name_gives_the_same_account(commune) -> None:
    import unicodedata

    _agency, vhxh = commune
    name = unicodedata.normalize("NFD", "Trần Thị Lan")
    assert username_proposal(unit=vhxh, full_name=name) == "ublienminh_tranthilan"
    user = user_create(actor=None, data=NewUser(full_name=name, unit=vhxh))
    assert user.full_name == "Trần Thị Lan"  # stored in NFC


def test_taken_names_get_2_then_3(commune) -> None:
    _agency, vhxh = commune
    first = user_create(actor=None, data=NewUser(full_name="Trần Thị Lan", unit=vhxh))
    assert first.username == "ublienminh_tranthilan"
    assert username_proposal(unit=vhxh, full_name="Trần Thị Lan") == "ublienminh_tranthilan2"
    second = user_create(actor=None, data=NewUser(full_name="Trần Thị Lan", unit=vhxh))
    assert second.username == "ublienminh_tranthilan2"
    assert username_proposal(unit=vhxh, full_name="Trần Thị Lan") == "ublienminh_tranthilan3"
    third = user_create(actor=None, data=NewUser(full_name="Trần  Thị   Lan", unit=vhxh))
    assert third.username == "ublienminh_tranthilan3"


def test_a_department_uses_its_agencys_prefix(commune) -> None:
    _agency, vhxh = commune
    assert username_proposal(unit=vhxh, full_name="Đỗ Thanh Hương") == "ublienminh_dothanhhuong"


def test_the_administrator_may_replace_the_proposal(commune) -> None:
    _agency, vhxh = commune
    user_create(actor=None, data=NewUser(full_name="Trần Thị Lan", unit=vhxh))
    chosen = user_create(
        actor=None, data=NewUser(full_name="Trần Thị Lan", unit=vhxh, username="ublienminh_tranthilan.vhxh")
    )
    assert chosen.username == "ublienminh_tranthilan.vhxh"


def test_creating_a_taken_name_is_a_conflict_with_the_suggestion(commune) -> None:
    _agency, vhxh = commune
    user_create(actor=None, data=NewUser(full_name="Trần Thị Lan", unit=vhxh))
    with pytest.raises(Conflict) as caught:
        user_create(actor=None, data=NewUser(full_name="Trần Thị Lan", unit=vhxh, username="ublienminh_tranthilan"))
    assert caught.value.details == {"suggestion": "ublienminh_tranthilan2"}
    assert "ublienminh_tranthilan2" in caught.value.message
    assert User.objects.filter(full_name="Trần Thị Lan").count() == 1


@pytest.mark.parametrize("bad", ["trần_lan", "tran lan", "tran/lan", "_tranlan", "tran@lan"])
def test_a_replacement_name_must_be_plain_ascii(commune, bad: str) -> None:
    _agency, vhxh = commune
    with pytest.raises(ValidationFailed, match="Tên tài khoản chỉ gồm"):
        user_create(actor=None, data=NewUser(full_name="Trần Thị Lan", unit=vhxh, username=bad))
    assert not User.objects.exists()


def test_a_name_without_usable_letters_is_refused(commune) -> None:
    _agency, vhxh = commune
    with pytest.raises(ValidationFailed):
        username_proposal(unit=vhxh, full_name="—")


# Through the API, with the demo agency (where ublienminh_tranthilan and …2 already exist).


def test_api_proposal_and_conflict(person) -> None:
    api = Api(person("tranthilan"))
    vhxh = unit("VHXH")
    response = api.get("/directory/username-proposal", unit=vhxh.pk, full_name="Trần Thị Lan")
    assert response.status_code == 200
    assert response.json() == {"username": "ublienminh_tranthilan3"}
    response = api.get("/directory/username-proposal", unit=vhxh.pk, full_name="Nguyễn Thị Bình")
    assert response.json() == {"username": "ublienminh_nguyenthibinh"}

    response = api.post(
        "/directory/users", {"full_name": "Trần Thị Lan", "unit": vhxh.pk, "username": "ublienminh_tranthilan2"}
    )
    assert response.status_code == 409
    body = response.json()
    assert body["details"] == {"suggestion": "ublienminh_tranthilan3"}
    assert "đã có người dùng" in body["detail"]

    response = api.post("/directory/users", {"full_name": "Trần Thị Lan", "unit": vhxh.pk})
    assert response.status_code == 201
    assert response.json()["username"] == "ublienminh_tranthilan3"


def test_api_proposal_in_the_other_agency_uses_its_prefix(person) -> None:
    api = Api(person("tranthilan"))  # administrator of UBND, which the Trạm Y tế is under
    tyt = unit("TYT", prefix="tytlienminh")
    response = api.get("/directory/username-proposal", unit=tyt.pk, full_name="Trần Thị Lan")
    assert response.json() == {"username": "tytlienminh_tranthilan"}
