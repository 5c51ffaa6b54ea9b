"""The API: the main path with personal tokens, errors in Vietnamese JSON, outsiders get 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from qlvb.documents.models import Document, DocumentStatus, Register

from .test_attachments import pdf_bytes

BASE = "/api/v1/incoming"
DUE = timezone.localdate() + dt.timedelta(days=28)


@pytest.fixture
def files_dir(settings, tmp_path):
    settings.FILES_DIR = tmp_path / "files"


def receive_payload(**extra):
    return {
        "channel": "paper",
        "doc_type": "Công văn",
        "subject": "Về việc rà soát hộ nghèo năm 2026",
        "organ_name": "UBND huyện Mê Linh",
        "code_number": "45",
        "code_notation": "UBND-LĐTBXH",
        "issued_date": "2026-03-05",
        "urgency": 2,
        **extra,
    }


def test_main_path_through_the_api(api_as, person, dept, files_dir):
    clerk = api_as("lethuha")
    up = clerk.post("/api/v1/files", {"file": SimpleUploadedFile("scan.pdf", pdf_bytes(2), "application/pdf")})
    assert up.status_code == 201, up.content
    file_id = up.json()["id"]

    r = clerk.post(
        f"{BASE}/", receive_payload(files=[{"file_id": file_id, "kind": "main"}]), content_type="application/json"
    )
    assert r.status_code == 201, r.content
    doc = r.json()
    assert doc["arrival_number"] == 1 and doc["page_amount"] == 2 and doc["agency_organ_id"] == "000.00.31.H42"
    assert "submit" in doc["actions"] and doc["attachments"][0]["page_count"] == 2

    dup = clerk.post(f"{BASE}/", receive_payload(), content_type="application/json")
    assert dup.status_code == 409 and dup.json()["code"] == "duplicate"
    assert dup.json()["details"]["duplicate_of"] == doc["id"]

    hung = person("nguyenvanhung")
    assert (
        clerk.post(f"{BASE}/{doc['id']}/submit", {"leader_id": hung.pk}, content_type="application/json").status_code
        == 200
    )
    leader = api_as("nguyenvanhung")
    assert leader.get(f"{BASE}/boxes").json()["to_direct"] == 1
    r = leader.post(
        f"{BASE}/{doc['id']}/direct",
        {
            "directive": "VHXH chủ trì, KT phối hợp",
            "targets": [
                {"role": "lead", "unit_id": dept("VHXH").pk, "due_date": DUE.isoformat()},
                {"role": "support", "unit_id": dept("KT").pk},
            ],
        },
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    lead_id = r.json()[0]["id"]

    nam = api_as("hoangvannam")
    huong = person("dothanhhuong")
    r = nam.post(
        f"{BASE}/assignments/{lead_id}/assign",
        {"targets": [{"role": "lead", "user_id": huong.pk}]},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    mine = r.json()[0]["id"]

    officer = api_as("dothanhhuong")
    assert officer.get(f"{BASE}/", {"box": "to_handle"}).json()["count"] == 1
    assert (
        officer.post(
            f"{BASE}/assignments/{mine}/report",
            {"text": "Đang tổng hợp", "progress": 40},
            content_type="application/json",
        ).json()["status"]
        == "in_progress"
    )
    assert (
        officer.post(
            f"{BASE}/assignments/{mine}/complete", {"result": "Đã gửi danh sách"}, content_type="application/json"
        ).status_code
        == 200
    )
    waiting = clerk.get(f"{BASE}/{doc['id']}").json()
    assert waiting["status"] == DocumentStatus.IN_PROGRESS  # the lead's part waits for the chairman
    assert [a["status"] for a in waiting["assignments"] if a["id"] == lead_id] == ["awaiting"]
    assert (
        nam.post(
            f"{BASE}/assignments/{lead_id}/accept",
            {},  # not whoever assigned it
            content_type="application/json",
        ).status_code
        == 403
    )
    r = leader.post(f"{BASE}/assignments/{lead_id}/accept", {"note": "Đạt yêu cầu"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "done", r.content
    final = clerk.get(f"{BASE}/{doc['id']}").json()
    assert final["status"] == DocumentStatus.COMPLETED
    assert [e["action"] for e in final["events"]][-3:] == ["completion_accepted", "completed", "assignments_closed"]
    assert [a["status"] for a in final["assignments"] if a["role"] == "support"] == ["closed"]


def test_past_deadlines_refused_through_the_api(api_as, receive, dept):
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    r = api_as("lethuha").post(f"{BASE}/", receive_payload(due_date=past), content_type="application/json")
    assert r.status_code == 422 and "đã qua" in r.json()["detail"], r.content
    assert not Document.objects.exists()
    doc = receive()
    r = api_as("nguyenvanhung").post(
        f"{BASE}/{doc.pk}/direct",
        {"targets": [{"role": "lead", "unit_id": dept("VHXH").pk, "due_date": past}]},
        content_type="application/json",
    )
    assert r.status_code == 422 and "đã qua" in r.json()["detail"] and "Phòng Văn hóa" in r.json()["detail"]


def test_secret_document_refused_in_vietnamese(api_as):
    r = api_as("lethuha").post(f"{BASE}/", receive_payload(secrecy="tuyet_mat"), content_type="application/json")
    assert r.status_code == 422 and "mật" in r.json()["detail"] and r.json()["code"] == "state_secret"
    assert not Document.objects.exists() and not Register.objects.filter(last_number__gt=0).exists()


def test_max_length_refused(api_as):
    r = api_as("lethuha").post(f"{BASE}/", receive_payload(subject="x" * 501), content_type="application/json")
    assert r.status_code == 422 and "500" in r.json()["detail"]


def test_quick_search_folded(api_as, receive):
    receive(subject="Quyết định phê duyệt kế hoạch", organ_name="UBND huyện", code_notation="QĐ-UBND")
    receive(code_number="9", subject="Giấy mời họp")
    r = api_as("lethuha").get(f"{BASE}/", {"q": "quyet dinh ubnd"}).json()
    assert r["count"] == 1 and r["results"][0]["subject"] == "Quyết định phê duyệt kế hoạch"


@pytest.mark.parametrize("name", ["ngothuytrang", "tytlienminh_buithiloan", "tytlienminh_dangvantoan"])
def test_outsiders_get_404_everywhere(api_as, receive, person, dept, name):
    from qlvb.incoming.services import Target, incoming_direct

    doc = receive()
    (lead,) = incoming_direct(
        actor=person("nguyenvanhung"), document=doc, directive="", targets=[Target(role="lead", unit=dept("VHXH"))]
    )
    c = api_as(name)
    assert c.get(f"{BASE}/").json()["count"] == 0
    for url in (f"{BASE}/{doc.pk}", f"{BASE}/{doc.pk}/files/1"):
        assert c.get(url).status_code == 404
    for url, body in (
        (f"{BASE}/{doc.pk}/submit", {}),
        (f"{BASE}/{doc.pk}/return", {"reason": "x"}),
        (f"{BASE}/{doc.pk}/direct", {"targets": []}),
        (f"{BASE}/assignments/{lead.pk}/complete", {"result": "x"}),
        (f"{BASE}/assignments/{lead.pk}/reminders", {"kind": "nhac_nho", "text": "x"}),
    ):
        r = c.post(url, body, content_type="application/json")
        assert r.status_code == 404, (url, r.content)
        assert r.json()["detail"]


def test_unauthenticated_is_refused():
    assert Client().get(f"{BASE}/").status_code == 401
