"""Work due in a period by where it stands — on time, late, overdue, not yet due — by unit and by person,
counted in SQL for what the actor may see; every number's list has exactly that many rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qlvb.core.errors import PermissionDenied
from qlvb.reports import stats
from qlvb.reports.periods import Period
from qlvb.reports.scope import scope_for, scope_require

from .conftest import age

pytestmark = pytest.mark.django_db


def _month() -> Period:
    today = timezone.localdate()
    return Period(today - dt.timedelta(days=40), today + dt.timedelta(days=40))


@pytest.fixture
def spread(handle, finish, task):
    """VHXH: one on time, one late, one overdue, one not due; KT: one overdue; a task overdue."""
    on_time = handle("Kế hoạch tiêm chủng")
    finish(on_time)
    late = handle("Báo cáo dân số")
    finish(late)
    age(late.lead, late.mine, days=3)  # done today, the deadline was 3 days ago
    overdue = handle("Rà soát hộ nghèo")
    age(overdue.lead, overdue.mine, days=5)
    handle("Tổng kết phong trào")
    kt = handle("Quy hoạch sử dụng đất", unit="KT", officer="ngothuytrang")
    age(kt.lead, kt.mine, days=20)
    t = task(days=-2)
    return {"late": late, "overdue": overdue, "kt": kt, "task": t}


def test_counts_by_unit_and_person_follow_the_deadlines(person, spread, dept):
    scope = scope_require(person("nguyenvanhung"))
    f = stats.Filters(period=_month())
    assert stats.work_counts(scope, f) == {"on_time": 1, "late": 1, "overdue": 3, "not_due": 1}
    by_unit = {r["label"]: r for r in stats.work_by(scope, f, level="unit")}
    assert by_unit["Phòng Văn hóa - Xã hội"]["overdue"] == 2  # the document and the task
    assert by_unit["Phòng Kinh tế"]["overdue"] == 1
    assert by_unit["Phòng Văn hóa - Xã hội"]["total"] == 5
    by_person = {r["label"]: r for r in stats.work_by(scope, f, level="person", today=timezone.localdate())}
    assert (by_person["Đỗ Thanh Hương"]["late"], by_person["Đỗ Thanh Hương"]["overdue"]) == (1, 2)
    assert by_person["Ngô Thùy Trang"]["overdue"] == 1
    # the worst first
    assert stats.work_by(scope, f, level="unit")[0]["label"] == "Phòng Văn hóa - Xã hội"


def test_documents_or_tasks_alone(person, spread):
    scope = scope_require(person("nguyenvanhung"))
    tasks = stats.work_counts(scope, stats.Filters(period=_month(), kind="tasks"))
    documents = stats.work_counts(scope, stats.Filters(period=_month(), kind="documents"))
    assert tasks == {"on_time": 0, "late": 0, "overdue": 1, "not_due": 0}
    assert documents["overdue"] == 2


def test_longest_overdue_first(person, spread):
    scope = scope_require(person("nguyenvanhung"))
    rows = stats.longest_overdue(scope, stats.Filters(period=_month()))
    assert [r["days_late"] for r in rows] == [20, 5, 2]
    assert rows[0]["document_id"] == spread["kt"].document.pk


def test_a_department_leader_counts_his_department_only(person, spread, dept):
    scope = scope_require(person("vuquanghuy"))  # Trưởng phòng Kinh tế
    assert scope.unit_ids == (dept("KT").pk,)
    assert stats.work_counts(scope, stats.Filters(period=_month())) == {
        "on_time": 0,
        "late": 0,
        "overdue": 1,
        "not_due": 0,
    }


def test_an_officer_sees_no_figures_and_another_agency_is_refused(person, spread, ubnd):
    assert scope_for(person("dothanhhuong")) is None
    with pytest.raises(PermissionDenied) as refused:
        scope_require(person("tytlienminh_dangvantoan"), agency_id=ubnd.pk)  # Trạm trưởng Trạm Y tế
    assert "cơ quan này" in refused.value.message


def test_the_list_behind_each_number_has_as_many_rows(page_as, spread, dept):
    leader = page_as("nguyenvanhung")
    period = _month()
    q = f"tu={period.start:%d/%m/%Y}&den={period.end:%d/%m/%Y}"
    page = leader.get(f"/thong-ke/?{q}")
    assert page.status_code == 200
    data = page.context["data"]
    for measure in ("on_time", "late", "overdue", "not_due"):
        listed = leader.get(f"/thong-ke/danh-sach/?chi_so={measure}&{q}")
        assert listed.context["page"].paginator.count == data["work"][measure], measure
    vhxh = dept("VHXH").pk
    listed = leader.get(f"/thong-ke/danh-sach/?chi_so=overdue&cap=unit&don_vi={vhxh}&{q}")
    assert listed.context["page"].paginator.count == 2
    body = listed.content.decode()
    assert "Rà soát hộ nghèo" in body and "Báo cáo tình hình tiêm chủng tháng" in body


def test_bad_filters_are_refused_with_a_message(page_as, person, tyt):
    leader = page_as("nguyenvanhung")
    reversed_ = leader.get("/thong-ke/?tu=30/06/2026&den=01/01/2026")
    assert reversed_.status_code == 422
    assert "kết thúc (01/01/2026) trước khi bắt đầu (30/06/2026)" in reversed_.content.decode()
    assert leader.get("/thong-ke/?tu=31/02/2026").status_code == 422
    toan = person("tytlienminh_dangvantoan")
    outside_unit = leader.get(f"/thong-ke/?don_vi={toan.unit_id}")
    assert outside_unit.status_code == 422
    assert "không thuộc phạm vi" in outside_unit.content.decode()
    other_agency = leader.get(f"/thong-ke/?co_quan={tyt.pk}")
    assert other_agency.status_code == 403
    assert page_as("dothanhhuong").get("/thong-ke/").status_code == 403
