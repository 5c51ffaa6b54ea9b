"""The installable app over HTTP: the manifest and its icons, the service worker (versioned by the code and
every static file, importing the push handlers when the notifications app ships them), the person header
the worker's per-person cache relies on, the badge counts and the app's own pages."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone
from PIL import Image

from qlvb.directory.services import user_lock
from qlvb.reports.waiting import waiting_for
from qlvb.web import pwa

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_static():
    """Finders and the static hash see the static folders as the test left them."""
    pwa.static_changed()
    yield
    pwa.static_changed()


def found(path: str) -> str:
    full = finders.find(path)
    assert isinstance(full, str), path
    return full


def version_of(client: Client) -> str:
    match = re.search(r"^const CONFIG = (.*);$", client.get("/sw.js").content.decode(), re.M)
    assert match
    return str(json.loads(match.group(1))["version"])


def test_manifest_is_complete_and_its_icons_have_their_sizes(client: Client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["name"] == "Quản lý văn bản và điều hành" and data["short_name"] == "QLVB&ĐH"
    assert data["lang"] == "vi" and data["display"] == "standalone"
    assert data["start_url"] == "/" and data["scope"] == "/" and data["id"] == "/"
    assert data["theme_color"] == "#0b3d91" and data["background_color"] == "#ffffff"
    purposes = {(i["sizes"], i["purpose"]) for i in data["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= purposes
    for icon in data["icons"]:
        assert icon["src"].startswith("/static/web/icons/") and icon["type"] == "image/png"
        with Image.open(found(icon["src"].removeprefix("/static/"))) as image:
            assert f"{image.size[0]}x{image.size[1]}" == icon["sizes"]
    with Image.open(found(pwa.APPLE_TOUCH_ICON)) as apple:
        assert apple.size == (180, 180) and apple.mode == "RGB"  # iOS shows transparency as black


def test_every_page_links_the_manifest_the_icons_and_the_app_script(page_as):
    html = page_as("lethuha").get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert 'rel="apple-touch-icon" sizes="180x180" href="/static/web/icons/apple-touch-icon.png"' in html
    assert '<meta name="theme-color" content="#0b3d91">' in html
    assert '<script src="/static/web/app.js" defer></script>' in html
    assert 'data-qlvb="bottom-nav"' in html and 'data-qlvb="offline-banner"' in html


def test_service_worker_at_the_root_never_cached_by_the_browser(client: Client, fresh_static):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert "Service-Worker-Allowed" not in response  # served at the root: its scope is the whole site
    body = response.content.decode()
    assert version_of(client) == f"{pwa.app_version()}-{pwa.static_hash()[:12]}"
    assert "const CONFIG = " in body and '"keep": 50' in body and '"/static/web/app.js"' in body
    imported = re.findall(r'importScripts\("([^"]+)"\)', body.split("*/", 1)[1])
    assert "self.skipWaiting()" in body and imported == ["/static/notifications/sw-push.js"]  # the push handlers only


def test_a_static_file_change_changes_the_worker(client: Client, settings, tmp_path, fresh_static):
    before = version_of(client)
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "extra.css").write_text("body { color: #000; }")
    settings.STATICFILES_DIRS = [tmp_path]
    pwa.static_changed()
    after = version_of(client)
    assert before != after and after.startswith(pwa.app_version() + "-")


def test_the_worker_imports_the_push_handlers_when_they_exist(client: Client, settings, tmp_path, fresh_static):
    if finders.find(pwa.PUSH_WORKER):  # the notifications app ships them (merged)
        body = client.get("/sw.js").content.decode()
    else:
        (tmp_path / "notifications").mkdir()
        (tmp_path / "notifications" / "sw-push.js").write_text("self.addEventListener('push', () => {});\n")
        settings.STATICFILES_DIRS = [tmp_path]
        pwa.static_changed()
        body = client.get("/sw.js").content.decode()
    assert body.rstrip().endswith('importScripts("/static/notifications/sw-push.js");')


def test_person_header_names_who_is_signed_in_and_says_when_no_one_is(client: Client, page_as, person):
    assert client.get("/dang-nhap/")[pwa.PERSON_HEADER] == "-"
    ha, hung = page_as("lethuha"), page_as("nguyenvanhung")
    key_ha = ha.get("/")[pwa.PERSON_HEADER]
    assert key_ha not in {"-", ""} and len(key_ha) == 24
    assert key_ha == ha.get("/ung-dung/")[pwa.PERSON_HEADER]  # stable for the person
    assert hung.get("/")[pwa.PERSON_HEADER] not in {key_ha, "-"}
    assert ha.get("/api/v1/health").get(pwa.PERSON_HEADER) is None  # the API is not for the worker
    assert ha.post("/dang-xuat/")[pwa.PERSON_HEADER] == "-"  # the sign-out's answer already says so


def test_a_locked_account_is_answered_signed_out_at_the_next_contact(page_as, person):
    ha = page_as("lethuha")
    assert ha.get("/")[pwa.PERSON_HEADER] != "-"
    user_lock(actor=person("admin"), user=person("lethuha"), reason="Nghỉ việc")
    response = ha.get("/van-ban-den/")
    assert response.status_code == 302 and response[pwa.PERSON_HEADER] == "-"


def test_badge_counts_are_the_persons_waiting_counts_and_never_cached(page_as, person, client: Client):
    ha = person("lethuha")
    response = page_as(ha).get("/ung-dung/so-luong/")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    data = response.json()
    items = {i.key: i.count for i in waiting_for(ha)}
    assert data["incoming"] == sum(v for k, v in items.items() if k in pwa.INCOMING_KEYS)
    assert data["outgoing"] == sum(v for k, v in items.items() if k in pwa.OUTGOING_KEYS)
    assert data["tasks"] == items["tasks"]
    assert set(data) == {"incoming", "outgoing", "tasks", "more"}
    anonymous = client.get("/ung-dung/so-luong/")
    assert anonymous.status_code == 302 and "/dang-nhap/" in anonymous["Location"]


def test_more_page_and_offline_page(page_as, client: Client):
    html = page_as("lethuha").get("/ung-dung/").content.decode()
    assert "Cài ứng dụng" in html and "Thêm vào Màn hình chính" in html
    assert 'data-qlvb="sign-out"' in html and 'data-qlvb="offline-list"' in html
    assert 'aria-current="page"' in html.split('data-qlvb="tab-more"', 1)[1][:40]
    offline = client.get("/ung-dung/ngoai-tuyen/")
    assert offline.status_code == 200
    text = offline.content.decode()
    assert "Bạn đang ngoại tuyến…" in text and "<script>" not in text
    # the same for everyone: cached once per device by the worker, it names no one
    signed_in = page_as("lethuha").get("/ung-dung/ngoai-tuyen/").content.decode()
    assert "Lê Thu Hà" not in signed_in and "csrfmiddlewaretoken" not in signed_in


def test_icons_are_small(fresh_static):
    for path, _sizes, _purpose in pwa.ICONS:
        with open(found(path), "rb") as f:
            data = f.read()
        assert len(data) < 40_000
        Image.open(io.BytesIO(data)).verify()


def test_no_worker_for_a_person_held_on_the_initial_password_page(page_as, person):
    """/sw.js would be redirected to the password page like every other URL: the page does not register it."""
    ha = person("lethuha")
    ha.must_change_password = True
    ha.save(update_fields=["must_change_password"])
    html = page_as(ha).get("/doi-mat-khau/").content.decode()
    assert 'name="qlvb-worker"' not in html and 'rel="manifest"' not in html
    assert '<script src="/static/web/app.js" defer></script>' in html  # the banners still work


def test_pdf_reader_is_one_page_for_everyone_with_pdfjs_vendored(client: Client, page_as):
    html = client.get("/ung-dung/doc-pdf/?tep=/van-ban-den/1/tep/1/").content.decode()
    assert '<script type="module" src="/static/web/pdf-viewer.mjs"></script>' in html
    assert "/van-ban-den/1/tep/1/" not in html  # the file is read by the page's script, never rendered in
    assert page_as("lethuha").get("/ung-dung/doc-pdf/").content.decode().count("Lê Thu Hà") == 0
    for name in ("pdf.min.mjs", "pdf.worker.min.mjs", "LICENSE", "VERSION"):
        assert finders.find(f"vendor/pdfjs/{name}"), name
    with open(found("vendor/pdfjs/LICENSE")) as f:
        assert "Apache License" in f.read()
    body = client.get("/sw.js").content.decode()
    assert '"viewer": "/ung-dung/doc-pdf/"' in body and "/static/vendor/pdfjs/pdf.worker.min.mjs" in body


def test_the_apps_background_requests_do_not_push_the_idle_deadline(page_as, person):
    """A phone left open fetches the badge counts, checks its worker and manifest: none of it keeps the session
    alive past its idle timeout (nor writes the session again); a page the person opens does."""
    browser = page_as(person("lethuha"))
    assert browser.get("/").status_code == 200
    key = browser.cookies[settings.SESSION_COOKIE_NAME].value
    soon = timezone.now() + dt.timedelta(minutes=5)
    Session.objects.filter(session_key=key).update(expire_date=soon)
    for url in ("/ung-dung/so-luong/", "/sw.js", "/manifest.webmanifest"):
        response = browser.get(url)
        assert response.status_code == 200, url
        assert Session.objects.get(session_key=key).expire_date == soon, url
    assert browser.get("/van-ban-den/").status_code == 200
    assert Session.objects.get(session_key=key).expire_date > soon + dt.timedelta(minutes=20)  # 30 min idle
