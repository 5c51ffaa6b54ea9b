"""Danh mục hồ sơ: headings and rows with their notations, approval that freezes, versions, copy forward."""

from __future__ import annotations

import pytest

from qlvb.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from qlvb.core.models import AuditEntry
from qlvb.dossiers import services
from qlvb.dossiers.errors import ErrorCode
from qlvb.dossiers.models import Numbering, PlanState, roman
from qlvb.dossiers.selectors import plan_get

pytestmark = pytest.mark.django_db


def _plan(person, ubnd, year=2026, numbering=Numbering.CONTINUOUS):
    clerk = person("lethuha")
    plan = services.plan_create(actor=clerk, agency=ubnd, year=year, numbering=numbering)
    tccb = services.plan_heading_add(actor=clerk, plan=plan, title="Tổ chức, cán bộ", abbreviation="TCCB")
    vx = services.plan_heading_add(actor=clerk, plan=plan, title="Văn hóa - Xã hội", abbreviation="VX")
    return clerk, plan, tccb, vx


def test_rows_are_numbered_with_the_heading_abbreviation(person, ubnd):
    clerk, plan, tccb, vx = _plan(person, ubnd)
    a = services.plan_row_add(actor=clerk, plan=plan, heading=tccb, title="Hồ sơ tuyển dụng", retention_years=None)
    b = services.plan_row_add(actor=clerk, plan=plan, heading=tccb, title="Hồ sơ nâng lương", retention_years=20)
    c = services.plan_row_add(actor=clerk, plan=plan, heading=vx, title="Hồ sơ tiêm chủng", retention_years=5)
    assert (a.notation, b.notation, c.notation) == ("01.TCCB", "02.TCCB", "03.VX")
    assert (a.maintenance, b.maintenance, c.maintenance) == ("Vĩnh viễn", "20 năm", "05 năm")
    assert (tccb.number, vx.number) == ("I", "II") and roman(14) == "XIV"


def test_numbering_may_restart_in_each_large_heading(person, ubnd):
    clerk, plan, tccb, vx = _plan(person, ubnd, numbering=Numbering.PER_HEADING)
    services.plan_row_add(actor=clerk, plan=plan, heading=tccb, title="Tuyển dụng", retention_years=None)
    sub = services.plan_heading_add(actor=clerk, plan=plan, title="Tiêm chủng", parent=vx)
    row = services.plan_row_add(actor=clerk, plan=plan, heading=sub, title="Tiêm chủng mở rộng", retention_years=10)
    assert row.notation == "01.VX" and sub.number == "1"


def test_a_notation_that_clashes_in_the_list_is_refused(person, ubnd):
    clerk, plan, tccb, _ = _plan(person, ubnd)
    services.plan_row_add(actor=clerk, plan=plan, heading=tccb, title="Tuyển dụng", retention_years=None)
    with pytest.raises(Conflict, match=r"01\.TCCB") as refused:
        services.plan_row_add(actor=clerk, plan=plan, heading=tccb, title="Khác", retention_years=5, notation="01.TCCB")
    assert refused.value.code == ErrorCode.NOTATION_TAKEN
    assert plan.rows.count() == 1


def test_retention_beyond_the_table_is_refused(person, ubnd):
    clerk, plan, tccb, _ = _plan(person, ubnd)
    with pytest.raises(ValidationFailed, match="Thời hạn bảo quản"):
        services.plan_row_add(actor=clerk, plan=plan, heading=tccb, title="Tuyển dụng", retention_years=99)


def test_the_head_approves_and_the_list_is_frozen(person, ubnd):
    clerk, plan, tccb, _ = _plan(person, ubnd)
    with pytest.raises(ValidationFailed) as empty:
        services.plan_approve(actor=person("nguyenvanhung"), plan=plan)
    assert empty.value.code == ErrorCode.PLAN_EMPTY
    services.plan_row_add(actor=clerk, plan=plan, heading=tccb, title="Tuyển dụng", retention_years=None)
    with pytest.raises(PermissionDenied):
        services.plan_approve(actor=clerk, plan=plan)
    services.plan_approve(actor=person("nguyenvanhung"), plan=plan)
    plan.refresh_from_db()
    assert plan.state == PlanState.APPROVED and plan.approved_by == person("nguyenvanhung")
    assert AuditEntry.objects.filter(action="dossiers.plan_approved").count() == 1
    with pytest.raises(Conflict) as frozen:
        services.plan_row_add(actor=clerk, plan=plan, heading=tccb, title="Nâng lương", retention_years=20)
    assert frozen.value.code == ErrorCode.PLAN_FROZEN
    # a change is a new version of the same year
    again = services.plan_create(actor=clerk, agency=ubnd, year=2026)
    assert again.version == 2 and again.state == PlanState.DRAFT


def test_copy_forward_starts_next_year_from_this_year(person, ubnd):
    clerk, plan, tccb, vx = _plan(person, ubnd)
    sub = services.plan_heading_add(actor=clerk, plan=plan, title="Y tế", parent=vx)
    services.plan_row_add(actor=clerk, plan=plan, heading=tccb, title="Tuyển dụng", retention_years=None)
    services.plan_row_add(actor=clerk, plan=plan, heading=sub, title="Tiêm chủng", retention_years=10)
    with pytest.raises(NotFound) as none:
        services.plan_copy_forward(actor=clerk, agency=ubnd, year=2026)
    assert none.value.code == ErrorCode.NO_PREVIOUS_PLAN
    copy = services.plan_copy_forward(actor=clerk, agency=ubnd, year=2027)
    assert copy.year == 2027 and copy.state == PlanState.DRAFT
    assert sorted(copy.rows.values_list("notation", "title", "heading__title")) == [
        ("01.TCCB", "Tuyển dụng", "Tổ chức, cán bộ"),
        ("02.VX", "Tiêm chủng", "Y tế"),
    ]
    assert copy.headings.get(title="Y tế").parent == copy.headings.get(title="Văn hóa - Xã hội")


def test_an_officer_may_not_draft_the_list_and_another_agency_sees_none(person, ubnd):
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=person("dothanhhuong"), agency=ubnd, year=2026)
    _, plan, _, _ = _plan(person, ubnd)
    assert plan_get(person("dothanhhuong"), pk=plan.pk) == plan
    with pytest.raises(NotFound):
        plan_get(person("tytlienminh_dangvantoan"), pk=plan.pk)
