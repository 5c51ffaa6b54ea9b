"""The SSO sign-in as a person does it in the system's Chromium: the button on the sign-in page, the
official e-mail provider's own sign-in form, back home signed in; and a refusal shown in Vietnamese."""

from __future__ import annotations

import pytest

from qlvb.conftest import no_csp_violation
from qlvb.directory.tests.oidcprovider import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _through_the_provider(page, live_server, who: str) -> None:
    page.goto(f"{live_server.url}/dang-nhap/")
    page.get_by_role("link", name="Đăng nhập bằng tài khoản thư công vụ").click()
    page.locator("input[name=username]").fill(who)  # the provider's page
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/**")
    page.wait_for_load_state("networkidle")


def test_sso_button_signs_in_through_the_provider(demo, live_server, sso_settings, page, console, shot):
    sso_settings.configure(redirect_uri=f"{live_server.url}/dang-nhap/thu-cong-vu/ve/")
    page.goto(f"{live_server.url}/dang-nhap/")
    shot(page, "login-sso-button")
    no_csp_violation(console.errors)
    _through_the_provider(page, live_server, "lethuha")
    assert page.url == f"{live_server.url}/"
    assert page.get_by_role("heading", level=1).inner_text() == "Xin chào, Lê Thu Hà"
    shot(page, "sso-home-lethuha")


def test_sso_unknown_email_is_told_on_the_sign_in_page(demo, live_server, sso_settings, page, console, shot):
    sso_settings.configure(redirect_uri=f"{live_server.url}/dang-nhap/thu-cong-vu/ve/")
    _through_the_provider(page, live_server, "nguoila")
    assert page.url == f"{live_server.url}/dang-nhap/"
    alert = page.get_by_role("alert")
    assert "Tài khoản thư công vụ này chưa gắn với người dùng nào trong hệ thống" in alert.inner_text()
    shot(page, "login-sso-unknown-email")
    no_csp_violation(console.errors)
