"""A person can see it: in the system's Chromium, Nguyễn Văn Hùng uploads his signature image and
picks his USB token (PKCS#11); the clerk Lê Thu Hà checks a PDF he signed (test PKI) and reads
"hợp lệ", then a copy changed after signing and reads "không hợp lệ". Screenshots (desktop and
375 px) go to var/screenshots/signing/."""

from __future__ import annotations

import os
import re
from functools import partial
from pathlib import Path

import pytest
from playwright.sync_api import expect

from qlvb.conftest import Session as SharedSession
from qlvb.incoming.tests.test_browser import run_in_own_thread
from qlvb.signing.models import SigningProfile
from qlvb.signing.tests import samples

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[4] / "var" / "screenshots" / "signing"


Session = partial(SharedSession, shots=SHOTS)


def test_signature_image_method_and_verification(
    demo, live_server, web_settings, softhsm, signed_pdf, altered_pdf, tmp_path
):
    files = {}
    for name, data in (
        ("chu-ky-hung.png", samples.signature_png()),
        ("qd-da-ky.pdf", signed_pdf),
        ("qd-bi-sua.pdf", altered_pdf),
        ("chu-ky-nen-trang.png", samples.opaque_png()),
        ("con-dau.png", samples.seal_png()),
    ):
        files[name] = tmp_path / name
        files[name].write_bytes(data)
    run_in_own_thread(path, live_server, softhsm, files)
    profile = SigningProfile.objects.get(user__username="ublienminh_nguyenvanhung")
    assert profile.method == "pkcs11" and bytes(profile.image_png) == samples.signature_png()
    seal = SigningProfile.objects.get(agency__short_name="UBND")
    assert seal.image_width_mm == 36 and bytes(seal.image_png) == samples.seal_png()


