"""Issue 8, in Chromium: Nguyễn Văn Hùng, whose signing method is "USB token cắm vào máy tính của tôi",
opens the công văn waiting for his signature, presses "Ký bằng USB token", the page finds the local
plug-in (the stand-in HTTP server on 127.0.0.1), he signs; Lê Thu Hà numbers it and applies the agency
signature in the browser; the final PDF's two signatures verify as valid. Screenshots in
var/screenshots/ (desktop and 375 px)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from qlvb.outgoing.models import Outgoing, State
from qlvb.outgoing.tests.conftest import PIN
from qlvb.outgoing.tests.test_sign_usb import _read, usb_profiles  # noqa: F401  (fixture)
from qlvb.signing.tests.pki import P12_PASSWORD, PERSONAL
from qlvb.signing.tests.plugin_standin import StandIn, running
from qlvb.signing.verify import verify_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_signs_with_usb_token_at_his_desk(
    demo,
    live_server,
    browser_as,
    shot,
    to_sign,
    usb_profiles,  # noqa: F811
    signing_settings,
    settings,
    eager,
):
    outgoing = to_sign()
    detail = f"{live_server.url}/van-ban-di/{outgoing.pk}/"
    state = StandIn(signing_settings.p12(PERSONAL).read_bytes(), P12_PASSWORD)
    with running(state) as plugin_url:
        settings.QLVB_SIGNING_PLUGIN_URL = plugin_url
        hung = browser_as("ublienminh_nguyenvanhung")
        hung.goto(detail)
        assert hung.get_by_label("Mã PIN / mật khẩu khóa ký số").count() == 0  # the PIN goes to the plug-in
        shot(hung, "outgoing-usb-0-detail")
        hung.locator('[data-qlvb="sign-usb"]').click()
        hung.wait_for_url(re.compile(r"/ky-usb/$"))
        expect(hung.locator("[data-qlvb=plugin-status]")).to_contain_text("Đã kết nối")
        shot(hung, "outgoing-usb-1-ready")
        phone = browser_as("ublienminh_nguyenvanhung", phone=True)
        phone.goto(f"{detail}ky-usb/")
        expect(phone.locator("[data-qlvb=plugin-status]")).to_contain_text("Đã kết nối")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375
        shot(phone, "outgoing-usb-1-ready-375px")
        hung.get_by_role("button", name="Ký bằng USB token").click()
        hung.wait_for_url(detail)
        hung.wait_for_load_state("networkidle")
        assert "Đã ký, chờ cấp số" in hung.locator('[data-qlvb="state"]').inner_text()
        assert "Đã ký số bằng USB token" in hung.content()
        shot(hung, "outgoing-usb-2-signed")
    assert len(state.signed) == 1

    ha = browser_as("ublienminh_lethuha")
    ha.goto(detail)
    ha.locator('[data-qlvb="number"]').click()
    assert ha.locator('[data-qlvb="number-notation"]').inner_text() == "01/UBND-VHXH"
    ha.get_by_label("Mã PIN khóa ký số của cơ quan").fill(PIN)
    ha.locator('[data-qlvb="sign-agency-ok"]').click()
    ha.wait_for_load_state("networkidle")
    outgoing = Outgoing.objects.get(pk=outgoing.pk)
    assert outgoing.state == State.AGENCY_SIGNED
    report = verify_pdf(_read(outgoing.signed_pdf))
    assert [s["verdict"] for s in report["signatures"]] == ["valid", "valid"], report
    import subprocess

    from qlvb.conftest import SCREENSHOTS

    pdf = SCREENSHOTS / "outgoing-usb-3-final.pdf"
    pdf.write_bytes(_read(outgoing.signed_pdf))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(pdf.with_suffix(""))], check=True
    )
