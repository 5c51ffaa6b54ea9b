"""Who sees which units and people: one's own agency; an administrator also the agencies below his;
nobody another agency's people. Filtering happens in the query (one SQL statement)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qlvb.directory import selectors
from qlvb.directory.models import User

from .support import Api, other_agency, unit

UBND_PEOPLE = {
    "ublienminh_nguyenvanhung",
    "ublienminh_phamthimai",
    "ublienminh_lethuha",
    "ublienminh_hoangvannam",
    "ublienminh_dothanhhuong",
    "ublienminh_vuquanghuy",
    "ublienminh_ngothuytrang",
    "ublienminh_tranthilan",
    "ublienminh_tranthilan2",
    "ublienminh_luongvanduc",
}
TYT_PEOPLE = {"tytlienminh_dangvantoan", "tytlienminh_buithiloan"}


def _names(qs) -> set[str]:
    return set(qs.values_list("username", flat=True))


def test_ubnd_administrator_sees_ubnd_and_the_agency_below(person) -> None:
    other_agency()
    assert _names(selectors.users_visible_to(person("tranthilan"))) == UBND_PEOPLE | TYT_PEOPLE


def test_an_officer_sees_his_own_agency_only(person) -> None:
    other_agency()
    assert _names(selectors.users_visible_to(person("dothanhhuong"))) == UBND_PEOPLE


def test_the_agency_below_does_not_see_the_agency_above(person) -> None:
    assert _names(selectors.users_visible_to(person("tytlienminh_dangvantoan"))) == TYT_PEOPLE


def test_another_agencys_administrator_sees_none_of_lien_minh(person) -> None:
    _agency, stranger = other_agency()
    assert _names(selectors.users_visible_to(stranger)) == {"ubhoabinh_phamvanquan"}
    assert not selectors.units_visible_to(stranger).filter(name__contains="Liên Minh").exists()


def test_the_superuser_sees_everyone(person) -> None:
    other_agency()
    assert _names(selectors.users_visible_to(person("admin"))) == set(User.objects.values_list("username", flat=True))


def test_anonymous_and_locked_see_nothing(person) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not selectors.users_visible_to(AnonymousUser()).exists()
    huong = person("dothanhhuong")
    huong.is_active = False
    assert not selectors.users_visible_to(huong).exists()


def test_the_filter_is_one_query(person) -> None:
    admin, ubnd = person("tranthilan"), unit("UBND")
    with CaptureQueriesContext(connection) as queries:
        names = _names(selectors.users_visible_to(admin, unit=ubnd))
    assert len(queries) == 1
    assert "RECURSIVE" in queries[0]["sql"].upper()
    assert names == UBND_PEOPLE | TYT_PEOPLE  # the agency's subtree includes the Trạm Y tế


def test_filter_by_unit_and_folded_name(person) -> None:
    admin = person("tranthilan")
    assert _names(selectors.users_visible_to(admin, unit=unit("KT"))) == {
        "ublienminh_vuquanghuy",
        "ublienminh_ngothuytrang",
        "ublienminh_tranthilan2",
    }
    assert _names(selectors.users_visible_to(admin, q="tran thi lan")) == {
        "ublienminh_tranthilan",
        "ublienminh_tranthilan2",
    }
    assert _names(selectors.users_visible_to(admin, q="TRẦN THỊ")) == {
        "ublienminh_tranthilan",
        "ublienminh_tranthilan2",
    }
    assert _names(selectors.users_visible_to(admin, q="huong")) == {"ublienminh_dothanhhuong"}
    assert _names(selectors.users_visible_to(admin, q="Hương", unit=unit("KT"))) == set()


def test_api_lists_users_paginated(person) -> None:
    api = Api(person("tranthilan"))
    response = api.get("/directory/users", limit=5)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(UBND_PEOPLE | TYT_PEOPLE)
    assert len(body["items"]) == 5
    response = api.get("/directory/users", q="tran thi lan", unit=unit("KT").pk)
    items = response.json()["items"]
    assert [u["username"] for u in items] == ["ublienminh_tranthilan2"]
    assert items[0]["unit_name"] == "Phòng Kinh tế"
    assert items[0]["roles"] == [{"role": "officer", "unit_id": unit("KT").pk, "unit_name": "Phòng Kinh tế"}]


def test_api_other_agency_sees_no_lien_minh_people_or_units(person) -> None:
    _agency, stranger = other_agency()
    api = Api(stranger)
    items = api.get("/directory/users").json()["items"]
    assert [u["username"] for u in items] == ["ubhoabinh_phamvanquan"]
    assert api.get("/directory/users", unit=unit("UBND").pk).status_code == 404
    assert api.get(f"/directory/users/{person('lethuha').pk}").status_code == 404
    tree = api.get("/directory/units").json()
    assert [n["name"] for n in tree] == ["Ủy ban nhân dân xã Hòa Bình"]


def test_api_unit_tree_of_own_agency(person) -> None:
    tree = Api(person("lethuha")).get("/directory/units").json()
    assert len(tree) == 1
    ubnd = tree[0]
    assert (ubnd["name"], ubnd["short_name"], ubnd["organ_id"]) == (
        "Ủy ban nhân dân xã Liên Minh",
        "UBND",
        "000.00.31.H42",
    )
    assert {c["short_name"] for c in ubnd["children"]} == {"VP", "VHXH", "KT"}  # not the Trạm Y tế


def test_api_unit_tree_of_the_administrator_includes_the_agency_below(person) -> None:
    tree = Api(person("tranthilan")).get("/directory/units").json()
    assert len(tree) == 1
    children = {c["short_name"]: c for c in tree[0]["children"]}
    assert set(children) == {"VP", "VHXH", "KT", "TYT"}
    assert children["TYT"]["kind"] == "agency"
    assert children["TYT"]["username_prefix"] == "tytlienminh"


def test_outside_agencies_are_not_in_the_tree(person) -> None:
    from qlvb.directory.services import unit_create

    unit_create(
        actor=None, kind="agency", name="Sở Nội vụ tỉnh Mẫu", short_name="SNV", organ_id="000.00.00.H99", external=True
    )
    tree = Api(person("admin")).get("/directory/units").json()
    assert "Sở Nội vụ tỉnh Mẫu" not in {n["name"] for n in tree}


@pytest.mark.parametrize("who", ["dothanhhuong", "tytlienminh_buithiloan"])
def test_api_user_detail_within_own_agency(person, who: str) -> None:
    me = person(who)
    response = Api(me).get(f"/directory/users/{me.pk}")
    assert response.status_code == 200
    assert response.json()["full_name"] == me.full_name
