"""Issue 15: two-factor sign-in (TOTP) — required for administrators when configured, optional for
everyone; the second step is owed before any page or API token; recovery codes work once; wrong codes
are refused and audited, then throttled. The test plays the phone: it computes the app's current code."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from qlvb.core.models import AuditEntry
from qlvb.directory.models import User
from qlvb.directory.twofactor import current_code

from .support import PASSWORD, Api

pytestmark = pytest.mark.django_db


def _sign_in(username: str) -> Client:
    client = Client()
    response = client.post(reverse("web:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _enrol(client: Client, user: User) -> list[str]:
    page = client.get("/xac-thuc/bat/")
    assert page.status_code == 200
    assert "<svg" in page.content.decode()  # the QR code, inline
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post("/xac-thuc/bat/", {"code": current_code(device), "next": "/"})
    assert done.status_code == 200
    text = done.content.decode()
    assert "Đã bật xác thực hai bước." in text
    codes = re.findall(r'<li class="col">(\d{4}-\d{4})</li>', text)
    assert len(codes) == 10
    return codes


def test_an_administrator_must_turn_it_on_before_any_page(settings: Any, demo: None) -> None:
    settings.QLVB_2FA_ADMINS = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the wrong code below does not make the right one wait
    admin = User.objects.get(username="admin")
    client = _sign_in("admin")
    owed = client.get("/van-ban-den/")
    assert owed.status_code == 302 and owed["Location"].startswith("/xac-thuc/bat/?next=")
    assert (
        "Tài khoản quản trị phải đăng nhập bằng mật khẩu và mã trên điện thoại"
        in client.get("/xac-thuc/bat/").content.decode()
    )
    assert client.get("/api/v1/me").status_code == 403  # the session's API calls too

    wrong = client.post("/xac-thuc/bat/", {"code": "000000"})
    assert wrong.status_code == 400
    assert "Mã xác thực không đúng" in wrong.content.decode()
    _enrol(client, admin)
    assert client.get("/van-ban-den/").status_code == 200
    assert AuditEntry.objects.filter(action="auth.twofactor_enabled", actor_username="admin").count() == 1
    assert AuditEntry.objects.filter(action="auth.twofactor_failed", actor_username="admin").count() == 1


def test_the_next_sign_in_asks_for_the_code_and_a_recovery_code_works_once(settings: Any, person: Any) -> None:
    settings.QLVB_2FA_ADMINS = True
    settings.OTP_STATIC_THROTTLE_FACTOR = settings.OTP_TOTP_THROTTLE_FACTOR = 0
    lan = person("tranthilan")  # holds the admin role of UBND xã Liên Minh
    codes = _enrol(_sign_in(lan.username), lan)

    client = _sign_in(lan.username)
    asked = client.get("/ho-so/")
    assert asked.status_code == 302 and asked["Location"].startswith("/xac-thuc/?next=")
    used = client.post("/xac-thuc/", {"code": codes[0], "next": "/ho-so/"})
    assert used.status_code == 302 and used["Location"] == "/ho-so/"

    again = _sign_in(lan.username)
    refused = again.post("/xac-thuc/", {"code": codes[0]})
    assert refused.status_code == 400
    assert "đã dùng" in refused.content.decode()
    device = TOTPDevice.objects.get(user=lan, confirmed=True)
    ok = again.post("/xac-thuc/", {"code": current_code(device, ahead=1), "next": "https://evil.example/"})
    assert ok.status_code == 302 and ok["Location"] == "/"  # never sent to another site


def test_an_officer_may_turn_it_on_and_off_and_the_api_then_asks_for_the_code(settings: Any, person: Any) -> None:
    settings.QLVB_2FA_ADMINS = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    ha = person("lethuha")
    client = _sign_in(ha.username)
    assert client.get("/van-ban-den/").status_code == 200  # not required for a clerk
    _enrol(client, ha)

    api = Api()
    no_code = api.post("/auth/token", {"username": ha.username, "password": PASSWORD})
    assert no_code.status_code == 400
    assert no_code.json()["code"] == "twofactor_code"
    device = TOTPDevice.objects.get(user=ha, confirmed=True)
    with_code = Api().post(
        "/auth/token", {"username": ha.username, "password": PASSWORD, "code": current_code(device, ahead=1)}
    )
    assert with_code.status_code == 200 and with_code.json()["token"]

    assert client.post("/xac-thuc/tat/", {"password": "sai"}).status_code == 302
    assert TOTPDevice.objects.filter(user=ha).exists()
    client.post("/xac-thuc/tat/", {"password": PASSWORD})
    assert not TOTPDevice.objects.filter(user=ha).exists()
    assert client.get("/van-ban-den/").status_code == 200  # this session goes on without a second step
    assert Api().post("/auth/token", {"username": ha.username, "password": PASSWORD}).status_code == 200


def test_an_administrator_cannot_turn_it_off_when_required(settings: Any, demo: None) -> None:
    settings.QLVB_2FA_ADMINS = True
    admin = User.objects.get(username="admin")
    client = _sign_in("admin")
    _enrol(client, admin)
    client.post("/xac-thuc/tat/", {"password": PASSWORD})
    assert TOTPDevice.objects.filter(user=admin, confirmed=True).exists()
    assert Api().post("/auth/token", {"username": "admin", "password": PASSWORD}).status_code == 400


def test_guessing_codes_is_throttled(settings: Any, person: Any) -> None:
    ha = person("lethuha")
    _enrol(_sign_in(ha.username), ha)
    client = _sign_in(ha.username)
    messages = [client.post("/xac-thuc/", {"code": f"{n:06d}"}).content.decode() for n in range(1, 4)]
    assert "Mã xác thực không đúng" in messages[0]
    assert any("Đã nhập sai quá nhiều lần" in m for m in messages[1:])
