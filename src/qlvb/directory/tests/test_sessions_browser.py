"""Issue 15: "đăng xuất mọi nơi khác" in Chromium, with two browser windows of one person (two contexts, own
cookies): the window that presses the button stays signed in, the other one is back at the sign-in page at
its next click. Also the unit tree page, as an administrator sees it."""

from __future__ import annotations

from typing import Any

import pytest

from qlvb.conftest import browser_sign_in
from qlvb.directory.demo import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_out_everywhere_else_with_two_windows(live_server: Any, browser: Any, shot: Any, accessible: Any) -> None:
    load_demo()
    office = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    home = browser.new_context(viewport={"width": 375, "height": 740}, locale="vi-VN")
    here, there = office.new_page(), home.new_page()
    browser_sign_in(here, live_server.url, "dothanhhuong")
    browser_sign_in(there, live_server.url, "dothanhhuong")
    here.goto(f"{live_server.url}/doi-mat-khau/")
    here.locator('[data-qlvb="sessions-link"]').click()
    here.wait_for_load_state("networkidle")
    assert here.locator('[data-qlvb="web-session"]').count() == 2
    assert here.locator('[data-current="1"]').count() == 1
    accessible(here, "the sessions page")
    shot(here, "directory-sessions")
    here.get_by_role("button", name="Đăng xuất mọi nơi khác").click()
    here.wait_for_load_state("networkidle")
    assert "Đã đăng xuất 1 phiên khác" in here.locator("main").inner_text()
    assert here.locator('[data-qlvb="web-session"]').count() == 1
    there.goto(f"{live_server.url}/van-ban-den/")
    assert "/dang-nhap/" in there.url  # the other window is signed out
    here.goto(f"{live_server.url}/van-ban-den/")
    assert "/van-ban-den/" in here.url and "/dang-nhap/" not in here.url
    office.close()
    home.close()


def test_the_unit_tree_page(live_server: Any, browser: Any, shot: Any, accessible: Any) -> None:
    load_demo()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    browser_sign_in(page, live_server.url, "tranthilan")
    page.goto(f"{live_server.url}/quan-tri/don-vi/")
    assert page.locator('[data-qlvb="unit-row"]').count() >= 5
    accessible(page, "the unit tree")
    shot(page, "directory-units")
    page.get_by_role("link", name="Phòng Kinh tế").click()
    page.wait_for_load_state("networkidle")
    assert "người đang hoạt động" in page.locator('[data-qlvb="close-refusal"]').inner_text()
    accessible(page, "a unit's page")
    shot(page, "directory-unit")
    context.close()
