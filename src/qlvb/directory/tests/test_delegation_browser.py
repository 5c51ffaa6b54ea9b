"""A person sees it: the chairman Nguyễn Văn Hùng opens "Ủy quyền" (footer), delegates "cho ý kiến chỉ đạo"
to the head of Văn hóa - Xã hội (TL.) for three days; the head then finds the document the clerk
submitted to the chairman in his "Chờ cho ý kiến" box. The chairman revokes: the box is gone at once.
Every page passes the accessibility check. Screenshots: var/screenshots/delegation-*.png."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from qlvb.conftest import assert_accessible, no_csp_violation
from qlvb.directory.demo import load_demo
from qlvb.directory.models import Delegation, User
from qlvb.incoming.receiving import incoming_receive
from qlvb.incoming.services import incoming_submit
from qlvb.incoming.tests.conftest import make_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _who(name: str) -> User:
    return User.objects.get(username=f"ublienminh_{name}")


def test_a_leader_delegates_direction_and_revokes(live_server: Any, browser_as: Any, shot: Any) -> None:
    load_demo()
    hung = _who("nguyenvanhung")
    agency = hung.unit
    assert agency is not None
    document = incoming_receive(
        actor=_who("lethuha"),
        agency=agency,
        channel="email",
        data=make_data(subject="Kế hoạch phòng chống bão lũ năm 2026"),
        confirm_duplicate=True,
    ).document
    incoming_submit(actor=_who("lethuha"), document=document, leader=hung)

    leader = browser_as("nguyenvanhung")
    errors: list[str] = []
    leader.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    leader.goto(f"{live_server.url}/")
    leader.locator('[data-qlvb="delegations-link"]').click()
    leader.get_by_role("heading", name="Ủy quyền ký, chỉ đạo").wait_for()
    today = timezone.localdate()
    leader.get_by_label("Người được ủy quyền").select_option(label="Hoàng Văn Nam — Trưởng phòng Văn hóa - Xã hội")
    leader.get_by_label("Hình thức").select_option(value="TL.")
    leader.get_by_label("Cho ý kiến chỉ đạo văn bản đến").check()
    leader.get_by_label("Từ ngày").fill(today.strftime("%d/%m/%Y"))
    leader.get_by_label("Đến ngày").fill((today + dt.timedelta(days=3)).strftime("%d/%m/%Y"))
    leader.get_by_label("Lý do").fill("Chủ tịch đi công tác tỉnh")
    assert_accessible(leader, "the delegation form")
    leader.get_by_role("button", name="Ủy quyền", exact=True).click()
    leader.get_by_text("Đã ủy quyền cho Hoàng Văn Nam").wait_for()
    row = leader.locator('[data-qlvb="delegations"] tbody tr').first
    assert "Đang có hiệu lực" in row.inner_text() and "TL." in row.inner_text()
    assert_accessible(leader, "the delegation list")
    shot(leader, "delegation-granted")
    made = Delegation.objects.get()

    head = browser_as("hoangvannam")
    head.goto(f"{live_server.url}/van-ban-den/?box=to_direct")
    head.get_by_text("Kế hoạch phòng chống bão lũ năm 2026").first.wait_for()
    assert_accessible(head, "the delegate's box")
    shot(head, "delegation-delegate-box")

    leader.get_by_role("button", name="Thu hồi ủy quyền cho Hoàng Văn Nam").click()
    leader.get_by_text("Đã thu hồi ủy quyền.").wait_for()
    made.refresh_from_db()
    assert made.revoked_at is not None
    head.goto(f"{live_server.url}/van-ban-den/?box=to_direct")
    head.wait_for_load_state("networkidle")
    assert "Kế hoạch phòng chống bão lũ năm 2026" not in head.locator("main").inner_text()
    no_csp_violation(errors)
