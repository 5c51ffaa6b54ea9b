"""/api/v1/tasks: the whole way of a task with personal tokens; bad input refused with a Vietnamese message
and a code; another agency's task is 404; a non-leader gets 403 with the reason."""

from __future__ import annotations

import pytest

from qlvb.direction.task_models import Task

from .task_fixtures import dept, give, in_days

pytestmark = pytest.mark.django_db
BASE = "/api/v1/tasks"


def _post(client, path, payload):
    return client.post(f"{BASE}{path}", payload, content_type="application/json")


def test_the_whole_way_through_the_api(api_as, person):
    chairman, head, officer = api_as("nguyenvanhung"), api_as("hoangvannam"), api_as("dothanhhuong")
    r = _post(
        chairman,
        "",
        {
            "title": "Tổng kết phong trào văn hóa",
            "due_date": in_days(7).isoformat(),
            "lead": {"unit_id": dept("VHXH").pk},
        },
    )
    assert r.status_code == 201, r.content
    task = r.json()
    top = task["parts"][0]
    assert top["role"] == "lead" and top["actions"] == ["remind"] and task["status"] == "open"
    seen = head.get(f"{BASE}/{task['id']}").json()
    assert seen["parts"][0]["actions"][0] == "assign"
    r = _post(head, f"/parts/{top['id']}/assign", {"lead_user_id": person("dothanhhuong").pk})
    assert r.status_code == 201, r.content
    mine = r.json()[0]
    r = _post(officer, f"/parts/{mine['id']}/report", {"text": "Đã xong một nửa", "progress": 50})
    assert r.status_code == 200 and r.json()["progress"] == 50
    assert _post(officer, f"/parts/{mine['id']}/complete", {"result": "Báo cáo đã gửi"}).status_code == 200
    assert chairman.get(f"{BASE}/{task['id']}").json()["parts"][0]["status"] == "awaiting"
    r = _post(chairman, f"/parts/{top['id']}/accept", {"note": "Tốt"})
    assert r.status_code == 200 and r.json()["status"] == "done"
    assert chairman.get(f"{BASE}/{task['id']}").json()["status"] == "done"
    listed = officer.get(f"{BASE}?box=mine&status=done").json()
    assert [t["id"] for t in listed] == [task["id"]]


def test_bad_input_through_the_api(api_as, person):
    chairman = api_as("nguyenvanhung")
    r = _post(
        chairman, "", {"title": "Việc", "due_date": in_days(-1).isoformat(), "lead": {"unit_id": dept("VHXH").pk}}
    )
    assert r.status_code == 422 and r.json()["code"] == "due_in_past" and "đã qua" in r.json()["detail"]
    outsider = person("tytlienminh_buithiloan")
    r = _post(chairman, "", {"title": "Việc", "due_date": in_days(2).isoformat(), "lead": {"user_id": outsider.pk}})
    assert r.status_code == 422 and r.json()["code"] == "outside_agency" and "Bùi Thị Loan" in r.json()["detail"]
    r = _post(
        api_as("dothanhhuong"),
        "",
        {"title": "Việc", "due_date": in_days(2).isoformat(), "lead": {"user_id": person("hoangvannam").pk}},
    )
    assert r.status_code == 403 and r.json()["code"] == "not_a_leader"
    assert "lãnh đạo" in r.json()["detail"]
    assert not Task.objects.exists()


def test_another_agencys_task_is_404(api_as, person):
    task = give(person("nguyenvanhung"), lead=person("dothanhhuong"))
    outsider = api_as("tytlienminh_dangvantoan")
    assert outsider.get(f"{BASE}/{task.pk}").status_code == 404
    part = task.parts.get().assignment_id
    assert _post(outsider, f"/parts/{part}/remind", {"kind": "nhac_nho", "text": "?"}).status_code == 404


def test_reminders_and_extensions_through_the_api(api_as, person):
    task = give(person("nguyenvanhung"), lead=person("dothanhhuong"), due=in_days(3))
    part = task.parts.get().assignment_id
    chairman, officer = api_as("nguyenvanhung"), api_as("dothanhhuong")
    r = _post(chairman, f"/parts/{part}/remind", {"kind": "kiem_diem", "text": "Chậm tiến độ"})
    assert r.status_code == 201 and r.json() == {"id": r.json()["id"], "seq": 1, "kind": "kiem_diem"}
    r = _post(officer, f"/parts/{part}/extension", {"new_due_date": in_days(6).isoformat(), "reason": "Chờ số liệu"})
    assert r.status_code == 201
    r = _post(chairman, f"/extensions/{r.json()['id']}/decide", {"grant": False, "note": "Giữ hạn"})
    assert r.status_code == 200 and r.json()["status"] == "refused"
