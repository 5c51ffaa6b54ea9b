"""A locked account (Điều 22.1.c: staff who leave or transfer) cannot sign in or use a token, its open
session ends at the next request, and everything it did stays. Unlocking restores the account."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from qlvb.core import audit
from qlvb.core.errors import Conflict, DomainError, ValidationFailed
from qlvb.core.models import AuditEntry
from qlvb.directory import services
from qlvb.directory.models import ApiToken, RoleAssignment, User

from .support import PASSWORD, Api

HUONG = "ublienminh_dothanhhuong"


@pytest.fixture
def huong(person) -> User:
    return person("dothanhhuong")


@pytest.fixture
def lan(person) -> User:
    return person("tranthilan")


def _signed_in_client() -> Client:
    client = Client()
    response = client.post(reverse("web:login"), {"username": HUONG, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_locked_account_cannot_sign_in_on_the_web_or_get_a_token(huong, lan) -> None:
    services.user_lock(actor=lan, user=huong, reason="Chuyển công tác")
    client = Client()
    response = client.post(reverse("web:login"), {"username": HUONG, "password": PASSWORD})
    assert response.status_code == 200  # the form again, not a redirect into the system
    assert "_auth_user_id" not in client.session
    response = Api().post("/auth/token", {"username": HUONG, "password": PASSWORD})
    assert response.status_code == 401
    assert response.json()["detail"] == "Tên tài khoản hoặc mật khẩu không đúng."
    assert not AuditEntry.objects.filter(action="auth.sign_in", actor_username=HUONG).exists()


def test_the_token_of_a_locked_account_is_refused(huong, lan) -> None:
    api = Api(huong)
    assert api.get("/me").status_code == 200
    services.user_lock(actor=lan, user=huong, reason="Nghỉ việc")
    response = api.get("/me")
    assert response.status_code == 401
    assert response.json()["detail"] == "Chưa đăng nhập hoặc mã truy cập không hợp lệ."
    assert api.get("/directory/users").status_code == 401
    assert ApiToken.objects.filter(user=huong, revoked_at__isnull=True).count() == 0


def test_a_token_of_an_account_deactivated_outside_the_service_is_refused_and_audited(huong) -> None:
    api = Api(huong)
    User.objects.filter(pk=huong.pk).update(is_active=False)  # e.g. unticked in the Django admin
    assert api.get("/me").status_code == 401
    refused = AuditEntry.objects.get(action="auth.token_refused")
    assert refused.actor_id == huong.pk
    assert refused.data == {"reason": "locked"}


def test_the_open_session_ends_at_the_next_request(huong, lan) -> None:
    client = _signed_in_client()
    session_key = client.session.session_key
    assert client.get(reverse("web:home")).status_code == 200
    assert client.get("/api/v1/me").status_code == 200  # the API also accepts the web session
    services.user_lock(actor=lan, user=huong, reason="Nghỉ việc")
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))
    assert not Session.objects.filter(session_key=session_key).exists()
    assert client.get("/api/v1/me").status_code == 401
    # unlocking does not revive the old session
    services.user_unlock(actor=lan, user=huong)
    assert client.get(reverse("web:home")).status_code == 302


def test_everything_it_did_stays(huong, lan) -> None:
    api = Api(huong)
    api.get("/me")
    roles_before = set(RoleAssignment.objects.filter(user=huong).values_list("unit_id", "role"))
    entries_before = list(AuditEntry.objects.filter(actor_id=huong.pk).values_list("seq", "hash"))
    assert entries_before  # at least the token it was issued
    services.user_lock(actor=lan, user=huong, reason="Chuyển công tác")
    assert User.objects.filter(pk=huong.pk).exists()
    assert set(RoleAssignment.objects.filter(user=huong).values_list("unit_id", "role")) == roles_before
    after = list(AuditEntry.objects.filter(actor_id=huong.pk).values_list("seq", "hash"))
    assert set(entries_before) <= set(after)
    assert audit.verify_chain().ok


def test_lock_and_unlock_are_audited_with_reason(huong, lan) -> None:
    services.user_lock(actor=lan, user=huong, reason="  Chuyển công tác sang huyện  ")
    locked = AuditEntry.objects.get(action="user.locked")
    assert locked.actor_id == lan.pk and locked.object_id == str(huong.pk)
    assert locked.data["reason"] == "Chuyển công tác sang huyện"
    stored = User.objects.get(pk=huong.pk)
    assert stored.locked_reason == "Chuyển công tác sang huyện" and stored.locked_at is not None
    services.user_unlock(actor=lan, user=huong)
    unlocked = AuditEntry.objects.get(action="user.unlocked")
    assert unlocked.actor_id == lan.pk and unlocked.seq > locked.seq


def test_unlock_restores(huong, lan) -> None:
    services.user_lock(actor=lan, user=huong, reason="Nghỉ phép dài hạn")
    services.user_unlock(actor=lan, user=huong)
    stored = User.objects.get(pk=huong.pk)
    assert stored.is_active and stored.locked_at is None and stored.locked_reason == ""
    assert _signed_in_client().get(reverse("web:home")).status_code == 200
    response = Api().post("/auth/token", {"username": HUONG, "password": PASSWORD})
    assert response.status_code == 200
    assert Api(token=response.json()["token"]).get("/me").json()["username"] == HUONG


def test_lock_needs_a_reason_and_cannot_be_repeated(huong, lan) -> None:
    with pytest.raises(ValidationFailed, match="Cần ghi lý do"):
        services.user_lock(actor=lan, user=huong, reason="   ")
    services.user_lock(actor=lan, user=huong, reason="Nghỉ việc")
    with pytest.raises(Conflict, match="đã bị khóa"):
        services.user_lock(actor=lan, user=huong, reason="Nghỉ việc")
    services.user_unlock(actor=lan, user=huong)
    with pytest.raises(Conflict, match="không bị khóa"):
        services.user_unlock(actor=lan, user=huong)


def test_an_administrator_cannot_lock_himself(lan) -> None:
    with pytest.raises(DomainError, match="chính mình"):
        services.user_lock(actor=lan, user=lan, reason="Thử")


def test_lock_and_unlock_through_the_api(huong, lan) -> None:
    api = Api(lan)
    response = api.post(f"/directory/users/{huong.pk}/lock", {"reason": "Chuyển công tác"})
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert response.json()["locked_reason"] == "Chuyển công tác"
    response = api.post(f"/directory/users/{huong.pk}/lock", {})
    assert response.status_code == 422
    assert "reason" in response.json()["detail"]
    response = api.post(f"/directory/users/{huong.pk}/unlock")
    assert response.status_code == 200
    assert response.json()["is_active"] is True
