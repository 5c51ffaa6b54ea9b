"""Issue 16: passkeys in Chromium on a phone (375×812, touch, isMobile), with Chromium's virtual
authenticator (CDP WebAuthn domain: a platform authenticator with resident keys and user verification,
as a phone's fingerprint reader is): sign in with the password, add a passkey on "Khóa đăng nhập", sign
out, sign in with "Đăng nhập bằng khóa" alone; the pages pass the accessibility check."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from qlvb.conftest import assert_accessible, browser_sign_in, no_csp_violation
from qlvb.directory.demo import load_demo
from qlvb.directory.models import Passkey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_add_a_passkey_on_the_phone_then_sign_in_with_it(live_server: Any, browser: Any, shot: Any) -> None:
    load_demo()
    context = browser.new_context(
        viewport={"width": 375, "height": 812},
        is_mobile=True,
        has_touch=True,
        locale="vi-VN",
        device_scale_factor=2,
        service_workers="block",  # the worker's own tests are in web/tests/test_app_browser.py
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    base = live_server.url

    browser_sign_in(page, base, "lethuha")
    page.goto(f"{base}/doi-mat-khau/")
    page.locator('[data-qlvb="passkeys-link"]').click()
    page.wait_for_load_state("networkidle")
    assert_accessible(page, "the passkeys page, empty")
    page.get_by_label("Tên thiết bị (không bắt buộc)").fill("Điện thoại của Hà")
    page.get_by_role("button", name="Thêm khóa đăng nhập (vân tay / khuôn mặt)").click()
    page.wait_for_selector('[data-qlvb="passkey"]')
    assert "Đã thêm khóa đăng nhập “Điện thoại của Hà”" in page.locator("main").inner_text()
    assert Passkey.objects.filter(user__username="ublienminh_lethuha").count() == 1
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": added["authenticatorId"]})["credentials"]
    assert len(credentials) == 1 and credentials[0]["isResidentCredential"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page, "the passkeys page with one passkey")
    shot(page, "phone-passkeys")

    # The sign-in page also offers the passkey among the name field's suggestions (conditional UI), which
    # the virtual authenticator would accept at once — signing in again before the page has even loaded:
    # no presence until the button is pressed.
    presence = {"authenticatorId": added["authenticatorId"], "enabled": False}
    cdp.send("WebAuthn.setAutomaticPresenceSimulation", presence)
    page.get_by_role("button", name="Mở menu").click()  # sign out as a person does: the menu, its button
    page.get_by_role("button", name="Đăng xuất").click()
    # the address, not the page's "load" (which the sign-in page's passkey autofill may hold up on a busy machine)
    expect(page).to_have_url(re.compile(r"/dang-nhap/"), timeout=60_000)
    page.goto(f"{base}/dang-nhap/?next=/van-ban-den/")
    assert_accessible(page, "the sign-in page with the passkey button")
    shot(page, "phone-sign-in-passkey")
    cdp.send("WebAuthn.setAutomaticPresenceSimulation", {**presence, "enabled": True})
    page.get_by_role("button", name="Đăng nhập bằng khóa").click()
    page.wait_for_url(f"{base}/van-ban-den/")
    assert "/dang-nhap/" not in page.url
    passkey = Passkey.objects.get(user__username="ublienminh_lethuha")
    assert passkey.last_used_at is not None and passkey.sign_count >= 1

    # the passkey removed on the list: the phone cannot sign in with it any more
    page.goto(f"{base}/khoa-dang-nhap/")
    page.get_by_role("button", name="Xóa khóa Điện thoại của Hà").click()
    page.wait_for_load_state("networkidle")
    assert not Passkey.objects.exists()
    context.clear_cookies()
    page.goto(f"{base}/dang-nhap/")
    page.get_by_role("button", name="Đăng nhập bằng khóa").click()
    message = page.locator('[data-qlvb="passkey-message"]')
    message.wait_for(state="visible")
    assert "Không đăng nhập được bằng khóa này" in message.inner_text()
    assert "/dang-nhap/" in page.url
    no_csp_violation(errors)
    context.close()
