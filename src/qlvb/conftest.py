"""Fixtures for every app's tests under src/qlvb: a signed-in client for the API (``api_as``) and for the
pages (``page_as``); threads started together (``run_together``); and the system's Chromium driven by
Playwright against pytest-django's live server (``browser``, ``browser_as``, ``Session``,
``browser_sign_in``, axe-core checks). One browser for the whole session: a second sync Playwright in
the same thread would refuse to start. The demo agency and its people (``demo``, ``person``) come from
the repository's root conftest."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test import Client
from django.test.testcases import LiveServerThread

if TYPE_CHECKING:
    from qlvb.directory.models import User


# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread with
# a running loop unless told otherwise. The live server runs in its own thread and is unaffected.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# One request at a time on a shared in-memory SQLite connection (below); the browser fixtures wait on it too
# before the test ends, so the database is never flushed under a request still being answered.
_ONE_REQUEST = threading.Lock()


class _Answering:
    """A WSGI answer that holds ``_ONE_REQUEST`` until it is sent and closed: a response read lazily (a
    file, a streamed page) and Django's end-of-request signal run against the database too."""

    def __init__(self, result: Any) -> None:
        self.result = result
        self.released = False

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.result)

    def close(self) -> None:
        try:
            close = getattr(self.result, "close", None)
            if close is not None:
                close()
        finally:
            if not self.released:
                self.released = True
                _ONE_REQUEST.release()


class _SharedSQLiteServer(ThreadedWSGIServer):
    """The live server, one request at a time when its threads share one in-memory SQLite connection.

    On SQLite the test database lives in memory and every server thread is handed the same connection
    (pytest-django's ``connections_override``). A page's own requests arrive together (the page, its badge
    counts, the service worker's check): two threads in one connection interleave their transactions and
    SQLite answers "database table is locked" — a session that cannot be saved, a page that fails. The lock
    is held from the start of a request until its answer is sent and closed. A PostgreSQL test database has
    a connection per thread and is served as before, in parallel."""

    def set_app(self, application: Any) -> None:
        if not self.connections_override:
            super().set_app(application)
            return

        def one_at_a_time(environ: dict[str, Any], start_response: Any) -> Any:
            _ONE_REQUEST.acquire()
            try:
                return _Answering(application(environ, start_response))
            except BaseException:
                _ONE_REQUEST.release()
                raise

        super().set_app(one_at_a_time)


def live_server_idle() -> None:
    """Wait until the live server has answered the request it is on (SQLite: see ``_SharedSQLiteServer``)."""
    with _ONE_REQUEST:
        pass


LiveServerThread.server_class = _SharedSQLiteServer


@pytest.fixture(autouse=True)
def _live_server_idle_before_flush(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test on the live server ends only once the server has answered the request it is on, before its
    database is flushed: a page can still be sending one when the test's last check passes (the sign-in
    page's passkey suggestions, a badge count). Flushing SQLite's shared connection under that request
    answered "database table is locked" to the request or to the flush. The database fixture is asked for
    first, so that it is torn down after this one."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    live_server_idle()


@pytest.fixture(autouse=True)
def _person_counts_cached(settings: Any) -> None:
    """The per-person counts are cached in tests as in production (``core/person_counts.py``), in a cache
    emptied before each test: a new test database gives the same ids to other people."""
    from django.core.cache import cache

    from qlvb.core import person_counts

    settings.QLVB_COUNTS_CACHE = True
    cache.clear()
    person_counts.forget_pending()


def _user(request: pytest.FixtureRequest, who: str | User) -> User:
    """A User as given, or the demo person of that name (``"lethuha"`` or a full username)."""
    if isinstance(who, str):
        person: Callable[[str], User] = request.getfixturevalue("person")
        return person(who)
    return who


@pytest.fixture
def api_as(request: pytest.FixtureRequest, db: None) -> Callable[..., Client]:
    """``api_as("lethuha")`` or ``api_as(user)`` → a client that sends a fresh API token of that user as
    ``Authorization: Bearer …`` on every request (how an API client signs in)."""
    from qlvb.directory.tokens import token_issue

    def make(who: str | User) -> Client:
        token = token_issue(user=_user(request, who), name="test")
        return Client(headers={"Authorization": f"Bearer {token}"})

    return make


@pytest.fixture
def page_as(request: pytest.FixtureRequest, db: None) -> Callable[..., Client]:
    """``page_as("lethuha")`` or ``page_as(user)`` → a client with that user's signed-in session (how a
    browser reaches the pages). ``csrf=True`` enforces the CSRF check, as a real browser meets it."""

    def make(who: str | User, *, csrf: bool = False) -> Client:
        client = Client(enforce_csrf_checks=csrf)
        client.force_login(_user(request, who))
        return client

    return make


def sqlite_in_memory() -> bool:
    """The test database is SQLite's shared-cache in-memory one (a second writer is refused at once)."""
    from django.db import connections
    from django.db.backends.sqlite3.base import DatabaseWrapper

    database = connections["default"]
    return isinstance(database, DatabaseWrapper) and database.is_in_memory_db()


def run_together(count: int, work: Callable[[int, Callable[[], object]], None]) -> list[BaseException]:
    """Run ``work(t, ready)`` for t in 0..count-1, each in its own thread; ``ready()`` waits until every
    thread has called it, so the contended part starts at once. Each thread closes its database
    connection at the end. Returns what the threads raised."""
    import threading

    from django.db import close_old_connections, connection

    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(t: int) -> None:
        try:
            work(t, barrier.wait)
        except BaseException as exc:
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(t,)) for t in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