def path(chromium, live_server, softhsm, files) -> None:
    # 1. Nguyễn Văn Hùng: his signature image (an opaque one first: refused), then his USB token.
    hung = Session(chromium, live_server.url, "nguyenvanhung")
    hung.page.locator("[data-qlvb=nav-signing]").click()
    hung.page.wait_for_load_state("networkidle")
    hung.page.get_by_role("link", name="Chữ ký của tôi").click()
    p = hung.page
    p.wait_for_load_state("networkidle")
    assert p.get_by_role("heading", name="Chữ ký số của tôi").is_visible()
    hung.shot("01-hung-profile-empty")
    p.get_by_label("Ảnh (PNG, nền trong suốt)").set_input_files(str(files["chu-ky-nen-trang.png"]))
    p.get_by_role("button", name="Tải ảnh lên").click()
    p.wait_for_load_state("networkidle")
    assert "Ảnh chữ ký phải có nền trong suốt." in p.locator("[data-qlvb=image-error]").inner_text()
    hung.shot("02-hung-opaque-image-refused")
    p.get_by_label("Ảnh (PNG, nền trong suốt)").set_input_files(str(files["chu-ky-hung.png"]))
    p.get_by_role("button", name="Tải ảnh lên").click()
    p.wait_for_load_state("networkidle")
    preview = p.locator("[data-qlvb=image-preview]")
    assert preview.is_visible()
    assert p.evaluate("document.querySelector('[data-qlvb=image-preview]').naturalWidth") == 600
    p.get_by_label("USB token / HSM gắn vào máy chủ (PKCS#11)").check()
    p.get_by_label("Thư viện PKCS#11").select_option(softhsm.module)
    p.get_by_label("Nhãn thiết bị (token)").fill(softhsm.label)
    p.get_by_label("Nhãn khóa").fill("hung")
    p.get_by_role("button", name="Lưu phương thức ký").click()
    p.wait_for_load_state("networkidle")
    assert "Đã lưu phương thức ký số." in p.content()
    assert "USB token / HSM gắn vào máy chủ (PKCS#11)" in p.locator("[data-qlvb=current-method]").inner_text()
    hung.shot("03-hung-profile-saved")
    hung.close()

    phone = Session(chromium, live_server.url, "nguyenvanhung", width=375, height=740)
    phone.open("/ky-so/ho-so/")
    phone.fits()
    phone.shot("04-hung-profile-375px")
    phone.close()

    # 2. Lê Thu Hà (văn thư) checks the signed PDF, then the altered copy.
    ha = Session(chromium, live_server.url, "lethuha")
    ha.open("/ky-so/kiem-tra/")
    p = ha.page
    ha.shot("05-clerk-verify-form")
    p.get_by_label("Tệp PDF cần kiểm tra").set_input_files(str(files["qd-da-ky.pdf"]))
    p.get_by_role("button", name="Kiểm tra", exact=True).click()
    p.wait_for_url(re.compile(r"/ky-so/bao-cao/\d+/$"))
    p.wait_for_load_state("networkidle")
    assert p.locator("[data-qlvb=verdict]").inner_text() == "hợp lệ"
    assert p.locator("[data-qlvb=signer]").inner_text() == "Nguyễn Văn Hùng"
    assert p.locator("[data-qlvb=organisation]").inner_text() == "UBND xã Liên Minh"
    assert p.locator("[data-qlvb=check-integrity]").get_attribute("data-status") == "ok"
    ha.shot("06-clerk-report-valid")
    valid_url = p.url

    ha.open("/ky-so/kiem-tra/")
    p.get_by_label("Tệp PDF cần kiểm tra").set_input_files(str(files["qd-bi-sua.pdf"]))
    p.get_by_role("button", name="Kiểm tra", exact=True).click()
    p.wait_for_url(re.compile(r"/ky-so/bao-cao/\d+/$"))
    p.wait_for_load_state("networkidle")
    assert p.locator("[data-qlvb=verdict]").inner_text() == "không hợp lệ"
    assert p.locator("[data-qlvb=check-integrity]").get_attribute("data-status") == "fail"
    assert "bị thay đổi sau khi ký" in p.locator("[data-qlvb=reasons]").inner_text()
    ha.shot("07-clerk-report-altered")

    # The clerk keeps the agency's seal (NĐ 30 Điều 33): its image, red, at its real diameter.
    ha.open("/ky-so/kiem-tra/")
    ha.page.get_by_role("link", name="Của cơ quan").click()
    p.wait_for_load_state("networkidle")
    p.get_by_label("Ảnh con dấu (PNG màu đỏ, nền trong suốt)").set_input_files(str(files["con-dau.png"]))
    p.get_by_label("Đường kính thật của con dấu (mm)").fill("36")
    p.get_by_role("button", name="Tải ảnh lên").click()
    p.wait_for_load_state("networkidle")
    assert p.locator("[data-qlvb=image-preview]").is_visible()
    assert "Đường kính 36" in p.locator("figcaption").inner_text()
    ha.shot("08-clerk-agency-seal")
    ha.close()

    phone = Session(chromium, live_server.url, "lethuha", width=375, height=740)
    phone.page.goto(valid_url)
    phone.page.wait_for_load_state("networkidle")
    phone.fits()
    phone.shot("09-clerk-report-valid-375px")
    phone.open("/ky-so/co-quan/")
    phone.fits()
    phone.shot("10-clerk-agency-375px")
    phone.close()


# --- issue 8: one's own PKCS#12, the trust anchors, the USB token at one's desk -------------------


