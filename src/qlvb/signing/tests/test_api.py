"""``/api/v1/signing/...``: per endpoint an allowed role, a refused one, bad input — each refusal a
Vietnamese ``detail`` and nothing stored."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from qlvb.files.models import StoredFile
from qlvb.signing.models import SignatureReport, SigningProfile
from qlvb.signing.tests import samples
from qlvb.signing.tests.conftest import jpeg_bytes
from qlvb.signing.tests.pki import AGENCY

API = "/api/v1/signing"


def test_my_profile_get_and_set(api_as, person, web_settings, softhsm):
    hung = api_as("nguyenvanhung")
    body = hung.get(f"{API}/profile").json()
    assert body["method"] == "" and body["has_image"] is False and body["owner"] == "ublienminh_nguyenvanhung"
    response = hung.put(
        f"{API}/profile",
        {
            "method": "pkcs11",
            "pkcs11_module": softhsm.module,
            "pkcs11_token_label": softhsm.label,
            "pkcs11_key_label": "hung",
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["method_label"] == "USB token / HSM gắn vào máy chủ (PKCS#11)"
    assert SigningProfile.objects.get(user=person("nguyenvanhung")).pkcs11_key_label == "hung"


def test_my_profile_refuses_bad_settings_in_vietnamese(api_as, person, web_settings):
    hung = api_as("nguyenvanhung")
    response = hung.put(
        f"{API}/profile",
        {"method": "pkcs11", "pkcs11_module": "/tmp/evil.so", "pkcs11_token_label": "t", "pkcs11_key_label": "k"},
        content_type="application/json",
    )
    assert response.status_code == 422 and "Thư viện PKCS#11" in response.json()["detail"]
    response = hung.put(f"{API}/profile", {"method": "usb"}, content_type="application/json")
    assert response.status_code == 422 and response.json()["detail"] == "Phương thức ký số không hợp lệ."
    assert not SigningProfile.objects.exists()


def test_profile_needs_sign_in(web_settings, demo):
    assert Client().get(f"{API}/profile").status_code == 401


def test_upload_my_signature_image(api_as, person, web_settings):
    hung = api_as("nguyenvanhung")
    response = hung.post(f"{API}/profile/image", {"file": SimpleUploadedFile("chu-ky.png", samples.signature_png())})
    assert response.status_code == 200, response.content
    assert response.json()["has_image"] is True
    image = hung.get(f"{API}/profile/image")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert image.content == samples.signature_png()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (jpeg_bytes(), "Ảnh chữ ký phải là tệp PNG"),
        (samples.opaque_png(), "Ảnh chữ ký phải có nền trong suốt."),
    ],
)
def test_a_jpeg_or_an_opaque_png_is_refused(api_as, web_settings, data, message):
    response = api_as("nguyenvanhung").post(f"{API}/profile/image", {"file": SimpleUploadedFile("a.png", data)})
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert not SigningProfile.objects.exists()


def test_upload_without_a_file(api_as, web_settings):
    response = api_as("nguyenvanhung").post(f"{API}/profile/image", {})
    assert response.status_code == 422 and "Chưa có tệp" in response.json()["detail"]


def test_agency_seal_by_the_clerk_refused_to_an_officer(api_as, person, web_settings):
    clerk = api_as("lethuha")
    response = clerk.post(
        f"{API}/agency/seal", {"file": SimpleUploadedFile("dau.png", samples.seal_png()), "width_mm": "36"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["owner"] == "Ủy ban nhân dân xã Liên Minh" and response.json()["image_width_mm"] == 36
    response = clerk.put(
        f"{API}/agency",
        {"method": "pkcs12", "pkcs12_path": web_settings.p12(AGENCY).name},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["method"] == "pkcs12"
    assert response.json()["pkcs12_path"] == web_settings.p12(AGENCY).name
    assert clerk.get(f"{API}/agency").json()["has_image"] is True
    assert clerk.get(f"{API}/agency/seal").content == samples.seal_png()

    officer = api_as("dothanhhuong")
    for response in (
        officer.get(f"{API}/agency"),
        officer.get(f"{API}/agency/seal"),
        officer.post(f"{API}/agency/seal", {"file": SimpleUploadedFile("d.png", samples.seal_png())}),
        officer.put(f"{API}/agency", {"method": "pkcs12", "pkcs12_path": "x.p12"}, content_type="application/json"),
    ):
        assert response.status_code == 403
        assert response.json()["detail"] == "Bạn không có quyền: Cấu hình khóa ký số và ảnh con dấu của cơ quan."
    # The clerk of another agency cannot reach this one.
    tyt_clerk = api_as("tytlienminh_buithiloan")
    ubnd = person("lethuha").unit.agency
    assert tyt_clerk.get(f"{API}/agency", {"agency_id": ubnd.pk}).status_code == 404
    assert SigningProfile.objects.get(agency=ubnd).image_width_mm == 36


def test_a_signature_is_not_a_seal(api_as, web_settings):
    upload = SimpleUploadedFile("d.png", samples.signature_png())
    response = api_as("lethuha").post(f"{API}/agency/seal", {"file": upload})
    assert response.status_code == 422 and "gần vuông" in response.json()["detail"]
    assert not SigningProfile.objects.exists()


def test_verify_a_signed_pdf_then_read_the_stored_report(api_as, web_settings, signed_pdf, altered_pdf):
    clerk = api_as("lethuha")
    response = clerk.post(f"{API}/verify", {"file": SimpleUploadedFile("qd.pdf", signed_pdf)})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["verdict"] == "valid" and body["verdict_label"] == "hợp lệ" and body["signature_count"] == 1
    signature = body["report"]["signatures"][0]
    assert signature["signer"]["ten"] == "Nguyễn Văn Hùng" and signature["signer"]["to_chuc"] == "UBND xã Liên Minh"
    assert {c["check"]: c["status"] for c in signature["checks"]}["integrity"] == "ok"
    assert StoredFile.objects.filter(pk=body["file_id"], channel="api").exists()

    again = clerk.get(f"{API}/reports/{body['id']}")
    assert again.status_code == 200 and again.json()["report"] == body["report"]
    assert api_as("dothanhhuong").get(f"{API}/reports/{body['id']}").status_code == 404
    missing = clerk.get(f"{API}/reports/999999")
    assert missing.status_code == 404 and "không có quyền xem" in missing.json()["detail"]

    altered = clerk.post(f"{API}/verify", {"file": SimpleUploadedFile("qd.pdf", altered_pdf)}).json()
    assert altered["verdict"] == "invalid" and altered["verdict_label"] == "không hợp lệ"


@pytest.mark.parametrize("data", [b"Day khong phai PDF\n" * 10, samples.signature_png()])
def test_verify_refuses_a_non_pdf_and_stores_nothing(api_as, web_settings, data):
    response = api_as("lethuha").post(f"{API}/verify", {"file": SimpleUploadedFile("gia.pdf", data)})
    assert response.status_code == 415
    assert "không phải là tệp PDF" in response.json()["detail"]
    assert not StoredFile.objects.exists() and not SignatureReport.objects.exists()


def test_verify_needs_a_role(person, web_settings, api_as):
    from qlvb.directory.models import User

    nobody = User.objects.create_user(username="ublienminh_khach", password="x" * 12, full_name="Khách")
    client = api_as(nobody)
    response = client.post(f"{API}/verify", {"file": SimpleUploadedFile("qd.pdf", b"%PDF-1.7\n%%EOF\n")})
    assert response.status_code == 403
    assert response.json()["detail"] == "Bạn không có quyền: Kiểm tra chữ ký số của tệp."


def test_the_endpoints_are_in_the_openapi_schema(client, demo):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/profile", "/profile/image", "/agency", "/agency/seal", "/verify", "/reports/{report_id}"):
        assert f"{API}{path}" in paths, path
    assert "multipart/form-data" in paths[f"{API}/verify"]["post"]["requestBody"]["content"]
