"""The installable app (PWA): the web app manifest, the service worker served at the root scope, the
"Thêm" page of the phone's bottom navigation, the offline page, and the badge counts of that navigation.

The service worker's version is the application's version plus a hash of every static file's content:
any change of code or of a static file changes ``/sw.js`` byte for byte, so every phone installs the
new worker at its next visit; the new worker waits until the person taps "Cập nhật" (``skipWaiting``)
and then deletes the old shell caches. What the worker caches, and when it forgets, is described in
docs/mobile.md."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import metadata
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.views.decorators.http import require_GET

from qlvb.assignments.selectors import notifications_unread_count
from qlvb.directory.selectors import acting_user
from qlvb.reports import waiting

APP_NAME = "Quản lý văn bản và điều hành"
APP_SHORT_NAME = "QLVB&ĐH"
THEME_COLOUR = "#0b3d91"  # the top bar (qlvb.css)
BACKGROUND_COLOUR = "#ffffff"
PUSH_WORKER = "notifications/sw-push.js"  # push handlers (the notifications app), imported into our one worker
ICONS = [
    ("web/icons/icon-192.png", "192x192", "any"),
    ("web/icons/icon-512.png", "512x512", "any"),
    ("web/icons/icon-maskable-192.png", "192x192", "maskable"),
    ("web/icons/icon-maskable-512.png", "512x512", "maskable"),
]
APPLE_TOUCH_ICON = "web/icons/apple-touch-icon.png"
# The app shell, cached when the worker installs: enough to open the app and read what was kept.
SHELL_STATIC = (
    "vendor/bootstrap/bootstrap.min.css",
    "web/qlvb.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "vendor/htmx/htmx.min.js",
    "web/app.js",
    "web/icons/icon-192.png",
    "web/icons/favicon-32.png",
    "web/pdf-viewer.mjs",
    "vendor/pdfjs/pdf.min.mjs",  # inline PDF reading, offline too (~450 KB compressed with its worker)
    "vendor/pdfjs/pdf.worker.min.mjs",
)
OFFLINE_KEEP = 50  # the last documents and tasks opened, readable offline
OFFLINE_FILE_MAX_BYTES = 20 * 1024 * 1024  # a larger file is not kept offline (a phone's storage)
OFFLINE_FILES_PER_ITEM = 3
PERSON_HEADER = "X-QLVB-Person"
SIGNED_OUT = "-"

INCOMING_KEYS = frozenset(waiting.INCOMING_KEYS)
OUTGOING_KEYS = frozenset({"approve", "sign", "clerk"})


@lru_cache(maxsize=1)
def app_version() -> str:
    """The installed qlvb's version (read from its metadata once per process: ~0.5 ms a read)."""
    try:
        return metadata.version("qlvb")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a checkout without install
        return "0"


@lru_cache(maxsize=1)
def static_hash() -> str:
    """SHA-256 over every static file the finders see (path and content), in a stable order: the same on
    every node of a deployment, different as soon as one file changes."""
    digest = hashlib.sha256()
    seen: set[str] = set()
    entries: list[tuple[str, Any]] = []
    for finder in finders.get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            if path not in seen:  # the first finder wins, as for serving
                seen.add(path)
                entries.append((path, storage))
    for path, storage in sorted(entries, key=lambda e: e[0]):
        digest.update(path.encode())
        with storage.open(path) as f:
            for chunk in iter(lambda: f.read(1 << 16), b""):
                digest.update(chunk)
    return digest.hexdigest()


def static_changed() -> None:
    """Forget what the finders and the hash remember (tests; a deployment restarts on a release)."""
    finders.get_finder.cache_clear()  # type: ignore[attr-defined]
    static_hash.cache_clear()


def worker_version() -> str:
    return f"{app_version()}-{static_hash()[:12]}"


def person_key(user: Any) -> str:
    """An opaque, stable name of the signed-in person for the worker's per-person cache; ``-`` when no
    one is signed in (the worker then forgets every person's cache)."""
    if user is None or not user.is_authenticated:
        return SIGNED_OUT
    return salted_hmac("qlvb.web.pwa.person", str(user.pk)).hexdigest()[:24]


