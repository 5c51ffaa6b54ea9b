"""Issue 15, "Accounts and people": an administrator manages the agency's units on pages (not only the API
and the Django admin): the tree, a new department, rename with short name and identifier (format checked),
move under another unit of the same agency, close when no one and nothing open remains. Bad input: another
agency's unit (404), a unit with people (refused with the reason), a unit moved under its own descendant
(refused). Every change is in the audit log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qlvb.core.errors import Conflict, DomainError, ValidationFailed
from qlvb.core.models import AuditEntry
from qlvb.directory import units
from qlvb.directory.models import Unit
from qlvb.directory.services import unit_create

from .support import other_agency, unit


@pytest.fixture
def lan(person):
    return person("tranthilan")  # the administrator of UBND xã Liên Minh


def _department(parent: Unit, short: str = "TCKT", name: str = "Tổ công tác kinh tế") -> Unit:
    return unit_create(actor=None, kind="department", name=name, short_name=short, parent=parent)


def test_the_tree_shows_the_agency_and_its_units_by_depth(page_as, lan) -> None:
    team = _department(unit("KT"))
    page = page_as(lan).get(reverse("directory:unit_list")).content.decode()
    assert "Ủy ban nhân dân xã Liên Minh" in page and "Phòng Kinh tế" in page
    assert f'href="/quan-tri/don-vi/{team.pk}/"' in page
    assert 'data-depth="2"' in page  # UBND → Phòng Kinh tế → the team


def test_the_tree_of_another_agency_is_not_shown(page_as, demo) -> None:
    _agency, quan = other_agency()
    page = page_as(quan).get(reverse("directory:unit_list")).content.decode()
    assert "Hòa Bình" in page and "Liên Minh" not in page


def test_an_officer_may_not_open_the_unit_pages(page_as, demo) -> None:
    assert page_as("dothanhhuong").get(reverse("directory:unit_list")).status_code == 403


def test_a_department_is_created_from_the_page(page_as, lan) -> None:
    kt = unit("KT")
    response = page_as(lan).post(
        reverse("directory:unit_create"), {"parent": kt.pk, "name": "Tổ địa chính", "short_name": "TĐC"}
    )
    created = Unit.objects.get(short_name="TĐC")
    assert response.status_code == 302 and response["Location"] == reverse("directory:unit_detail", args=[created.pk])
    assert created.parent == kt and created.agency == kt.agency and created.kind == "department"
    assert AuditEntry.objects.filter(action="unit.created", object_id=str(created.pk), actor_id=lan.pk).exists()


def test_rename_and_identifier_with_its_format_checked(page_as, lan) -> None:
    kt = unit("KT")
    client = page_as(lan)
    url = reverse("directory:unit_detail", args=[kt.pk])
    bad = client.post(url, {"name": "Phòng Kinh tế - Hạ tầng", "short_name": "KTHT", "organ_id": "12.34"})
    assert bad.status_code == 422 and "không đúng định dạng" in bad.content.decode()
    kt.refresh_from_db()
    assert kt.name == "Phòng Kinh tế"
    good = client.post(url, {"name": "Phòng Kinh tế - Hạ tầng", "short_name": "KTHT", "organ_id": "000.02.31.H42"})
    assert good.status_code == 302
    kt.refresh_from_db()
    assert (kt.name, kt.short_name, kt.organ_id) == ("Phòng Kinh tế - Hạ tầng", "KTHT", "000.02.31.H42")
    entry = AuditEntry.objects.filter(action="unit.updated", object_id=str(kt.pk)).latest("seq")
    assert entry.data["name"] == ["Phòng Kinh tế", "Phòng Kinh tế - Hạ tầng"]


def test_an_identifier_already_used_is_refused(lan) -> None:
    with pytest.raises(Conflict):
        units.unit_update(actor=lan, unit=unit("KT"), name="Phòng Kinh tế", short_name="KT", organ_id="000.01.31.H42")


def test_an_agency_keeps_an_identifier(lan) -> None:
    with pytest.raises(ValidationFailed):
        units.unit_update(actor=lan, unit=unit("UBND"), name="UBND xã Liên Minh", short_name="UBND", organ_id="")


def test_a_department_moves_under_another_unit_of_its_agency(page_as, lan) -> None:
    team, vp = _department(unit("KT")), unit("VP")
    response = page_as(lan).post(reverse("directory:unit_move", args=[team.pk]), {"parent": vp.pk})
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.parent == vp
    entry = AuditEntry.objects.filter(action="unit.moved", object_id=str(team.pk)).latest("seq")
    assert entry.data == {"from": unit("KT").pk, "to": vp.pk}


def test_a_unit_cannot_move_under_its_own_descendant(page_as, lan) -> None:
    kt = unit("KT")
    team = _department(kt)
    assert units.unit_move_refusal(kt, team) is not None
    with pytest.raises(DomainError, match="chính nó hoặc một đơn vị cấp dưới"):
        units.unit_move(actor=lan, unit=kt, parent=team)
    client = page_as(lan)
    response = client.post(reverse("directory:unit_move", args=[kt.pk]), {"parent": team.pk}, follow=True)
    assert "chính nó hoặc một đơn vị cấp dưới" in response.content.decode()
    kt.refresh_from_db()
    assert kt.parent == unit("UBND")
    assert not AuditEntry.objects.filter(action="unit.moved").exists()


def test_a_unit_cannot_move_to_another_agency(lan) -> None:
    with pytest.raises(DomainError, match="cùng cơ quan"):
        units.unit_move(actor=lan, unit=unit("KT"), parent=unit("TYT", prefix="tytlienminh"))


def test_closing_a_unit_with_people_is_refused_with_the_reason(page_as, lan) -> None:
    kt = unit("KT")
    client = page_as(lan)
    page = client.get(reverse("directory:unit_detail", args=[kt.pk])).content.decode()
    assert 'data-qlvb="close-refusal"' in page and "người đang hoạt động" in page
    response = client.post(reverse("directory:unit_close", args=[kt.pk]), follow=True)
    assert "người đang hoạt động" in response.content.decode()
    kt.refresh_from_db()
    assert kt.is_active
    with pytest.raises(Conflict, match="người đang hoạt động"):
        units.unit_close(actor=lan, unit=kt)


def test_closing_a_unit_with_an_open_unit_below_is_refused(lan) -> None:
    team = _department(unit("KT"))
    _department(team, short="NHOM", name="Nhóm A")
    assert "cấp dưới" in (units.unit_close_refusal(team) or "")


def test_an_empty_department_is_closed(page_as, lan) -> None:
    team = _department(unit("KT"))
    response = page_as(lan).post(reverse("directory:unit_close", args=[team.pk]))
    assert response.status_code == 302
    team.refresh_from_db()
    assert not team.is_active
    assert AuditEntry.objects.filter(action="unit.closed", object_id=str(team.pk), actor_id=lan.pk).exists()


def test_another_agencys_unit_is_not_found(page_as, lan) -> None:
    agency, _quan = other_agency()
    theirs = _department(agency, short="VPHB", name="Văn phòng xã Hòa Bình")
    client = page_as(lan)
    assert client.get(reverse("directory:unit_detail", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("directory:unit_close", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("directory:unit_move", args=[theirs.pk]), {"parent": unit("KT").pk}).status_code == 404
    team = _department(unit("KT"))
    assert client.post(reverse("directory:unit_move", args=[team.pk]), {"parent": agency.pk}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active


def test_the_api_renames_moves_and_refuses_to_close_a_unit_with_people(api_as, lan) -> None:
    client = api_as(lan)
    kt, team = unit("KT"), _department(unit("KT"))
    response = client.patch(
        f"/api/v1/directory/units/{team.pk}",
        {"name": "Tổ kinh tế", "short_name": "TKT", "organ_id": ""},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["name"] == "Tổ kinh tế"
    response = client.post(
        f"/api/v1/directory/units/{kt.pk}/move", {"parent": team.pk}, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "unit_move_refused"
    response = client.post(f"/api/v1/directory/units/{kt.pk}/close")
    assert response.status_code == 409 and response.json()["code"] == "unit_close_refused"
    agency, _quan = other_agency()
    assert client.post(f"/api/v1/directory/units/{agency.pk}/close").status_code == 404
    assert client.post(f"/api/v1/directory/units/{team.pk}/close").status_code == 200
