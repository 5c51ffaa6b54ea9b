"""The administrator subscribes a connected system to events in Chromium: the signing secret is shown once,
the subscription's page shows its delivery log with a replay button on a failed delivery, pause and
resume; every page passes axe-core."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import timezone

from qlvb.conftest import assert_accessible
from qlvb.directory.models import Unit, User
from qlvb.integrations.accounts import system_register
from qlvb.integrations.mapping import code_map
from qlvb.integrations.models import (
    CodeKind,
    DeliveryState,
    EventKind,
    Scope,
    Subscription,
    WebhookAttempt,
    WebhookDelivery,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_subscribe_see_the_log_pause_and_resume(demo: Any, live_server: Any, browser_as: Any, shot: Any) -> None:
    admin = User.objects.get(username="ublienminh_tranthilan")
    agency = Unit.objects.get(short_name="UBND", kind="agency")
    system = system_register(
        actor=admin, name="Theo dõi nhiệm vụ", owner_unit=agency, scopes=[Scope.RECEIVE_EVENTS]
    ).system
    code_map(
        actor=admin, system=system, kind=CodeKind.USER, code="V01", user=User.objects.get(username="ublienminh_lethuha")
    )
    page = browser_as("tranthilan")
    page.goto(f"{live_server.url}/quan-tri/he-thong-ket-noi/{system.pk}/")
    page.locator('[data-qlvb="webhooks-link"]').click()
    assert_accessible(page, "nhận sự kiện")
    page.get_by_label("Địa chỉ nhận (https://...)").fill("https://nhiemvu.lienminh.example/qlvb/hook")
    page.get_by_label("Giao công việc").check()
    page.get_by_label("Phát hành văn bản đi").check()
    page.get_by_label("Thay mặt người dùng").select_option("V01")
    page.get_by_role("button", name="Đăng ký", exact=True).click()
    secret = page.locator('[data-qlvb="webhook-secret"]').inner_text()
    assert secret.startswith("whsec_")
    assert_accessible(page, "khóa ký hiện một lần")
    shot(page, "integrations-webhooks")
    sub = Subscription.objects.get(system=system)
    now = timezone.now()
    for n, (state, code, error) in enumerate(
        [
            (DeliveryState.DELIVERED, 200, ""),
            (DeliveryState.FAILED, None, "Hết thời gian chờ địa chỉ nhận trả lời (timeout)."),
        ]
    ):
        delivery = WebhookDelivery.objects.create(
            subscription=sub,
            event_key=f"task-{n + 1}",
            kind=EventKind.TASK_CREATED,
            body=json.dumps({"id": f"task-{n + 1}"}),
            state=state,
            attempts=1,
            tries_left=0,
            next_attempt_at=now,
            created_at=now,
            last_status_code=code,
            last_error=error,
        )
        WebhookAttempt.objects.create(
            delivery=delivery, number=1, at=now, status_code=code, error=error, duration_ms=120
        )
    page.goto(f"{live_server.url}/quan-tri/he-thong-ket-noi/{system.pk}/webhook/{sub.pk}/")
    assert secret not in page.content()
    log = page.locator('[data-qlvb="deliveries"]')
    assert "Hết thời gian chờ" in log.inner_text() and log.locator("button").count() == 1
    assert_accessible(page, "nhật ký gửi")
    shot(page, "integrations-webhook-log")
    page.locator('[data-qlvb="webhook-pause"]').click()
    assert "Tạm dừng" in page.locator('[data-qlvb="webhook-state"]').inner_text()
    assert page.locator('[data-qlvb="deliveries"] button').count() == 0  # no replay while paused
    page.locator('[data-qlvb="webhook-resume"]').click()
    assert "Đang hoạt động" in page.locator('[data-qlvb="webhook-state"]').inner_text()
