"""System accounts: registered by the administrator, secret shown once and kept hashed, OAuth2 client
credentials, rotation and revocation, a secret in a URL refused, every call audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from qlvb.core.errors import PermissionDenied
from qlvb.core.models import AuditEntry
from qlvb.directory.models import User
from qlvb.integrations.accounts import Issued, system_register, system_revoke, system_secret_rotate
from qlvb.integrations.models import ConnectedSystem, SystemToken

from .conftest import basic, token_of, unit

TOKEN_URL = "/api/integration/v1/oauth/token"


def test_the_secret_is_kept_only_as_a_hash(one_stop: Issued) -> None:
    system = ConnectedSystem.objects.get(pk=one_stop.system.pk)
    assert one_stop.secret not in system.secret_hash
    assert system.secret_hash.startswith(("argon2", "pbkdf2", "md5", "bcrypt", "scrypt"))
    assert system.client_id.startswith("qlvb-")


def test_only_an_administrator_registers_a_system(person: Callable[[str], User]) -> None:
    with pytest.raises(PermissionDenied):
        system_register(actor=person("dothanhhuong"), name="X", owner_unit=unit("VHXH"), scopes=["submit_drafts"])


def test_token_with_basic_or_form_credentials(one_stop: Issued) -> None:
    answer = Client().post(
        TOKEN_URL,
        {"grant_type": "client_credentials"},
        headers={"Authorization": basic(one_stop.system.client_id, one_stop.secret)},
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 900
    assert answer["Cache-Control"] == "no-store"
    form = Client().post(
        TOKEN_URL,
        {"grant_type": "client_credentials", "client_id": one_stop.system.client_id, "client_secret": one_stop.secret},
    )
    assert form.status_code == 200
    # only the hash of a token is kept
    assert not SystemToken.objects.filter(key_hash=body["access_token"]).exists()


def test_a_wrong_secret_is_refused_and_audited(one_stop: Issued) -> None:
    answer = Client().post(
        TOKEN_URL,
        {"grant_type": "client_credentials"},
        headers={"Authorization": basic(one_stop.system.client_id, "sai")},
    )
    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_client"
    assert "không đúng" in answer.json()["detail"]
    assert AuditEntry.objects.filter(action="integrations.token_refused").exists()


def test_a_secret_in_the_url_is_refused(one_stop: Issued, system_client: Callable[..., Client]) -> None:
    answer = Client().post(
        f"{TOKEN_URL}?client_id={one_stop.system.client_id}&client_secret={one_stop.secret}",
        {"grant_type": "client_credentials"},
    )
    assert answer.status_code == 400
    assert "đường dẫn" in answer.json()["detail"]
    token = token_of(one_stop)
    call = Client().get(f"/api/integration/v1/me?access_token={token}", headers={"X-Acting-User": "U01"})
    assert call.status_code == 400
    assert call.json()["code"] == "secret_in_url"


def test_unsigned_and_unknown_tokens_get_401(one_stop: Issued) -> None:
    assert Client().get("/api/integration/v1/me", headers={"X-Acting-User": "U01"}).status_code == 401
    answer = Client().get(
        "/api/integration/v1/me", headers={"Authorization": "Bearer qit_khong-co", "X-Acting-User": "U01"}
    )
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"].startswith("Bearer")
    assert "mã truy cập" in answer.json()["detail"]


def test_a_call_acts_for_a_mapped_person_of_the_unit(one_stop: Issued, system_client: Callable[..., Client]) -> None:
    answer = system_client(one_stop, "U01").get("/api/integration/v1/me")
    assert answer.status_code == 200
    assert answer.json()["acting_user"]["name"] == "Đỗ Thanh Hương"
    entry = AuditEntry.objects.filter(action="integrations.call").latest("seq")
    assert entry.data["path"] == "/api/integration/v1/me"
    assert entry.actor_username == "ublienminh_dothanhhuong"


@pytest.mark.parametrize(
    ("code", "expected"),
    [("", "Thiếu mã người dùng"), ("U77", "chưa được ánh xạ"), ("U02", "không thuộc Phòng")],
)
def test_a_person_not_mapped_or_outside_the_unit_is_refused(
    one_stop: Issued, system_client: Callable[..., Client], code: str, expected: str
) -> None:
    answer = system_client(one_stop, code).get("/api/integration/v1/me")
    assert answer.status_code == 403
    assert expected in answer.json()["detail"]
    assert AuditEntry.objects.filter(action="integrations.call_refused").exists()


def test_rotation_ends_the_old_secret_and_its_tokens(
    one_stop: Issued, person: Callable[[str], User], system_client: Callable[..., Client]
) -> None:
    old = system_client(one_stop, "U01")
    rotated = system_secret_rotate(actor=person("tranthilan"), system=one_stop.system)
    assert rotated.secret != one_stop.secret
    assert old.get("/api/integration/v1/me").status_code == 401
    refused = Client().post(
        TOKEN_URL,
        {"grant_type": "client_credentials"},
        headers={"Authorization": basic(rotated.system.client_id, one_stop.secret)},
    )
    assert refused.status_code == 401
    assert system_client(rotated, "U01").get("/api/integration/v1/me").status_code == 200


def test_revocation_refuses_every_token(
    one_stop: Issued, person: Callable[[str], User], system_client: Callable[..., Client]
) -> None:
    client = system_client(one_stop, "U01")
    system_revoke(actor=person("tranthilan"), system=one_stop.system)
    assert client.get("/api/integration/v1/me").status_code == 401
    refused = Client().post(
        TOKEN_URL,
        {"grant_type": "client_credentials"},
        headers={"Authorization": basic(one_stop.system.client_id, one_stop.secret)},
    )
    assert refused.status_code == 401


def test_other_grant_types_are_refused(one_stop: Issued) -> None:
    answer = Client().post(TOKEN_URL, {"grant_type": "password", "username": "x", "password": "y"})
    assert answer.status_code == 400
    assert answer.json()["error"] == "unsupported_grant_type"


def test_the_page_is_the_administrators_only(page_as: Callable[..., Client], one_stop: Issued) -> None:
    assert page_as("dothanhhuong").get("/quan-tri/he-thong-ket-noi/").status_code == 404
    assert 'data-qlvb="nav-systems"' not in page_as("dothanhhuong").get("/").content.decode()
    assert 'data-qlvb="nav-systems"' in page_as("tranthilan").get("/").content.decode()
    assert page_as("dothanhhuong").get(f"/quan-tri/he-thong-ket-noi/{one_stop.system.pk}/").status_code == 404
    page = page_as("tranthilan").get("/quan-tri/he-thong-ket-noi/")
    assert page.status_code == 200
    assert one_stop.system.client_id in page.content.decode()
    assert one_stop.secret not in page.content.decode()


def test_registering_on_the_page_shows_the_secret_once(page_as: Callable[..., Client], demo: Any) -> None:
    client = page_as("tranthilan")
    answer = client.post(
        "/quan-tri/he-thong-ket-noi/",
        {"name": "Quản lý nhiệm vụ", "unit": unit("VHXH").pk, "scopes": ["submit_drafts", "read_issued"]},
    )
    assert answer.status_code == 200
    assert answer["Cache-Control"] == "no-store"
    html = answer.content.decode()
    system = ConnectedSystem.objects.get(name="Quản lý nhiệm vụ")
    assert "chỉ hiện một lần" in html and system.client_id in html
    secret = html.split('data-qlvb="client-secret">')[1].split("<")[0]
    assert len(secret) > 30
    again = client.get(f"/quan-tri/he-thong-ket-noi/{system.pk}/").content.decode()
    assert secret not in again
    refused = client.post("/quan-tri/he-thong-ket-noi/", {"name": "", "unit": unit("VHXH").pk, "scopes": []})
    assert refused.status_code == 422


def test_guessing_the_secret_is_stopped(one_stop: Issued, settings: Any) -> None:
    settings.QLVB_INTEGRATION_TOKEN_FAILURES = 3
    wrong = {"Authorization": basic(one_stop.system.client_id, "sai")}
    for _ in range(3):
        assert Client().post(TOKEN_URL, {"grant_type": "client_credentials"}, headers=wrong).status_code == 401
    right = {"Authorization": basic(one_stop.system.client_id, one_stop.secret)}
    answer = Client().post(TOKEN_URL, {"grant_type": "client_credentials"}, headers=right)
    assert answer.status_code == 429
    assert answer["Retry-After"] == "900" and "15 phút" in answer.json()["detail"]
