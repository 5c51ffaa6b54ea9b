"""/api/v1/reports: the same figures and refusals as the pages, for each role."""

from __future__ import annotations

import pytest

from .conftest import age

pytestmark = pytest.mark.django_db


def test_waiting_and_dashboard(api_as, handle):
    late = handle("Rà soát hộ nghèo")
    age(late.lead, late.mine, days=3)
    waiting = api_as("dothanhhuong").get("/api/v1/reports/waiting")
    assert waiting.status_code == 200
    mine = {w["key"]: w["count"] for w in waiting.json()}
    assert mine["to_handle"] == 1
    board = api_as("nguyenvanhung").get("/api/v1/reports/dashboard")
    assert board.status_code == 200
    body = board.json()
    assert body["overdue_now"] == 1 and body["whole_agency"] is True
    assert body["longest"][0]["days_late"] == 3
    assert api_as("dothanhhuong").get("/api/v1/reports/dashboard").status_code == 403


def test_statistics_and_refusals(api_as, handle, tyt):
    handle("Kế hoạch tiêm chủng")
    leader = api_as("nguyenvanhung")
    stats = leader.get("/api/v1/reports/statistics", {"nhom": "documents"})
    assert stats.status_code == 200 and stats.json()["work"]["not_due"] == 1
    reversed_ = leader.get("/api/v1/reports/statistics", {"tu": "2026-06-30", "den": "2026-01-01"})
    assert reversed_.status_code == 422 and reversed_.json()["code"] == "period_reversed"
    other = leader.get("/api/v1/reports/statistics", {"co_quan": tyt.pk})
    assert other.status_code == 403 and other.json()["code"] == "agency_refused"
    assert leader.get("/api/v1/reports/statistics", {"nhom": "khac"}).status_code == 422
    xlsx = leader.get("/api/v1/reports/statistics.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_usage_for_the_agency_and_the_deployment(api_as, handle, ubnd, tyt):
    handle("Kế hoạch tiêm chủng", channel="axis")
    leader = api_as("nguyenvanhung")
    mine = leader.get("/api/v1/reports/usage")
    assert mine.status_code == 200
    assert mine.json()["agencies"][0]["values"]["in_axis"] == 1
    assert leader.get("/api/v1/reports/usage", {"pham_vi": "toan-bo"}).status_code == 403
    whole = api_as("tranthilan").get("/api/v1/reports/usage", {"pham_vi": "toan-bo", "ky": "2026-2"})
    assert whole.status_code == 200
    assert [a["id"] for a in whole.json()["agencies"]] == [ubnd.pk, tyt.pk]
    pdf = leader.get("/api/v1/reports/usage.pdf")
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
    assert api_as("dothanhhuong").get("/api/v1/reports/usage").status_code == 403
