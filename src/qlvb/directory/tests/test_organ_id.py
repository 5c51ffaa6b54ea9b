"""organ_id: own agencies need the QCVN 102 shape; an outside agency's odd code is kept with a warning."""

from __future__ import annotations

import pytest

from qlvb.core import audit
from qlvb.core.errors import ValidationFailed
from qlvb.core.models import AuditEntry
from qlvb.directory.models import Unit
from qlvb.directory.services import organ_id_check, unit_create

from .support import Api

pytestmark = pytest.mark.django_db

WRONG_SHAPES = ["28.22.H17", "000.00.31.h42", "000.00.31.H4", "0000.00.31.H42", "000-00-31-H42", "000.00.31.H42 x"]


@pytest.mark.parametrize("value", ["000.00.31.H42", "000.01.31.H42", "123.45.67.A0B"])
def test_well_formed_codes_pass(value: str) -> None:
    assert organ_id_check(value, external=False).value == value
    assert organ_id_check(value, external=False).warning == ""


@pytest.mark.parametrize("value", WRONG_SHAPES)
def test_own_agency_with_a_wrong_code_is_refused_and_nothing_is_created(value: str) -> None:
    with pytest.raises(ValidationFailed, match=r"không đúng định dạng 000\.00\.00\.X00") as caught:
        unit_create(
            actor=None,
            kind="agency",
            name="Ủy ban nhân dân xã Mẫu",
            short_name="UBND",
            organ_id=value,
            username_prefix="ubmau",
        )
    assert caught.value.status_code == 422
    assert not Unit.objects.exists()
    assert not AuditEntry.objects.exists()


def test_outside_agency_code_is_kept_with_a_warning() -> None:
    unit = unit_create(
        actor=None, kind="agency", name="Sở Y tế tỉnh Mẫu", short_name="SYT", organ_id="28.22.H17", external=True
    )
    unit.refresh_from_db()
    assert unit.organ_id == "28.22.H17"
    assert "không đúng định dạng" in unit.organ_id_warning
    entry = AuditEntry.objects.get(action="unit.created")
    assert entry.data["warning"] == unit.organ_id_warning
    assert audit.verify_chain().ok


def test_own_agency_needs_a_code() -> None:
    with pytest.raises(ValidationFailed, match="phải có mã định danh"):
        unit_create(actor=None, kind="agency", name="Ủy ban nhân dân xã Mẫu", short_name="UBND")


def test_api_wrong_code_for_own_agency_is_422_in_vietnamese_and_stores_nothing(person) -> None:
    admin = person("admin")  # only the deployment's superuser creates a new agency of its own
    before = Unit.objects.count()
    response = Api(admin).post(
        "/directory/units",
        {
            "kind": "agency",
            "name": "Ủy ban nhân dân xã Mẫu",
            "short_name": "UBND",
            "organ_id": "28.22.H17",
            "username_prefix": "ubmau",
        },
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "Mã định danh “28.22.H17” không đúng định dạng 000.00.00.X00."
    assert Unit.objects.count() == before


def test_api_outside_agency_is_kept_with_the_warning_shown(person) -> None:
    response = Api(person("tranthilan")).post(
        "/directory/units",
        {"kind": "agency", "name": "Sở Y tế tỉnh Mẫu", "short_name": "SYT", "organ_id": "28.22.H17", "external": True},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["organ_id"] == "28.22.H17"
    assert body["external"] is True
    assert "không đúng định dạng" in body["organ_id_warning"]
