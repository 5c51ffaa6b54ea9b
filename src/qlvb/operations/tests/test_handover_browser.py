"""A person sees it (issue 15, Điều 22.1.c, 31): the head of the Văn hóa - Xã hội department opens the
handover page, chooses Đỗ Thanh Hương who leaves, sees what she holds, gives everything to Trần Thị Lan
except her dossier (to himself), and reads the Biên bản bàn giao; Hương can no longer sign in.
Screenshots: var/screenshots/handover-*.png."""

from __future__ import annotations

from typing import Any

import pytest

from qlvb.conftest import browser_sign_in, no_csp_violation
from qlvb.directory.demo import load_demo

from .handover_fixtures import dossier_of, draft_by, incoming_to, who

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_head_hands_over_an_officers_work(
    live_server: Any, browser_as: Any, browser: Any, shot: Any, accessible: Any
) -> None:
    load_demo()
    huong = who("dothanhhuong")
    incoming_to(huong)
    draft_by(huong)
    dossier = dossier_of(huong)

    head = browser_as("hoangvannam")
    errors: list[str] = []
    head.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    head.goto(f"{live_server.url}/quan-tri/ban-giao/")
    head.get_by_role("link", name="Bàn giao công việc của Đỗ Thanh Hương").click()
    items = head.locator('[data-qlvb="handover-items"]')
    items.get_by_role("cell", name="Chủ trì: Kế hoạch tiêm chủng mở rộng năm 2026", exact=True).wait_for()
    assert "Hồ sơ phong trào văn hóa năm 2026" in items.inner_text()
    head.get_by_label("Nghỉ việc").check()
    head.get_by_label("Người nhận bàn giao (mặc định cho mọi việc)").select_option(label="Trần Thị Lan (VHXH)")
    head.locator(f"#item-dossier-{dossier.pk}").select_option(label="Hoàng Văn Nam (VHXH)")
    head.get_by_label("Lý do, căn cứ (quyết định số …)").fill("Quyết định số 12/QĐ-UBND")
    accessible(head, "the handover page")
    shot(head, "handover-person")
    head.get_by_role("button", name="Bàn giao và lập biên bản").click()
    head.get_by_text("Đã bàn giao xong và lập biên bản.").wait_for()
    lines = head.locator('[data-qlvb="handover-lines"]').inner_text()
    assert lines.count("Trần Thị Lan") == 2 and "Hoàng Văn Nam" in lines
    assert "tài khoản đã khóa" in head.locator('[data-qlvb="handover-facts"]').inner_text()
    accessible(head, "the handover record")
    shot(head, "handover-record")
    no_csp_violation(errors)

    context = browser.new_context(locale="vi-VN")
    try:
        page = context.new_page()
        browser_sign_in(page, live_server.url, "dothanhhuong", check=False)
        assert "/dang-nhap/" in page.url  # locked: refused at the sign-in form
    finally:
        context.close()