def push_worker_url() -> str | None:
    """The push handlers' script, when the notifications app ships one."""
    return static(PUSH_WORKER) if finders.find(PUSH_WORKER) else None


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    home = reverse("web:home")
    data = {
        "id": home,
        "name": APP_NAME,
        "short_name": APP_SHORT_NAME,
        "description": "Hệ thống quản lý văn bản và điều hành: văn bản đến, văn bản đi, công việc, lịch công tác.",
        "lang": "vi",
        "dir": "ltr",
        "start_url": home,
        "scope": home,
        "display": "standalone",
        "orientation": "any",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "categories": ["business", "productivity"],
        "icons": [
            {"src": static(path), "sizes": sizes, "type": "image/png", "purpose": purpose}
            for path, sizes, purpose in ICONS
        ],
        "shortcuts": [
            {"name": "Văn bản đến", "url": reverse("incoming:list")},
            {"name": "Công việc", "url": reverse("direction:task_list")},
            {"name": "Lịch công tác", "url": reverse("direction:calendar")},
        ],
    }
    response = JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """``/sw.js`` at the root, so its scope is the whole site (no Service-Worker-Allowed header needed)."""
    config = {
        "version": worker_version(),
        "shell": [reverse("web:app_offline"), reverse("web:app_pdf"), *(static(p) for p in SHELL_STATIC)],
        "offline": reverse("web:app_offline"),
        "viewer": reverse("web:app_pdf"),
        "calendar": [reverse("direction:calendar"), reverse("direction:my_calendar")],
        "keep": OFFLINE_KEEP,
        "fileMax": OFFLINE_FILE_MAX_BYTES,
        "filesPerItem": OFFLINE_FILES_PER_ITEM,
        "personHeader": PERSON_HEADER,
        "signedOut": SIGNED_OUT,
        "text": {
            "offline": "Bạn đang ngoại tuyến. Trang này chưa được lưu để đọc khi không có mạng.",
            "needConnection": "Cần kết nối mạng để thực hiện thao tác này. Không có gì được lưu hay gửi đi; "
            "hãy thử lại khi có mạng.",
        },
    }
    push = push_worker_url()
    body = render_to_string(
        "web/pwa/sw.js",
        {
            "config": _js(config),
            "push_import": _js(push) if push else "",
        },
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"  # the browser asks every time: an update reaches every phone
    return response


def _js(value: Any) -> str:
    """A JSON literal safe inside a script (no ``</script>``, no line separators)."""
    text = json.dumps(value, ensure_ascii=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """The page the worker shows for a page it has not kept; the same for every person (it is cached
    once for the device), the list of what was kept is read from the person's cache by app.js."""
    return render(request, "web/pwa/offline.html", {"version": worker_version()})


@require_GET
def pdf_viewer(request: HttpRequest) -> HttpResponse:
    """Reads a stored PDF inline (pdf.js): the same page for everyone and every file (the file's URL is in
    the query, read by the page's script; the browser fetches it with the person's own rights), so the
    worker keeps it once in the shell and it opens offline on a kept file."""
    return render(request, "web/pwa/pdf.html")


@login_required
def more(request: HttpRequest) -> HttpResponse:
    """ "Thêm" of the bottom navigation: the rest of the menu, installing the app, signing out."""
    return render(request, "web/pwa/more.html", {"version": worker_version()})


@login_required
@require_GET
def counts(request: HttpRequest) -> JsonResponse:
    """The bottom navigation's badges: the same per-person counts as the home page's "Việc chờ tôi"
    (``reports.waiting``) and the unread notifications. Never cached (``no-store``)."""
    actor = acting_user(request)
    items = waiting.waiting_for(actor)
    data = {
        "incoming": sum(i.count for i in items if i.key in INCOMING_KEYS),
        "outgoing": sum(i.count for i in items if i.key in OUTGOING_KEYS),
        "tasks": sum(i.count for i in items if i.key == "tasks"),
        "more": notifications_unread_count(actor),
    }
    response = JsonResponse(data)
    response["Cache-Control"] = "no-store"
    return response
