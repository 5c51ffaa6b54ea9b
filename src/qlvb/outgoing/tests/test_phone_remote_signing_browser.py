"""Issue 16: a leader signs from her phone without a token. Phạm Thị Mai (Phó Chủ tịch) holds no key on any
device: the demo's remote signing service (CSC, as ``make run`` starts it) keeps her key; on a 375×812
touch screen she opens the draft waiting for her, taps "Ký số" in the action bar, gives her PIN and the
document is signed by the service — then the clerk numbers and issues it, and the issued PDF carries her
signature, valid, and the agency's."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from qlvb.conftest import assert_accessible
from qlvb.outgoing.models import Outgoing
from qlvb.outgoing.tests.browsing import draft_form_submit
from qlvb.outgoing.tests.test_first_day import PASSWORD, first_day, settle, snap  # noqa: F401 (fixture)
from qlvb.signing.tests.templates import TEMPLATES, odt
from qlvb.signing.verify import verify_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_by_mai(document: bytes) -> bytes:
    """The same công văn with the Phó Chủ tịch's signature block (KT. CHỦ TỊCH / PHÓ CHỦ TỊCH, her name)."""
    source, target = io.BytesIO(document), io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "content.xml":
                text = (
                    data.decode()
                    .replace("Nguyễn Văn Hùng", "Phạm Thị Mai")
                    .replace("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH")
                )
                data = text.replace(">CHỦ TỊCH<", ">PHÓ CHỦ TỊCH<").encode()
            new.writestr(item, data)
    return target.getvalue()


def test_a_leader_signs_on_her_phone_through_the_remote_signing_service(first_day, live_server, browser_as, tmp_path):  # noqa: F811
    base = live_server.url
    template = tmp_path / "cong-van-mau.odt"
    template.write_bytes(_signed_by_mai(odt(TEMPLATES["odt-spaces"][0])))
    huong = browser_as("dothanhhuong")
    due = timezone.localdate() + dt.timedelta(days=20)
    draft_form_submit(huong, base, template, copies="", reply_due=f"{due:%d/%m/%Y}", signer="Phạm Thị Mai")
    detail = huong.url
    huong.locator('[data-qlvb="submit"]').click()
    settle(huong)
    nam = browser_as("hoangvannam")
    nam.goto(detail)
    nam.locator('[data-qlvb="approve"]').click()
    settle(nam)
    ha = browser_as("lethuha")
    ha.goto(detail)
    boxes = ha.locator('[data-qlvb="format-check"] input[type=checkbox]')
    for i in range(boxes.count()):
        boxes.nth(i).check()
    ha.locator('[data-qlvb="format-ok"]').click()
    settle(ha)

    mai = browser_as("phamthimai", phone=True, touch=True)
    mai.goto(detail)
    settle(mai)
    bar = mai.locator('[data-qlvb="action-bar"]')
    assert bar.is_visible(), "no action bar on the phone"
    bar.locator('[data-qlvb="bar-sign"]').tap()  # to the PIN field, the keyboard up
    pin = mai.get_by_label("Mã PIN / mật khẩu khóa ký số")
    assert pin.is_visible()
    mai.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")  # the bar over nothing
    assert_accessible(mai, "remote signing on a phone")
    snap(mai, "phone-csc-1-sign-step")
    pin.fill(PASSWORD)
    mai.locator('[data-qlvb="sign-ok"]').tap()
    settle(mai)
    expect(mai.locator("main")).to_contain_text("Đã ký, chờ cấp số", timeout=60_000)
    snap(mai, "phone-csc-2-signed")

    ha.goto(detail)
    ha.locator('[data-qlvb="number"]').click()
    settle(ha)
    ha.get_by_label("Mã PIN khóa ký số của cơ quan").fill(PASSWORD)
    ha.locator('[data-qlvb="sign-agency-ok"]').click()
    settle(ha)
    ha.locator('[data-qlvb="issue"]').click()
    settle(ha)
    expect(ha.locator("main")).to_contain_text("Đã phát hành")

    outgoing = Outgoing.objects.get()
    assert outgoing.signed_pdf is not None
    from qlvb.files.storage import blob_path

    pdf = blob_path(outgoing.signed_pdf.blob.sha256).read_bytes()
    with ThreadPoolExecutor(1) as pool:  # Playwright's loop runs in this thread; verification uses asyncio
        report = pool.submit(verify_pdf, pdf).result()
    assert [s["verdict"] for s in report["signatures"]] == ["valid", "valid"], report
    signers = " | ".join(str(s["signer"]) for s in report["signatures"])
    assert "Phạm Thị Mai" in signers, signers
