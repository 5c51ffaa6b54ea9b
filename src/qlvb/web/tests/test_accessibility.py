"""WCAG 2.1 AA on every main page, as each kind of user sees it, on a desktop window and at 375 px:
axe-core (vendored in web/tests/vendor/axe-core) finds no violation of the WCAG 2.0/2.1 A and AA rules.
The checks axe cannot do are tested by hand here: a visible focus ring, a skip link, tap targets of at
least 24×24 CSS px (44 on a phone for the main actions), the tab strip's cue on a phone."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable

import pytest
from django.utils import timezone

from qlvb.conftest import axe_violations, browser_sign_in, format_violations
from qlvb.directory.models import Unit, User
from qlvb.documents.models import Document, DocumentType
from qlvb.files.intake import file_intake
from qlvb.incoming.services import IncomingData, IncomingFile, Target, incoming_direct, incoming_receive
from qlvb.outgoing import services as outgoing
from qlvb.outgoing.models import Outgoing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}


def tiny_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def minimal_docx() -> bytes:
    from qlvb.outgoing.tests.conftest import docx_bytes

    return docx_bytes()


@pytest.fixture
def documents(person: Callable[[str], User], settings, tmp_path, celery_eager) -> dict[str, int]:
    """One incoming document directed to VHXH (so the leader sees "Đôn đốc"), one outgoing draft
    submitted for approval."""
    settings.FILES_DIR = tmp_path / "files"
    ubnd = Unit.objects.get(short_name="UBND", kind="agency")
    ha = person("lethuha")
    stored = file_intake(actor=ha, stream=io.BytesIO(tiny_pdf()), original_name="cong-van.pdf", channel="web")
    doc: Document = incoming_receive(
        actor=ha,
        agency=ubnd,
        channel="paper",
        files=[IncomingFile(stored)],
        data=IncomingData(
            doc_type=DocumentType.objects.get(name="Công văn"),
            subject="Về việc triển khai tiêm chủng mở rộng năm 2026",
            organ_name="Ủy ban nhân dân huyện Mê Linh",
            code_number="15",
            code_notation="UBND-VX",
            issued_date=dt.date(2026, 3, 2),
            signer_position="Chủ tịch",
            signer_name="Nguyễn Văn An",
        ),
    ).document
    vhxh = Unit.objects.get(short_name="VHXH", agency=ubnd)
    (lead,) = incoming_direct(
        actor=person("nguyenvanhung"),
        document=doc,
        directive="VHXH chủ trì",
        targets=[Target(role="lead", unit=vhxh, due_date=timezone.localdate() + dt.timedelta(days=10))],
    )
    huong = person("dothanhhuong")
    draft: Outgoing = outgoing.outgoing_create(
        actor=huong,
        data=outgoing.DraftData(
            doc_type=DocumentType.objects.get(name="Công văn"),
            subject="Triển khai tiêm chủng mở rộng",
            signer=person("nguyenvanhung"),
            recipients=[Unit.objects.get(short_name="TYT", kind="agency")],
            drafter_initials="ĐTH",
            copy_count=2,
            free_recipients="Như trên;\nLưu: VT, VHXH.",
        ),
    )
    docx = file_intake(actor=huong, stream=io.BytesIO(minimal_docx()), original_name="du-thao.docx", channel="web")
    outgoing.version_upload(actor=huong, outgoing=draft, stored_file=docx)
    outgoing.outgoing_submit(actor=huong, outgoing=draft)
    from qlvb.signing.models import SignatureReport

    report = SignatureReport.objects.order_by("-pk").first()  # the attachment's verification (Celery eager)
    return {"incoming": doc.pk, "assignment": lead.pk, "outgoing": draft.pk, "report": report.pk if report else 0}


def assert_pages_accessible(browser, base: str, username: str | None, paths: list[str], viewport: str, shot) -> None:
    """Open each page, run axe; fail at the end listing every page's violations."""
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(30_000)
    problems: list[str] = []
    blocked: list[str] = []
    page.on(
        "console",
        lambda msg: (
            blocked.append(f"{page.url}: {msg.text}")
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    try:
        if username:
            browser_sign_in(page, base, username)
        for path in paths:
            response = page.goto(f"{base}{path}")
            assert response is not None and response.status == 200, f"{path}: {response and response.status}"
            page.wait_for_load_state("networkidle")  # HTMX widgets loaded
            violations = axe_violations(page)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > VIEWPORTS[viewport]["width"]:  # WCAG 1.4.10: no sideways scrolling of the page
                problems.append(f"== {path} ({viewport}): the page is {width} px wide")
            where = re.sub(r"\d+", "n", path)  # the same name whatever the ids
            name = "a11y-" + re.sub(r"[^a-z]+", "-", f"{viewport}-{username or 'anon'}-{where}".lower()).strip("-")
            shot(page, name)
            if violations:
                problems.append(f"== {path} ({viewport}, {username or 'anonymous'})\n" + format_violations(violations))
    finally:
        context.close()
    assert not problems, "\n".join(problems)
    assert not blocked, blocked  # e.g. an inline style="…" the CSP refuses


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_sign_in_page(demo, live_server, browser, viewport, shot):
    assert_pages_accessible(browser, live_server.url, None, ["/dang-nhap/"], viewport, shot)


# Each role's pages; {incoming}, {outgoing}, {assignment}, {report} are the ``documents``' ids, {user} Trần Thị Lan's.
ROLE_PAGES = {
    "ublienminh_lethuha": [  # the clerk
        "/",
        "/van-ban-den/",
        "/van-ban-den/?box=all",
        "/van-ban-den/tiep-nhan/",
        "/van-ban-den/{incoming}/",
        "/van-ban-den/thong-bao/",
        "/van-ban-den/in/so-dang-ky/",
        "/van-ban-di/",
        "/van-ban-di/{outgoing}/",
        "/van-ban-di/soan/",
        "/van-ban-di/so-dang-ky/",
        "/ky-so/kiem-tra/",
        "/ky-so/bao-cao/{report}/",
        "/doi-mat-khau/",
    ],
    "ublienminh_nguyenvanhung": [  # the leader
        "/",
        "/van-ban-den/",
        "/van-ban-den/{incoming}/",
        "/van-ban-di/",
        "/van-ban-di/{outgoing}/",
        "/ky-so/ho-so/",
    ],
    "ublienminh_hoangvannam": [  # a department head, also an officer
        "/",
        "/van-ban-den/",
        "/van-ban-den/{incoming}/",
        "/van-ban-den/phan-cong/{assignment}/giao/",
        "/van-ban-di/{outgoing}/",
    ],
    "ublienminh_tranthilan": [  # the administrator
        "/quan-tri/nguoi-dung/",
        "/quan-tri/nguoi-dung/them/",
        "/quan-tri/nguoi-dung/{user}/",
        "/quan-tri/nhat-ky/",
        "/ky-so/co-quan/",
    ],
}


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("username", ROLE_PAGES)
def test_role_pages(demo, documents, live_server, browser, username, viewport, shot, person):
    ids = {**documents, "user": person("tranthilan").pk}
    paths = [path.format(**ids) for path in ROLE_PAGES[username]]
    assert_pages_accessible(browser, live_server.url, username, paths, viewport, shot)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_forms_showing_errors(demo, live_server, browser, viewport, shot):
    """The error state of the forms: messages tied to their fields, still no violation."""
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="vi-VN")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/dang-nhap/")
        page.get_by_role("button", name="Đăng nhập", exact=True).click()
        page.wait_for_load_state("networkidle")
        assert not axe_violations(page), format_violations(axe_violations(page))
        browser_sign_in(page, live_server.url, "ublienminh_lethuha")
        page.goto(f"{live_server.url}/doi-mat-khau/")
        page.get_by_label("Mật khẩu hiện tại").fill("sai")
        page.get_by_label("Mật khẩu mới", exact=True).fill("ngan")
        page.get_by_label("Nhập lại mật khẩu mới").fill("khac")
        page.get_by_role("button", name="Đổi mật khẩu").last.click()
        page.wait_for_load_state("networkidle")
        assert page.locator(".invalid-feedback").count() >= 1
        shot(page, f"a11y-{viewport}-password-errors")
        assert not axe_violations(page), format_violations(axe_violations(page))
        page.goto(f"{live_server.url}/van-ban-den/tiep-nhan/")
        page.locator("main form button[type=submit]").last.click()
        page.wait_for_load_state("networkidle")
        shot(page, f"a11y-{viewport}-receive-errors")
        assert not axe_violations(page), format_violations(axe_violations(page))
    finally:
        context.close()


# --- What axe cannot judge -----------------------------------------------------------------------

FOCUS_STYLE = """() => {
  const el = document.activeElement, s = getComputedStyle(el);
  return {tag: el.tagName, text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40),
          style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor,
          visible: el.getBoundingClientRect().width > 0};
}"""


def test_keyboard_user_gets_a_skip_link_and_a_visible_focus_ring(demo, documents, live_server, page, shot):
    base = live_server.url
    browser_sign_in(page, base, "ublienminh_nguyenvanhung")
    page.goto(f"{base}/van-ban-den/{documents['incoming']}/")
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUS_STYLE)
    assert focused["text"] == "Bỏ qua, đến nội dung chính" and focused["visible"], focused
    skip = page.locator("[data-qlvb=skip-link]").bounding_box()
    assert skip and skip["height"] >= 24 and skip["width"] > 100  # shown on screen once focused
    shot(page, "a11y-focus-skip-link")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    # every stop of the tab order on the page shows a solid ring at least 2 px wide
    seen = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_STYLE)
        if focused["tag"] == "BODY":
            break
        seen.append(focused)
        assert focused["style"] != "none" and focused["width"] >= 2, focused
    assert any(f["text"] == "Đôn đốc" for f in seen), [f["text"] for f in seen]
    page.goto(f"{base}/van-ban-den/{documents['incoming']}/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # the agency name in the top bar
    focused = page.evaluate(FOCUS_STYLE)
    assert focused["style"] == "solid" and focused["color"] == "rgb(255, 212, 59)", focused  # yellow on dark blue
    shot(page, "a11y-focus-topbar")
    page.get_by_role("link", name="Đôn đốc").focus()
    shot(page, "a11y-focus-don-doc")


TARGETS = """(selector) => [...document.querySelectorAll(selector)]
  .filter(el => el.offsetParent !== null)
  .map(el => ({text: el.innerText.trim().slice(0, 30), w: el.getBoundingClientRect().width,
               h: el.getBoundingClientRect().height}))"""


def test_tap_targets_on_a_phone(demo, documents, live_server, phone_page, shot):
    page = phone_page
    browser_sign_in(page, live_server.url, "ublienminh_lethuha")
    page.goto(f"{live_server.url}/van-ban-den/{documents['incoming']}/")
    slip = page.evaluate(TARGETS, "[data-qlvb=slip] a")
    assert [t["text"] for t in slip] == ["Bản PDF", "Bản XLSX"]
    assert all(t["h"] >= 44 and t["w"] >= 44 for t in slip), slip  # was a 16 px high text link
    buttons = page.evaluate(TARGETS, "main .btn, main .nav-link, main .form-control, main .form-select")
    small = [t for t in buttons if t["h"] < 44]
    assert not small, small
    shot(page, "a11y-phone-detail-targets")


def test_inbox_tabs_all_visible_on_a_phone(demo, documents, live_server, phone_page, shot):
    page = phone_page
    browser_sign_in(page, live_server.url, "ublienminh_lethuha")
    page.goto(f"{live_server.url}/van-ban-den/")
    tabs = page.evaluate("""() => [...document.querySelectorAll('[data-qlvb=boxes] .nav-link')].map(a => {
        const r = a.getBoundingClientRect(); return {text: a.innerText.trim(), left: r.left, right: r.right}; })""")
    assert len(tabs) >= 3
    hidden = [t for t in tabs if t["left"] < 0 or t["right"] > 375]
    assert not hidden, hidden  # before: the strip scrolled sideways with no cue that more tabs existed
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, "a11y-phone-inbox-tabs")
