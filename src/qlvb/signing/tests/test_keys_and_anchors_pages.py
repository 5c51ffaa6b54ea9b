"""Issue 8: a person uploads his own PKCS#12 on his signing page (the password checked, never stored);
the clerk uploads the agency's; the administrator manages the trust anchors — pages and API, each for
a role that may and one that may not; every refusal says what to do."""

from __future__ import annotations

import io

import pytest
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from cryptography.x509 import load_der_x509_certificate
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qlvb.signing import anchors
from qlvb.signing.models import SigningProfile
from qlvb.signing.pdfsign import pdf_sign_personal
from qlvb.signing.tests import samples
from qlvb.signing.tests.pki import AGENCY, EXPIRED, P12_PASSWORD, PERSONAL, TestPKI
from qlvb.signing.verify import verify_pdf

API = "/api/v1/signing"


def _file(name: str, data: bytes) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def _cert_only_p12(pki: TestPKI) -> bytes:
    cert = load_der_x509_certificate(pki.cert(PERSONAL).dump())
    return pkcs12.serialize_key_and_certificates(
        b"hung", None, cert, None, BestAvailableEncryption(P12_PASSWORD.encode())
    )


def test_a_leader_uploads_his_pkcs12_and_signs_with_it_the_password_never_stored(person, web_settings, page_as):
    hung = person("nguyenvanhung")
    client = page_as(hung)
    data = web_settings.p12(PERSONAL).read_bytes()
    response = client.post(
        reverse("signing:profile"), {"action": "pkcs12", "file": _file("hung.p12", data), "password": P12_PASSWORD}
    )
    assert response.status_code == 302
    profile = SigningProfile.objects.get(user=hung)
    assert profile.method == "pkcs12" and bytes(profile.pkcs12_data) == data
    # the password is in no column of the profile
    for field in SigningProfile._meta.concrete_fields:
        value = getattr(profile, field.attname)
        raw = bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
        assert P12_PASSWORD.encode() not in raw, field.name
    page = client.get(reverse("signing:profile")).content.decode()
    assert "Nguyễn Văn Hùng" in page and "CA phục vụ các cơ quan nhà nước (thử nghiệm)" in page
    assert "hung.p12" in page
    # the key signs (the signer types the password again)
    signed = pdf_sign_personal(
        pdf=samples.decision_pdf(1), key=profile.key(), pin=P12_PASSWORD, image_png=samples.signature_png()
    )
    assert verify_pdf(signed.pdf)["verdict"] == "valid"


@pytest.mark.parametrize(
    ("name", "make", "password", "expected"),
    [
        ("anh.png", lambda pki: samples.signature_png(), P12_PASSWORD, "không phải tệp chứng thư số PKCS#12"),
        ("hung.p12", lambda pki: pki.p12(PERSONAL).read_bytes(), "sai-mat-khau", "Mật khẩu của tệp PKCS#12 không đúng"),
        ("cuong.p12", lambda pki: pki.p12(EXPIRED).read_bytes(), P12_PASSWORD, "đã hết hạn ngày"),
        ("chi-chung-thu.p12", _cert_only_p12, P12_PASSWORD, "không có khóa bí mật"),
    ],
)
def test_a_bad_pkcs12_is_refused_with_what_to_do(person, web_settings, name, make, password, expected, page_as):
    hung = person("nguyenvanhung")
    response = page_as(hung).post(
        reverse("signing:profile"), {"action": "pkcs12", "file": _file(name, make(web_settings)), "password": password}
    )
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not SigningProfile.objects.filter(user=hung).exclude(pkcs12_data=b"").exists()


def test_the_clerk_uploads_the_agency_pkcs12_an_officer_may_not(person, web_settings, page_as):
    data = web_settings.p12(AGENCY).read_bytes()
    clerk, officer = person("lethuha"), person("dothanhhuong")
    response = page_as(clerk).post(
        reverse("signing:agency"), {"action": "pkcs12", "file": _file("ubnd.p12", data), "password": P12_PASSWORD}
    )
    assert response.status_code == 302
    assert SigningProfile.objects.get(agency=clerk.unit.agency).method == "pkcs12"
    response = page_as(officer).post(
        reverse("signing:agency"), {"action": "pkcs12", "file": _file("ubnd.p12", data), "password": P12_PASSWORD}
    )
    assert response.status_code == 403


