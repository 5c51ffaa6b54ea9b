"""“Ghi nhớ thiết bị này trong 30 ngày”: a browser that passed the second step with the box ticked gets
a signed, httpOnly cookie and skips the code at its next sign-ins with the password — for that person
only, for 30 days, and only while his password and two-factor state are those it was issued for.
“Đăng xuất mọi nơi” (his own or the administrator's), a new password, turning 2FA off and on again and
the administrator's reset each make it stop at once. The test plays the phone (``current_code``)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from qlvb.core.models import AuditEntry
from qlvb.directory import signins, twofactor
from qlvb.directory.models import User
from qlvb.directory.services import user_change_password
from qlvb.directory.twofactor import current_code, twofactor_confirm, twofactor_disable, twofactor_enrolment
from qlvb.directory.twofactor_remember import COOKIE

from .support import PASSWORD

pytestmark = pytest.mark.django_db

NAME = "ublienminh_phamthimai"


@pytest.fixture
def mai(demo: None, settings: Any) -> User:
    """Phạm Thị Mai with her app set up (through the service, as the enrolment page does)."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = User.objects.get(username=NAME)
    device = twofactor_enrolment(user).device
    twofactor_confirm(_FakeRequest(), user, current_code(device))
    return user


def _FakeRequest() -> HttpRequest:  # noqa: N802 — stands for the enrolment page's request
    """What ``otp_login`` needs of a request at enrolment: a session."""
    request = HttpRequest()
    request.session = SessionStore()
    return request


def _code(user: User) -> str:
    """The app's code now. The device refuses a code of a time step already used (replay); the test's
    phone is used several times within 30 s, so the device forgets its last step first."""
    TOTPDevice.objects.filter(user=user, confirmed=True).update(last_t=-1)
    return current_code(TOTPDevice.objects.get(user=user, confirmed=True))


def _sign_in(client: Client, username: str = NAME) -> None:
    response = client.post(reverse("web:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302


def _owes_code(client: Client) -> bool:
    page = client.get("/van-ban-den/")
    return page.status_code == 302 and page["Location"].startswith("/xac-thuc/")


def _remembered_browser(user: User) -> Client:
    """A browser that signed in, passed the second step with “Ghi nhớ thiết bị này” ticked, signed out."""
    client = Client()
    _sign_in(client, user.username)
    assert _owes_code(client)
    page = client.get("/xac-thuc/?next=/")
    assert "Ghi nhớ thiết bị này trong 30 ngày" in page.content.decode()
    done = client.post("/xac-thuc/", {"code": _code(user), "remember": "1", "next": "/"})
    assert done.status_code == 302
    cookie = done.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and int(cookie["max-age"]) == 30 * 86400
    client.post(reverse("web:logout"))
    return client


def test_a_remembered_browser_skips_the_code(mai: User) -> None:
    client = _remembered_browser(mai)
    _sign_in(client)
    assert client.get("/van-ban-den/").status_code == 200  # no second step
    used = AuditEntry.objects.filter(action="auth.twofactor_verified").order_by("-seq").first()
    assert used is not None and used.data == {"with": "remembered_device"}
    assert AuditEntry.objects.filter(action="auth.device_remembered", actor_id=mai.pk).count() == 1
    # The cookie is no password: without it, or signed in as nobody, nothing changes.
    assert Client().get("/van-ban-den/").status_code == 302
    fresh = Client()
    _sign_in(fresh)
    assert _owes_code(fresh)


def test_not_ticked_nothing_is_remembered(mai: User) -> None:
    client = Client()
    _sign_in(client)
    done = client.post("/xac-thuc/", {"code": _code(mai), "next": "/"})
    assert done.status_code == 302 and COOKIE not in done.cookies
    client.post(reverse("web:logout"))
    _sign_in(client)
    assert _owes_code(client)


def test_the_cookie_is_one_persons(mai: User, settings: Any) -> None:
    client = _remembered_browser(mai)
    other = User.objects.get(username="ublienminh_nguyenvanhung")
    device = twofactor_enrolment(other).device
    twofactor_confirm(_FakeRequest(), other, current_code(device))
    _sign_in(client, other.username)
    assert _owes_code(client)  # Mai's cookie does not pass Hùng's second step


def test_an_altered_or_old_cookie_is_refused(mai: User, monkeypatch: pytest.MonkeyPatch) -> None:
    client = _remembered_browser(mai)
    value = client.cookies[COOKIE].value
    client.cookies[COOKIE] = value[:-2] + ("AA" if not value.endswith("AA") else "BB")
    _sign_in(client)
    assert _owes_code(client)

    old = _remembered_browser(mai)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 31 * 86400)  # 31 days later
    _sign_in(old)
    assert _owes_code(old)


@pytest.mark.parametrize("how", ["own_everywhere", "admin_everywhere", "password", "twofactor_again", "reset"])
def test_revoked(mai: User, how: str) -> None:
    client = _remembered_browser(mai)
    admin = User.objects.get(username="ublienminh_tranthilan")
    if how == "own_everywhere":
        elsewhere = Client()
        _sign_in(elsewhere)
        elsewhere.post("/xac-thuc/", {"code": _code(mai), "next": "/"})
        assert elsewhere.post(reverse("web:sessions_end_others")).status_code == 302
    elif how == "admin_everywhere":
        signins.user_sessions_end(actor=admin, user=mai)
    elif how == "password":
        user_change_password(actor=mai, old_password=PASSWORD, new_password="Mai-Moi@2026-xyz")
    elif how == "twofactor_again":
        twofactor_disable(mai)
        device = twofactor_enrolment(mai).device
        twofactor_confirm(_FakeRequest(), mai, current_code(device))
    else:
        twofactor.twofactor_reset(actor=admin, user=mai)
        assert AuditEntry.objects.filter(action="user.twofactor_reset").exists()
        assert not TOTPDevice.objects.filter(user=mai).exists()
    password = "Mai-Moi@2026-xyz" if how == "password" else PASSWORD
    response = client.post(reverse("web:login"), {"username": NAME, "password": password})
    assert response.status_code == 302
    if how == "reset":  # no app any more: nothing is owed, and no cookie is honoured for the next app
        device = twofactor_enrolment(User.objects.get(pk=mai.pk)).device
        twofactor_confirm(_FakeRequest(), mai, current_code(device))
        client.post(reverse("web:logout"))
        _sign_in(client)
    assert _owes_code(client)
    assert not AuditEntry.objects.filter(action="auth.twofactor_verified", data__with="remembered_device").exists()