# The pages' browser windows below block the service worker (service_workers="block"): a page is tested
# as a page, without the worker's background fetches (this week's calendar, a document's files) adding
# writers to the test database. The worker itself is tested in web/tests/test_app_browser.py.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class Console:
    """What the page logged: CSP violations and script errors end up here."""

    def __init__(self) -> None:
        self.errors: list[str] = []


@pytest.fixture
def console() -> Console:
    return Console()


def _new_page(browser, console: Console, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN", service_workers="block")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("console", lambda msg: console.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: console.errors.append(str(exc)))
    return context, page


@pytest.fixture
def page(browser, console) -> Iterator[object]:
    context, page = _new_page(browser, console, 1280, 900)
    yield page
    context.close()
    live_server_idle()


@pytest.fixture
def phone_page(browser, console) -> Iterator[object]:
    """A phone-sized window: 375 × 740 CSS pixels."""
    context, page = _new_page(browser, console, 375, 740)
    yield page
    context.close()
    live_server_idle()


DEMO_PASSWORD = "LienMinh@2025"  # noqa: S105  (every demo user's password, README)


def demo_username(name: str) -> str:
    """``"lethuha"`` → ``"ublienminh_lethuha"``; a full username is kept."""
    return name if "_" in name or name == "admin" else f"ublienminh_{name}"


def browser_sign_in(page: Any, base: str, username: str, password: str = DEMO_PASSWORD, *, check: bool = True) -> None:
    """Sign in through the form as a person does; with ``check`` fail (with a screenshot) if it was refused."""
    page.goto(f"{base}/dang-nhap/")
    page.get_by_label("Tên tài khoản").fill(demo_username(username))
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    page.wait_for_load_state("networkidle")
    if check and "/dang-nhap/" in page.url:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"failed-sign-in-{demo_username(username)}.png"), full_page=True)
        raise AssertionError(f"{username} could not sign in: {page.locator('main').inner_text()[:300]}")


def no_csp_violation(errors: list[str]) -> None:
    """The page logged no Content-Security-Policy refusal."""
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors


