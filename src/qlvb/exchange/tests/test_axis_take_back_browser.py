"""In Chromium: Lê Thu Hà, clerk of UBND xã Liên Minh, takes an issued công văn back from two recipients
on its page — the simulated district (through the local axis; its system refuses, 16: already registered)
and the Trạm Y tế (in this deployment, not yet registered: withdrawn at once) — and the delivery table
shows each answer. Screenshot: var/screenshots/axis-take-back.png."""

from __future__ import annotations

from typing import Any

import pytest

from qlvb.documents.models import DocumentStatus
from qlvb.exchange.inbox import inbox_poll

from .test_axis_browser import _in_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_clerk_takes_a_document_back_from_the_district_and_the_health_station(
    axis: Any, district: Any, tyt: Any, issued: Any, browser_as: Any, live_server: Any, shot: Any
) -> None:
    axis.faults(take_back="16")  # the district's clerk has registered it already
    outgoing = issued(recipients=[district, tyt])
    rows = {d.organ_id: d for d in outgoing.document.deliveries.all()}
    ha = browser_as("ublienminh_lethuha")
    ha.goto(f"{live_server.url}/van-ban-di/{outgoing.pk}/")
    for delivery, reason in ((rows[district.organ_id], "Gửi nhầm nơi nhận"), (rows[tyt.organ_id], "Sai trích yếu")):
        form = ha.locator(f'[data-qlvb="take-back"]:has(input[name="delivery"][value="{delivery.pk}"])')
        form.locator("summary").click()
        form.locator("textarea").fill(reason)
        if reason == "Gửi nhầm nơi nhận":
            shot(ha, "axis-take-back-form")
        form.get_by_role("button", name="Gửi yêu cầu lấy lại").click()
        ha.wait_for_load_state("networkidle")
    assert _in_worker(inbox_poll) == 1  # the district's 16
    ha.reload()
    statuses = ha.locator('[data-qlvb="take-back-status"]').all_inner_texts()
    assert sorted(statuses) == ["Bên nhận từ chối (đã vào sổ)", "Đã lấy lại"]
    assert ha.locator('[data-qlvb="take-back"]').count() == 0
    copy = rows[tyt.organ_id].incoming_document
    copy.refresh_from_db()
    assert copy.status == DocumentStatus.WITHDRAWN
    shot(ha, "axis-take-back")
