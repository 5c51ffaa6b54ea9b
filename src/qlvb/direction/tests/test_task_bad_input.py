"""Bad input when giving a task, each refused with a clear Vietnamese message and a code."""

from __future__ import annotations

import pytest

from qlvb.core.errors import PermissionDenied, ValidationFailed
from qlvb.direction.errors import ErrorCode

from .task_fixtures import dept, give, in_days

pytestmark = pytest.mark.django_db


def test_a_due_date_in_the_past(person):
    with pytest.raises(ValidationFailed) as refused:
        give(person("nguyenvanhung"), lead=dept("VHXH"), due=in_days(-1))
    assert refused.value.code == ErrorCode.DUE_IN_PAST
    assert "đã qua" in refused.value.message


def test_a_person_outside_the_agency(person):
    with pytest.raises(ValidationFailed) as refused:
        give(person("nguyenvanhung"), lead=person("tytlienminh_buithiloan"))
    assert refused.value.code == ErrorCode.OUTSIDE_AGENCY
    assert "Bùi Thị Loan" in refused.value.message and "không phải cán bộ" in refused.value.message


def test_an_officer_gives_no_task(person):
    with pytest.raises(PermissionDenied) as refused:
        give(person("dothanhhuong"), lead=person("hoangvannam"))
    assert refused.value.code == ErrorCode.NOT_A_LEADER
    assert "lãnh đạo" in refused.value.message


def test_a_department_head_gives_only_inside_his_department(person):
    head = person("hoangvannam")
    task = give(head, lead=person("dothanhhuong"))
    assert task.created_by == head
    with pytest.raises(PermissionDenied) as refused:
        give(head, lead=person("ngothuytrang"))
    assert "trong phòng của mình" in refused.value.message
