"""A person can see it: Chromium as a phone (375 × 812, mobile, touch) installs nothing from a store: the
manifest is valid and installable (the DevTools protocol's own checks), the service worker controls the
page, a document read once opens again OFFLINE with its PDF, this week's calendar too, forms say they need
a connection, the bottom navigation works, and signing out forgets everything kept. Screenshots go to
var/screenshots/app-*.png."""

from __future__ import annotations

import datetime as dt
import io
import re
import time
from typing import Any

import pytest
from playwright.sync_api import expect
from pypdf import PdfWriter

from qlvb.conftest import SCREENSHOTS, assert_accessible, browser_sign_in, no_csp_violation
from qlvb.directory.models import Unit
from qlvb.documents.models import DocumentType
from qlvb.files.intake import file_intake
from qlvb.incoming.attaching import IncomingFile
from qlvb.incoming.services import IncomingData, incoming_receive

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True, "locale": "vi-VN"}
SUBJECT = "Về việc phòng chống bão số 3 năm 2026"
KEPT = """async () => {
  const names = (await caches.keys()).filter((k) => k.startsWith("qlvb-person-"));
  if (!names.length) return null;
  const hit = await (await caches.open(names[0])).match("/__qlvb/offline-index");
  return hit ? await hit.json() : null;
}"""


def _pdf() -> bytes:
    """One A4 page with a line of text (Helvetica), so the inline reader has something to draw."""
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    content = DecodedStreamObject()
    content.set_data(b"BT /F1 36 Tf 60 760 Td (CONG VAN SO 27) Tj ET 0 0 1 rg 60 600 470 80 re f")
    page[NameObject("/Contents")] = writer._add_object(content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


INKED = """(c) => { const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  let ink = 0; for (let i = 0; i < d.length; i += 16) if (d[i] < 128) ink++; return ink; }"""


@pytest.fixture
def document(person: Any, settings: Any, tmp_path: Any) -> Any:
    settings.FILES_DIR = tmp_path / "files"
    clerk = person("lethuha")
    main = file_intake(actor=clerk, stream=io.BytesIO(_pdf()), original_name="cong-van-bao-so-3.pdf", channel="scan")
    data = IncomingData(
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject=SUBJECT,
        organ_name="Ủy ban nhân dân huyện Mê Linh",
        code_number="27",
        code_notation="UBND-PCTT",
        issued_date=dt.date(2026, 9, 1),
        signer_position="Chủ tịch",
        signer_name="Nguyễn Văn An",
    )
    ubnd = Unit.objects.get(short_name="UBND", kind="agency")
    return incoming_receive(actor=clerk, agency=ubnd, channel="paper", data=data, files=[IncomingFile(main)]).document


def shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"app-{name}.png"), full_page=False)


def _phone(browser: Any, *, worker: bool = True) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(**PHONE, service_workers="allow" if worker else "block")
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return context, page, errors


def _until(page: Any, predicate: str, *, seconds: float = 20, reload_after: float | None = None) -> None:
    """Poll an async predicate in the page (``page.evaluate`` awaits it). ``reload_after``: open the page
    again once if it is not true by then — the test database (SQLite in memory, shared cache) refuses a
    second writer at once, so the worker's fetch of a file may fail while the page itself saves the session."""
    deadline, reloaded = time.monotonic() + seconds, False
    start = time.monotonic()
    while not page.evaluate(predicate):
        if time.monotonic() > deadline:
            raise AssertionError(f"never true: {predicate}")
        if reload_after is not None and not reloaded and time.monotonic() - start > reload_after:
            page.reload()
            reloaded = True
        time.sleep(0.25)


SETTLE = """() => new Promise((resolve) => {
  const c = navigator.serviceWorker && navigator.serviceWorker.controller;
  if (!c) return resolve(true);
  navigator.serviceWorker.addEventListener("message", (e) => e.data.type === "settled" && resolve(true));
  c.postMessage({ type: "settle" });
  setTimeout(() => resolve(false), 10000);
})"""


