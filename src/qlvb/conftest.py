"""Fixtures for every app's tests under src/qlvb: the system's Chromium driven by Playwright against
pytest-django's live server. One browser for the whole session: a second sync Playwright in the same
thread would refuse to start."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread with
# a running loop unless told otherwise. The live server runs in its own thread and is unaffected.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

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
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
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


@pytest.fixture
def phone_page(browser, console) -> Iterator[object]:
    """A phone-sized window: 375 × 740 CSS pixels."""
    context, page = _new_page(browser, console, 375, 740)
    yield page
    context.close()


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


def assert_accessible(page, what: str = "") -> None:
    """Fail listing every WCAG 2.1 A/AA violation axe-core finds on the page."""
    violations = axe_violations(page)
    if violations:
        pytest.fail(
            f"{what or page.url}: {len(violations)} accessibility violation(s)\n" + format_violations(violations),
            pytrace=False,
        )


@pytest.fixture
def accessible():
    """``accessible(page, "what")`` — the page has no WCAG 2.1 A/AA violation that axe-core can find."""
    return assert_accessible
