"""The shell: English switch, strict CSP (no inline script or style), assets served locally."""

from __future__ import annotations

import re

import pytest
from django.test import Client


@pytest.fixture
def clerk(demo, page_as) -> Client:
    return page_as("lethuha")


@pytest.fixture
def admin(demo, page_as) -> Client:
    return page_as("tranthilan")


def test_vietnamese_by_default(clerk):
    page = clerk.get("/").content.decode()
    assert 'lang="vi"' in page and "Xin chào, Lê Thu Hà" in page and "Đăng xuất" in page


def test_switch_to_english_and_back(clerk):
    response = clerk.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302 and response.url == "/"
    page = clerk.get("/").content.decode()
    assert 'lang="en"' in page
    assert "Hello, Lê Thu Hà" in page and "Sign out" in page and "Change password" in page
    assert "Clerk" in page  # the role label too
    clerk.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert "Xin chào, Lê Thu Hà" in clerk.get("/").content.decode()


def test_sign_in_page_in_english(demo):
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/dang-nhap/"})
    page = client.post("/dang-nhap/", {"username": "ublienminh_lethuha", "password": "sai"}).content.decode()
    assert "Username" in page and "The username or password is incorrect." in page


def test_admin_pages_in_english(admin):
    admin.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Add user" in admin.get("/quan-tri/nguoi-dung/").content.decode()
    page = admin.get("/quan-tri/nhat-ky/").content.decode()
    assert "Verify integrity" in page and "Audit log" in page


PAGES = ["/", "/doi-mat-khau/", "/quan-tri/nguoi-dung/", "/quan-tri/nguoi-dung/them/", "/quan-tri/nhat-ky/"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_keep_the_strict_content_security_policy(admin, url):
    response = admin.get(url)
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert not re.search(r"\sstyle=", html), "style= attribute"
    assert not re.search(r"<style", html), "<style> element"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"
    assert "cdn" not in html.lower() and "https://" not in html


def test_login_page_has_no_inline_code(demo):
    html = Client().get("/dang-nhap/").content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) and not re.search(r"\sstyle=", html)


@pytest.mark.parametrize(
    "path",
    [
        "/static/vendor/bootstrap/bootstrap.min.css",
        "/static/vendor/bootstrap/bootstrap.bundle.min.js",
        "/static/vendor/htmx/htmx.min.js",
        "/static/web/qlvb.css",
    ],
)
def test_assets_are_served_by_the_deployment(demo, path):
    response = Client().get(path)
    assert response.status_code == 200
    body = response.getvalue()  # streamed (static files) or not
    assert len(body) > 100


def test_not_found_page_is_vietnamese(clerk):
    response = clerk.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()
