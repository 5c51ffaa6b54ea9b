"""Passkey sign-in for the API (issue 16): the app asks ``POST /api/v1/auth/passkey/options``, the phone's
passkey answers, ``POST /api/v1/auth/passkey/token`` checks it as the sign-in page does (the same code,
directory/passkeys.py) and gives the same personal token as ``/auth/token``. No session is kept: the
challenge is spent by its first answer, whoever sends it, and expires; a web page's challenge is not an
API one. Refusals answer 401 with the page's Vietnamese messages; the audit log keeps the reasons. The
phone is played by the software authenticator of the passkey tests (tests/authenticator.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from qlvb.core.models import AuditEntry
from qlvb.directory.models import ApiToken, Passkey, User

from .authenticator import Authenticator
from .support import Api
from .test_passkeys import EXPIRED, REFUSED, _add, _signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def ha(person: Any) -> User:
    return person("lethuha")


@pytest.fixture
def phone(ha: User) -> Authenticator:
    device = Authenticator()
    assert _add(_signed_in(ha.username), device, name="Điện thoại của Hà").status_code == 200
    return device


def _options(api: Api | None = None) -> dict[str, Any]:
    response = (api or Api()).post("/auth/passkey/options")
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store"
    return response.json()


def _token(answer: str, device: str = "") -> Any:
    return Api().post("/auth/passkey/token", {"credential": json.loads(answer), "device": device})


def test_a_passkey_gives_the_same_token_as_a_password(ha: User, phone: Authenticator) -> None:
    options = _options()
    assert options["userVerification"] == "required" and not options.get("allowCredentials")
    assert options["rpId"] == "testserver"
    answered = _token(phone.get(options), device="iPhone của Hà")
    assert answered.status_code == 200, answered.content
    token = answered.json()["token"]
    assert token.startswith("qlvb_") and set(answered.json()) == {"token"}  # what /auth/token answers
    stored = ApiToken.objects.get(user=ha)
    assert stored.name == "iPhone của Hà" and stored.key_hash != token
    me = Api(token=token).get("/me")
    assert me.status_code == 200 and me.json()["username"] == ha.username
    entry = AuditEntry.objects.filter(action="auth.sign_in", actor_username=ha.username).latest("seq")
    assert entry.data == {"method": "passkey"}
    assert AuditEntry.objects.filter(action="auth.token_issued", actor_username=ha.username).count() == 1
    passkey = Passkey.objects.get(user=ha)
    assert passkey.sign_count == 2 and passkey.last_used_at is not None
    assert Api(token=token).post("/auth/token/revoke").status_code == 204  # revoked like any token


def test_a_challenge_is_spent_by_its_first_answer(ha: User, phone: Authenticator) -> None:
    answer = phone.get(_options())
    assert _token(answer).status_code == 200
    replay = _token(answer)
    assert replay.status_code == 401 and EXPIRED in replay.json()["detail"]
    assert replay.json()["code"] == "passkey_challenge"
    assert ApiToken.objects.filter(user=ha).count() == 1


def test_a_web_pages_challenge_is_not_an_api_one(ha: User, phone: Authenticator) -> None:
    page = Client()
    page_options = page.post("/dang-nhap/khoa/yeu-cau/").content.decode()
    refused = _token(phone.get(page_options))
    assert refused.status_code == 401 and EXPIRED in refused.json()["detail"]
    api_answer = phone.get(_options())
    sign_in = page.post("/dang-nhap/khoa/", json.dumps({"credential": api_answer}), content_type="application/json")
    assert sign_in.status_code == 400 and "_auth_user_id" not in page.session
    assert not ApiToken.objects.exists()


def test_an_expired_challenge_is_refused(settings: Any, ha: User, phone: Authenticator) -> None:
    options = _options()
    settings.QLVB_PASSKEY_CHALLENGE_SECONDS = -1  # every challenge already too old
    refused = _token(phone.get(options))
    assert refused.status_code == 401 and EXPIRED in refused.json()["detail"]


def test_an_unknown_key_and_another_accounts_key_read_the_same(person: Any, ha: User, phone: Authenticator) -> None:
    huong_phone = Authenticator()
    assert _add(_signed_in(person("dothanhhuong").username), huong_phone).status_code == 200
    claimed = _token(phone.get(_options(), user_handle=huong_phone.user_handle))
    unknown = _token(Authenticator().get(_options()))
    assert claimed.status_code == unknown.status_code == 401
    assert claimed.json() == unknown.json() and REFUSED in claimed.json()["detail"]
    assert claimed["WWW-Authenticate"].startswith("Bearer")
    reasons = set(AuditEntry.objects.filter(action="auth.sign_in_failed").values_list("data__reason", flat=True))
    assert {"user_handle_mismatch", "unknown_credential"} <= reasons
    assert not ApiToken.objects.exists()


def test_an_answer_for_another_site_or_unverified_is_refused(ha: User, phone: Authenticator) -> None:
    elsewhere = _token(phone.get(_options(), origin="https://evil.example"))
    assert elsewhere.status_code == 401 and REFUSED in elsewhere.json()["detail"]
    phone.verifies = False  # no fingerprint, face or screen lock checked
    unverified = _token(phone.get(_options()))
    assert unverified.status_code == 401 and REFUSED in unverified.json()["detail"]
    assert not ApiToken.objects.exists()


def test_a_locked_account_gets_no_token(ha: User, phone: Authenticator) -> None:
    ha.is_active = False
    ha.save(update_fields=["is_active"])
    refused = _token(phone.get(_options()))
    assert refused.status_code == 401 and "đã bị khóa" in refused.json()["detail"]
    assert refused.json()["code"] == "locked_out"
    assert not ApiToken.objects.exists()


def test_malformed_answers_are_refused(ha: User, phone: Authenticator) -> None:
    garbage = Api().post("/auth/passkey/token", {"credential": {"id": "x"}})
    assert garbage.status_code == 401 and REFUSED in garbage.json()["detail"]
    missing = Api().post("/auth/passkey/token", {"device": "x"})
    assert missing.status_code == 422
    huge = Api().post("/auth/passkey/token", {"credential": {"id": "x" * 70_000}})
    assert huge.status_code == 401