def test_pkcs12_upload_over_the_api(person, web_settings, api_as):
    client = api_as("nguyenvanhung")
    data = web_settings.p12(PERSONAL).read_bytes()
    bad = client.post(f"{API}/profile/pkcs12", {"file": SimpleUploadedFile("h.p12", data), "password": "x"})
    assert bad.status_code == 422 and "Mật khẩu của tệp PKCS#12 không đúng" in bad.json()["detail"]
    good = client.post(f"{API}/profile/pkcs12", {"file": SimpleUploadedFile("h.p12", data), "password": P12_PASSWORD})
    assert good.status_code == 200, good.content
    body = good.json()
    assert body["method"] == "pkcs12" and body["pkcs12_uploaded"] == "h.p12"
    assert body["certificate"]["subject"] == "Nguyễn Văn Hùng"
    officer = api_as("dothanhhuong")
    assert (
        officer.post(
            f"{API}/agency/pkcs12", {"file": SimpleUploadedFile("h.p12", data), "password": P12_PASSWORD}
        ).status_code
        == 403
    )


# --- trust anchors -------------------------------------------------------------------------------


def test_the_administrator_adds_lists_and_removes_a_trust_anchor(person, web_settings, settings, tmp_path, page_as):
    settings.QLVB_TRUST_ANCHORS_DIR = str(tmp_path / "anchors")
    admin = page_as("tranthilan")  # the demo agency's administrator
    root = web_settings.root.dump()
    assert "Chưa có chứng thư gốc nào" in admin.get(reverse("signing:anchors")).content.decode()
    response = admin.post(reverse("signing:anchors"), {"action": "add", "file": _file("root.cer", root)})
    assert response.status_code == 302
    page = admin.get(reverse("signing:anchors")).content.decode()
    assert "Root CA chuyên dùng thử nghiệm" in page
    fingerprint = anchors.trust_anchor_list()[0].fingerprint
    assert admin.post(reverse("signing:anchors"), {"action": "remove", "fingerprint": fingerprint}).status_code == 302
    assert anchors.trust_anchor_list() == []


def _key(pki: TestPKI):
    from qlvb.signing.keys import Pkcs12Key

    return Pkcs12Key(str(pki.p12(PERSONAL)))


def test_signatures_chain_to_an_anchor_added_on_the_page(person, web_settings, settings, tmp_path, page_as):
    signed = pdf_sign_personal(
        pdf=samples.decision_pdf(1), key=_key(web_settings), pin=P12_PASSWORD, image_png=samples.signature_png()
    ).pdf
    settings.QLVB_TRUST_ANCHORS_DIR = str(tmp_path / "anchors")
    assert verify_pdf(signed)["verdict"] == "invalid"  # nobody trusted yet
    page_as("tranthilan").post(
        reverse("signing:anchors"), {"action": "add", "file": _file("root.pem", web_settings.root.dump())}
    )
    assert verify_pdf(signed)["verdict"] == "valid"


@pytest.mark.parametrize("name", ["lethuha", "nguyenvanhung", "dothanhhuong"])
def test_trust_anchors_are_refused_to_a_non_administrator(
    person, web_settings, settings, tmp_path, name, page_as, api_as
):
    settings.QLVB_TRUST_ANCHORS_DIR = str(tmp_path / "anchors")
    client = page_as(name)
    assert client.get(reverse("signing:anchors")).status_code == 403
    assert (
        client.post(
            reverse("signing:anchors"), {"action": "add", "file": _file("root.cer", web_settings.root.dump())}
        ).status_code
        == 403
    )
    assert anchors.trust_anchor_list() == []
    api = api_as(name)
    assert api.get(f"{API}/anchors").status_code == 403
    assert (
        api.post(f"{API}/anchors", {"file": SimpleUploadedFile("r.cer", web_settings.root.dump())}).status_code == 403
    )


def test_bad_trust_anchor_files_are_refused(person, web_settings, settings, tmp_path, page_as):
    settings.QLVB_TRUST_ANCHORS_DIR = str(tmp_path / "anchors")
    admin = page_as("tranthilan")
    page = admin.post(reverse("signing:anchors"), {"action": "add", "file": _file("x.cer", b"not a certificate")})
    assert page.status_code == 200 and "không phải chứng thư số X.509" in page.content.decode()
    leaf = admin.post(
        reverse("signing:anchors"), {"action": "add", "file": _file("hung.cer", web_settings.cert(PERSONAL).dump())}
    )
    assert "không phải chứng thư của tổ chức cấp (CA)" in leaf.content.decode()
    assert anchors.trust_anchor_list() == []


def test_trust_anchors_over_the_api(person, web_settings, settings, tmp_path, api_as):
    settings.QLVB_TRUST_ANCHORS_DIR = str(tmp_path / "anchors")
    api = api_as("tranthilan")
    added = api.post(f"{API}/anchors", {"file": SimpleUploadedFile("r.cer", web_settings.root.dump())})
    assert added.status_code == 201, added.content
    fingerprint = added.json()[0]["fingerprint"]
    assert [a["subject"] for a in api.get(f"{API}/anchors").json()] == ["Root CA chuyên dùng thử nghiệm"]
    assert api.delete(f"{API}/anchors/{fingerprint}").status_code == 204
    assert api.delete(f"{API}/anchors/{fingerprint}").status_code == 404
