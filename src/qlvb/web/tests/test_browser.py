"""A person can see it: the system's Chromium signs in, reads Vietnamese pages, works at phone width,
and an administrator creates an account with the proposed name (Điều 7.2). Screenshots go to
var/screenshots/."""

from __future__ import annotations

import re
from functools import partial

import pytest
from playwright.sync_api import expect

from qlvb.conftest import browser_sign_in, no_csp_violation
from qlvb.directory.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

sign_in = partial(browser_sign_in, check=False)  # some tests sign in with a wrong password on purpose


def test_clerk_signs_in_and_sees_the_vietnamese_home_page(demo, live_server, page, console, shot):
    sign_in(page, live_server.url, "ublienminh_lethuha")
    assert page.url == f"{live_server.url}/"
    assert page.get_by_role("heading", level=1).inner_text() == "Xin chào, Lê Thu Hà"
    assert "Ủy ban nhân dân xã Liên Minh" in page.locator(".navbar-brand").inner_text()
    assert "Văn thư" in page.locator("[data-qlvb=roles]").inner_text()
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.evaluate("typeof bootstrap") == "object" and page.evaluate("typeof htmx") == "object"
    shot(page, "home-lethuha")
    no_csp_violation(console.errors)


def test_wrong_password_shows_the_vietnamese_error(demo, live_server, page, console, shot):
    sign_in(page, live_server.url, "ublienminh_lethuha", "mat-khau-sai")
    error = page.locator("[data-qlvb=login-error]")
    assert error.inner_text() == "Tên tài khoản hoặc mật khẩu không đúng."
    shot(page, "login-wrong-password")
    no_csp_violation(console.errors)


def test_phone_width_375(demo, live_server, phone_page, console, shot):
    page = phone_page
    page.goto(f"{live_server.url}/dang-nhap/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, "phone-login")
    sign_in(page, live_server.url, "ublienminh_lethuha")
    assert page.get_by_role("heading", level=1).inner_text() == "Xin chào, Lê Thu Hà"
    toggler = page.locator(".navbar-toggler")
    assert toggler.is_visible()
    sign_out = page.get_by_role("button", name="Đăng xuất")
    assert not sign_out.is_visible()  # folded away until the menu opens
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, "phone-home")
    toggler.click()
    expect(page.locator("#qlvb-nav")).to_have_class(re.compile(r"\bshow\b"))  # opened, animation over
    expect(sign_out).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, "phone-menu-open")
    sign_out.click()
    page.wait_for_url(re.compile(r"/dang-nhap/$"))
    no_csp_violation(console.errors)


def test_administrator_creates_a_user_with_the_proposed_name(demo, live_server, page, console, shot):
    sign_in(page, live_server.url, "ublienminh_tranthilan")
    page.get_by_role("link", name="Người dùng").click()
    page.wait_for_url(re.compile(r"/quan-tri/nguoi-dung/$"))
    shot(page, "users-list")
    page.get_by_role("link", name="Thêm người dùng").click()
    page.get_by_label("Họ và tên").fill("Trần Thị Lan")
    page.get_by_label("Đơn vị", exact=True).select_option(label="Phòng Văn hóa - Xã hội (VHXH)")
    username = page.locator("#id_username")
    expect(page.locator("#id_username")).to_have_value("ublienminh_tranthilan3")
    assert page.locator("[data-qlvb=proposal]").inner_text() == "Tên đề xuất: ublienminh_tranthilan3"
    shot(page, "user-create-proposal")
    page.get_by_label("Chức vụ").fill("Chuyên viên")
    page.get_by_label("Mật khẩu ban đầu").fill("MatKhau#2025ab")
    page.get_by_label("Chuyên viên", exact=True).check()
    assert username.input_value() == "ublienminh_tranthilan3"
    page.get_by_role("button", name="Tạo tài khoản").click()
    page.wait_for_url(re.compile(r"/quan-tri/nguoi-dung/\d+/$"))
    assert page.locator("[data-qlvb=username]").inner_text() == "ublienminh_tranthilan3"
    assert "Đã tạo tài khoản ublienminh_tranthilan3." in page.locator(".alert-success").inner_text()
    shot(page, "user-detail")
    user = User.objects.get(username="ublienminh_tranthilan3")
    assert user.full_name == "Trần Thị Lan" and user.unit is not None and user.unit.short_name == "VHXH"
    no_csp_violation(console.errors)