class Session:
    """One person's signed-in browser window (own context: own cookies), with the errors the page logged;
    screenshots go to ``shots``. ``close()`` fails if the page logged a CSP refusal."""

    def __init__(
        self, chromium: Any, base: str, username: str, *, width: int = 1280, height: int = 900, shots: Path
    ) -> None:
        self.context = chromium.new_context(
            viewport={"width": width, "height": height}, locale="vi-VN", service_workers="block"
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(30_000)
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.base, self.width, self.shots = base, width, shots
        browser_sign_in(self.page, base, username)

    def shot(self, name: str) -> Path:
        self.shots.mkdir(parents=True, exist_ok=True)
        path = self.shots / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def open(self, path: str) -> None:
        self.page.goto(f"{self.base}{path}")
        self.page.wait_for_load_state("networkidle")

    def fits(self) -> None:
        assert self.page.evaluate("document.documentElement.scrollWidth") <= self.width, "scrolls sideways"

    def close(self) -> None:
        no_csp_violation(self.errors)
        self.context.close()


@pytest.fixture
def browser_as(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    """``browser_as("dothanhhuong", phone=False)`` → a page of that person's own window, signed in through
    the form on the live server (60 s timeouts: conversions and signing run in the server's thread).
    ``workers=True`` lets service workers run in that window (a test of the worker itself: push);
    ``touch=True`` gives it a touch screen (``locator.tap()``)."""
    contexts = []

    def open_as(username: str, *, phone: bool = False, workers: bool = False, touch: bool = False) -> Any:
        viewport = {"width": 375, "height": 740} if phone else {"width": 1280, "height": 900}
        context = browser.new_context(
            viewport=viewport,
            locale="vi-VN",
            service_workers="allow" if workers else "block",
            has_touch=touch,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(60_000)
        browser_sign_in(page, live_server.url, username)
        return page

    yield open_as
    for context in contexts:
        context.close()
    live_server_idle()  # the test's database is flushed next: not under a request still being answered


@pytest.fixture
def shot():
    """``shot(page, "home")`` saves var/screenshots/home.png (full page) and returns its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


# --- Accessibility: axe-core (vendored, test-only) -----------------------------------------------
AXE_JS = Path(__file__).resolve().parent / "web" / "tests" / "vendor" / "axe-core" / "axe.min.js"
# WCAG 2.0 and 2.1, levels A and AA; plus 2.2's AA target size (2.5.8: 24×24 CSS px), the one 2.2 rule
# the interface promises.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
_AXE_RUN = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary || ""})),
  }));
}"""


def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.0/2.1 A+AA violations on the page as it is now. axe is put into the page by
    the DevTools protocol (``page.evaluate``), which the Content-Security-Policy does not govern, so
    the policy stays exactly what users get."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate("() => {\n" + AXE_JS.read_text(encoding="utf-8") + "\n}")
    return page.evaluate(_AXE_RUN, AXE_TAGS)


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']}")
        for node in v["nodes"][:8]:
            summary = " ".join(node["summary"].split())[:300]
            lines.append(f"    {node['target']} — {summary}")
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


# WCAG 2.1 1.4.10 Reflow (AA), which axe does not check: on a phone the page scrolls only vertically.
_OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width + 1) return [];
  return [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > width + 1 && !e.closest(".table-responsive, pre"))
    .slice(0, 5)
    .map(e => e.tagName.toLowerCase() + (e.className ? "." + String(e.className).split(" ").join(".") : ""));
}"""


def reflow_violations(page) -> list[dict]:
    """The elements wider than a phone's screen (width ≤ 480 px) outside a scrolled table: WCAG 1.4.10."""
    viewport = page.viewport_size
    if (
        viewport is None
        or viewport["width"] > 480
        or not page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth + 1")
    ):
        return []
    wide = page.evaluate(_OVERFLOW) or ["(the page itself)"]
    return [
        {
            "id": "reflow",
            "impact": "serious",
            "help": f"WCAG 1.4.10: the page scrolls sideways at {viewport['width']} px",
            "nodes": [{"target": target, "summary": "wider than the screen"} for target in wide],
        }
    ]


def assert_accessible(page, what: str = "") -> None:
    """Fail listing every WCAG 2.1 A/AA violation axe-core finds on the page, and a page that scrolls
    sideways on a phone (1.4.10 Reflow)."""
    violations = axe_violations(page) + reflow_violations(page)
    if violations:
        pytest.fail(
            f"{what or page.url}: {len(violations)} accessibility violation(s)\n" + format_violations(violations),
            pytrace=False,
        )


@pytest.fixture
def accessible():
    """``accessible(page, "what")`` — the page has no WCAG 2.1 A/AA violation that axe-core can find."""
    return assert_accessible
