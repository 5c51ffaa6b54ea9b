"""/api/v1/dossiers per role and agency: open, file, close (refused when empty), reopen, the catalogue,
the dossier list; another agency's dossier answers 404."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db
BASE = "/api/v1/dossiers"


def _open(client, notation="05.VX"):
    return client.post(
        BASE,
        {"title": "Hồ sơ tiêm chủng", "notation": notation, "retention_years": 10, "start_date": "2026-01-02"},
        content_type="application/json",
    )


def test_an_officer_opens_files_and_closes_a_dossier(api_as, handled, ubnd):
    doc = handled(page_amount=4)
    officer = api_as("dothanhhuong")
    opened = _open(officer)
    assert opened.status_code == 201, opened.content
    body = opened.json()
    assert body["file_code"] == f"{ubnd.organ_id}.2026.05.VX" and body["maintenance"] == "10 năm"
    assert body["actions"] == ["edit"]
    pk = body["id"]
    empty = officer.post(f"{BASE}/{pk}/close", {}, content_type="application/json")
    assert empty.status_code == 422 and empty.json()["code"] == "dossier_empty"
    assert "chưa có văn bản" in empty.json()["detail"]
    unfiled = officer.get(f"{BASE}/unfiled").json()
    assert [d["id"] for d in unfiled] == [doc.pk]
    added = officer.post(f"{BASE}/{pk}/items", {"document_ids": [doc.pk]}, content_type="application/json")
    assert added.status_code == 200 and added.json()["doc_total"] == 1 and added.json()["page_total"] == 4
    assert officer.get(f"{BASE}/unfiled").json() == []
    items = officer.get(f"{BASE}/{pk}/items").json()
    assert [(i["ordinal"], i["document_id"]) for i in items] == [(1, doc.pk)]
    closed = officer.post(f"{BASE}/{pk}/close", {"end_date": "2026-06-30"}, content_type="application/json")
    assert closed.status_code == 200 and closed.json()["state"] == "closed" and closed.json()["actions"] == []
    sheet = officer.get(f"{BASE}/{pk}/catalogue?format=xlsx")
    assert sheet.status_code == 200
    ws = load_workbook(io.BytesIO(sheet.content)).active
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c]
    assert "MỤC LỤC VĂN BẢN, TÀI LIỆU" in values and f"{doc.doc_type.name}: {doc.subject}" in values
    assert officer.get(f"{BASE}/{pk}/catalogue?format=doc").status_code == 422


def test_a_notation_clash_and_an_unseen_document_are_refused(api_as, handled):
    officer = api_as("dothanhhuong")
    pk = _open(officer).json()["id"]
    clash = _open(api_as("ngothuytrang"))
    assert clash.status_code == 409 and clash.json()["code"] == "notation_taken"
    not_hers = handled(to="ngothuytrang")
    refused = officer.post(f"{BASE}/{pk}/items", {"document_ids": [not_hers.pk]}, content_type="application/json")
    assert refused.status_code == 404 and "không có quyền xem" in refused.json()["detail"]
    assert officer.get(f"{BASE}/{pk}/items").json() == []


def test_another_agency_and_another_officer_get_404(api_as):
    pk = _open(api_as("dothanhhuong")).json()["id"]
    for who in ("tytlienminh_dangvantoan", "tytlienminh_buithiloan", "ngothuytrang"):
        client = api_as(who)
        assert client.get(f"{BASE}/{pk}").status_code == 404
        assert client.post(f"{BASE}/{pk}/close", {}, content_type="application/json").status_code == 404
        assert client.get(f"{BASE}/{pk}/catalogue").status_code == 404
    assert [d["id"] for d in api_as("nguyenvanhung").get(BASE).json()] == [pk]  # the head sees it
    assert api_as("tytlienminh_dangvantoan").get(BASE).json() == []


def test_reopen_is_the_archivists(api_as, handled, archivist):
    officer = api_as("dothanhhuong")
    pk = _open(officer).json()["id"]
    officer.post(f"{BASE}/{pk}/items", {"document_ids": [handled().pk]}, content_type="application/json")
    officer.post(f"{BASE}/{pk}/close", {}, content_type="application/json")
    refused = officer.post(f"{BASE}/{pk}/reopen", {"reason": "Bổ sung"}, content_type="application/json")
    assert refused.status_code == 403
    reopened = api_as(archivist).post(f"{BASE}/{pk}/reopen", {"reason": "Bổ sung"}, content_type="application/json")
    assert reopened.status_code == 200 and reopened.json()["state"] == "open"


def test_the_list_is_drafted_by_the_clerk_and_approved_by_the_head(api_as):
    clerk = api_as("lethuha")
    assert (
        api_as("dothanhhuong").post(f"{BASE}/plans", {"year": 2026}, content_type="application/json").status_code == 403
    )
    plan = clerk.post(f"{BASE}/plans", {"year": 2026}, content_type="application/json").json()
    heading = clerk.post(
        f"{BASE}/plans/{plan['id']}/headings",
        {"title": "Tổ chức, cán bộ", "abbreviation": "TCCB"},
        content_type="application/json",
    ).json()
    assert heading["number"] == "I"
    rows = clerk.post(
        f"{BASE}/plans/{plan['id']}/rows",
        {"heading_id": heading["id"], "title": "Tuyển dụng"},
        content_type="application/json",
    ).json()["rows"]
    assert [(r["notation"], r["maintenance"]) for r in rows] == [("01.TCCB", "Vĩnh viễn")]
    assert clerk.post(f"{BASE}/plans/{plan['id']}/approve").status_code == 403
    approved = api_as("nguyenvanhung").post(f"{BASE}/plans/{plan['id']}/approve")
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    officer = api_as("dothanhhuong")
    opened = officer.post(BASE, {"plan_row_id": rows[0]["id"]}, content_type="application/json")
    assert opened.status_code == 201 and opened.json()["notation"] == "01.TCCB"
    assert api_as("tytlienminh_dangvantoan").get(f"{BASE}/plans/{plan['id']}").status_code == 404
    outsider = api_as("tytlienminh_buithiloan").post(
        BASE, {"plan_row_id": rows[0]["id"]}, content_type="application/json"
    )
    assert outsider.status_code == 404