def _close(context: Any, page: Any) -> None:
    """Close once the page and the worker are quiet: a request still running when the test's database is
    flushed would fail it."""
    page.wait_for_load_state("networkidle")
    page.evaluate(SETTLE)
    context.close()


WORKER_STATE = """async () => { const r = await navigator.serviceWorker.getRegistration();
  if (!r) return "no registration";
  const s = (w) => (w ? w.state : "-");
  return `installing ${s(r.installing)}, waiting ${s(r.waiting)}, active ${s(r.active)}`; }"""


def _controlled(page: Any) -> None:
    # polled from here, not with wait_for_function: its in-page poller evaluates a string, which the pages'
    # CSP (no 'unsafe-eval') refuses whenever the first try is false. The worker installs only if every
    # file of the shell is fetched; one request answered 500 while the page saves the session (SQLite's
    # single writer) or slowed by the machine's load leaves it uninstalled until the next page load, which
    # registers it again — what a person's next page does: so the page is opened again once after 10 s.
    try:
        _until(
            page,
            "() => !!navigator.serviceWorker && navigator.serviceWorker.controller !== null",
            seconds=40,
            reload_after=10,
        )
    except AssertionError as exc:
        raise AssertionError(f"{exc} ({page.evaluate(WORKER_STATE)})") from None


