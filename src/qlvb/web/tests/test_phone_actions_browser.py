"""A leader's actions on a phone (issue 16), in Chromium with a touch screen at 375 px: the incoming document
page keeps its main actions (chỉ đạo, tự xử lý, trả lại) in a bar at the bottom of the screen, above the
bottom navigation, and not on a computer's screen; "Nói để nhập" types a comment or a direction by voice
with the browser's Web Speech API (vi-VN) — no button at all where the browser has none; the text heard is
appended to what was typed, in NFC. The recognition is played by a stand-in put into the page before its
scripts (``add_init_script``): a headless browser has no microphone. Screenshots: var/screenshots/phone-*."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest
from playwright.sync_api import expect

from qlvb.conftest import assert_accessible, no_csp_violation
from qlvb.directory.models import Unit
from qlvb.incoming.directing import incoming_submit
from qlvb.incoming.receiving import incoming_receive
from qlvb.incoming.tests.conftest import make_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEARD = "Giao phòng Văn hóa - Xã hội chủ trì, báo cáo trước ngày 15"
NO_SPEECH = "delete window.SpeechRecognition; delete window.webkitSpeechRecognition;"
# A recognition that "hears" HEARD — decomposed (NFD), as some engines give Vietnamese — once started.
FAKE_SPEECH = """
(() => {
  class FakeRecognition {
    start() {
      window.__qlvbVoice = { lang: this.lang, interim: this.interimResults };
      setTimeout(() => {
        const alternatives = [{ transcript: __HEARD__, confidence: 0.93 }];
        alternatives.isFinal = true;
        if (this.onresult) this.onresult({ resultIndex: 0, results: [alternatives] });
        if (this.onend) this.onend();
      }, 30);
    }
    stop() { if (this.onend) this.onend(); }
  }
  window.SpeechRecognition = FakeRecognition;
  window.webkitSpeechRecognition = FakeRecognition;
})();
""".replace("__HEARD__", json.dumps(unicodedata.normalize("NFD", HEARD)))


@pytest.fixture
def submitted(demo: Any, person: Any) -> Any:
    """A công văn registered by Lê Thu Hà and submitted to Nguyễn Văn Hùng."""
    ubnd = Unit.objects.get(short_name="UBND", kind="agency")
    clerk = person("lethuha")
    document = incoming_receive(actor=clerk, agency=ubnd, channel="email", data=make_data()).document
    return incoming_submit(actor=clerk, document=document, leader=person("nguyenvanhung"))


def _errors(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def test_the_action_bar_on_a_phone(browser_as: Any, live_server: Any, submitted: Any, shot: Any) -> None:
    hung = browser_as("ublienminh_nguyenvanhung", phone=True, touch=True)
    errors = _errors(hung)
    detail = f"{live_server.url}/van-ban-den/{submitted.pk}/"
    hung.goto(detail)
    bar = hung.locator('[data-qlvb="action-bar"]')
    expect(bar).to_be_visible()
    assert [b.strip() for b in bar.locator("a").all_inner_texts()] == ["Chỉ đạo", "Tự xử lý", "Trả lại"]
    box = bar.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 740 - 56  # above the bottom navigation
    assert all(b["height"] >= 44 for b in (a.bounding_box() for a in bar.locator("a").all()) if b)  # a thumb's size
    hung.mouse.wheel(0, 2000)  # scrolled to the end: the bar is still on the screen (in its place, at the end)
    hung.wait_for_timeout(300)
    box_after = bar.bounding_box()
    assert box_after is not None and box_after["y"] >= 0 and box_after["y"] + box_after["height"] <= 740 - 56
    shot(hung, "phone-incoming-action-bar")
    assert_accessible(hung, "incoming document on a phone, with the action bar")
    bar.locator('[data-qlvb="bar-direct"]').tap()  # one tap: the direction form
    hung.wait_for_url(f"{detail}chi-dao/")
    expect(hung.get_by_label("Ý kiến chỉ đạo")).to_be_visible()
    no_csp_violation(errors)

    desk = browser_as("ublienminh_nguyenvanhung")
    desk.goto(detail)
    expect(desk.locator('[data-qlvb="action-bar"]')).to_be_hidden()  # a computer: the buttons at the top do


def test_no_voice_button_without_the_speech_api(browser_as: Any, live_server: Any, submitted: Any) -> None:
    hung = browser_as("ublienminh_nguyenvanhung", phone=True, touch=True)
    hung.add_init_script(NO_SPEECH)
    hung.goto(f"{live_server.url}/van-ban-den/{submitted.pk}/chi-dao/")
    area = hung.get_by_label("Ý kiến chỉ đạo")
    expect(area).to_be_visible()
    hung.wait_for_load_state("networkidle")
    assert hung.evaluate("typeof window.webkitSpeechRecognition") == "undefined"
    assert hung.locator('[data-qlvb="voice"]').count() == 0  # nothing to tap that cannot work


def test_voice_typing_appends_what_was_heard(browser_as: Any, live_server: Any, submitted: Any, shot: Any) -> None:
    hung = browser_as("ublienminh_nguyenvanhung", phone=True, touch=True)
    errors = _errors(hung)
    hung.add_init_script(FAKE_SPEECH)
    hung.goto(f"{live_server.url}/van-ban-den/{submitted.pk}/chi-dao/")
    area = hung.get_by_label("Ý kiến chỉ đạo")
    area.fill("Đồng ý.")
    voice = hung.locator('[data-qlvb="voice"]')
    expect(voice).to_have_count(1)
    expect(voice).to_have_text("Nói để nhập")
    shot(hung, "phone-voice-button")
    assert_accessible(hung, "direction form with the voice button")
    voice.tap()
    expect(area).to_have_value(f"Đồng ý. {HEARD}")
    value = area.input_value()
    assert unicodedata.is_normalized("NFC", value) and value == unicodedata.normalize("NFC", f"Đồng ý. {HEARD}")
    assert hung.evaluate("window.__qlvbVoice") == {"lang": "vi-VN", "interim": False}
    expect(voice).to_have_attribute("aria-pressed", "false")  # stopped listening when the speech ended
    voice.tap()  # again: appended after, never replacing
    expect(area).to_have_value(f"Đồng ý. {HEARD} {HEARD}")
    no_csp_violation(errors)
