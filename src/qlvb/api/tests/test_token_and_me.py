"""POST /api/v1/auth/token gives a personal token; GET /api/v1/me answers who, where and which roles;
the token can be revoked."""

from __future__ import annotations

import pytest

from qlvb.core.models import AuditEntry
from qlvb.directory.models import ApiToken, User
from qlvb.directory.tests.support import PASSWORD, Api


def _token(username: str = "ublienminh_lethuha", password: str = PASSWORD) -> str:
    response = Api().post("/auth/token", {"username": username, "password": password, "device": "iPhone của Hà"})
    assert response.status_code == 200, response.content
    return response.json()["token"]


def test_token_then_me(demo) -> None:
    token = _token()
    assert token.startswith("qlvb_")
    stored = ApiToken.objects.get(user__username="ublienminh_lethuha")
    assert stored.key_hash != token and token not in stored.key_hash  # only the hash is kept
    assert stored.name == "iPhone của Hà"

    response = Api(token=token).get("/me")
    assert response.status_code == 200
    me = response.json()
    assert me["username"] == "ublienminh_lethuha"
    assert me["full_name"] == "Lê Thu Hà"
    assert me["position"] == "Văn thư"
    assert me["unit"]["short_name"] == "VP"
    assert me["unit"]["name"] == "Văn phòng HĐND và UBND"
    assert me["agency"] == {
        "id": me["agency"]["id"],
        "name": "Ủy ban nhân dân xã Liên Minh",
        "short_name": "UBND",
        "kind": "agency",
        "organ_id": "000.00.31.H42",
    }
    assert [(r["role"], r["unit_name"]) for r in me["roles"]] == [("clerk", "Ủy ban nhân dân xã Liên Minh")]


def test_me_for_someone_with_two_roles(demo) -> None:
    me = Api(token=_token("tytlienminh_buithiloan")).get("/me").json()
    assert me["agency"]["short_name"] == "TYT"
    assert sorted(r["role"] for r in me["roles"]) == ["clerk", "officer"]


def test_token_issue_is_a_sign_in(demo) -> None:
    _token()
    user = User.objects.get(username="ublienminh_lethuha")
    assert user.last_login is not None
    assert AuditEntry.objects.filter(action="auth.sign_in", actor_id=user.pk).exists()
    assert AuditEntry.objects.filter(action="auth.token_issued", actor_id=user.pk).exists()


def test_revoke(demo) -> None:
    token = _token()
    other = _token()
    api = Api(token=token)
    response = api.post("/auth/token/revoke")
    assert response.status_code == 204
    assert api.get("/me").status_code == 401
    assert Api(token=other).get("/me").status_code == 200  # only the token used is revoked
    assert AuditEntry.objects.filter(action="auth.token_revoked").count() == 1


def test_wrong_password_is_401_in_vietnamese(demo) -> None:
    response = Api().post("/auth/token", {"username": "ublienminh_lethuha", "password": "sai"})
    assert response.status_code == 401
    assert response.json()["detail"] == "Tên tài khoản hoặc mật khẩu không đúng."


@pytest.mark.parametrize("header", [None, "Bearer ", "Bearer qlvb_khong-co-that", "Bearer abc", "Token qlvb_x"])
def test_no_or_bad_token_is_401_in_vietnamese(demo, header: str | None) -> None:
    from django.test import Client

    headers = {"Authorization": header} if header is not None else {}
    response = Client().get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.json()["detail"] == "Chưa đăng nhập hoặc mã truy cập không hợp lệ."


def test_an_expired_token_is_refused(demo) -> None:
    from django.utils import timezone

    token = _token()
    ApiToken.objects.update(expires_at=timezone.now())
    assert Api(token=token).get("/me").status_code == 401


def test_session_sign_in_also_works_for_the_api(person, page_as) -> None:

    client = page_as("lethuha")
    assert client.get("/api/v1/me").json()["username"] == "ublienminh_lethuha"
