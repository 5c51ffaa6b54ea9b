"""``directory.selectors.agency_of``: the one rule for "the user's agency"."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from qlvb.directory.models import Unit, User
from qlvb.directory.selectors import agency_of


@pytest.mark.django_db
def test_a_person_of_a_department_works_in_its_agency(person) -> None:
    officer = person("dothanhhuong")
    assert officer.unit is not None and officer.unit.kind == "department"
    assert agency_of(officer) == Unit.objects.get(short_name="UBND", kind="agency")


@pytest.mark.django_db
def test_a_person_placed_in_the_agency_itself_works_in_that_agency(person) -> None:
    leader = person("nguyenvanhung")
    assert leader.unit is not None and leader.unit.kind == "agency"
    assert agency_of(leader) == leader.unit


@pytest.mark.django_db
def test_someone_of_another_agency_works_in_that_one(demo) -> None:
    tyt = Unit.objects.get(short_name="TYT", kind="agency")
    someone = User.objects.filter(unit__agency=tyt).first()
    assert someone is not None and agency_of(someone) == tyt


@pytest.mark.django_db
def test_no_unit_and_no_one_signed_in_have_no_agency(demo) -> None:
    assert agency_of(User.objects.create(username="khong_don_vi", full_name="Không đơn vị")) is None
    assert agency_of(AnonymousUser()) is None
    assert agency_of(None) is None
