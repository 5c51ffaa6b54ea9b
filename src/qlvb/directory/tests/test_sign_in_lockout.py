"""Sign-in: passwords stored as Argon2; a password-guessing loop locks the account out on the web and
the API alike, with a Vietnamese message, even for the right password; the lockout is audited."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from qlvb.core.models import AuditEntry
from qlvb.directory.lockout import lockout_message
from qlvb.directory.models import User

from .support import PASSWORD, Api

USERNAME = "ublienminh_lethuha"


def _web_sign_in(client: Client, password: str, username: str = USERNAME):
    return client.post(reverse("web:login"), {"username": username, "password": password})


def _api_token(password: str, username: str = USERNAME):
    return Api().post("/auth/token", {"username": username, "password": password})


def test_passwords_are_stored_as_argon2(demo) -> None:
    for user in User.objects.all():
        assert user.password.startswith("argon2"), user.username
    assert User.objects.get(username=USERNAME).check_password(PASSWORD)


def test_production_hashes_with_argon2_at_full_cost() -> None:
    """The tests hash at Argon2's lowest cost (core/tests/hashers.py); the deployment's settings module keeps
    Django's Argon2 first (new passwords) and PBKDF2 only to read old hashes."""
    import qlvb.settings as production

    assert production.PASSWORD_HASHERS == [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


def test_a_new_password_is_argon2(person) -> None:
    from qlvb.directory.services import user_change_password

    huong = person("dothanhhuong")
    user_change_password(actor=huong, old_password=PASSWORD, new_password="Hương@Mới-2025")
    assert User.objects.get(pk=huong.pk).password.startswith("argon2$argon2id$")


def test_guessing_on_the_web_locks_out_web_and_api(demo) -> None:
    client = Client()
    limit = settings.AXES_FAILURE_LIMIT
    for attempt in range(1, limit):
        response = _web_sign_in(client, f"doan-{attempt}")
        assert response.status_code == 200
        assert "Tên tài khoản hoặc mật khẩu không đúng." in response.content.decode()
    response = _web_sign_in(client, "doan-cuoi")
    assert response.status_code == 429
    assert lockout_message(account=True) in response.content.decode()
    assert "Tài khoản tạm thời bị khóa" in lockout_message(account=True)

    # the right password is refused while locked out, on both channels
    response = _web_sign_in(Client(), PASSWORD)
    assert response.status_code == 429
    assert lockout_message(account=True) in response.content.decode()
    assert "_auth_user_id" not in client.session
    response = _api_token(PASSWORD)
    assert response.status_code == 429
    assert response.json() == {"detail": lockout_message(account=True)}

    # the lockout is audited, and so is each failure
    locked = AuditEntry.objects.filter(action="auth.locked_out", actor_username=USERNAME)
    assert locked.count() >= 1
    assert locked[0].ip == "127.0.0.1"
    assert AuditEntry.objects.filter(action="auth.sign_in_failed", actor_username=USERNAME).count() >= limit
    assert not AuditEntry.objects.filter(action="auth.sign_in", actor_username=USERNAME).exists()


def test_guessing_on_the_api_locks_out(demo) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    for attempt in range(1, limit):
        response = _api_token(f"doan-{attempt}")
        assert response.status_code == 401
        assert response.json()["detail"] == "Tên tài khoản hoặc mật khẩu không đúng."
    response = _api_token("doan-cuoi")
    assert response.status_code == 429
    assert response.json()["detail"] == lockout_message(account=True)
    assert _api_token(PASSWORD).status_code == 429
    assert _web_sign_in(Client(), PASSWORD).status_code == 429
    assert AuditEntry.objects.filter(action="auth.locked_out", actor_username=USERNAME).exists()


def test_another_account_is_not_locked_out_by_the_guessing(demo) -> None:
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _api_token(f"doan-{attempt}")
    assert _api_token("doan").status_code == 429
    response = _api_token(PASSWORD, username="ublienminh_dothanhhuong")
    assert response.status_code == 200
    assert response.json()["token"].startswith("qlvb_")


def test_a_success_before_the_limit_resets_the_count(demo) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    for attempt in range(limit - 1):
        _api_token(f"doan-{attempt}")
    assert _api_token(PASSWORD).status_code == 200
    for attempt in range(limit - 1):
        assert _api_token(f"doan-lai-{attempt}").status_code == 401
    assert _api_token(PASSWORD).status_code == 200


@pytest.mark.parametrize("limit", [3])
def test_the_limit_comes_from_the_settings(demo, settings, limit: int) -> None:
    settings.AXES_FAILURE_LIMIT = limit
    for attempt in range(limit - 1):
        assert _api_token(f"doan-{attempt}").status_code == 401
    response = _api_token("doan-cuoi")
    assert response.status_code == 429
    assert f"{limit} lần liên tiếp" in response.json()["detail"]


def test_sign_in_and_failure_are_audited_with_ip(demo) -> None:
    client = Client(REMOTE_ADDR="10.0.0.7")
    _web_sign_in(client, "sai")
    _web_sign_in(client, PASSWORD)
    failed = AuditEntry.objects.get(action="auth.sign_in_failed")
    assert failed.actor_username == USERNAME and failed.actor_id is None and failed.ip == "10.0.0.7"
    signed_in = AuditEntry.objects.get(action="auth.sign_in")
    assert signed_in.actor_id == User.objects.get(username=USERNAME).pk
    assert signed_in.ip == "10.0.0.7"


# --- The account-wide lock (issue 9): another address does not get five more guesses -----------------


def _from(ip: str, password: str, username: str = USERNAME):
    return Client(REMOTE_ADDR=ip).post(reverse("web:login"), {"username": username, "password": password})


def test_five_wrong_from_one_address_lock_the_account_from_another(
    demo, celery_eager, django_capture_on_commit_callbacks
) -> None:
    from qlvb.assignments.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        for attempt in range(settings.AXES_FAILURE_LIMIT):
            _from("192.0.2.1", f"doan-{attempt}")
    response = _from("198.51.100.7", PASSWORD)  # the right password, from elsewhere
    assert response.status_code == 429
    assert lockout_message(account=True) in response.content.decode()
    assert "60 phút" in lockout_message(account=True)
    assert _api_token(PASSWORD).status_code == 429
    # the person is told in the app, once, and the lock is audited once per kind of lock
    user = User.objects.get(username=USERNAME)
    told = Notification.objects.filter(user=user, kind="security")
    assert told.count() == 1
    assert "bị tạm khóa" in told.get().text and "192.0.2.1" in told.get().text
    scopes = sorted(e.data["scope"] for e in AuditEntry.objects.filter(action="auth.locked_out"))
    assert scopes == ["account", "ip"]


def test_guesses_spread_over_addresses_add_up(demo, settings) -> None:
    settings.AXES_FAILURE_LIMIT = 5
    settings.QLVB_ACCOUNT_FAILURE_LIMIT = 8
    for attempt in range(4):
        assert _from("192.0.2.1", f"a-{attempt}").status_code == 200
    for attempt in range(3):
        assert _from("192.0.2.2", f"b-{attempt}").status_code == 200
    assert _from("192.0.2.3", "c").status_code == 429  # the eighth, from a third address
    assert _from("192.0.2.4", PASSWORD).status_code == 429


def test_the_account_lock_lasts_its_own_longer_cool_off(demo, settings) -> None:
    from datetime import timedelta

    from axes.models import AccessAttempt, AccessFailureLog

    settings.QLVB_ACCOUNT_COOLOFF_MINUTES = 120
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _from("192.0.2.1", f"doan-{attempt}")
    # 90 minutes later: the per-address lock (15 min) is over, the account lock (120 min) is not
    AccessAttempt.objects.all().delete()
    for log in AccessFailureLog.objects.all():
        AccessFailureLog.objects.filter(pk=log.pk).update(attempt_time=log.attempt_time - timedelta(minutes=90))
    assert _from("198.51.100.7", PASSWORD).status_code == 429
    # 150 minutes later: over
    for log in AccessFailureLog.objects.all():
        AccessFailureLog.objects.filter(pk=log.pk).update(attempt_time=log.attempt_time - timedelta(minutes=60))
    assert _from("198.51.100.7", PASSWORD).status_code == 302


def test_the_right_password_before_the_account_limit_resets_the_account_count(demo) -> None:
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        _from("192.0.2.1", f"doan-{attempt}")
    assert _from("198.51.100.7", PASSWORD).status_code == 302
    assert _from("192.0.2.9", "sai-mot-lan").status_code == 200
    assert _from("192.0.2.1", PASSWORD).status_code == 302
