"""Issue 9, "Tokens, passwords": a password change ends every older token and every other session; the
current password asked by /me/password counts with the sign-in failures and locks out like them; a
revoked token gets 401 (with WWW-Authenticate) for every method."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from django.urls import reverse

from qlvb.core.models import AuditEntry
from qlvb.directory.lockout import lockout_message
from qlvb.directory.models import ApiToken, User
from qlvb.directory.tokens import token_issue

from .support import PASSWORD, Api

NEW = "Mật-khẩu@Mới-2026"


def _signed_in_client(username: str = "ublienminh_lethuha", ip: str = "192.0.2.10") -> Client:
    client = Client(REMOTE_ADDR=ip)
    response = client.post(reverse("web:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_a_password_change_by_api_revokes_every_other_token(person) -> None:
    huong = person("dothanhhuong")
    phone, tablet, old = Api(huong), Api(huong), Api(huong)
    response = phone.post("/directory/me/password", {"old_password": PASSWORD, "new_password": NEW})
    assert response.status_code == 204
    assert phone.get("/me").status_code == 200  # the token that made the change goes on
    for other in (tablet, old):
        response = other.get("/me")
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
    entry = AuditEntry.objects.filter(action="auth.password_changed").latest("seq")
    assert entry.data["tokens_revoked"] == 2
    assert ApiToken.objects.filter(user=huong, revoked_at__isnull=True).count() == 1


def test_a_password_change_on_the_web_ends_other_sessions_and_every_token(person) -> None:
    huong = person("dothanhhuong")
    here, laptop = _signed_in_client(huong.username), _signed_in_client(huong.username, ip="192.0.2.11")
    phone = Api(huong)
    response = here.post(
        reverse("web:password_change"), {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 302
    assert here.get(reverse("web:home")).status_code == 200  # this session carried over
    assert laptop.get(reverse("web:home")).status_code == 302  # the other one must sign in again
    assert phone.get("/me").status_code == 401
    assert User.objects.get(pk=huong.pk).check_password(NEW)


def test_guessing_the_current_password_through_the_api_locks_out(person) -> None:
    huong = person("dothanhhuong")
    api = Api(huong)
    limit = settings.AXES_FAILURE_LIMIT
    for attempt in range(1, limit):
        response = api.post("/directory/me/password", {"old_password": f"doan-{attempt}", "new_password": NEW})
        assert response.status_code == 422, response.content
        assert response.json()["detail"] == "Mật khẩu hiện tại không đúng."
    response = api.post("/directory/me/password", {"old_password": "doan-cuoi", "new_password": NEW})
    assert response.status_code == 429
    assert "tạm thời bị khóa" in response.json()["detail"]
    # …even the right password now, and the sign-in page as well: the failures were counted together
    response = api.post("/directory/me/password", {"old_password": PASSWORD, "new_password": NEW})
    assert response.status_code == 429
    assert not User.objects.get(pk=huong.pk).check_password(NEW)
    assert Client().post(reverse("web:login"), {"username": huong.username, "password": PASSWORD}).status_code == 429
    assert AuditEntry.objects.filter(action="auth.sign_in_failed", actor_username=huong.username).count() >= limit
    assert AuditEntry.objects.filter(action="auth.locked_out", actor_username=huong.username).exists()


def test_wrong_current_passwords_and_sign_in_failures_add_up(person) -> None:
    huong = person("dothanhhuong")
    limit = settings.AXES_FAILURE_LIMIT
    client = Client()
    for attempt in range(limit - 1):
        client.post(reverse("web:login"), {"username": huong.username, "password": f"sai-{attempt}"})
    response = Api(huong).post("/directory/me/password", {"old_password": "sai-nua", "new_password": NEW})
    assert response.status_code == 429
    assert response.json()["detail"] == lockout_message(account=True)


def test_a_revoked_token_gets_401_for_every_method(person) -> None:
    huong = person("dothanhhuong")
    key = token_issue(user=huong)
    api = Api(token=key)
    assert api.post("/auth/token/revoke").status_code == 204
    for response in (
        api.get("/me"),
        api.post("/auth/token/revoke"),
        api.post("/directory/me/password", {"old_password": PASSWORD, "new_password": NEW}),
        api.delete("/directory/users/1/roles/1/admin"),
    ):
        assert response.status_code == 401, (response.request, response.content)
        assert response["WWW-Authenticate"] == 'Bearer realm="qlvb"'
        assert response.json()["detail"] == "Chưa đăng nhập hoặc mã truy cập không hợp lệ."


def test_a_signed_in_session_still_needs_its_csrf_token(person, page_as) -> None:
    client = page_as("dothanhhuong", csrf=True)
    response = client.post("/api/v1/auth/token/revoke", "{}", content_type="application/json")
    assert response.status_code == 403
