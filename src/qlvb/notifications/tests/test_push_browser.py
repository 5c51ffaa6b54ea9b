"""In Chromium: Nguyễn Văn Hùng (chủ tịch) has a device that receives pushes — the service worker
``notifications/sw-push.js`` registered in his browser, and (since Chromium here cannot reach a real push
service) his subscription made at the local push service. Lê Thu Hà (văn thư) submits a document to him
with the form; the push arrives encrypted at the local push service, which decrypts it; that payload is
handed to his service worker through the DevTools protocol (``ServiceWorker.deliverPushMessage``), and
the notification it shows has the right title and opens the document. The devices page passes axe-core."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from qlvb.conftest import assert_accessible
from qlvb.directory.models import Unit
from qlvb.incoming.receiving import incoming_receive
from qlvb.incoming.tests.conftest import make_data
from qlvb.notifications.subscriptions import push_subscription_create
from qlvb.notifications.vapid import vapid_key

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[4] / "var" / "screenshots" / "push"
SCOPE = "/static/notifications/"


def _wait(predicate, what: str, timeout: float = 20.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_submitted_document_pops_up_on_the_leaders_device(
    browser, browser_as, live_server, demo, person, push_service, celery_eager
):
    base = live_server.url
    SHOTS.mkdir(parents=True, exist_ok=True)
    hung = person("nguyenvanhung")
    document = incoming_receive(
        actor=person("lethuha"),
        agency=Unit.objects.get(short_name="UBND", kind="agency"),
        channel="email",
        data=make_data(subject="Về việc rà soát hộ nghèo năm 2026"),
    ).document

    # The leader's browser: notifications allowed, the push service worker registered.
    leader = browser_as("nguyenvanhung", phone=True, workers=True)
    leader.context.grant_permissions(["notifications"], origin=base)
    leader.goto(f"{base}/van-ban-den/thong-bao/thiet-bi/")
    assert "Thiết bị nhận thông báo" in leader.locator("h1").inner_text()
    assert_accessible(leader, "thiết bị nhận thông báo")
    leader.screenshot(path=str(SHOTS / "devices-phone.png"), full_page=True)
    leader.evaluate(f"navigator.serviceWorker.register('{SCOPE}sw-push.js')")
    cdp = leader.context.new_cdp_session(leader)
    registrations: dict[str, str] = {}
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.update({r["scopeURL"]: r["registrationId"] for r in event["registrations"]}),
    )
    cdp.send("ServiceWorker.enable")
    active = (
        f"navigator.serviceWorker.getRegistration('{SCOPE}')"
        ".then(r => !!(r && r.active && r.active.state === 'activated'))"
    )
    _wait(lambda: leader.evaluate(active), "the service worker to be active")
    registration_id = _wait(lambda: registrations.get(f"{base}{SCOPE}"), "the registration id")

    # His subscription, as the browser would have made it with the server's key.
    device = push_service.subscribe(server_key=vapid_key().public_key)
    push_subscription_create(actor=hung, endpoint=device.endpoint, **device.keys, label="Điện thoại của Chủ tịch")

    # The clerk submits the document with the form.
    clerk = browser_as("lethuha")
    clerk.goto(f"{base}/van-ban-den/{document.pk}/")
    clerk.get_by_role("link", name="Trình lãnh đạo").click()
    clerk.get_by_label("Trình lãnh đạo").select_option(label="Nguyễn Văn Hùng")
    clerk.get_by_role("button", name="Xác nhận").click()
    clerk.wait_for_url(re.compile(r"/van-ban-den/\d+/$"))

    # It arrives at the push service, encrypted; decrypted there, it goes to the leader's service worker.
    [message] = _wait(lambda: push_service.messages_for(device), "the push at the local push service")
    payload = message.json()
    assert payload["title"] == "Chờ cho ý kiến, duyệt, ký" and payload["body"] == "Bạn có văn bản mới"
    assert payload["url"] == f"/van-ban-den/{document.pk}/"
    shown_now = f"""navigator.serviceWorker.getRegistration('{SCOPE}')
        .then(r => r.getNotifications())
        .then(list => list.map(n => ({{title: n.title, body: n.body, tag: n.tag, data: n.data}})))"""
    shown = []
    for _attempt in range(3):  # a worker stopped meanwhile (a loaded machine) is started by the next delivery
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": base, "registrationId": registration_id, "data": message.payload.decode("utf-8")},
        )
        try:
            shown = _wait(lambda: leader.evaluate(shown_now), "the notification shown by the service worker", 15)
            break
        except AssertionError:
            continue
    assert shown, "the service worker showed no notification"
    assert [n["title"] for n in shown] == ["Chờ cho ý kiến, duyệt, ký"]
    assert shown[0]["body"] == "Bạn có văn bản mới" and shown[0]["tag"] == f"qlvb-doc-{document.pk}"
    assert shown[0]["data"]["url"] == f"{base}/van-ban-den/{document.pk}/"
    (SHOTS / "notification.json").write_text(json.dumps(shown, ensure_ascii=False, indent=2), encoding="utf-8")

    # Where it leads: the document's page, which he may open.
    leader.goto(shown[0]["data"]["url"])
    assert "Về việc rà soát hộ nghèo năm 2026" in leader.locator("main").inner_text()