def test_administrator_replaces_the_proposal_and_sees_the_suggestion_when_taken(demo, live_server, page, console, shot):
    sign_in(page, live_server.url, "ublienminh_tranthilan")
    page.goto(f"{live_server.url}/quan-tri/nguoi-dung/them/")
    page.get_by_label("Đơn vị", exact=True).select_option(label="Phòng Kinh tế (KT)")
    page.get_by_label("Họ và tên").fill("Trần Thị Lan")
    expect(page.locator("#id_username")).to_have_value("ublienminh_tranthilan3")
    page.locator("#id_username").fill("ublienminh_tranthilan2")  # the administrator's own choice
    with page.expect_response(re.compile(r"/de-xuat-ten/")):  # typing again asks again ...
        page.get_by_label("Họ và tên").fill("Trần Thị Lan Anh")
    page.wait_for_load_state("networkidle")
    # ... and the answer keeps the administrator's own choice, only showing the new proposal
    expect(page.locator("[data-qlvb=proposal]")).to_have_text("Tên đề xuất: ublienminh_tranthilananh")
    assert page.locator("#id_username").input_value() == "ublienminh_tranthilan2"
    page.get_by_label("Họ và tên").fill("Trần Thị Lan")
    expect(page.locator("[data-qlvb=proposal]")).to_have_text("Tên đề xuất: ublienminh_tranthilan3")
    assert page.locator("#id_username").input_value() == "ublienminh_tranthilan2"
    page.get_by_label("Mật khẩu ban đầu").fill("MatKhau#2025ab")
    page.get_by_role("button", name="Tạo tài khoản").click()
    page.wait_for_load_state("networkidle")
    error = page.locator("[data-qlvb=username-error]").inner_text()
    assert "đã có người dùng. Gợi ý: ublienminh_tranthilan3" in error
    assert page.locator("#id_username").input_value() == "ublienminh_tranthilan3"
    shot(page, "user-create-taken")
    no_csp_violation(console.errors)


def test_administrator_pages_audit_log_and_lock(demo, live_server, page, console, shot, person):
    sign_in(page, live_server.url, "ublienminh_tranthilan")
    page.get_by_role("link", name="Nhật ký hệ thống").click()
    page.wait_for_url(re.compile(r"/quan-tri/nhat-ky/$"))
    page.get_by_role("button", name="Kiểm tra toàn vẹn").click()
    ok = page.locator("[data-qlvb=verify-ok]")
    ok.wait_for()
    assert "Chuỗi nhật ký toàn vẹn" in ok.inner_text()
    assert page.url.endswith("/quan-tri/nhat-ky/")  # HTMX swapped the result in place
    shot(page, "audit-log")
    page.get_by_label("Hành động").select_option(label="Đăng nhập")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_load_state("networkidle")
    assert "action=auth.sign_in" in page.url
    shot(page, "audit-log-filtered")
    huong = person("dothanhhuong")
    page.goto(f"{live_server.url}/quan-tri/nguoi-dung/{huong.pk}/")
    page.get_by_label("Lý do khóa").fill("Chuyển công tác")
    page.get_by_role("button", name="Khóa tài khoản").click()
    page.locator("[data-qlvb=locked]").wait_for()
    shot(page, "user-locked")
    page.goto(f"{live_server.url}/doi-mat-khau/")
    shot(page, "password-change")
    no_csp_violation(console.errors)


def test_refused_page_and_english(demo, live_server, page, console, shot):
    sign_in(page, live_server.url, "ublienminh_lethuha")
    response = page.goto(f"{live_server.url}/quan-tri/nguoi-dung/")
    assert response.status == 403
    assert "Không có quyền truy cập" in page.get_by_role("heading", level=1).inner_text()
    shot(page, "forbidden")
    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "Hello, Lê Thu Hà"
    assert page.get_by_role("button", name="Sign out").is_visible()
    shot(page, "home-english")
    no_csp_violation(console.errors)


def test_administrator_pages_at_phone_width(demo, live_server, phone_page, console, shot):
    page = phone_page
    sign_in(page, live_server.url, "ublienminh_tranthilan")
    for path, name in [
        ("/quan-tri/nguoi-dung/", "phone-users"),
        ("/quan-tri/nguoi-dung/them/", "phone-user-create"),
        ("/quan-tri/nhat-ky/", "phone-audit-log"),
    ]:
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path  # wide tables scroll inside
        shot(page, name)
    no_csp_violation(console.errors)


def test_password_guessing_ends_in_the_vietnamese_lockout_page(demo, live_server, page, console, shot, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(page, live_server.url, "ublienminh_lethuha", "doan-mat-khau")
    sign_in(page, live_server.url, "ublienminh_lethuha")  # the right password no longer helps
    message = page.locator("[data-qlvb=lockout]").inner_text()
    assert message.startswith("Tài khoản tạm thời bị khóa do nhập sai mật khẩu")
    assert page.get_by_role("link", name="Quay lại trang đăng nhập").is_visible()
    shot(page, "login-lockout")
    no_csp_violation(console.errors)
