"""The API under /api/v1/outgoing: the whole path with personal tokens, per-role refusals in
Vietnamese, outsiders 404 on every route."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from qlvb.documents.models import DocumentType
from qlvb.outgoing.tests.conftest import ALL_OK, PIN

BASE = "/api/v1/outgoing"
JSON = "application/json"


def create_payload(person, tyt, **extra):
    return {
        "doc_type_id": DocumentType.objects.get(name="Công văn").pk,
        "subject": "Triển khai tiêm chủng",
        "signer_id": person("nguyenvanhung").pk,
        "recipient_ids": [tyt.pk],
        "drafter_initials": "ĐTH",
        "copy_count": 3,
        "free_recipients": "Lưu: VT, VHXH.",
        **extra,
    }


def test_main_path_through_the_api(api_as, person, tyt, cong_van_docx, profiles, committed):
    huong, nam, ha, hung = api_as("dothanhhuong"), api_as("hoangvannam"), api_as("lethuha"), api_as("nguyenvanhung")
    r = huong.post(BASE, create_payload(person, tyt), content_type=JSON)
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["subject"] == "V/v triển khai tiêm chủng"
    up = huong.post("/api/v1/files", {"file": SimpleUploadedFile("du-thao.docx", cong_van_docx)})
    assert up.status_code == 201, up.content
    with committed():  # the PDF is made by the Celery task after the commit
        r = huong.post(f"{BASE}/{pk}/versions", {"file_id": up.json()["id"]}, content_type=JSON)
        assert r.status_code == 201, r.content
        assert r.json()["conversion"] == "pending"
    assert huong.get(f"{BASE}/{pk}/versions/{r.json()['id']}/file?pdf=true").status_code == 200
    assert huong.post(f"{BASE}/{pk}/submit", {}, content_type=JSON).json()["state"] == "in_review"
    assert "approve" in nam.get(f"{BASE}/{pk}").json()["actions"]
    assert nam.get(f"{BASE}?box=todo").json()["count"] == 1
    r = nam.post(f"{BASE}/{pk}/return", {"comment": ""}, content_type=JSON)
    assert r.status_code == 422 and "lý do" in r.json()["detail"]
    assert nam.post(f"{BASE}/{pk}/return", {"comment": "Sửa câu 2"}, content_type=JSON).json()["state"] == "returned"
    assert huong.post(f"{BASE}/{pk}/comments", {"text": "Đã sửa"}, content_type=JSON).status_code == 201
    assert huong.post(f"{BASE}/{pk}/submit", {}, content_type=JSON).status_code == 200
    assert nam.post(f"{BASE}/{pk}/approve", {}, content_type=JSON).json()["state"] == "format_check"
    r = hung.post(f"{BASE}/{pk}/sign", {"pin": PIN}, content_type=JSON)
    assert r.status_code == 409  # not his step yet
    assert ha.get(f"{BASE}?box=clerk").json()["count"] == 1
    assert ha.post(f"{BASE}/{pk}/format-check", {"checks": ALL_OK}, content_type=JSON).json()["state"] == "to_sign"
    r = hung.post(f"{BASE}/{pk}/sign", {"pin": "sai-ma-pin"}, content_type=JSON)
    assert r.status_code >= 400 and r.json()["detail"]
    assert hung.post(f"{BASE}/{pk}/sign", {"pin": PIN}, content_type=JSON).json()["state"] == "signed"
    r = ha.post(f"{BASE}/{pk}/issue", content_type=JSON)
    assert r.status_code == 409 and "chưa ký" in r.json()["detail"]
    assert huong.post(f"{BASE}/{pk}/number", content_type=JSON).status_code == 403
    r = ha.post(f"{BASE}/{pk}/number", content_type=JSON)
    assert r.json()["number_notation"] == "01/UBND-VHXH", r.content
    assert ha.post(f"{BASE}/{pk}/number", content_type=JSON).status_code == 409
    assert ha.post(f"{BASE}/{pk}/sign-agency", {"pin": PIN}, content_type=JSON).json()["state"] == "agency_signed"
    with committed():  # the exchange carries the deliveries after the issue commits
        assert ha.post(f"{BASE}/{pk}/issue", content_type=JSON).json()["state"] == "issued"
    track = huong.get(f"{BASE}/{pk}/deliveries").json()
    assert [(t["organ_name"], t["status"]) for t in track] == [("Trạm Y tế xã Liên Minh", "01")]
    pdf = huong.get(f"{BASE}/{pk}/pdf")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF-")
    # the recipient's clerk sees the issued document too, and registers her copy
    loan = api_as("tytlienminh_buithiloan")
    assert loan.get(f"{BASE}/{pk}").status_code == 200
    incoming = loan.get("/api/v1/incoming/?box=to_register").json()["results"]
    assert len(incoming) == 1 and incoming[0]["number_notation"] == "01/UBND-VHXH"
    with committed():
        assert loan.post(f"/api/v1/incoming/{incoming[0]['id']}/register", {}, content_type=JSON).status_code == 200
    assert huong.get(f"{BASE}/{pk}/deliveries").json()[0]["status"] == "03"


def test_refusals_in_vietnamese(api_as, person, tyt):
    huong = api_as("dothanhhuong")
    r = huong.post(BASE, create_payload(person, tyt, secrecy="mat"), content_type=JSON)
    assert r.status_code == 422 and "văn bản mật" in r.json()["detail"]
    r = huong.post(BASE, create_payload(person, tyt, signer_id=person("hoangvannam").pk), content_type=JSON)
    assert r.status_code == 422 and "thẩm quyền ký" in r.json()["detail"]
    r = huong.post(BASE, create_payload(person, tyt, competence="XYZ"), content_type=JSON)
    assert r.status_code == 422


@pytest.mark.parametrize("outsider", ["tytlienminh_dangvantoan", "ngothuytrang", "vuquanghuy"])
def test_outsiders_get_404_on_every_route(api_as, person, tyt, draft, outsider):
    pk = draft().pk
    client = api_as(outsider)
    for method, path in [
        ("get", ""),
        ("put", ""),
        ("post", "/versions"),
        ("get", "/versions/1/file"),
        ("get", "/pdf"),
        ("post", "/comments"),
        ("post", "/submit"),
        ("post", "/approve"),
        ("post", "/return"),
        ("post", "/format-check"),
        ("post", "/sign"),
        ("post", "/number"),
        ("post", "/sign-agency"),
        ("post", "/issue"),
        ("get", "/deliveries"),
        ("post", "/revoke"),
        ("post", "/replace"),
    ]:
        body = {
            "comment": "x",
            "text": "x",
            "pin": "x",
            "reason": "x",
            "checks": {},
            "file_id": 1,
            **create_payload(person, tyt),
        }
        r = getattr(client, method)(f"{BASE}/{pk}{path}", body, content_type=JSON)
        assert r.status_code == 404, (method, path, r.status_code, r.content)
    assert client.get(f"{BASE}?box=all").json()["count"] == 0


def test_visibility_by_role(api_as, draft, person):
    pk = draft().pk
    for name in ("dothanhhuong", "lethuha", "nguyenvanhung", "phamthimai"):
        assert api_as(name).get(f"{BASE}/{pk}").status_code == 200, name
    # the department leader sees it once it is on his chain
    assert api_as("hoangvannam").get(f"{BASE}/{pk}").status_code == 404
    assert Client().get(f"{BASE}/{pk}").status_code == 401