def test_own_pkcs12_trust_anchors_and_usb_token_at_the_desk(demo, live_server, web_settings, settings, tmp_path):
    from qlvb.signing.tests.pki import P12_PASSWORD, PERSONAL
    from qlvb.signing.tests.plugin_standin import StandIn, running

    settings.QLVB_TRUST_ANCHORS_DIR = str(tmp_path / "anchors")  # empty: the administrator adds the root
    files = {
        "hung.p12": web_settings.p12(PERSONAL).read_bytes(),
        "root.cer": web_settings.root.dump(),
        "cong-van.pdf": samples.decision_pdf(1),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    state = StandIn(files["hung.p12"], P12_PASSWORD)
    with running(state) as plugin_url:
        settings.QLVB_SIGNING_PLUGIN_URL = plugin_url
        run_in_own_thread(desk_path, live_server, tmp_path, P12_PASSWORD)
    assert len(state.signed) == 1
    profile = SigningProfile.objects.get(user__username="ublienminh_nguyenvanhung")
    assert profile.method == "pkcs12" and bytes(profile.pkcs12_data) == files["hung.p12"]


def desk_path(chromium, live_server, folder: Path, password: str) -> None:
    # 1. The administrator adds the CA's root certificate on "Chứng thư gốc tin cậy".
    lan = Session(chromium, live_server.url, "tranthilan")
    lan.open("/ky-so/chung-thu-goc/")
    p = lan.page
    assert "Chưa có chứng thư gốc nào" in p.content()
    p.get_by_label("Tệp chứng thư gốc hoặc trung gian").set_input_files(str(folder / "root.cer"))
    p.get_by_role("button", name="Thêm vào danh sách tin cậy").click()
    p.wait_for_load_state("networkidle")
    assert "Root CA chuyên dùng thử nghiệm" in p.locator("[data-qlvb=anchors]").inner_text()
    lan.shot("11-admin-trust-anchors")
    lan.close()
    phone = Session(chromium, live_server.url, "tranthilan", width=375, height=740)
    phone.open("/ky-so/chung-thu-goc/")
    phone.fits()
    phone.shot("12-admin-trust-anchors-375px")
    phone.close()

    # 2. Nguyễn Văn Hùng uploads his PKCS#12: a wrong password first (refused, said why), then the right one.
    hung = Session(chromium, live_server.url, "nguyenvanhung")
    hung.open("/ky-so/ho-so/")
    p = hung.page
    p.get_by_label("Tệp chứng thư số (.p12, .pfx)").set_input_files(str(folder / "hung.p12"))
    p.get_by_label("Mật khẩu của tệp").fill("sai")
    p.get_by_role("button", name="Tải tệp chứng thư lên").click()
    p.wait_for_load_state("networkidle")
    assert "Mật khẩu của tệp PKCS#12 không đúng" in p.locator("[data-qlvb=pkcs12-error]").inner_text()
    p.get_by_label("Tệp chứng thư số (.p12, .pfx)").set_input_files(str(folder / "hung.p12"))
    p.get_by_label("Mật khẩu của tệp").fill(password)
    p.get_by_role("button", name="Tải tệp chứng thư lên").click()
    p.wait_for_load_state("networkidle")
    assert "Nguyễn Văn Hùng" in p.locator("[data-qlvb=certificate-subject]").inner_text()
    assert "Tệp chứng thư số PKCS#12" in p.locator("[data-qlvb=current-method]").inner_text()
    hung.shot("13-hung-pkcs12-uploaded")

    # 3. He signs a PDF with the USB token at his desk (the stand-in plug-in) and reads the report.
    hung.open("/ky-so/usb-token/")
    expect(p.locator("[data-qlvb=plugin-status]")).to_contain_text("Đã kết nối")
    hung.shot("14-hung-usb-token-ready")
    p.get_by_label("Tệp PDF cần ký").set_input_files(str(folder / "cong-van.pdf"))
    p.get_by_role("button", name="Ký bằng USB token").click()
    p.wait_for_url(re.compile(r"/ky-so/bao-cao/\d+/$"))
    p.wait_for_load_state("networkidle")
    assert p.locator("[data-qlvb=verdict]").inner_text() == "hợp lệ"
    assert p.locator("[data-qlvb=signer]").inner_text() == "Nguyễn Văn Hùng"
    hung.shot("15-hung-usb-token-signed-report")
    hung.close()
    phone = Session(chromium, live_server.url, "nguyenvanhung", width=375, height=740)
    for path, name in (("/ky-so/ho-so/", "16-hung-profile-375px"), ("/ky-so/usb-token/", "17-hung-usb-token-375px")):
        phone.open(path)
        phone.fits()
        phone.shot(name)
    phone.close()
