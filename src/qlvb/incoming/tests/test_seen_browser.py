"""Seen receipts in the browser (issue 18): the officer's inbox marks the new document unseen (bold, and
"chưa xem" for screen readers) and offers "Chưa xem trước"; she opens it; her department head then sees
"Đã xem" with the time on the assignment list. Both pages pass axe-core. Screenshots in
var/screenshots/seen-*.png."""

from __future__ import annotations

import pytest
from django.utils.timezone import localtime
from playwright.sync_api import expect

from qlvb.conftest import assert_accessible
from qlvb.documents.seen import seen_mode
from qlvb.documents.seen_models import SeenReceipt
from qlvb.incoming.receiving import incoming_receive
from qlvb.incoming.services import Target, assignment_assign, incoming_direct
from qlvb.incoming.tests.conftest import make_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def assigned(demo, person, ubnd, dept):
    data = make_data(subject="Kế hoạch phòng chống dịch sốt xuất huyết", code_number="77")
    doc = incoming_receive(actor=person("lethuha"), agency=ubnd, channel="email", data=data).document
    (lead,) = incoming_direct(
        actor=person("nguyenvanhung"), document=doc, directive="", targets=[Target(role="lead", unit=dept("VHXH"))]
    )
    assignment_assign(
        actor=person("hoangvannam"), assignment=lead, targets=[Target(role="lead", user=person("dothanhhuong"))]
    )
    return doc


def test_the_officer_opens_and_her_head_sees_when(assigned, browser_as, live_server, shot):
    officer = browser_as("ublienminh_dothanhhuong")
    officer.goto(f"{live_server.url}/van-ban-den/?box=to_handle&sort=unseen")
    row = officer.locator("[data-qlvb=documents] a[data-qlvb=unseen]")
    expect(row).to_have_count(1)
    expect(row.locator(".visually-hidden")).to_have_text("chưa xem:")
    expect(officer.locator("#qlvb-sort")).to_have_value("unseen")
    assert_accessible(officer, "inbox, unread first")
    shot(officer, "seen-inbox-unread")
    row.click()
    officer.wait_for_url(f"**/van-ban-den/{assigned.pk}/")
    expect(officer.locator("[data-qlvb=my-seen]")).to_contain_text("Bạn đã xem văn bản này lúc")
    receipt = SeenReceipt.objects.get(document=assigned)
    officer.goto(f"{live_server.url}/van-ban-den/?box=to_handle")
    expect(officer.locator("[data-qlvb=documents] a[data-qlvb=unseen]")).to_have_count(0)

    head = browser_as("ublienminh_hoangvannam")
    head.goto(f"{live_server.url}/van-ban-den/{assigned.pk}/")
    when = localtime(receipt.seen_at).strftime("%d/%m/%Y %H:%M")
    expect(head.locator("[data-qlvb=assignments] [data-qlvb=seen]").last).to_have_text(f"Đã xem {when}")
    assert_accessible(head, "document page with the seen receipt")
    shot(head, "seen-assignment-list")


def test_the_administrator_chooses_the_explicit_button(demo, ubnd, browser_as, live_server, shot):
    admin = browser_as("ublienminh_tranthilan")
    admin.goto(f"{live_server.url}/quan-tri/don-vi/{ubnd.pk}/")
    card = admin.locator("[data-qlvb=seen-setting]")
    expect(card.get_by_label("Khi người nhận mở văn bản")).to_be_checked()
    card.get_by_label("Khi người nhận bấm “Đánh dấu đã xem”").check()
    card.get_by_role("button", name="Lưu").click()
    admin.wait_for_url(f"**/quan-tri/don-vi/{ubnd.pk}/")
    explicit = admin.locator("[data-qlvb=seen-setting]").get_by_label("Khi người nhận bấm “Đánh dấu đã xem”")
    expect(explicit).to_be_checked()
    assert seen_mode(ubnd.pk) == "explicit"
    assert_accessible(admin, "agency page with the seen setting")
    shot(admin, "seen-setting")
