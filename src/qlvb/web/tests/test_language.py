"""Vietnamese whatever the browser prefers; English only when the person chooses it on the language
switch, and then the whole page — Django's password rules and the lockout message included — reads in
English (no page mixes the two)."""

from __future__ import annotations

import pytest
from django.test import Client

PASSWORD = "LienMinh@2025"
ENGLISH_BROWSER = "en-US,en;q=0.9"


def sign_in(client: Client, username: str, password: str = PASSWORD):
    return client.post("/dang-nhap/", {"username": username, "password": password})


def choose(client: Client, language: str) -> None:
    response = client.post("/i18n/setlang/", {"language": language, "next": "/dang-nhap/"})
    assert response.status_code == 302


def test_an_english_browser_still_gets_vietnamese(demo):
    client = Client(HTTP_ACCEPT_LANGUAGE=ENGLISH_BROWSER)
    response = client.get("/dang-nhap/")
    html = response.content.decode()
    assert 'lang="vi"' in html and "Tên tài khoản" in html and "Mật khẩu" in html
    assert "Username" not in html and "Sign in" not in html
    assert response["Content-Language"] == "vi"
    sign_in(client, "ublienminh_lethuha")
    home = client.get("/").content.decode()
    assert "Xin chào, Lê Thu Hà" in home and "Sign out" not in home


def test_the_choice_of_english_is_remembered(demo):
    client = Client()
    choose(client, "en")
    cookie = client.cookies["django_language"]
    assert cookie.value == "en"
    assert int(cookie["max-age"]) >= 365 * 24 * 3600 - 1  # kept after the browser closes
    html = client.get("/dang-nhap/").content.decode()
    assert 'lang="en"' in html and "Username" in html and "Tên tài khoản" not in html
    choose(client, "vi")
    assert 'lang="vi"' in client.get("/dang-nhap/").content.decode()


def test_an_unknown_language_cookie_falls_back_to_vietnamese(demo):
    client = Client()
    client.cookies["django_language"] = "fr"
    assert 'lang="vi"' in client.get("/dang-nhap/").content.decode()


@pytest.fixture
def english_browser_signed_in(demo) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=ENGLISH_BROWSER)
    assert sign_in(client, "ublienminh_tranthilan").status_code == 302
    return client


@pytest.mark.parametrize(
    ("new_password", "vietnamese"),
    [
        ("Ab#1xyz", "Mật khẩu quá ngắn: cần ít nhất 10 ký tự."),
        ("password123", "Mật khẩu này quá phổ biến, dễ bị đoán."),
        ("2025202520252025", "Mật khẩu không được chỉ gồm chữ số."),
        ("ublienminh_tranthilan#A1", "Mật khẩu quá giống tên tài khoản."),
        ("matkhaumoi2025", "Mật khẩu phải có chữ thường, chữ hoa, chữ số và ký tự đặc biệt."),
    ],
)
def test_password_rules_speak_vietnamese_to_an_english_browser(english_browser_signed_in, new_password, vietnamese):
    response = english_browser_signed_in.post(
        "/doi-mat-khau/", {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password}
    )
    html = response.content.decode()
    assert vietnamese in html
    for english in ("This password", "too short", "too common", "too similar", "entirely numeric"):
        assert english not in html


def test_password_rules_in_english_when_english_is_chosen(demo):
    client = Client()
    sign_in(client, "ublienminh_tranthilan")
    choose(client, "en")
    html = client.post(
        "/doi-mat-khau/",
        {"old_password": PASSWORD, "new_password1": "matkhaumoi2025", "new_password2": "matkhaumoi2025"},
    ).content.decode()
    assert "The password must contain lower case and upper case letters, a digit and a special character." in html
    assert "Mật khẩu phải có" not in html


def test_lockout_is_vietnamese_for_an_english_browser_and_english_when_chosen(demo, settings):
    client = Client(HTTP_ACCEPT_LANGUAGE=ENGLISH_BROWSER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "ublienminh_lethuha", "doan-mat-khau")
    response = sign_in(client, "ublienminh_lethuha")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Tài khoản tạm thời bị khóa do nhập sai mật khẩu 5 lần" in html
    assert "Account locked" not in html and "Back to sign-in" not in html

    chosen = Client()
    choose(chosen, "en")
    response = sign_in(chosen, "ublienminh_lethuha")
    assert response.status_code == 429
    html = response.content.decode()
    assert "This account is temporarily locked after 5 wrong passwords" in html
    assert "Tài khoản tạm thời bị khóa" not in html
