"""The signing pages over HTTP: one's own method and signature image, the agency's key and seal,
"Kiểm tra chữ ký số" and a stored report — each for a role that may and one that may not."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from qlvb.files.models import StoredFile
from qlvb.signing.models import SignatureReport, SigningProfile
from qlvb.signing.tests import samples
from qlvb.signing.tests.conftest import jpeg_bytes
from qlvb.signing.tests.pki import AGENCY


def _upload(name: str, data: bytes) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def _no_inline_code(html: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert not re.search(r"\sstyle=", html), "style= attribute"
    assert not re.search(r"<style", html), "<style> element"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


@pytest.mark.parametrize("url", ["signing:profile", "signing:agency", "signing:verify"])
def test_pages_render_for_the_clerk_without_inline_code(person, web_settings, url, page_as):
    response = page_as("lethuha").get(reverse(url))
    assert response.status_code == 200
    html = response.content.decode()
    _no_inline_code(html)
    assert 'data-qlvb="nav-signing"' in html


def test_user_uploads_his_signature_image_and_picks_a_usb_token(person, web_settings, softhsm, page_as):
    hung = person("nguyenvanhung")
    client = page_as(hung)
    page = client.get(reverse("signing:profile")).content.decode()
    assert "Chữ ký số của tôi" in page and "Chưa có ảnh." in page
    assert "USB token / HSM gắn vào máy chủ (PKCS#11)" in page

    response = client.post(
        reverse("signing:profile"), {"action": "image", "image": _upload("chu-ky.png", samples.signature_png())}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("signing:profile"),
        {
            "action": "method",
            "method": "pkcs11",
            "pkcs11_module": softhsm.module,
            "pkcs11_token_label": softhsm.label,
            "pkcs11_key_label": "hung",
        },
    )
    assert response.status_code == 302
    profile = SigningProfile.objects.get(user=hung)
    assert profile.method == "pkcs11" and profile.pkcs11_token_label == softhsm.label
    page = client.get(reverse("signing:profile")).content.decode()
    assert "Đã lưu phương thức ký số." in page and 'data-qlvb="image-preview"' in page
    image = client.get(reverse("signing:profile_image"))
    assert image["Content-Type"] == "image/png" and image.content == samples.signature_png()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (jpeg_bytes(), "phải là tệp PNG"),
        (samples.opaque_png(), "nền trong suốt"),
    ],
)
def test_a_bad_signature_image_is_refused_on_the_page(person, web_settings, data, message, page_as):
    hung = person("nguyenvanhung")
    response = page_as(hung).post(reverse("signing:profile"), {"action": "image", "image": _upload("a.png", data)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SigningProfile.objects.filter(user=hung).exists()


def test_missing_method_fields_are_named(person, web_settings, page_as):
    hung = person("nguyenvanhung")
    response = page_as(hung).post(reverse("signing:profile"), {"action": "method", "method": "pkcs11"})
    assert response.status_code == 200
    assert "Thiếu thông tin cho phương thức ký đã chọn: Thư viện PKCS#11, Nhãn thiết bị, Nhãn khóa." in (
        response.content.decode()
    )


def test_clerk_sets_the_agency_key_and_seal_an_officer_may_not(person, web_settings, page_as):
    clerk, officer = person("lethuha"), person("dothanhhuong")
    client = page_as(clerk)
    assert (
        client.post(
            reverse("signing:agency"),
            {"action": "image", "image": _upload("dau.png", samples.seal_png()), "width_mm": "36"},
        ).status_code
        == 302
    )
    p12 = web_settings.p12(AGENCY).name
    assert (
        client.post(reverse("signing:agency"), {"action": "method", "method": "pkcs12", "pkcs12_path": p12}).status_code
        == 302
    )
    agency = clerk.unit.agency
    profile = SigningProfile.objects.get(agency=agency)
    assert profile.method == "pkcs12" and profile.image_width_mm == 36
    page = client.get(reverse("signing:agency")).content.decode()
    assert agency.name in page and f'value="{p12}"' in page
    seal_url = reverse("signing:agency_image", args=[agency.pk])
    assert client.get(seal_url).content == samples.seal_png()

    other = page_as(officer)
    assert other.get(reverse("signing:agency")).status_code == 403
    assert "Cấu hình khóa ký số và ảnh con dấu của cơ quan" in other.get(reverse("signing:agency")).content.decode()
    assert other.get(seal_url).status_code == 403
    assert (
        other.post(reverse("signing:agency"), {"action": "method", "method": "pkcs12", "pkcs12_path": p12}).status_code
        == 403
    )


def test_a_red_signature_is_not_a_seal_and_a_seal_is_not_a_signature(person, web_settings, page_as):
    clerk = person("lethuha")
    response = page_as(clerk).post(
        reverse("signing:agency"),
        {"action": "image", "image": _upload("dau.png", samples.signature_png()), "width_mm": "36"},
    )
    assert "gần vuông" in response.content.decode()
    assert not SigningProfile.objects.filter(agency=clerk.unit.agency).exists()


def test_clerk_verifies_a_signed_pdf_then_an_altered_one(person, web_settings, signed_pdf, altered_pdf, page_as):
    client = page_as("lethuha")
    response = client.post(reverse("signing:verify"), {"file": _upload("qd.pdf", signed_pdf)})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    _no_inline_code(page)
    assert 'data-qlvb="verdict">hợp lệ<' in page
    assert "Nguyễn Văn Hùng" in page and "UBND xã Liên Minh" in page
    assert "Toàn vẹn dữ liệu đã ký" in page and "Tình trạng thu hồi chứng thư" in page

    response = client.post(reverse("signing:verify"), {"file": _upload("qd-sua.pdf", altered_pdf)})
    page = client.get(response.url).content.decode()
    assert 'data-qlvb="verdict">không hợp lệ<' in page
    assert "bị thay đổi sau khi ký" in page


def test_a_non_pdf_is_refused_and_nothing_is_stored(person, web_settings, page_as):
    client = page_as("lethuha")
    files, reports = StoredFile.objects.count(), SignatureReport.objects.count()
    response = client.post(reverse("signing:verify"), {"file": _upload("gia.pdf", b"Day khong phai PDF\n" * 20)})
    assert response.status_code == 200
    assert "không phải là tệp PDF" in response.content.decode()
    assert (StoredFile.objects.count(), SignatureReport.objects.count()) == (files, reports)


def test_a_stored_report_is_shown_to_the_uploader_and_admin_not_to_others(person, web_settings, signed_pdf, page_as):
    clerk = person("lethuha")
    response = page_as(clerk).post(reverse("signing:verify"), {"file": _upload("qd.pdf", signed_pdf)})
    url = response.url
    assert page_as("tranthilan").get(url).status_code == 200  # administrator over the uploader's unit
    assert page_as("dothanhhuong").get(url).status_code == 404
    assert page_as("tytlienminh_buithiloan").get(url).status_code == 404
    assert Client().get(url).status_code == 302  # not signed in: to the sign-in page


def test_uploads_still_need_the_csrf_token(person, web_settings, page_as):
    """The upload pages install the size-limited upload handler first, then check CSRF themselves."""
    client = page_as("nguyenvanhung", csrf=True)
    form = {"action": "image", "image": _upload("chu-ky.png", samples.signature_png())}
    assert client.post(reverse("signing:profile"), form).status_code == 403
    assert not SigningProfile.objects.exists()
    page = client.get(reverse("signing:profile")).content.decode()
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found is not None
    token = found.group(1)
    form = {"action": "image", "image": _upload("chu-ky.png", samples.signature_png()), "csrfmiddlewaretoken": token}
    assert client.post(reverse("signing:profile"), form).status_code == 302
    assert SigningProfile.objects.get().image_png