def test_installable_offline_reading_bottom_navigation_and_sign_out(browser, live_server, document):
    base = live_server.url
    context, page, errors = _phone(browser)
    browser_sign_in(page, base, "lethuha")
    _controlled(page)
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL") == f"{base}/sw.js"

    # Lighthouse-style checks by the browser itself: the manifest parses without error, nothing stops
    # installing; every icon is fetched and has its declared size.
    cdp = context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"] == f"{base}/manifest.webmanifest"
    assert manifest["errors"] == [], manifest["errors"]
    installability = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # a Playwright context is an incognito profile, where Chromium never installs: the one error allowed
    assert [e for e in installability if e["errorId"] != "in-incognito"] == [], installability
    icons = page.evaluate(
        """async () => {
          const m = await (await fetch(document.querySelector('link[rel=manifest]').href)).json();
          const out = [];
          for (const icon of m.icons) {
            const r = await fetch(icon.src);
            const b = await createImageBitmap(await r.blob());
            out.push([icon.sizes, r.status, `${b.width}x${b.height}`, r.headers.get('content-type')]);
          }
          return out;
        }"""
    )
    assert len(icons) >= 3 and all(s == "200" or s == 200 for _z, s, _d, _t in icons)
    assert all(sizes == drawn and kind == "image/png" for sizes, _s, drawn, kind in icons), icons

    # The bottom navigation: five tabs on a phone, badges from the person's own counts.
    nav = page.locator("[data-qlvb=bottom-nav]")
    expect(nav).to_be_visible()
    assert [t.strip() for t in nav.locator(".qlvb-tab-label").all_inner_texts()] == [
        "Văn bản đến",
        "Văn bản đi",
        "Công việc",
        "Lịch",
        "Thêm",
    ]
    counts = page.evaluate("fetch('/ung-dung/so-luong/').then((r) => r.json())")
    badge = nav.locator("[data-qlvb-badge=incoming]")
    if counts["incoming"]:
        expect(badge).to_be_visible()
        assert badge.locator("[data-qlvb-count]").inner_text() == str(counts["incoming"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page, "home (phone)")
    shot(page, "home")

    # Read the document once, online: the worker keeps the page and its PDF.
    doc_url = f"/van-ban-den/{document.pk}/"
    page.goto(base + doc_url)
    expect(page.get_by_text(SUBJECT).first).to_be_visible()
    _until(
        page,
        f"""async () => {{ const i = await ({KEPT})();
            return !!i && i.items.some((x) => x.url === "{doc_url}" && x.files.length > 0)
              && Object.keys(i.calendar).length > 0; }}""",
        reload_after=8,
    )
    kept = page.evaluate(KEPT)
    pdf_url = kept["items"][0]["files"][0]
    assert re.fullmatch(rf"/van-ban-den/{document.pk}/tep/\d+/", pdf_url)
    assert_accessible(page, "document (phone)")

    # Read the PDF inline (pdf.js, drawn on canvases): the "Đọc" button next to the file
    read = page.locator("[data-qlvb=read-inline]").first
    expect(read).to_be_visible()
    read.click()
    page.wait_for_url(re.compile(r"/ung-dung/doc-pdf/\?tep="))
    expect(page.locator("[data-qlvb=pdf-page]")).to_have_count(1)
    expect(page.locator("[data-qlvb=pdf-status]")).to_have_text("1 trang")
    assert page.locator("[data-qlvb=pdf-page]").evaluate("(c) => c.width > 300 && c.height > 400")
    assert page.locator("[data-qlvb=pdf-page]").evaluate(INKED) > 1000  # the text and the blue band drawn
    assert_accessible(page, "PDF viewer (phone)")
    shot(page, "pdf-viewer")
    viewer_url = page.url
    expect(page.locator("[data-qlvb=pdf-back]")).to_have_attribute("href", doc_url)
    page.goto(base + doc_url)

    # The tabs work.
    nav.get_by_role("link", name=re.compile("^Công việc")).click()
    page.wait_for_url(re.compile(r"/cong-viec/$"))
    expect(nav.locator("[data-qlvb=tab-tasks]")).to_have_attribute("aria-current", "page")
    assert_accessible(page, "tasks (phone)")
    nav.get_by_role("link", name=re.compile("^Thêm")).click()
    page.wait_for_url(re.compile(r"/ung-dung/$"))
    expect(page.locator("[data-qlvb=offline-list]")).to_contain_text(SUBJECT)
    assert_accessible(page, "more (phone)")
    shot(page, "more")

    # Offline: the document opens from the worker's cache, with its PDF; the banner says so.
    context.set_offline(True)
    page.goto(base + doc_url)
    expect(page.get_by_text(SUBJECT).first).to_be_visible()
    banner = page.locator("[data-qlvb=offline-banner]")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Bạn đang ngoại tuyến")
    pdf = page.evaluate(
        f"fetch('{pdf_url}').then(async (r) => "
        "[r.status, r.headers.get('content-type'), (await r.arrayBuffer()).byteLength])"
    )
    assert pdf[0] == 200 and pdf[1] == "application/pdf" and pdf[2] > 100, pdf
    assert_accessible(page, "document offline (phone)")
    shot(page, "document-offline")
    page.goto(viewer_url)  # the PDF inline, offline: viewer and file from the worker's caches
    expect(page.locator("[data-qlvb=pdf-page]")).to_have_count(1)
    expect(page.locator("[data-qlvb=pdf-status]")).to_have_text("1 trang")
    page.goto(base + doc_url)
    # an action needs a connection: nothing is sent, nothing queued, the person is told
    form = page.locator("main form[method=post]").first
    if form.count():
        form.evaluate("(f) => f.requestSubmit()")
        expect(page.locator("[data-qlvb=need-connection]")).to_be_visible()
        assert page.url == base + doc_url
    # this week's calendar, kept without being opened
    page.goto(base + "/lich-cong-tac/")
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("[data-qlvb=offline-banner]")).to_be_visible()
    shot(page, "calendar-offline")
    # a page never opened: the offline page, listing what can be read
    page.goto(base + "/ho-so/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bạn đang ngoại tuyến…")
    expect(page.locator("[data-qlvb=offline-list]")).to_contain_text(SUBJECT)
    assert_accessible(page, "offline page (phone)")
    shot(page, "offline-page")

    # Back online, sign out from "Thêm": everything kept for this person is gone.
    context.set_offline(False)
    page.goto(base + "/ung-dung/")
    page.locator("main [data-qlvb=sign-out] button").click()
    page.wait_for_url(re.compile(r"/dang-nhap/"))
    _until(page, "async () => !(await caches.keys()).some((n) => n.startsWith('qlvb-person-'))")
    context.set_offline(True)
    page.goto(base + doc_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bạn đang ngoại tuyến…")
    assert SUBJECT not in page.content()
    context.set_offline(False)
    no_csp_violation([e for e in errors if "net::ERR_INTERNET_DISCONNECTED" not in e])
    page.goto(base + "/dang-nhap/")
    _close(context, page)


def test_a_locked_account_loses_its_offline_copies_at_the_next_contact(browser, live_server, document, person):
    from qlvb.directory.services import user_lock

    base = live_server.url
    context, page, _errors = _phone(browser)
    browser_sign_in(page, base, "lethuha")
    _controlled(page)
    doc_url = f"/van-ban-den/{document.pk}/"
    page.goto(base + doc_url)
    _until(
        page,
        f"""async () => {{ const i = await ({KEPT})(); return !!i && i.items.some((x) => x.url === "{doc_url}"); }}""",
    )
    user_lock(actor=person("admin"), user=person("lethuha"), reason="Chuyển công tác")
    page.goto(base + "/")  # the next contact: the server answers that no one is signed in
    page.wait_for_url(re.compile(r"/dang-nhap/"))
    _until(page, "async () => !(await caches.keys()).some((n) => n.startsWith('qlvb-person-'))")
    context.set_offline(True)
    page.goto(base + doc_url)
    assert SUBJECT not in page.content()
    context.set_offline(False)
    _close(context, page)


def test_an_update_waits_for_the_persons_tap_then_replaces_the_old_shell(
    browser, live_server, demo, settings, tmp_path
):
    from qlvb.web import pwa

    base = live_server.url
    context, page, _errors = _phone(browser)
    browser_sign_in(page, base, "lethuha")
    _controlled(page)
    page.reload()  # a page the first worker controls from the start
    _controlled(page)
    expect(page.locator("[data-qlvb=app-update]")).to_be_hidden()  # nothing to offer yet
    first = page.evaluate("caches.keys().then((k) => k.filter((n) => n.startsWith('qlvb-shell-')))")
    assert len(first) == 1
    # A new release: one static file more (a real change of what the deployment serves).
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "release-note.css").write_text(".qlvb-release { color: #000; }\n")
    settings.STATICFILES_DIRS = [tmp_path]
    pwa.static_changed()
    try:
        page.reload()
        update = page.locator("[data-qlvb=app-update]")
        expect(update).to_be_visible(timeout=30_000)
        # nothing changes until the person taps: the old worker still controls the page
        waiting = "navigator.serviceWorker.getRegistration().then((r) => !!r.waiting)"
        assert page.evaluate(waiting)
        assert len(page.evaluate("caches.keys().then((k) => k.filter((n) => n.startsWith('qlvb-shell-')))")) == 2
        shot(page, "update-offered")
        with page.expect_navigation():
            update.get_by_role("button", name="Cập nhật").click()
        _controlled(page)
        _until(page, "async () => (await caches.keys()).filter((n) => n.startsWith('qlvb-shell-')).length === 1")
        now = page.evaluate("caches.keys().then((k) => k.filter((n) => n.startsWith('qlvb-shell-')))")
        assert now != first and now[0].endswith(pwa.static_hash()[:12])
        expect(page.locator("[data-qlvb=app-update]")).to_be_hidden()
        _close(context, page)
    finally:
        pwa.static_changed()


def test_pull_to_refresh_reloads_the_page(browser, live_server, demo):
    context, page, errors = _phone(browser, worker=False)
    browser_sign_in(page, live_server.url, "lethuha")
    page.goto(f"{live_server.url}/cong-viec/")
    page.evaluate("window.scrollTo(0, 0)")
    page.evaluate("window.qlvbMark = 1")  # gone after a reload
    cdp = context.new_cdp_session(page)

    def touch(kind: str, y: int | None) -> None:
        points = [] if y is None else [{"x": 180, "y": y}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    with page.expect_navigation():
        touch("touchStart", 120)
        for y in range(140, 300, 20):
            touch("touchMove", y)
        expect(page.locator("[data-qlvb=pull-to-refresh]")).to_be_visible()
        touch("touchEnd", None)
    page.wait_for_load_state("load")
    assert page.evaluate("window.qlvbMark === undefined") and page.url.endswith("/cong-viec/")
    no_csp_violation(errors)
    _close(context, page)
