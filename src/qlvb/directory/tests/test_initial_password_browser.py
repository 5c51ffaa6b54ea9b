"""A person sees it (issue 15): a new account signs in with the initial password the administrator gave
him, lands on the password change page with the reason, chooses his own and is taken where he wanted to
go. Screenshot: var/screenshots/directory-initial-password.png."""

from __future__ import annotations

from typing import Any

import pytest

from qlvb.conftest import browser_sign_in
from qlvb.directory import services
from qlvb.directory.demo import load_demo
from qlvb.directory.models import User

from .support import unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INITIAL = "Ban-dau#2026xa"
OWN = "Cua-toi#2026moi"


def test_the_initial_password_is_changed_before_anything_else(
    live_server: Any, browser: Any, shot: Any, accessible: Any
) -> None:
    load_demo()
    user = services.user_create(
        actor=User.objects.get(username="ublienminh_tranthilan"),
        data=services.NewUser(full_name="Nguyễn Thị Bình", unit=unit("VHXH"), password=INITIAL),
    )
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    browser_sign_in(page, live_server.url, user.username, INITIAL)
    page.goto(f"{live_server.url}/van-ban-den/")
    assert "/doi-mat-khau/" in page.url
    warning = page.locator('[data-qlvb="must-change"]')
    assert "do quản trị viên đặt" in warning.inner_text()
    accessible(page, "the forced password change")
    shot(page, "directory-initial-password")
    page.get_by_label("Mật khẩu hiện tại").fill(INITIAL)
    page.get_by_label("Mật khẩu mới", exact=True).fill(OWN)
    page.get_by_label("Nhập lại mật khẩu mới").fill(OWN)
    page.get_by_role("button", name="Đổi mật khẩu").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/van-ban-den/")
    context.close()
